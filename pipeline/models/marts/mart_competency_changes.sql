-- Change between consecutive waves of a survey, per unit and competency (docs/method.md §3),
-- across a reorganisation too (mart_unit_trend follows a unit's predecessors):
-- difference of means with a Welch 95 % interval; "significant" only when the interval
-- excludes 0 and neither wave is suppressed. Welch degrees of freedom are rounded down
-- for the t table, which widens the interval very slightly (conservative).
with ordered_waves as (
    select survey, wave, wave_date,
           lag(wave) over (partition by survey order by wave_date) as previous_wave
    from dim_wave
),
pairs as (
    select
        cur.survey, cur.unit_id, cur.competency, cur.role,
        w.previous_wave as from_wave, cur.wave as to_wave, w.wave_date as to_wave_date,
        prev.score as from_score, prev.sd as from_sd, prev.n as from_n, prev.suppressed as from_suppressed,
        cur.score as to_score, cur.sd as to_sd, cur.n as to_n, cur.suppressed as to_suppressed
    from mart_unit_trend as cur
    join ordered_waves as w on w.survey = cur.survey and w.wave = cur.wave
    join mart_unit_trend as prev
        on prev.survey = cur.survey and prev.wave = w.previous_wave
       and prev.unit_id = cur.unit_id and prev.competency = cur.competency
),
welch as (
    select *,
        to_score - from_score as difference,
        sqrt(from_sd ^ 2 / from_n + to_sd ^ 2 / to_n) as se,
        case when from_sd = 0 and to_sd = 0 then (from_n + to_n - 2)::double   -- no spread: the interval is
             else (from_sd ^ 2 / from_n + to_sd ^ 2 / to_n) ^ 2                -- the difference itself, any df
                  / ((from_sd ^ 2 / from_n) ^ 2 / (from_n - 1) + (to_sd ^ 2 / to_n) ^ 2 / (to_n - 1)) end as df
    from pairs
    where not from_suppressed and not to_suppressed
)
select
    -- keys
    p.survey, p.unit_id, p.competency, p.role, p.from_wave, p.to_wave, p.to_wave_date,
    -- measures
    w.difference,
    w.difference - q.t975 * w.se as ci_low,
    w.difference + q.t975 * w.se as ci_high,
    w.df,
    -- verdict
    coalesce(w.difference - q.t975 * w.se > 0 or w.difference + q.t975 * w.se < 0, false) as significant,
    p.from_suppressed or p.to_suppressed as suppressed
from pairs as p
left join welch as w
    on w.survey = p.survey and w.unit_id = p.unit_id and w.competency = p.competency and w.to_wave = p.to_wave
left join stg_t_quantiles as q
    on q.df = greatest(1, least(floor(w.df)::integer, (select max(df) from stg_t_quantiles)))
