select unit_id::varchar as unit_id, predecessor_id::varchar as predecessor_id,
       change::varchar as change, date::date as change_date
from src_lineage
