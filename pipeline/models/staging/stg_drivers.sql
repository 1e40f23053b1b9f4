-- Drivkræfter as computed in the pipeline (pipeline/drivers.py): only groups of at least 25
-- respondents, aggregate shares of R² with bootstrap intervals; no respondent data.
select
    survey::varchar       as survey,
    wave::varchar         as wave,
    outcome::varchar      as outcome,
    role::varchar         as role,
    area_unit_id::varchar as area_unit_id,
    competency::varchar   as competency,
    n::integer            as n,
    r2::double            as r2,
    importance::double    as importance,
    ci_low::double        as ci_low,
    ci_high::double       as ci_high
from src_drivers
