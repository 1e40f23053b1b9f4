-- The items behind a unit's competency score: mean 0-100 score and number of answers per
-- item, over the respondents the item counts for (direct items: the unit's own
-- respondents; area items: everyone at or below it). Suppressed below the survey minimum.
with item_answers as (
    select
        r.survey, r.wave, t.ancestor_id as unit_id, m.competency, m.role, m.item_code, m.scope, r.score
    from fct_responses as r
    join dim_unit_tree as t
        on t.survey = r.survey and t.wave = r.wave and t.unit_id = r.unit_id
    join dim_unit_wave as scored
        on scored.survey = t.survey and scored.wave = t.wave and scored.unit_id = t.ancestor_id
    join dim_item_mapping as m
        on m.survey = r.survey and m.item_code = r.item_code and m.role = scored.leader_role
    where r.score is not null
      and (m.scope = 'area' or t.depth = 0)
),
item_sums as (
    select survey, wave, unit_id, competency, role, item_code, scope,
           count(*) as n, sum(score::decimal(18, 9)) as sum_score
    from item_answers
    group by all
)
select
    -- keys
    s.survey, s.wave, s.unit_id, s.competency, s.role, s.item_code,
    -- attributes
    i.text, s.scope,
    -- measures (NULL when suppressed)
    case when s.n >= sv.min_group_size then s.sum_score::double / s.n end as mean,
    s.n,
    s.n < sv.min_group_size as suppressed
from item_sums as s
join dim_item as i using (survey, item_code)
join dim_survey as sv using (survey)
