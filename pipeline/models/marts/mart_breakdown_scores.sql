-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Published breakdowns (docs/method.md §4): an area's competency score per group of the
-- configured background column (`background`), per survey wave. What the suppression stage hid
-- (`disclosure`, decided by pipeline/breakdowns.py) has no score, n, SD or interval, only
-- suppressed = true. Nothing here decides what is hidden.
select
    -- keys
    s.survey, s.wave, s.wave_date, s.unit_id, s.competency, s.role, b.background, s.grp,
    -- measures (NULL when hidden)
    case when d.shown then s.score end   as score,
    case when d.shown then s.n end       as n,
    case when d.shown then s.sd end      as sd,
    case when d.shown then s.ci_low end  as ci_low,
    case when d.shown then s.ci_high end as ci_high,
    -- anonymity
    not d.shown as suppressed
from int_competency_scores as s
join stg_breakdown_areas as b on b.role = s.role
join disclosure as d
    on d.figure = 'breakdown_score' and d.survey = s.survey and d.wave = s.wave and d.unit_id = s.unit_id
   and d.key = s.competency || '|' || s.grp
where s.source = 'breakdown'
