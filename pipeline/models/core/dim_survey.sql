select survey, survey_name, min_group_size from stg_surveys
