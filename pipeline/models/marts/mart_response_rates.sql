-- Response rate per unit and wave: respondents at or below the unit over the headcount at
-- or below it on the wave's date (each unit's latest count on or before that date). No
-- rate where a unit below lacks a headcount. The respondent count is a figure about a
-- group too: shown only from the minimum up (and pipeline/score.py hides further counts
-- that subtraction would reveal).
with own_respondents as (
    select survey, wave, unit_id, count(*) as respondents
    from fct_respondents
    group by survey, wave, unit_id
),
own_headcount as (
    select w.survey, w.wave, h.unit_id, arg_max(h.headcount, h.headcount_date) as headcount
    from dim_wave as w
    join stg_headcount as h on h.headcount_date <= w.wave_date
    group by w.survey, w.wave, h.unit_id
),
rolled_up as (
    select
        t.survey, t.wave, t.ancestor_id as unit_id,
        coalesce(sum(r.respondents), 0)             as respondents,
        sum(h.headcount)                            as headcount,
        count(*) filter (where h.headcount is null) as units_without_headcount
    from dim_unit_tree as t
    left join own_respondents as r on r.survey = t.survey and r.wave = t.wave and r.unit_id = t.unit_id
    left join own_headcount as h on h.survey = t.survey and h.wave = t.wave and h.unit_id = t.unit_id
    group by t.survey, t.wave, t.ancestor_id
)
select
    -- keys
    r.survey, r.wave, r.unit_id,
    -- measures (NULL when suppressed)
    case when r.respondents >= s.min_group_size then r.respondents end as respondents,
    r.headcount,
    case when r.respondents >= s.min_group_size and r.units_without_headcount = 0 and r.headcount > 0
         then r.respondents::double / r.headcount end as response_rate,   -- over 1: a stale headcount
    -- flags
    r.respondents < s.min_group_size as suppressed,
    r.respondents >= s.min_group_size and r.units_without_headcount = 0 and r.headcount > 0
        and r.respondents::double / r.headcount < 0.6 as low_rate,
    r.respondents as n
from rolled_up as r
join dim_survey as s using (survey)
