-- Published competency score per unit, survey wave and competency (docs/method.md §2-§4): a
-- row for every unit, wave and competency the mapping gives asked items for at the role level
-- of the unit's leader. Hidden scores (suppressed) carry no figure, not even n.
select survey, wave, wave_date, unit_id, competency, role, score, n, sd, ci_low, ci_high, suppressed
from mart_unit_trend
where source = 'own'
