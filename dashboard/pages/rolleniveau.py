"""Rolleniveau: for one role level, the spread of unit scores per competency, one unit highlighted."""
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

PAGE = "rolleniveau"


def data(ctx: Context, access: Access, survey: object, wave: object, role: object, highlight: object) -> pl.DataFrame:
    access.optional_unit(PAGE, highlight)
    access.page(PAGE)
    survey = access.survey(survey)
    wave = access.wave(survey, wave)
    role = access.role(role)
    allowed = None if access.units is None else sorted(access.units)
    return ctx.warehouse.role_spread(survey, wave, role, allowed)


def layout(ctx: Context, access: Access) -> html.Div:
    roles = ctx.warehouse.roles()
    start = ctx.start_unit(access)
    start_role = ctx.warehouse.units().filter(pl.col("unit_id") == start)["leader_role"][0]
    scope = "i kommunen" if access.units is None else "i dit område"
    return html.Div([
        html.H1("Rolleniveau"),
        html.P(f"Spredningen af enhedernes scorer {scope} for ledere på samme rolleniveau. Hvert punkt er en enhed; "
               "kassen viser den midterste halvdel. Enheder med for få besvarelser indgår ikke."),
        html.Div([
            *survey_and_wave(ctx, ids.RL_SURVEY, ids.RL_WAVE),
            ui.select(ids.RL_ROLE, "Rolleniveau", [{"label": r, "value": r} for r in roles], start_role),
            ui.select(ids.RL_UNIT, "Fremhæv enhed", ui.unit_options(ctx.warehouse.units(), access.units),
                      start, clearable=True),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id=ids.RL_SPREAD, config={"displaylogo": False})),
        html.Div(id=ids.RL_TABLE),
        html.Div([ui.download_link(ids.RL_EXCEL, "Hent som Excel")], className="exports"),
    ])


def show(ctx: Context, access: Access, survey: object, wave: object, role: object, unit: object) -> tuple:
    spread = data(ctx, access, survey, wave, role, unit)   # checks every value first
    unit = unit or None
    comps = ctx.warehouse.competencies()
    fig = charts.spread(spread, comps, unit, f"{role} · {wave}", box_stats(spread))
    return (fig, ui.details_table(summary(spread, comps, unit), f"{role}, {wave}: spredningen af enhedernes scorer"),
            ui.href("excel", page=PAGE, survey=survey, wave=wave, role=role, unit=unit))


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, PAGE, ids.RL_SURVEY, ids.RL_WAVE)
    wire(app, ctx, show, [(ids.RL_SPREAD, "figure"), (ids.RL_TABLE, "children"), (ids.RL_EXCEL, "href")],
         [(ids.RL_SURVEY, "value"), (ids.RL_WAVE, "value"), (ids.RL_ROLE, "value"), (ids.RL_UNIT, "value")], view=PAGE)


def box_stats(spread: pl.DataFrame) -> pl.DataFrame:
    """The box plot's numbers per competency: units, range and quartiles (linear), the one home of
    what the chart draws and the table lists."""
    q = pl.col("score")
    return spread.group_by("competency", maintain_order=True).agg(
        pl.len().alias("units"), q.min().alias("min"), q.quantile(0.25, "linear").alias("q1"),
        q.median().alias("median"), q.quantile(0.75, "linear").alias("q3"), q.max().alias("max"))


def summary(spread: pl.DataFrame, competencies: list[str], highlight: str | None) -> pl.DataFrame:
    """The box plot as a table: per competency the number of units, quartiles and range, and the
    highlighted unit's score. (Every unit's score is in the Excel export; a page table with one row
    per unit would hold tens of thousands of rows in a large kommune.)"""
    def whole(name: str, label: str) -> pl.Expr:   # scores are shown as whole numbers, as on the chart
        return pl.col(name).round(0).cast(pl.Int64).alias(label)
    chosen = spread.filter(pl.col("unit_id") == highlight).select("competency", pl.col("score").alias("chosen"))
    return (box_stats(spread).join(chosen, on="competency", how="left")
            .with_columns(pl.col("competency").replace_strict(competencies, list(range(len(competencies))),
                                                              default=len(competencies)).alias("_order"))
            .sort("_order").select(pl.col("competency").alias("Kompetence"), pl.col("units").alias("Enheder"),
                                   whole("min", "Laveste"), whole("q1", "25 %"), whole("median", "Median"),
                                   whole("q3", "75 %"), whole("max", "Højeste"), whole("chosen", "Valgt enhed")))
