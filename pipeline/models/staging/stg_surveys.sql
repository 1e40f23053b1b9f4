select survey::varchar as survey, survey_name::varchar as survey_name, min_group_size::integer as min_group_size
from src_surveys
