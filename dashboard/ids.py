"""Every element id the dashboard's callbacks use, in one place (tests use them too)."""

# the frame around the views
URL, NAV, WHO, MAIN = "url", "nav", "who", "main"

# Overblik
OV_SURVEY, OV_WAVE, OV_ROOT, OV_UP = "ov-survey", "ov-wave", "ov-root", "ov-up"
OV_HEATMAP, OV_TABLE, OV_EXCEL, OV_PDF = "ov-heatmap", "ov-table", "ov-excel", "ov-pdf"

# Udvikling
UD_SURVEY, UD_UNIT = "ud-survey", "ud-unit"
UD_TREND, UD_TABLE, UD_EXCEL, UD_PDF = "ud-trend", "ud-table", "ud-excel", "ud-pdf"

# Enhedsprofil
EP_SURVEY, EP_WAVE, EP_UNIT = "ep-survey", "ep-wave", "ep-unit"
EP_PROFILE, EP_DETAILS, EP_EXCEL = "ep-profile", "ep-details", "ep-excel"

# Rolleniveau
RL_SURVEY, RL_WAVE, RL_ROLE, RL_UNIT = "rl-survey", "rl-wave", "rl-role", "rl-unit"
RL_SPREAD, RL_TABLE, RL_EXCEL = "rl-spread", "rl-table", "rl-excel"

# Kortlægning
KL_TRIGGER, KL_CONTENT, KL_MATRIX, KL_EXCEL = "kl-trigger", "kl-content", "kl-matrix", "kl-excel"
