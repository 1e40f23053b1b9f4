-- Who belongs to whose area: every unit with itself and each unit above it in its latest place
-- in the hierarchy. Access is decided by exact ids in this table (dashboard/access.py).
with recursive ancestry as (
    select unit_id, unit_id as area_unit_id, 0 as distance, parent_id as next_up
    from mart_units
    union all
    select a.unit_id, a.next_up, a.distance + 1, u.parent_id
    from ancestry as a
    join mart_units as u on u.unit_id = a.next_up
)
select
    -- keys
    area_unit_id, unit_id,
    -- attributes
    distance
from ancestry
