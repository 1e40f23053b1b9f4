-- Per unit and wave, the sums of its own respondents' competency scores by role level and part
-- (pipeline/transform.py: respondent_scores, unit_score_sums). Scores in integer 1e-9 points.
select
    survey::varchar       as survey,
    wave::varchar         as wave,
    unit_id::varchar      as unit_id,
    competency::varchar   as competency,
    role::varchar         as role,
    part::varchar         as part,
    n::bigint             as n,
    sum_score::hugeint    as sum_score,
    sum_squares::hugeint  as sum_squares
from src_unit_score_sums
