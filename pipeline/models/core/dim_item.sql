select
    -- keys
    survey, item_code,
    -- wording
    text, domain,
    -- scale
    scale_min, scale_max, reversed, missing_codes
from stg_items
