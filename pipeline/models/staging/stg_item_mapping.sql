select
    survey::varchar     as survey,
    item_code::varchar  as item_code,
    competency::varchar as competency,
    role::varchar       as role,
    weight::double      as weight,
    scope::varchar      as scope,
    line::integer       as mapping_line
from src_item_mapping
