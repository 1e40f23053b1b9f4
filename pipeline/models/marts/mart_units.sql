-- Units for navigation: each unit's latest version, with a sort path that follows the
-- hierarchy (parents before children) and whether the unit still exists.
with recursive latest as (
    select * exclude (version_rank)
    from (select *, row_number() over (partition by unit_id order by valid_from desc) as version_rank from dim_unit)
    where version_rank = 1
),
hierarchy as (
    select unit_id, parent_id, 0 as depth, lpad(unit_id, 12, '0') as sort_path
    from latest where parent_id is null
    union all
    select l.unit_id, l.parent_id, h.depth + 1, h.sort_path || '/' || lpad(l.unit_id, 12, '0')
    from latest as l
    join hierarchy as h on l.parent_id = h.unit_id
)
select
    -- keys
    l.unit_id, l.parent_id,
    -- attributes
    l.unit_name, l.level, l.leader_role, h.depth, h.sort_path,
    l.valid_to is null as is_current
from latest as l
join hierarchy as h using (unit_id)
order by h.sort_path
