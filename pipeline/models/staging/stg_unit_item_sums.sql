-- Per unit and wave, the answers to each item on the 0-100 scale and their sum, in integer
-- 1e-9 points (pipeline/transform.py: unit_item_sums).
select
    survey::varchar    as survey,
    wave::varchar      as wave,
    unit_id::varchar   as unit_id,
    item_code::varchar as item_code,
    n::bigint          as n,
    sum_score::hugeint as sum_score
from src_unit_item_sums
