-- A unit's scores over waves, following its predecessors where the lineage says so: for a
-- wave before the unit existed, the score over the union of its predecessors' respondents
-- (same competency, scored at the same role level as the unit). Such a wave is shown only
-- when every predecessor's own score was shown that wave: the union then reveals nothing
-- their figures do not, and below the minimum it is hidden like any group.
with own_scores as (
    select survey, wave, wave_date, unit_id, competency, role, score, n, sd, ci_low, ci_high, suppressed,
           'own' as source, null::varchar as predecessors
    from mart_competency_scores
),
first_own_wave as (
    select survey, unit_id, min(wave_date) as first_date from own_scores group by survey, unit_id
),
stitched_waves as (   -- waves before the unit existed, with the predecessors scored at the unit's role
    select
        p.survey, p.wave, p.wave_date, l.unit_id, p.competency, own.role,
        string_agg(distinct p.unit_id, ', ' order by p.unit_id) as predecessors,
        bool_or(p.suppressed) as any_predecessor_suppressed,
        count(distinct p.unit_id) as n_predecessors_scored,
        max(pc.n_predecessors) as n_predecessors
    from dim_unit_lineage as l
    join (select unit_id, count(*) as n_predecessors from dim_unit_lineage group by unit_id) as pc using (unit_id)
    join first_own_wave as f on f.unit_id = l.unit_id
    join mart_competency_scores as p
        on p.unit_id = l.predecessor_id and p.survey = f.survey and p.wave_date < f.first_date
    join (select distinct survey, unit_id, competency, role from own_scores) as own
        on own.survey = p.survey and own.unit_id = l.unit_id and own.competency = p.competency and own.role = p.role
    group by p.survey, p.wave, p.wave_date, l.unit_id, p.competency, own.role
),
union_sums as (
    select s.survey, s.wave, s.unit_id, s.competency,
           count(*) as n, sum(r.score) as sum_score, sum(r.score * r.score) as sum_squares
    from stitched_waves as s
    join dim_unit_lineage as l on l.unit_id = s.unit_id
    join fct_respondent_scores as r
        on r.survey = s.survey and r.wave = s.wave and r.unit_id = l.predecessor_id and r.competency = s.competency
    group by s.survey, s.wave, s.unit_id, s.competency
),
stitched as (
    select
        s.survey, s.wave, s.wave_date, s.unit_id, s.competency, s.role, u.n,
        u.sum_score::double / u.n as mean,
        case when u.n > 1 then sqrt(greatest((u.sum_squares::double - u.sum_score::double ^ 2 / u.n) / (u.n - 1), 0)) end as sd,
        s.any_predecessor_suppressed or s.n_predecessors_scored < s.n_predecessors or u.n < sv.min_group_size as suppressed,
        s.predecessors
    from stitched_waves as s
    join union_sums as u using (survey, wave, unit_id, competency)
    join dim_survey as sv on sv.survey = s.survey
),
stitched_with_interval as (
    select st.*, q.t975 * st.sd / sqrt(st.n) as half_width
    from stitched as st
    left join stg_t_quantiles as q on q.df = least(st.n - 1, (select max(df) from stg_t_quantiles))
)
select * from own_scores
union all
select
    survey, wave, wave_date, unit_id, competency, role,
    case when not suppressed then mean end, n,
    case when not suppressed then sd end,
    case when not suppressed then mean - half_width end,
    case when not suppressed then mean + half_width end,
    suppressed, 'predecessors', predecessors
from stitched_with_interval
