select
    survey::varchar     as survey,
    item_code::varchar  as item_code,
    text::varchar       as text,
    domain::varchar     as domain,
    scale_min::integer  as scale_min,
    scale_max::integer  as scale_max,
    reversed::boolean   as reversed,
    missing_codes::integer[] as missing_codes
from src_items
