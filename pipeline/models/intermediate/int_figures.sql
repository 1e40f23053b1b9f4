-- materialized: view
-- Every figure a published mart can show, with the group behind it and its measure: the
-- one input of the suppression stage (pipeline/disclosure.py). Anything new that publishes a
-- figure about a group of respondents adds its rows here, or it cannot be published.
-- Trends stitched over predecessors are decided from their predecessors' figures (lineage);
-- breakdown cells, by pipeline/breakdowns.py from the unit figures' decisions.
select
    'competency_score' as figure, s.survey, s.wave, s.unit_id, s.competency as key,
    s.n::bigint as n, s.n_own::bigint as n_own, m.own_measure, m.below_measure
from int_competency_scores as s
join int_competency_measures as m using (survey, wave, competency, role)
where s.source = 'own'
union all
select
    'breakdown_score' as figure, survey, wave, unit_id, competency || '|' || grp as key,
    n::bigint as n, n_own::bigint as n_own, measure as own_measure, measure as below_measure
from int_breakdown_sums
where n > 0
union all
select
    'item_mean' as figure, survey, wave, unit_id, item_code || '|' || scope as key,
    n::bigint as n, n_own::bigint as n_own,
    item_code || '*' || printf('%.9f', 1.0) as own_measure,
    case when scope = 'area' then item_code || '*' || printf('%.9f', 1.0) else '' end as below_measure
from int_item_means
union all
select
    'respondent_count' as figure, survey, wave, unit_id, '' as key,
    respondents::bigint as n, n_own::bigint as n_own, '#respondents' as own_measure, '#respondents' as below_measure
from int_response_counts
