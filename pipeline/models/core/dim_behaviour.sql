select competency, role, position, behaviour from stg_framework
