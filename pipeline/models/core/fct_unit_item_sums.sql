-- materialized: view
-- Per unit, wave and item: the unit's own answers on the 0-100 scale and their exact sum.
select
    -- keys
    survey, wave, unit_id, item_code,
    -- measures
    n, sum_score
from stg_unit_item_sums
