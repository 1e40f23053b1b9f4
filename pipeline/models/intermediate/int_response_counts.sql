-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Respondents per unit and wave (at or below the unit) beside the headcount at or below it on
-- the wave's date (each unit's latest count on or before that date), in full: the suppression
-- stage decides what mart_response_rates shows. No rate where a unit below lacks a headcount.
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
)
select
    -- keys
    t.survey, t.wave, t.ancestor_id as unit_id,
    -- group
    coalesce(sum(r.respondents), 0)                          as respondents,
    coalesce(sum(r.respondents) filter (where t.depth = 0), 0) as n_own,
    -- headcount
    sum(h.headcount)                                         as headcount,
    count(*) filter (where h.headcount is null)              as units_without_headcount
from dim_unit_tree as t
left join own_respondents as r on r.survey = t.survey and r.wave = t.wave and r.unit_id = t.unit_id
left join own_headcount as h on h.survey = t.survey and h.wave = t.wave and h.unit_id = t.unit_id
group by t.survey, t.wave, t.ancestor_id
