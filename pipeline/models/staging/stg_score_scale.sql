-- Each answer code on each item's scale and its 0-100 score (docs/method.md §1, computed once, by
-- pipeline/transform.py: item_scores, applied to the codes in score_scale). Codes off the scale
-- ("Ved ikke") have no row, so no score.
select
    survey::varchar     as survey,
    item_code::varchar  as item_code,
    value::double       as value,
    score::double       as score
from src_score_scale
