-- Units for navigation: each unit's latest version, with a sort path that follows the
-- hierarchy (parents before children) and whether the unit still exists. The sort path is
-- for ordering only; who belongs to an area comes from mart_unit_areas, never from strings.
with recursive latest as (
    select * exclude (version_rank)
    from (select *, row_number() over (partition by unit_id order by valid_from desc) as version_rank from dim_unit)
    where version_rank = 1
),
sibling_rank as (
    -- ids of any length or characters: rank siblings (numeric-looking ids in numeric order)
    select unit_id, parent_id,
           lpad(row_number() over (partition by parent_id order by length(unit_id), unit_id)::varchar, 9, '0') as step
    from latest
),
hierarchy as (
    select unit_id, parent_id, 0 as depth, step as sort_path
    from sibling_rank where parent_id is null
    union all
    select s.unit_id, s.parent_id, h.depth + 1, h.sort_path || '/' || s.step
    from sibling_rank as s
    join hierarchy as h on s.parent_id = h.unit_id
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
