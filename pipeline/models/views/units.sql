select unit_id, unit_name, parent_id, level, leader_role, valid_from, valid_to
from dim_unit
