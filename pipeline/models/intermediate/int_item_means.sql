-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- The mean 0-100 score of each item a unit's score is built on, in full (nothing hidden: the
-- suppression stage decides what mart_item_means shows). An area item counts everyone at or
-- below the unit, a direct item the unit's own respondents; a row where anyone answered.
-- Sums per unit and item first, then up the tree (sums add): never one row per answer per ancestor.
with unit_items as (   -- the items mapped to the unit's leader's role and asked in the wave
    select distinct u.survey, u.wave, u.unit_id, m.item_code, m.scope
    from dim_unit_wave as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = u.survey and asked.wave = u.wave and asked.item_code = m.item_code
),
rolled_up as (
    select
        i.survey, i.wave, i.unit_id, i.item_code, i.scope,
        coalesce(sum(o.n), 0)                                as n,
        coalesce(sum(o.n) filter (where t.depth = 0), 0)     as n_own,
        sum(o.sum_score)                                     as sum_score
    from unit_items as i
    join dim_unit_tree as t
        on t.survey = i.survey and t.wave = i.wave and t.ancestor_id = i.unit_id
       and (i.scope = 'area' or t.depth = 0)
    left join fct_unit_item_sums as o
        on o.survey = t.survey and o.wave = t.wave and o.unit_id = t.unit_id and o.item_code = i.item_code
    group by all
)
select
    -- keys
    survey, wave, unit_id, item_code, scope,
    -- group
    n, n_own,
    -- measures
    sum_score::double / n / 1e9 as mean   -- sums are in integer 1e-9 points
from rolled_up
where n > 0
