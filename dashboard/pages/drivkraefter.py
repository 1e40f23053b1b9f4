"""Drivkræfter: which of the six competencies go with an outcome such as job satisfaction, per
role level — each competency's share of the explained variation, with a 95 % interval, for
groups of at least 25 respondents (pipeline/drivers.py). HR sees the kommune and every area;
a chef sees their own area when it is large enough."""
from __future__ import annotations

import dash
import polars as pl
from dash import dcc, html

from dashboard import charts, ids
from dashboard import components as ui
from dashboard.access import Access, BadRequest
from dashboard.context import Context
from dashboard.pages.common import follow_survey
from dashboard.wiring import wire

PAGE = "drivkraefter"
KOMMUNE = "kommunen"    # the area value meaning the whole kommune (HR only)
EXPLAIN = ("Søjlen viser, hvor stor en del af den forskel i «{outcome}», som de seks kompetencer tilsammen kan forklare "
           "(R² = {r2:.0%}), der hænger sammen med hver kompetence – blandt {n} medarbejdere, hvis nærmeste leder er på "
           "rolleniveauet «{role}». Stregen er 95 %-intervallet. Det er en sammenhæng, ikke en årsag: en høj andel siger, "
           "at medarbejdere, der oplever kompetencen stærkt, også oftere er tilfredse – ikke at en indsats på "
           "kompetencen nødvendigvis flytter tilfredsheden. Grupper under 25 besvarelser vises ikke.")


def data(ctx: Context, access: Access, survey: object, wave: object, outcome: object, role: object,
         area: object) -> pl.DataFrame:
    access.page(PAGE)
    survey = access.survey(survey)
    wave = access.wave(survey, wave)
    role = access.role(role)
    if area in (None, "", KOMMUNE):
        if access.units is not None:
            area = access.require(PAGE, access.home_unit)   # a chef: their own area, never the kommune's
        else:
            area = None
    else:
        area = access.require(PAGE, area)
    rows = ctx.warehouse.drivers(survey, wave)
    if outcome not in rows["outcome"].unique().to_list():
        raise BadRequest(f"unknown outcome {outcome!r}")
    return rows.filter((pl.col("outcome") == outcome) & (pl.col("role") == role) &
                       (pl.col("area_unit_id").is_null() if area is None else pl.col("area_unit_id") == area))


def show(ctx: Context, access: Access, survey: object, wave: object, outcome: object, role: object, area: object) -> tuple:
    if not outcome:
        return {}, html.P("Målingen har intet udfald at se drivkræfter for.", className="notice"), None
    rows = data(ctx, access, survey, wave, outcome, role, area)
    if rows.is_empty():
        return {}, html.P("For få besvarelser (under 25) til drivkræfter for det valgte.", className="notice"), None
    first = rows.row(0, named=True)
    where = ctx.unit_name(first["area_unit_id"]) if first["area_unit_id"] else "Kommunen"
    figure = charts.drivers(rows, f"Drivkræfter for {outcome} · {where} · {role} · {wave}")
    text = EXPLAIN.format(outcome=outcome, r2=first["r2"], n=first["n"], role=role)
    table = rows.select(pl.col("competency").alias("Kompetence"),
                        (pl.col("importance") * 100).round(0).alias("Andel (%)"),
                        (pl.col("ci_low") * 100).round(0).alias("Interval fra"),
                        (pl.col("ci_high") * 100).round(0).alias("Interval til"))
    return (figure, [html.P(text), ui.details_table(table, f"Drivkræfter for {outcome}, {where}")],
            ui.href("excel", page=PAGE, survey=survey, wave=wave, outcome=outcome, role=role,
                    area=first["area_unit_id"] or KOMMUNE))


def layout(ctx: Context, access: Access) -> html.Div:
    surveys = [o for o in ui.survey_options(ctx.warehouse)
               if not ctx.warehouse.drivers(o["value"], ctx.warehouse.waves(o["value"])[-1]).is_empty()]
    survey = surveys[0]["value"] if surveys else None
    waves = ctx.warehouse.waves(survey) if survey else []
    rows = ctx.warehouse.drivers(survey, waves[-1]) if survey else pl.DataFrame({"outcome": [], "area_unit_id": []})
    outcomes = rows["outcome"].unique(maintain_order=True).to_list()
    if access.units is None:
        areas = [{"label": "Kommunen", "value": KOMMUNE}] + [
            {"label": ctx.unit_name(a), "value": a} for a in rows["area_unit_id"].drop_nulls().unique().sort().to_list()]
        start = KOMMUNE
    else:
        areas, start = [{"label": ctx.unit_name(access.home_unit), "value": access.home_unit}], access.home_unit
    roles = ctx.warehouse.roles()
    return html.Div([
        html.H1("Drivkræfter"),
        html.P("Hvilke af ledelsesgrundlagets kompetencer hænger mest sammen med medarbejdernes tilfredshed og "
               "engagement? For hvert rolleniveau: hver kompetences andel af det, kompetencerne tilsammen forklarer."),
        html.Div([ui.select(ids.DK_SURVEY, "Måling", surveys, survey),
                  ui.select(ids.DK_WAVE, "År", [{"label": w, "value": w} for w in waves], waves[-1] if waves else None),
                  ui.select(ids.DK_OUTCOME, "Udfald", [{"label": o, "value": o} for o in outcomes],
                            outcomes[0] if outcomes else None),
                  ui.select(ids.DK_ROLE, "Rolleniveau", [{"label": r, "value": r} for r in roles], roles[0]),
                  ui.select(ids.DK_AREA, "Område", areas, start)], className="controls"),
        dcc.Loading(dcc.Graph(id=ids.DK_CHART, config={"displaylogo": False})),
        html.Div(id=ids.DK_TEXT),
        html.Div([ui.download_link(ids.DK_EXCEL, "Hent som Excel")], className="exports"),
    ])


def register(app: dash.Dash, ctx: Context) -> None:
    follow_survey(app, ctx, PAGE, ids.DK_SURVEY, ids.DK_WAVE)
    wire(app, ctx, show, [(ids.DK_CHART, "figure"), (ids.DK_TEXT, "children"), (ids.DK_EXCEL, "href")],
         [(ids.DK_SURVEY, "value"), (ids.DK_WAVE, "value"), (ids.DK_OUTCOME, "value"), (ids.DK_ROLE, "value"),
          (ids.DK_AREA, "value")], view=PAGE)
