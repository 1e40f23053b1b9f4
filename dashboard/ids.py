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
EP_PROFILE, EP_DETAILS, EP_EXCEL, EP_REPORT = "ep-profile", "ep-details", "ep-excel", "ep-report"

# Rolleniveau
RL_SURVEY, RL_WAVE, RL_ROLE, RL_UNIT = "rl-survey", "rl-wave", "rl-role", "rl-unit"
RL_SPREAD, RL_TABLE, RL_EXCEL = "rl-spread", "rl-table", "rl-excel"

# Kortlægning
KL_TRIGGER, KL_CONTENT, KL_MATRIX, KL_EXCEL = "kl-trigger", "kl-content", "kl-matrix", "kl-excel"

# Handleplaner: three focus-point slots
HP_SURVEY, HP_WAVE, HP_UNIT = "hp-survey", "hp-wave", "hp-unit"
HP_PLAN, HP_SAVE, HP_STATUS, HP_OVERVIEW, HP_EXCEL = "hp-plan", "hp-save", "hp-status", "hp-overview", "hp-excel"
HP_COMMENT_TEXT, HP_COMMENT, HP_COMMENTS = "hp-comment-text", "hp-comment", "hp-comments"
HP_HISTORY = "hp-history"
HP_SLOTS = (1, 2, 3)
HP_FIELDS = ("competency", "behaviours", "actions", "owner", "deadline", "status")


def hp(field: str, slot: int) -> str:
    """The id of one field of one focus-point slot, e.g. hp-competency-1."""
    return f"hp-{field}-{slot}"

# Udvikling: the unit's focus points beside the following wave's change
UD_FOCUS, UD_BREAKDOWN = "ud-focus", "ud-breakdown"

# Drivkræfter
DK_SURVEY, DK_WAVE, DK_OUTCOME, DK_ROLE, DK_AREA = "dk-survey", "dk-wave", "dk-outcome", "dk-role", "dk-area"
DK_CHART, DK_TEXT, DK_EXCEL = "dk-chart", "dk-text", "dk-excel"
