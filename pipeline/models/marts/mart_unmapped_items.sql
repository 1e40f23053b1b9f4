-- Items in a codebook that the mapping links to nothing: coverage gaps for HR.
select i.survey, i.item_code, i.text, i.domain
from dim_item as i
anti join dim_item_mapping as m using (survey, item_code)
order by i.survey, i.item_code
