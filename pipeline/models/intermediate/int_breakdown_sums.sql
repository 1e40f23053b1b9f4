-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Breakdowns (docs/method.md §4): an area's competency sums per group of the configured
-- background column, for units led by the configured role levels. Only competencies scored on
-- area items alone (the same measure for the area's own respondents and those below it), whose
-- cells the suppression stage can decide (pipeline/breakdowns.py). Sums per unit and group
-- first (stg_unit_group_score_sums), then up the tree: never one row per respondent per ancestor.
with areas as (
    select u.survey, u.wave, u.wave_date, u.unit_id, u.leader_role as role, b.background
    from dim_unit_wave as u
    join stg_breakdown_areas as b on b.role = u.leader_role
),
area_competencies as (   -- own and below respondents valued alike: area items only
    select a.*, m.competency, m.own_measure as measure
    from areas as a
    join int_competency_measures as m
        on m.survey = a.survey and m.wave = a.wave and m.role = a.role
    where m.own_measure = m.below_measure
),
group_sums as (
    select
        a.survey, a.wave, a.unit_id, a.competency, s.grp,
        sum(s.n)                                          as n,
        coalesce(sum(s.n) filter (where t.depth = 0), 0)  as n_own,
        sum(s.sum_score)                                  as sum_score,
        sum(s.sum_squares)                                as sum_squares
    from area_competencies as a
    join dim_unit_tree as t
        on t.survey = a.survey and t.wave = a.wave and t.ancestor_id = a.unit_id
    join stg_unit_group_score_sums as s
        on s.survey = t.survey and s.wave = t.wave and s.unit_id = t.unit_id
       and s.competency = a.competency and s.role = a.role
       and s.part = 'below'   -- own and below valued alike: the one part transform keeps
    group by all
)
select
    -- keys
    a.survey, a.wave, a.wave_date, a.unit_id, a.competency, a.role, a.background, g.grp,
    -- the measure (the family of the suppression stage)
    a.measure,
    -- group
    g.n, g.n_own,
    -- sums (integer 1e-9 points)
    g.sum_score, g.sum_squares
from area_competencies as a
join group_sums as g using (survey, wave, unit_id, competency)
