select survey, item_code, text, scale_min, scale_max, reversed
from dim_item
