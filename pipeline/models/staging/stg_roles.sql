select role::varchar as role, rank::integer as rank
from src_roles
