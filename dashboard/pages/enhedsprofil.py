"""Enhedsprofil: a unit's six competencies for its leader's role, beside the framework's own
behaviours for that role and the items (with their means) behind each score."""
from __future__ import annotations

import dash
import polars as pl
from dash import dcc, html

from dashboard import charts, ids
from dashboard import components as ui
from dashboard.access import Access
from dashboard.context import Context
from dashboard.wiring import wire
from dashboard.pages.common import follow_survey, survey_and_wave

PAGE = "enhedsprofil"


def data(ctx: Context, access: Access, survey: object, wave: object, unit: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    unit = access.require(PAGE, unit)
    survey = access.survey(survey)
    wave = access.wave(survey, wave)
    return (ctx.warehouse.scores_for_units(survey, wave, [unit]), ctx.warehouse.item_means(survey, wave, unit))


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Enhedsprofil"),
        html.P("Enhedens score på de seks kompetencer for dens leders rolleniveau – ved siden af, hvad "
               "ledelsesgrundlaget forventer af den rolle, og de spørgsmål scoren bygger på."),
        html.Div([
            *survey_and_wave(ctx, ids.EP_SURVEY, ids.EP_WAVE),
            ui.select(ids.EP_UNIT, "Enhed", ui.unit_options(ctx.warehouse.units(), access.units), ctx.start_unit(access)),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id=ids.EP_PROFILE, config={"displaylogo": False})),
        html.Div(id=ids.EP_DETAILS),
        html.Div([ui.download_link(ids.EP_EXCEL, "Hent som Excel"), ui.download_link(ids.EP_REPORT, "Lederrapport")],
                 className="exports"),
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


def show(ctx: Context, access: Access, survey: object, wave: object, unit: object) -> tuple:
    scores, items = data(ctx, access, survey, wave, unit)   # checks every value first
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
            ui.href("excel", page=PAGE, survey=survey, wave=wave, unit=unit),
            ui.href("lederrapport", survey=survey, wave=wave, unit=unit) if role else None)


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, PAGE, ids.EP_SURVEY, ids.EP_WAVE)
    wire(app, ctx, show, [(ids.EP_PROFILE, "figure"), (ids.EP_DETAILS, "children"), (ids.EP_EXCEL, "href"),
                          (ids.EP_REPORT, "href")],
         [(ids.EP_SURVEY, "value"), (ids.EP_WAVE, "value"), (ids.EP_UNIT, "value")], view=PAGE)
