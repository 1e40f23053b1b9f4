select survey, item_code, competency, role, weight, scope, mapping_line
from stg_item_mapping
