select
    survey::varchar         as survey,
    wave::varchar           as wave,
    respondent_key::varchar as respondent_key,
    unit_id::varchar        as unit_id,
    competency::varchar     as competency,
    role::varchar           as role,
    scope::varchar          as scope,
    weighted_sum::double    as weighted_sum,
    weight_total::double    as weight_total,
    n_answered::integer     as n_answered,
    n_items::integer        as n_items
from src_respondent_components
