-- Per unit, wave and breakdown group (the configured background column, `breakdowns.by`), the
-- sums of its own respondents' area-item competency scores (part 'below') for the breakdown role levels
-- (pipeline/transform.py: breakdown_scores, unit_score_sums). Scores in integer 1e-9 points.
select
    survey::varchar       as survey,
    wave::varchar         as wave,
    unit_id::varchar      as unit_id,
    grp::varchar          as grp,
    competency::varchar   as competency,
    role::varchar         as role,
    part::varchar         as part,
    n::bigint             as n,
    sum_score::hugeint    as sum_score,
    sum_squares::hugeint  as sum_squares
from src_unit_group_score_sums
