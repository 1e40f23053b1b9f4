select
    competency::varchar as competency,
    role::varchar       as role,
    position::integer   as position,
    behaviour::varchar  as behaviour
from src_framework
