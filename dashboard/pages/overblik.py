"""Overblik: an area's units (rows, drill-down by clicking a row) x the six competencies."""
from __future__ import annotations

import dash
import polars as pl
from dash import dcc, html

from dashboard import charts, ids
from dashboard import components as ui
from dashboard.access import Access
from dashboard.context import Context
from dashboard.pages.common import follow_survey, survey_and_wave
from dashboard.wiring import wire

PAGE = "overblik"


def area_rows(ctx: Context, survey: str, wave: str, root: str) -> list[tuple[str, str]]:
    kids = ctx.warehouse.children(root, wave, survey)
    return [(root, f"{ctx.unit_name(root)} (hele området)")] + [
        (r["unit_id"], f"  {r['unit_name']}") for r in kids.iter_rows(named=True)]


def data(ctx: Context, access: Access, survey: object, wave: object, root: object) -> tuple[list, pl.DataFrame]:
    """Rows (unit, label) and their scores, each with the unit's response rate."""
    root = access.require(PAGE, root)
    survey = access.survey(survey)
    wave = access.wave(survey, wave)
    rows = [r for r in area_rows(ctx, survey, wave, root) if access.allows(r[0])]
    ids_ = [u for u, _ in rows]
    scores = ctx.warehouse.scores_for_units(survey, wave, ids_).join(
        ctx.warehouse.response_rates(survey, wave, ids_), on="unit_id", how="left")
    return rows, scores


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Overblik"),
        html.P("Enhedernes score på de seks kompetencer. Farven viser forskellen til kommunens niveau for ledere på "
               "samme rolleniveau; tallet er scoren (0–100). Ved hver enhed står svarprocenten; under 60 % er den "
               "markeret som lav. Klik på en enhed for at se enhederne under den."),
        html.Div([
            *survey_and_wave(ctx, ids.OV_SURVEY, ids.OV_WAVE),
            ui.select(ids.OV_ROOT, "Område", ui.unit_options(ctx.warehouse.units(), access.units), ctx.start_unit(access)),
            html.Button("Op ét niveau", id=ids.OV_UP, className="button"),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id=ids.OV_HEATMAP, config={"displaylogo": False})),
        html.Div(id=ids.OV_TABLE),
        html.Div([ui.download_link(ids.OV_EXCEL, "Hent som Excel"), ui.download_link(ids.OV_PDF, "Hent rapport (PDF)")],
                 className="exports"),
    ])


def drill(ctx: Context, access: Access, trigger: object, click: object, root: object) -> object:
    """Clicking a row opens the unit below; "Op ét niveau" goes to the parent, within the area."""
    root = access.require(PAGE, root)
    if trigger == ids.OV_UP:
        return ctx.parent_in_area(access, root) or dash.no_update
    points = click.get("points") if isinstance(click, dict) else None
    target = points[0].get("customdata") if isinstance(points, list) and points and isinstance(points[0], dict) else None
    if isinstance(target, list):   # the heatmap's customdata is per cell
        target = target[0] if target else None
    return target if access.allows(target) else dash.no_update


def show(ctx: Context, access: Access, survey: object, wave: object, root: object) -> tuple:
    rows, cells = data(ctx, access, survey, wave, root)   # checks every value first
    comps = ctx.warehouse.competencies()
    rates = {r["unit_id"]: ui.rate_text(r["response_rate"], bool(r["low_rate"]))
             for r in cells.unique("unit_id").iter_rows(named=True)}
    labelled = [(u, f"{label} · svar {rates[u]}" if u in rates else label) for u, label in rows]
    fig = charts.heatmap(labelled, comps, cells, f"{ctx.unit_name(root)} · {wave}")
    fig.data[0].customdata = [[u] * len(comps) for u, _ in rows]
    names = dict(rows)
    tab = cells.with_columns(
        pl.col("unit_id").replace_strict(names, default=None).str.strip_chars().alias("Enhed"),
        pl.struct("response_rate", "low_rate").map_elements(
            lambda r: ui.rate_text(r["response_rate"], bool(r["low_rate"])), return_dtype=pl.String).alias("Svarprocent"),
        pl.struct("score", "suppressed").map_elements(lambda s: ui.score_text(s["score"], s["suppressed"]),
                                                      return_dtype=pl.String).alias("Score"),
        pl.col("kommune_score").round(0).alias("Kommunen"),
        pl.col("n").alias("Antal"),
    ).select("Enhed", pl.col("competency").alias("Kompetence"), "Score", "Antal", "Kommunen", "Svarprocent")
    return (fig, ui.details_table(tab, f"Scorer for {ctx.unit_name(root)}, {wave}"),
            ui.href("excel", page=PAGE, survey=survey, wave=wave, unit=root),
            ui.href("pdf", survey=survey, wave=wave, unit=root))


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, PAGE, ids.OV_SURVEY, ids.OV_WAVE)
    wire(app, ctx, lambda c, a, click, _up, root: drill(c, a, dash.ctx.triggered_id, click, root),
         [(ids.OV_ROOT, "value")], [(ids.OV_HEATMAP, "clickData"), (ids.OV_UP, "n_clicks")], [(ids.OV_ROOT, "value")],
         prevent_initial_call=True)
    wire(app, ctx, show, [(ids.OV_HEATMAP, "figure"), (ids.OV_TABLE, "children"), (ids.OV_EXCEL, "href"), (ids.OV_PDF, "href")],
         [(ids.OV_SURVEY, "value"), (ids.OV_WAVE, "value"), (ids.OV_ROOT, "value")], view=PAGE)
