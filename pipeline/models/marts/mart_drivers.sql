-- Drivkræfter per survey wave, outcome and role level: each competency's share of the explained
-- variance (R²) of the outcome, with its 95 % bootstrap interval, for the kommune
-- (area_unit_id null) and each area led by a Chef or Direktør with at least 25 respondents.
select
    -- keys
    d.survey, d.wave, d.outcome, d.role, d.area_unit_id, d.competency,
    -- measures
    d.n, d.r2, d.importance, d.ci_low, d.ci_high,
    -- attributes
    c.position as competency_position
from stg_drivers as d
join dim_competency as c using (competency)
