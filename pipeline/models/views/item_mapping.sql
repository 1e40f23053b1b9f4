select survey, item_code, competency, role, weight, scope
from dim_item_mapping
