-- Every competency score Sammen can publish, computed in full (docs/method.md §2-§3). Nothing
-- is hidden here: this layer is private, and the suppression stage (pipeline/disclosure.py)
-- decides what mart_unit_trend and mart_competency_scores show. Two kinds of group:
-- - 'own': a unit in a wave, on the items mapped to its leader's role. A row for every unit,
--   wave and competency the mapping gives asked items for, so "too few answers" differs from
--   "not measured" (no row);
-- - 'predecessors': for a unit that replaced others (dim_unit_lineage), each wave before it
--   existed, over the union of its predecessors' respondents at its own role.
-- Mean, SD and the 95 % t-interval are computed here once, from exact sums (a rebuild gives
-- the same bits).
with own_cells as (
    select distinct
        u.survey, u.wave, u.wave_date, u.unit_id, m.competency, u.leader_role as role
    from dim_unit_wave as u
    join dim_item_mapping as m
        on m.survey = u.survey and m.role = u.leader_role
    join dim_wave_item as asked
        on asked.survey = m.survey and asked.wave = u.wave and asked.item_code = m.item_code
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
    select *, 'own' as source from own_cells
    union all
    select *, 'predecessors' as source from stitched_cells
),
members as (      -- the respondents behind each group, with their score
    select survey, wave, unit_id, competency, 'own' as source, is_own_unit, score
    from fct_respondent_scores
    union all
    select r.survey, r.wave, s.unit_id, s.competency, 'predecessors' as source, false as is_own_unit, r.score
    from stitched_cells as s
    join dim_unit_lineage as l on l.unit_id = s.unit_id
    join fct_respondent_scores as r
        on r.survey = s.survey and r.wave = s.wave and r.unit_id = l.predecessor_id
       and r.competency = s.competency and r.role = s.role
),
group_sums as (
    select
        survey, wave, unit_id, competency, source,
        count(*)                            as n,
        count(*) filter (where is_own_unit) as n_own,
        sum(score)                          as sum_score,
        sum(score * score)                  as sum_squares
    from members
    group by all
),
group_stats as (
    select
        *,
        sum_score::double / n as mean,
        case when n > 1 then sqrt(greatest(
            (sum_squares::double - sum_score::double * sum_score::double / n) / (n - 1), 0)) end as sd
    from group_sums
)
select
    -- keys
    c.survey, c.wave, c.wave_date, c.unit_id, c.competency, c.role, c.source,
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
left join group_stats as s using (survey, wave, unit_id, competency, source)
left join stg_t_quantiles as q on q.df = least(s.n - 1, (select max(df) from stg_t_quantiles))
