-- materialized: view
-- One row per respondent and asked item: the raw code and its 0-100 score
-- (docs/method.md §1). Kept as a view over the wide answers, so the warehouse
-- stores each answer once; the scoring path reads fct_respondent_components.
with asked_answers as (
    select a.*
    from stg_answers as a
    join dim_wave_item as wi using (survey, wave, item_code)
),
on_common_scale as (
    select
        a.survey, a.wave, a.unit_id, a.respondent_key, a.item_code, a.value,
        case when a.value between i.scale_min and i.scale_max
             then (a.value - i.scale_min) / (i.scale_max - i.scale_min) * 100 end as scaled,
        i.reversed
    from asked_answers as a
    join dim_item as i using (survey, item_code)
)
select
    -- keys
    survey, wave, unit_id, respondent_key, item_code,
    -- measures
    value,
    case when reversed then 100 - scaled else scaled end as score
from on_common_scale
