-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Every competency cell Sammen can score with its exact integer sums (docs/method.md §2-§3): a
-- unit in a wave, on the items mapped to its leader's role, over its own respondents (part 'own')
-- and those of every unit below ('below'). A row for every unit, wave and competency the mapping
-- gives asked items for; no sums where nobody answered. Sums per unit first
-- (fct_unit_competency_sums), then up the tree: never one row per respondent per ancestor.
-- Joins and groups on the tree's integer unit keys; a filter on the result cannot reach the
-- inputs through them, so the units are only those of the waves this build computes (build_waves).
with units as (
    select t.unit_key, u.survey, u.wave, u.wave_date, u.unit_id, u.leader_role
    from dim_unit_wave as u
    join dim_unit_tree as t
        on t.survey = u.survey and t.wave = u.wave and t.unit_id = u.unit_id and t.depth = 0
    semi join build_waves as b
        on b.survey = u.survey and b.wave = u.wave
),
own_cells as (
    select distinct u.unit_key, m.competency, u.leader_role as role
    from units as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = m.survey and asked.wave = u.wave and asked.item_code = m.item_code
),
unit_sums as (   -- each unit's own sums, by its key
    select u.unit_key, s.competency, s.role, s.part, s.n, s.sum_score, s.sum_squares
    from fct_unit_competency_sums as s
    join units as u
        on u.survey = s.survey and u.wave = s.wave and u.unit_id = s.unit_id
),
own_groups as (   -- sums add: the unit's own respondents (part 'own') and those of every unit below ('below'),
                  -- valued for the role level of the unit they add up to
    select
        t.ancestor_key as unit_key, s.competency, s.role,
        sum(s.n)                                         as n,
        coalesce(sum(s.n) filter (where t.depth = 0), 0) as n_own,
        sum(s.sum_score)                                 as sum_score,
        sum(s.sum_squares)                               as sum_squares
    from unit_sums as s
    join dim_unit_tree as t
        on t.unit_key = s.unit_key and s.part = case when t.depth = 0 then 'own' else 'below' end
    join units as a
        on a.unit_key = t.ancestor_key and a.leader_role = s.role
    group by all
)
select
    -- keys
    u.survey, u.wave, u.wave_date, u.unit_id, c.competency, c.role,
    -- group
    g.n, g.n_own,
    -- sums (integer 1e-9 points)
    g.sum_score, g.sum_squares
from own_cells as c
join units as u using (unit_key)
left join own_groups as g using (unit_key, competency, role)
