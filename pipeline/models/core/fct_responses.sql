-- materialized: view
-- One row per respondent and asked item: the raw code and its 0-100 score (docs/method.md §1,
-- computed once by pipeline/transform.py, looked up per code in stg_score_scale). A view over the
-- wide answers, so the warehouse stores each answer once; scoring reads the per-unit sums
-- (fct_unit_competency_sums, fct_unit_item_sums).
select
    -- keys
    a.survey, a.wave, a.unit_id, a.respondent_key, a.item_code,
    -- measures
    a.value,
    s.score
from stg_answers as a
join dim_wave_item as wi using (survey, wave, item_code)
left join stg_score_scale as s using (survey, item_code, value)
