"""Overblik: an area's units (rows, drill-down by clicking a row) x the six competencies."""
from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, State, dcc, html

from dashboard import charts
from dashboard import components as ui
from dashboard.access import Access, Forbidden
from dashboard.context import Context
from dashboard.pages.common import follow_survey, survey_and_wave

PAGE = "overblik"


def area_rows(ctx: Context, survey: str, wave: str, root: str) -> list[tuple[str, str]]:
    kids = ctx.warehouse.children(root, wave, survey)
    return [(root, f"{ctx.unit_name(root)} (hele området)")] + [
        (r["unit_id"], f"  {r['unit_name']}") for r in kids.iter_rows(named=True)]


def data(ctx: Context, access: Access, survey: str, wave: str, root: str) -> tuple[list, pl.DataFrame]:
    """Rows (unit, label) and their scores, each with the unit's response rate."""
    access.require(PAGE, root)
    rows = [r for r in area_rows(ctx, survey, wave, root) if access.allows(r[0])]
    ids = [u for u, _ in rows]
    scores = ctx.warehouse.scores_for_units(survey, wave, ids).join(
        ctx.warehouse.response_rates(survey, wave, ids), on="unit_id", how="left")
    return rows, scores


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Overblik"),
        html.P("Enhedernes score på de seks kompetencer. Farven viser forskellen til kommunens niveau for ledere på "
               "samme rolleniveau; tallet er scoren (0–100). Ved hver enhed står svarprocenten; under 60 % er den "
               "markeret som lav. Klik på en enhed for at se enhederne under den."),
        html.Div([
            *survey_and_wave(ctx, "ov"),
            ui.select("ov-root", "Område", ui.unit_options(ctx.warehouse.units(), access.units), ctx.start_unit(access)),
            html.Button("Op ét niveau", id="ov-up", className="button"),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id="ov-heatmap", config={"displaylogo": False})),
        html.Div(id="ov-table"),
        html.Div([ui.download_link("ov-excel", "Hent som Excel"), ui.download_link("ov-pdf", "Hent rapport (PDF)")],
                 className="exports"),
    ])


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, "ov", PAGE)

    @app.callback(Output("ov-root", "value"), Input("ov-heatmap", "clickData"), Input("ov-up", "n_clicks"),
                  State("ov-root", "value"), prevent_initial_call=True)
    def drill(click, _up, root):
        access = ctx.access()
        if dash.ctx.triggered_id == "ov-up":
            parent = ctx.parent_in_area(access, root)
            return parent or dash.no_update
        target = (click or {}).get("points", [{}])[0].get("customdata")
        return target if access.allows(target) else dash.no_update

    @app.callback(Output("ov-heatmap", "figure"), Output("ov-table", "children"), Output("ov-excel", "href"),
                  Output("ov-pdf", "href"), Input("ov-survey", "value"), Input("ov-wave", "value"), Input("ov-root", "value"))
    def show(survey, wave, root):
        try:
            rows, cells = data(ctx, ctx.access(), survey, wave, root)
        except Forbidden:
            return {}, ui.NO_ACCESS, "#", "#"
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
