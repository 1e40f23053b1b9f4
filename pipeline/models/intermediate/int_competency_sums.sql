-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Every competency cell Sammen can score with its exact integer sums (docs/method.md §2-§3): a
-- unit in a wave, on the items mapped to its leader's role, over its own respondents (part 'own')
-- and those of every unit below ('below'). A row for every unit, wave and competency the mapping
-- gives asked items for; no sums where nobody answered. Sums per unit first
-- (fct_unit_competency_sums), then up the tree: never one row per respondent per ancestor.
with own_cells as (
    select distinct
        u.survey, u.wave, u.wave_date, u.unit_id, m.competency, u.leader_role as role
    from dim_unit_wave as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = m.survey and asked.wave = u.wave and asked.item_code = m.item_code
),
own_groups as (   -- sums add: the unit's own respondents (part 'own') and those of every unit below ('below')
    select
        c.survey, c.wave, c.unit_id, c.competency, c.role,
        sum(s.n)                                 as n,
        coalesce(sum(s.n) filter (where t.depth = 0), 0) as n_own,
        sum(s.sum_score)                         as sum_score,
        sum(s.sum_squares)                       as sum_squares
    from own_cells as c
    join dim_unit_tree as t
        on t.survey = c.survey and t.wave = c.wave and t.ancestor_id = c.unit_id
    join fct_unit_competency_sums as s
        on s.survey = t.survey and s.wave = t.wave and s.unit_id = t.unit_id
       and s.competency = c.competency and s.role = c.role
       and s.part = case when t.depth = 0 then 'own' else 'below' end
    group by all
)
select
    -- keys
    c.survey, c.wave, c.wave_date, c.unit_id, c.competency, c.role,
    -- group
    g.n, g.n_own,
    -- sums (integer 1e-9 points)
    g.sum_score, g.sum_squares
from own_cells as c
left join own_groups as g using (survey, wave, unit_id, competency, role)
