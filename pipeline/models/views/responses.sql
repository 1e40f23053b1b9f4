select r.survey, r.wave, w.wave_date, r.unit_id, r.respondent_key, r.item_code, r.value, r.score
from fct_responses as r
join dim_wave as w using (survey, wave)
