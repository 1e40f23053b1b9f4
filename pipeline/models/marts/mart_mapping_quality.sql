-- Mapping quality per competency x role cell: how many items, which of the framework's
-- behaviours they evidence, and the internal consistency (Cronbach's alpha) of the items in
-- each survey's latest wave, with a warning below 0.7.
with behaviours as (
    select b.competency, b.role,
           count(*) as n_behaviours,
           count(*) filter (where e.position is not null) as n_evidenced,
           string_agg(b.position::varchar, ', ' order by b.position) filter (where e.position is null) as without_evidence
    from dim_behaviour as b
    left join (select distinct competency, role, position from dim_behaviour_evidence) as e using (competency, role, position)
    group by b.competency, b.role
),
latest_alpha as (
    select a.survey, a.competency, a.role, a.wave, a.n_items, a.n_respondents, a.alpha
    from fct_cell_alpha as a
    qualify row_number() over (partition by a.survey, a.competency, a.role order by a.wave desc) = 1
),
alpha_by_cell as (
    select competency, role,
           string_agg(survey || ' ' || wave || ': ' || coalesce(replace(printf('%.2f', alpha), '.', ','), '–'), '; '
                      order by survey) as alphas,
           min(alpha) as lowest_alpha,
           string_agg(survey, ', ' order by survey) filter (where alpha < 0.7) as below_07
    from latest_alpha
    group by competency, role
)
select
    -- keys
    c.competency, c.role,
    -- evidence
    c.n_items, b.n_behaviours, b.n_evidenced, b.without_evidence,
    -- consistency
    a.alphas, a.lowest_alpha, a.below_07,
    a.below_07 is not null as alpha_warning,
    c.competency_position, c.role_rank
from mart_mapping_coverage as c
join behaviours as b using (competency, role)
left join alpha_by_cell as a using (competency, role)
order by c.competency_position, c.role_rank
