-- One row per respondent and wave (the answer columns left out).
select
    survey::varchar as survey, wave::varchar as wave, respondent_key::varchar as respondent_key,
    unit_id::varchar as unit_id, answered_at::date as answered_at,
    age_group::varchar as age_group, seniority::varchar as seniority, job_group::varchar as job_group
from src_answers
