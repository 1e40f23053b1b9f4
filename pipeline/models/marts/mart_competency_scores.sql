-- Competency score per unit, survey wave and competency (design/scoring.md §2-§4).
-- A row for every unit, wave and competency the mapping gives asked items for at the
-- role level of the unit's leader, so "too few answers" differs from "not measured".
-- This applies the first rule (n below the minimum); pipeline/score.py then hides further
-- groups (complementary suppression) in this table before anything reads it.
with unit_sums as (
    select
        survey, wave, unit_id, competency,
        count(*)             as n,
        sum(score)           as sum_score,
        sum(score * score)   as sum_squares
    from fct_respondent_scores
    group by survey, wave, unit_id, competency
),
unit_scores as (
    -- mean and sample SD from exact sums: a rebuild gives the same bits
    select
        survey, wave, unit_id, competency, n,
        sum_score::double / n as mean,
        case when n > 1 then sqrt(greatest(
            (sum_squares::double - sum_score::double * sum_score::double / n) / (n - 1), 0)) end as sd
    from unit_sums
),
measured_cells as (
    select distinct
        u.survey, u.wave, u.wave_date, u.unit_id, m.competency, u.leader_role as role
    from dim_unit_wave as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = m.survey and asked.wave = u.wave and asked.item_code = m.item_code
),
with_interval as (
    select
        cell.*,
        coalesce(s.n, 0) as n,
        s.mean, s.sd,
        q.t975 * s.sd / sqrt(s.n) as half_width,
        coalesce(s.n, 0) < sv.min_group_size as suppressed
    from measured_cells as cell
    left join unit_scores as s
        on s.survey = cell.survey and s.wave = cell.wave
       and s.unit_id = cell.unit_id and s.competency = cell.competency
    join dim_survey as sv on sv.survey = cell.survey
    -- beyond the table's last df the quantile equals the normal one to five decimals
    left join stg_t_quantiles as q on q.df = least(s.n - 1, (select max(df) from stg_t_quantiles))
)
select
    -- keys
    survey, wave, wave_date, unit_id, competency, role,
    -- measures (NULL when suppressed: nothing computed from a small group is shown)
    case when not suppressed then mean end               as score,
    n,
    case when not suppressed then sd end                 as sd,
    case when not suppressed then mean - half_width end  as ci_low,
    case when not suppressed then mean + half_width end  as ci_high,
    -- anonymity
    suppressed
from with_interval
