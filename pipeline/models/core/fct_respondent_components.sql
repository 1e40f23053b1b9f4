-- Per respondent, competency, role level and scope: the parts of a respondent
-- score (computed in wide form by pipeline/transform.py from fct_responses' inputs).
select
    -- keys
    c.survey, c.wave, c.respondent_key, c.unit_id, c.competency, c.role, c.scope,
    -- measures
    c.weighted_sum, c.weight_total, c.n_answered, c.n_items
from stg_respondent_components as c
