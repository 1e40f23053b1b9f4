select unit_id::varchar as unit_id, date::date as headcount_date, headcount::integer as headcount
from src_headcount
