-- incremental: survey, wave   (a wave's rows depend only on that wave's inputs)
-- Published item means: the items behind a unit's competency scores, with the mean 0-100
-- score and the number of answers, blanked where the suppression stage hid them.
select
    -- keys
    i.survey, i.wave, i.unit_id, m.competency, m.role, i.item_code,
    -- attributes
    it.text, i.scope,
    -- measures (NULL when hidden)
    case when d.shown then i.mean end as mean,
    case when d.shown then i.n end    as n,
    -- anonymity
    not d.shown as suppressed
from int_item_means as i
join dim_unit_wave as u using (survey, wave, unit_id)
join dim_item_mapping as m
    on m.survey = i.survey and m.item_code = i.item_code and m.role = u.leader_role and m.scope = i.scope
join dim_item as it on it.survey = i.survey and it.item_code = i.item_code
join disclosure as d
    on d.figure = 'item_mean' and d.survey = i.survey and d.wave = i.wave and d.unit_id = i.unit_id
   and d.key = i.item_code || '|' || i.scope
