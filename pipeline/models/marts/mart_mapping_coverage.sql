-- Evidence per competency x role cell: how many items, from which surveys.
with cells as (
    select c.competency, c.position as competency_position, r.role, r.rank as role_rank
    from dim_competency as c cross join dim_role as r
),
evidence as (
    select competency, role,
           count(*) as n_items,
           count(*) filter (where scope = 'direct') as n_direct,
           count(*) filter (where scope = 'area')   as n_area,
           string_agg(distinct survey, ', ' order by survey) as surveys
    from dim_item_mapping
    group by competency, role
)
select
    cells.competency, cells.role,
    coalesce(e.n_items, 0)  as n_items,
    coalesce(e.n_direct, 0) as n_direct,
    coalesce(e.n_area, 0)   as n_area,
    e.surveys,
    cells.competency_position, cells.role_rank
from cells
left join evidence as e using (competency, role)
order by cells.competency_position, cells.role_rank
