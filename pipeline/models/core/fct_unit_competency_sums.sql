-- materialized: view
-- Per unit, wave, competency, role level and part: how many of the unit's own respondents have
-- a score, and the exact sums of their scores and squares (docs/method.md §2-§3). Part 'own'
-- values them for their own unit (all the role's items), 'below' for the units above (area
-- items). Units add these up the tree (int_competency_scores).
select
    -- keys
    survey, wave, unit_id, competency, role, part,
    -- measures
    n, sum_score, sum_squares
from stg_unit_score_sums
