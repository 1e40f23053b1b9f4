select competency::varchar as competency, position::integer as position
from src_competencies
