-- materialized: view
select
    -- keys
    survey, wave, respondent_key, unit_id,
    -- attributes
    answered_at, age_group, seniority, job_group
from stg_respondents
