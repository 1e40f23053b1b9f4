-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Per unit, breakdown group and measure of a breakdown cell: the unit's own respondents valued
-- by that measure. This is what a colleague knows (who works where, in which group), and what
-- the suppression stage and its audit place in the breakdown graph (pipeline/breakdowns.py).
-- One (competency, role) of a measure stands for all: the same items, so the same n.
with cell_measures as (
    select distinct survey, wave, competency, role, measure
    from int_breakdown_sums
)
select
    -- keys
    s.survey, s.wave, s.unit_id, s.grp, m.measure,
    -- group
    max(s.n) as n
from stg_unit_group_score_sums as s
join cell_measures as m using (survey, wave, competency, role)
group by all
