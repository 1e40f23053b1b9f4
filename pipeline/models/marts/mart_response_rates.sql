-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Published response rate per unit and wave: respondents at or below the unit over the
-- headcount at or below it. The respondent count is a figure about a group: where the
-- suppression stage hid it, so is the rate (the headcount would give it back).
select
    -- keys
    r.survey, r.wave, r.unit_id,
    -- measures (NULL when hidden)
    case when d.shown then r.respondents end as respondents,
    r.headcount,
    case when d.shown and r.units_without_headcount = 0 and r.headcount > 0
         then r.respondents::double / r.headcount end as response_rate,   -- over 1: a stale headcount
    -- flags
    not d.shown as suppressed,
    coalesce(d.shown and r.units_without_headcount = 0 and r.headcount > 0
             and r.respondents::double / r.headcount < 0.6, false) as low_rate
from int_response_counts as r
join disclosure as d
    on d.figure = 'respondent_count' and d.survey = r.survey and d.wave = r.wave and d.unit_id = r.unit_id
