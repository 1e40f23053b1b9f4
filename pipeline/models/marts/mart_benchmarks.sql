-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Comparison levels for a unit: the mean of the shown (not suppressed) unit scores at the
-- same role level within an area (any unit above) and in the whole kommune. Only shown
-- scores go in, so a benchmark reveals nothing about a suppressed unit.
with shown_scores as (
    select survey, wave, unit_id, competency, role, score
    from mart_competency_scores
    where not suppressed
),
within_area as (
    select
        t.survey, t.wave, t.ancestor_id as area_unit_id, s.competency, s.role,
        avg(s.score::decimal(18, 9))::double as score,   -- exact sum: the same bits however threads add
        count(*)     as n_units
    from shown_scores as s
    join dim_unit_tree as t
        on t.survey = s.survey and t.wave = s.wave and t.unit_id = s.unit_id
    group by all
)
select
    -- keys
    a.survey, a.wave, a.area_unit_id, a.competency, a.role,
    -- attributes
    u.parent_id is null as is_kommune,
    -- measures
    a.score, a.n_units
from within_area as a
join dim_unit_wave as u
    on u.survey = a.survey and u.wave = a.wave and u.unit_id = a.area_unit_id
