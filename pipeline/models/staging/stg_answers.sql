-- The wide answer table (one column per item, as delivered) in long form:
-- one row per respondent and answered cell (blank cells, i.e. skipped items, give no row);
-- the raw answer code in `value`, "Ved ikke" codes included.
with long_answers as (
    unpivot src_answers
    on columns(* exclude (survey, wave, respondent_key, unit_id, answered_at, age_group, seniority, job_group))
    into name item_code value value
)
select
    survey::varchar        as survey,
    wave::varchar          as wave,
    unit_id::varchar       as unit_id,
    respondent_key::varchar as respondent_key,
    item_code::varchar     as item_code,
    value::double          as value
from long_answers
