-- Published competency scores over waves, following a unit's predecessors where the lineage
-- says so (source 'predecessors': a wave before the unit existed, scored over the union of its
-- predecessors). What the suppression stage hid (`disclosure`) has no score, n, SD or
-- interval, only suppressed = true. Nothing here decides what is hidden.
select
    -- keys
    s.survey, s.wave, s.wave_date, s.unit_id, s.competency, s.role,
    -- measures (NULL when hidden)
    case when d.shown then s.score end   as score,
    case when d.shown then s.n end       as n,
    case when d.shown then s.sd end      as sd,
    case when d.shown then s.ci_low end  as ci_low,
    case when d.shown then s.ci_high end as ci_high,
    -- anonymity
    not d.shown as suppressed,
    -- lineage
    s.source,
    case when s.source = 'predecessors' then l.predecessors end as predecessors
from int_competency_scores as s
left join (select unit_id, string_agg(predecessor_id, ', ' order by predecessor_id) as predecessors
           from dim_unit_lineage group by unit_id) as l using (unit_id)
join disclosure as d
    on d.figure = case s.source when 'own' then 'competency_score' else 'stitched_score' end
   and d.survey = s.survey and d.wave = s.wave and d.unit_id = s.unit_id and d.key = s.competency
where s.source in ('own', 'predecessors')   -- breakdown cells: mart_breakdown_scores
