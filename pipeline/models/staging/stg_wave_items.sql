select survey::varchar as survey, wave::varchar as wave, item_code::varchar as item_code
from src_wave_items
