-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- The mean 0-100 score of each item a unit's score is built on, in full (nothing hidden: the
-- suppression stage decides what mart_item_means shows). An area item counts everyone at or
-- below the unit, a direct item the unit's own respondents; a row where anyone answered.
-- Sums per unit and item first, then up the tree (sums add): never one row per answer per ancestor.
-- Joins and groups on the tree's integer unit keys; a filter on the result cannot reach the
-- inputs through them, so the units are only those of the waves this build computes (build_waves).
with units as (
    select t.unit_key, u.survey, u.wave, u.unit_id, u.leader_role
    from dim_unit_wave as u
    join dim_unit_tree as t
        on t.survey = u.survey and t.wave = u.wave and t.unit_id = u.unit_id and t.depth = 0
    semi join build_waves as b
        on b.survey = u.survey and b.wave = u.wave
),
unit_items as (   -- the items mapped to the unit's leader's role and asked in the wave
    select distinct u.unit_key, m.item_code, m.scope
    from units as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = u.survey and asked.wave = u.wave and asked.item_code = m.item_code
),
item_sums as (   -- each unit's own sums, by its key
    select u.unit_key, s.item_code, s.n, s.sum_score
    from fct_unit_item_sums as s
    join units as u
        on u.survey = s.survey and u.wave = s.wave and u.unit_id = s.unit_id
),
rolled_up as (   -- each unit's sums added to every unit above it (and itself, its own)
    select
        t.ancestor_key as unit_key, s.item_code, t.depth = 0 as own,
        sum(s.n) as n, sum(s.sum_score) as sum_score
    from item_sums as s
    join dim_unit_tree as t on t.unit_key = s.unit_key
    group by all
),
unit_item_sums as (   -- an area item: everyone at or below the unit; a direct item: its own
    select
        i.unit_key, i.item_code, i.scope,
        coalesce(sum(r.n), 0)                         as n,
        coalesce(sum(r.n) filter (where r.own), 0)    as n_own,
        sum(r.sum_score)                              as sum_score
    from unit_items as i
    join rolled_up as r
        on r.unit_key = i.unit_key and r.item_code = i.item_code and (i.scope = 'area' or r.own)
    group by all
)
select
    -- keys
    u.survey, u.wave, u.unit_id, r.item_code, r.scope,
    -- group
    r.n, r.n_own,
    -- measures
    r.sum_score::double / r.n / 1e9 as mean   -- sums are in integer 1e-9 points
from unit_item_sums as r
join units as u using (unit_key)
where r.n > 0
