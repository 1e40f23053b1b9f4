"""The survey-and-year selection several views share."""
from __future__ import annotations

import dash
from dash import html

from dashboard import components as ui
from dashboard.access import Access
from dashboard.context import Context
from dashboard.wiring import wire


def survey_and_wave(ctx: Context, survey_id: str, wave_id: str) -> list[html.Div]:
    """Two selects preset to the first survey's latest wave."""
    surveys = ui.survey_options(ctx.warehouse)
    survey = surveys[0]["value"] if surveys else None
    waves = ctx.warehouse.waves(survey) if survey else []
    return [ui.select(survey_id, "Måling", surveys, survey),
            ui.select(wave_id, "År", [{"label": w, "value": w} for w in waves], waves[-1] if waves else None)]


def waves_of(page: str):  # noqa: ANN201 - a page's plain callback
    def waves(ctx: Context, access: Access, survey: object) -> tuple[list[dict], str | None]:
        """When the survey changes, offer its waves and pick the latest."""
        access.page(page)
        ws = ctx.warehouse.waves(access.survey(survey))
        return [{"label": w, "value": w} for w in ws], (ws[-1] if ws else None)
    return waves


def follow_survey(app: dash.Dash, ctx: Context, page: str, survey_id: str, wave_id: str) -> None:
    wire(app, ctx, waves_of(page), [(wave_id, "options"), (wave_id, "value")], [(survey_id, "value")])
