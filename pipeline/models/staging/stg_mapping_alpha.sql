select survey::varchar as survey, wave::varchar as wave, competency::varchar as competency, role::varchar as role,
       n_items::integer as n_items, n_respondents::bigint as n_respondents, alpha::double as alpha
from src_mapping_alpha
