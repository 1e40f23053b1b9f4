select survey, wave, wave_date, unit_id, competency, role, score, n, sd, ci_low, ci_high, suppressed
from mart_competency_scores
