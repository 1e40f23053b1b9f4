-- A respondent's score on a competency for each unit they count for (docs/method.md §2-§3):
-- their own unit (depth 0) and every unit above it, on the items mapped to the role level
-- of that unit's leader; direct items only for their own unit. Kept only when at least half
-- of those items (counted, not weighted) were answered. Stored as an exact decimal so that
-- sums over respondents do not depend on the order threads add them in.
with respondent_units as (
    select
        c.survey, c.wave, t.ancestor_id as unit_id, t.depth, c.competency, c.role, c.respondent_key,
        c.weighted_sum, c.weight_total, c.n_answered, c.n_items
    from fct_respondent_components as c
    join dim_unit_tree as t
        on t.survey = c.survey and t.wave = c.wave and t.unit_id = c.unit_id
    join dim_unit_wave as scored
        on scored.survey = t.survey and scored.wave = t.wave and scored.unit_id = t.ancestor_id
    where c.role = scored.leader_role
      and (c.scope = 'area' or t.depth = 0)
)
select
    -- keys
    survey, wave, unit_id, competency, role, respondent_key,
    -- attributes
    min(depth) = 0 as is_own_unit,
    -- measures
    round(sum(weighted_sum) / sum(weight_total), 9)::decimal(18, 9) as score
from respondent_units
group by survey, wave, unit_id, competency, role, respondent_key
having 2 * sum(n_answered) >= sum(n_items) and sum(n_answered) > 0
