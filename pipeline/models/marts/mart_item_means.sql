-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Published item means: the items behind a unit's competency scores, with the mean 0-100
-- score and the number of answers, blanked where the suppression stage hid them.
-- The role comes first (a materialised CTE): joined to the mapping before its unit's role is
-- known, every item mean would meet every role's mapping rows (400,000: 42 M rows, not 11 M).
with decided as materialized (   -- each unit's item mean with its leader's role and its decision
    select i.survey, i.wave, i.unit_id, i.item_code, i.scope, i.mean, i.n, u.leader_role, d.shown
    from int_item_means as i
    join dim_unit_wave as u using (survey, wave, unit_id)
    join disclosure as d
        on d.figure = 'item_mean' and d.survey = i.survey and d.wave = i.wave and d.unit_id = i.unit_id
       and d.key = i.item_code || '|' || i.scope
)
select
    -- keys
    i.survey, i.wave, i.unit_id, m.competency, m.role, i.item_code,
    -- attributes
    it.text, i.scope,
    -- measures (NULL when hidden)
    case when i.shown then i.mean end as mean,
    case when i.shown then i.n end    as n,
    -- anonymity
    not i.shown as suppressed
from decided as i
join dim_item_mapping as m
    on m.survey = i.survey and m.item_code = i.item_code and m.role = i.leader_role and m.scope = i.scope
join dim_item as it on it.survey = i.survey and it.item_code = i.item_code
