-- One row per version of a unit (a rename or move starts a new version).
select
    -- keys
    unit_id, parent_id,
    -- attributes
    unit_name, level, leader_role,
    -- validity
    valid_from, valid_to
from stg_units
