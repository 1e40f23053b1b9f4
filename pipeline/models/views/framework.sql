select competency, role, position, behaviour
from dim_behaviour
order by competency, role, position
