-- Every competency score Sammen can publish, computed in full (docs/method.md §2-§3). Nothing
-- is hidden here: this layer is private, and the suppression stage (pipeline/disclosure.py)
-- decides what mart_unit_trend and mart_competency_scores show. Two kinds of group:
-- - 'own': a unit in a wave, on the items mapped to its leader's role. A row for every unit,
--   wave and competency the mapping gives asked items for, so "too few answers" differs from
--   "not measured" (no row);
-- - 'predecessors': for a unit that replaced others (dim_unit_lineage), each wave before it
--   existed, over the union of its predecessors' respondents at its own role;
-- - 'breakdown': an area's respondents in one group (`grp`) of the configured background column
--   (int_breakdown_sums). `grp` is '' for the other two.
-- The exact integer sums per cell come from int_competency_sums (wave by wave). Mean, SD and
-- the 95 % t-interval are computed here once, from those sums (a rebuild gives the same bits).
with own_cells as (
    select survey, wave, wave_date, unit_id, competency, role
    from int_competency_sums
),
successors as (   -- a unit with predecessors: its role per competency and its first measured wave
    select survey, unit_id, competency, role, min(wave_date) as first_date
    from own_cells
    where unit_id in (select unit_id from dim_unit_lineage)
    group by all
),
stitched_cells as (   -- waves before the successor existed in which a predecessor was measured
    select p.survey, p.wave, p.wave_date, s.unit_id, s.competency, s.role
    from successors as s
    join dim_unit_lineage as l on l.unit_id = s.unit_id
    join own_cells as p
        on p.unit_id = l.predecessor_id and p.survey = s.survey and p.competency = s.competency
       and p.wave_date < s.first_date
    group by all
),
cells as (
    select *, 'own' as source, '' as grp from own_cells
    union all
    select *, 'predecessors' as source, '' as grp from stitched_cells
    union all
    select survey, wave, wave_date, unit_id, competency, role, 'breakdown' as source, grp from int_breakdown_sums
),
own_groups as (
    select survey, wave, unit_id, competency, role, n, n_own, sum_score, sum_squares
    from int_competency_sums
    where n is not null
),
group_sums as (
    select survey, wave, unit_id, competency, 'own' as source, '' as grp, n, n_own, sum_score, sum_squares
    from own_groups
    union all
    select survey, wave, unit_id, competency, 'breakdown' as source, grp, n, n_own, sum_score, sum_squares
    from int_breakdown_sums
    union all
    select s.survey, s.wave, s.unit_id, s.competency, 'predecessors' as source, '' as grp,
           sum(g.n), 0, sum(g.sum_score), sum(g.sum_squares)
    from stitched_cells as s
    join dim_unit_lineage as l on l.unit_id = s.unit_id
    join own_groups as g
        on g.survey = s.survey and g.wave = s.wave and g.unit_id = l.predecessor_id
       and g.competency = s.competency and g.role = s.role
    group by all
),
group_stats as (
    select
        *,
        sum_score::double / n / 1e9 as mean,   -- scores are summed in integer 1e-9 points
        case when n > 1 then sqrt(greatest(
            (n * sum_squares - sum_score * sum_score)::double / (n * (n - 1)), 0)) / 1e9 end as sd
    from group_sums
)
select
    -- keys
    c.survey, c.wave, c.wave_date, c.unit_id, c.competency, c.role, c.source, c.grp,
    -- group
    coalesce(s.n, 0)     as n,
    coalesce(s.n_own, 0) as n_own,
    -- measures
    s.mean                                as score,
    s.sd,
    -- beyond the t table's last df the quantile equals the normal one to five decimals
    s.mean - q.t975 * s.sd / sqrt(s.n)    as ci_low,
    s.mean + q.t975 * s.sd / sqrt(s.n)    as ci_high
from cells as c
left join group_stats as s using (survey, wave, unit_id, competency, source, grp)
left join stg_t_quantiles as q on q.df = least(s.n - 1, (select max(df) from stg_t_quantiles))
