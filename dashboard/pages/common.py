"""The survey-and-year selection several views share."""
from __future__ import annotations

import dash
from dash import Input, Output, html

from dashboard import components as ui
from dashboard.context import Context


def survey_and_wave(ctx: Context, prefix: str) -> list[html.Div]:
    """Two selects, `{prefix}-survey` and `{prefix}-wave`, preset to the first survey's latest wave."""
    surveys = ui.survey_options(ctx.warehouse)
    survey = surveys[0]["value"] if surveys else None
    waves = ctx.warehouse.waves(survey) if survey else []
    return [ui.select(f"{prefix}-survey", "Måling", surveys, survey),
            ui.select(f"{prefix}-wave", "År", [{"label": w, "value": w} for w in waves], waves[-1] if waves else None)]


def follow_survey(app: dash.Dash, ctx: Context, prefix: str, page: str) -> None:
    """When the survey changes, offer its waves and pick the latest."""
    @app.callback(Output(f"{prefix}-wave", "options"), Output(f"{prefix}-wave", "value"), Input(f"{prefix}-survey", "value"))
    def waves(survey):
        ctx.access().require(page)
        ws = ctx.warehouse.waves(survey) if survey else []
        return [{"label": w, "value": w} for w in ws], (ws[-1] if ws else None)
