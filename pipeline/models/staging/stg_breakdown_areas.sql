-- The role levels whose units get breakdowns, and by which background column (config:
-- `breakdowns.areas` and `breakdowns.by`). No rows: no breakdowns.
select role::varchar as role, background::varchar as background
from src_breakdown_areas
