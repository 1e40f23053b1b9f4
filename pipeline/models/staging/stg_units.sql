select
    unit_id::varchar     as unit_id,
    unit_name::varchar   as unit_name,
    parent_id::varchar   as parent_id,
    level::varchar       as level,
    leader_role::varchar as leader_role,
    valid_from::date     as valid_from,
    valid_to::date       as valid_to
from src_units
