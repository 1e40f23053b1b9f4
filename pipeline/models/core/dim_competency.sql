select competency, position from stg_competencies
