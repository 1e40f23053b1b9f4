"""Enhedsprofil: a unit's six competencies for its leader's role, beside the framework's own
behaviours for that role and the items (with their means) behind each score."""
from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, dcc, html

from dashboard import charts
from dashboard import components as ui
from dashboard.access import Access, Forbidden
from dashboard.context import Context
from dashboard.pages.common import follow_survey, survey_and_wave

PAGE = "enhedsprofil"


def data(ctx: Context, access: Access, survey: str, wave: str, unit: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    access.require(PAGE, unit)
    return (ctx.warehouse.scores_for_units(survey, wave, [unit]), ctx.warehouse.item_means(survey, wave, unit))


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Enhedsprofil"),
        html.P("Enhedens score på de seks kompetencer for dens leders rolleniveau – ved siden af, hvad "
               "ledelsesgrundlaget forventer af den rolle, og de spørgsmål scoren bygger på."),
        html.Div([
            *survey_and_wave(ctx, "ep"),
            ui.select("ep-unit", "Enhed", ui.unit_options(ctx.warehouse.units(), access.units), ctx.start_unit(access)),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id="ep-profile", config={"displaylogo": False})),
        html.Div(id="ep-details"),
        html.Div([ui.download_link("ep-excel", "Hent som Excel")], className="exports"),
    ])


def _competency_box(name: str, score: dict | None, behaviours: list[str], items: pl.DataFrame) -> html.Section:
    text = "ikke målt" if score is None else ui.score_text(score["score"], score["suppressed"])
    item_tab = items.select(
        pl.col("text").alias("Spørgsmål"),
        pl.when(pl.col("scope") == "direct").then(pl.lit("nærmeste leder")).otherwise(pl.lit("arbejdspladsen")).alias("Handler om"),
        pl.struct("mean", "suppressed").map_elements(lambda s: ui.score_text(s["mean"], s["suppressed"]),
                                                     return_dtype=pl.String).alias("Gennemsnit"),
        pl.col("n").alias("Antal svar"))
    return html.Section([
        html.H2(f"{name}: {text}"),
        html.H3("Ledelsesgrundlaget forventer"),
        html.Ol([html.Li(b) for b in behaviours]),
        ui.details_table(item_tab, f"Spørgsmål bag {name}") if item_tab.height else html.P("Ingen spørgsmål."),
    ], className="competency")


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, "ep", PAGE)

    @app.callback(Output("ep-profile", "figure"), Output("ep-details", "children"), Output("ep-excel", "href"),
                  Input("ep-survey", "value"), Input("ep-wave", "value"), Input("ep-unit", "value"))
    def show(survey, wave, unit):
        try:
            scores, items = data(ctx, ctx.access(), survey, wave, unit)
        except Forbidden:
            return {}, ui.NO_ACCESS, "#"
        comps = ctx.warehouse.competencies()
        role = scores["role"][0] if scores.height else None
        title = f"{ctx.unit_name(unit)} · {wave}" + (f" · {role}" if role else "")
        behaviours = ctx.warehouse.behaviours(role) if role else pl.DataFrame(schema={"competency": pl.String, "behaviour": pl.String})
        by_comp = {r["competency"]: r for r in scores.iter_rows(named=True)}
        boxes = [_competency_box(c, by_comp.get(c), behaviours.filter(pl.col("competency") == c)["behaviour"].to_list(),
                                 items.filter(pl.col("competency") == c)) for c in comps]
        if role is None:
            boxes = [html.P("Enheden er ikke målt i denne måling.", className="notice")]
        return (charts.profile(scores, comps, title), boxes,
                ui.href("excel", page=PAGE, survey=survey, wave=wave, unit=unit))
