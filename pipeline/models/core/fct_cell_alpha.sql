-- Cronbach's alpha of each competency x role cell's items, per survey wave (computed in
-- wide form by pipeline/transform.py over respondents who answered all the cell's items).
select survey, wave, competency, role, n_items, n_respondents, alpha from stg_mapping_alpha
