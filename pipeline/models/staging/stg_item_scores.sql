-- The 0-100 item scores (computed once, by pipeline/transform.py: item_scores) in long form:
-- one row per respondent and item with a score.
with long_scores as (
    unpivot src_item_scores
    on columns(* exclude (survey, wave, respondent_key))
    into name item_code value score
)
select
    survey::varchar         as survey,
    wave::varchar           as wave,
    respondent_key::varchar as respondent_key,
    item_code::varchar      as item_code,
    score::double           as score
from long_scores
