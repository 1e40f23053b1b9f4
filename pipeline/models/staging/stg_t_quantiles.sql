select df::integer as df, t975::double as t975
from src_t_quantiles
