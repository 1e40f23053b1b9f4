select competency::varchar as competency, role::varchar as role, position::integer as position,
       item_code::varchar as item_code
from src_behaviour_evidence
