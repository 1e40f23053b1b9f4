-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Breakdowns (docs/method.md §4): an area's competency sums per group of the configured
-- background column, for units led by the configured role levels. Only competencies scored on
-- area items alone (the same measure for the area's own respondents and those below it), whose
-- cells the suppression stage can decide (pipeline/breakdowns.py). Sums per unit and group
-- first (stg_unit_group_score_sums), then up the tree: never one row per respondent per ancestor.
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
areas as (
    select u.unit_key, u.survey, u.wave, u.leader_role as role, b.background
    from units as u
    join stg_breakdown_areas as b on b.role = u.leader_role
),
area_competencies as (   -- own and below respondents valued alike: area items only
    select a.*, m.competency, m.own_measure as measure
    from areas as a
    join int_competency_measures as m
        on m.survey = a.survey and m.wave = a.wave and m.role = a.role
    where m.own_measure = m.below_measure
),
unit_group_sums as (   -- each unit's own sums per group, by its key; only the breakdown role levels'
    select u.unit_key, s.grp, s.competency, s.role, s.n, s.sum_score, s.sum_squares
    from stg_unit_group_score_sums as s
    join units as u
        on u.survey = s.survey and u.wave = s.wave and u.unit_id = s.unit_id
    where s.part = 'below'   -- own and below valued alike: the one part transform keeps
),
group_sums as (
    select
        t.ancestor_key as unit_key, s.competency, s.grp,
        sum(s.n)                                          as n,
        coalesce(sum(s.n) filter (where t.depth = 0), 0)  as n_own,
        sum(s.sum_score)                                  as sum_score,
        sum(s.sum_squares)                                as sum_squares
    from unit_group_sums as s
    join dim_unit_tree as t
        on t.unit_key = s.unit_key
    join area_competencies as a
        on a.unit_key = t.ancestor_key and a.competency = s.competency and a.role = s.role
    group by all
)
select
    -- keys
    u.survey, u.wave, u.wave_date, u.unit_id, a.competency, a.role, a.background, g.grp,
    -- the measure (the family of the suppression stage)
    a.measure,
    -- group
    g.n, g.n_own,
    -- sums (integer 1e-9 points)
    g.sum_score, g.sum_squares
from area_competencies as a
join units as u using (unit_key)
join group_sums as g using (unit_key, competency)
