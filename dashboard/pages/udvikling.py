"""Udvikling: one unit's scores over waves with their 95 % interval, beside its area and the kommune."""
from __future__ import annotations

import dash
import polars as pl
from dash import dcc, html

from dashboard import charts, ids
from dashboard import components as ui
from dashboard.access import Access
from dashboard.context import Context
from dashboard.wiring import wire
from pipeline.transform import NOT_GIVEN

PAGE = "udvikling"
BACKGROUND_NAMES = {"age_group": "aldersgruppe", "seniority": "anciennitet", "job_group": "stillingsgruppe"}


def data(ctx: Context, access: Access, survey: object, unit: object) -> tuple[pl.DataFrame, str | None]:
    unit = access.require(PAGE, unit)
    survey = access.survey(survey)
    area = ctx.parent_in_area(access, unit)
    return ctx.warehouse.trend(survey, unit, area), area


def layout(ctx: Context, access: Access) -> html.Div:
    surveys = ui.survey_options(ctx.warehouse)
    return html.Div([
        html.H1("Udvikling"),
        html.P("Enhedens score over tid med 95 %-interval (det lyse bånd). Stiplet: området over enheden; prikket: "
               "kommunen – begge for ledere på samme rolleniveau. År med for få besvarelser står som huller. "
               "En trekant markerer en reel ændring fra forrige måling: forskellen er større end usikkerheden. "
               "Er enheden sammenlagt, delt eller omdøbt, viser en stiplet linje hvornår; år før en sammenlægning "
               "er målt på forgængerne (åbne punkter)."),
        html.Div([
            ui.select(ids.UD_SURVEY, "Måling", surveys, surveys[0]["value"] if surveys else None),
            ui.select(ids.UD_UNIT, "Enhed", ui.unit_options(ctx.warehouse.units(), access.units), ctx.start_unit(access)),
        ], className="controls"),
        dcc.Loading(dcc.Graph(id=ids.UD_TREND, config={"displaylogo": False})),
        html.Div(id=ids.UD_FOCUS),
        html.Div(id=ids.UD_TABLE),
        html.Div(id=ids.UD_BREAKDOWN),
        html.Div([ui.download_link(ids.UD_EXCEL, "Hent som Excel"), ui.download_link(ids.UD_PDF, "Hent rapport (PDF)")],
                 className="exports"),
    ])


def show(ctx: Context, access: Access, survey: object, unit: object) -> tuple:
    trend, area = data(ctx, access, survey, unit)   # checks every value first
    dates = ctx.warehouse.wave_dates(survey)
    changes = [(min((w for w, d in dates.items() if d >= day), default=None), text)
               for day, text in ctx.warehouse.unit_changes(unit)]
    fig = charts.trend(trend, ctx.warehouse.competencies(), ctx.unit_name(unit),
                       f"Området ({ctx.unit_name(area)})" if area else None, [c for c in changes if c[0]])
    tab = trend.select(
        pl.col("competency").alias("Kompetence"), pl.col("wave").alias("År"),
        pl.struct("score", "suppressed").map_elements(lambda s: ui.score_text(s["score"], s["suppressed"]),
                                                      return_dtype=pl.String).alias("Score"),
        pl.col("ci_low").round(0).alias("Interval fra"), pl.col("ci_high").round(0).alias("Interval til"),
        pl.col("area_score").round(0).alias("Området"), pl.col("kommune_score").round(0).alias("Kommunen"),
        pl.when(pl.col("significant_change")).then(pl.format("{} (reel ændring)", pl.col("change").round(0)))
        .when(pl.col("change").is_not_null()).then(pl.format("{} (inden for usikkerheden)", pl.col("change").round(0)))
        .alias("Ændring fra forrige måling"),
        pl.struct("response_rate", "low_rate").map_elements(
            lambda r: ui.rate_text(r["response_rate"], bool(r["low_rate"])), return_dtype=pl.String).alias("Svarprocent"),
        pl.when(pl.col("source") == "predecessors").then(pl.lit("forgængerne")).otherwise(pl.lit("enheden"))
        .alias("Målt på"))
    return (fig, ui.details_table(tab, f"Udvikling for {ctx.unit_name(unit)}"),
            ui.href("excel", page=PAGE, survey=survey, unit=unit), ui.href("pdf", survey=survey, unit=unit),
            focus(ctx, survey, unit), breakdown(ctx, survey, unit))


def breakdown(ctx: Context, survey: str, unit: str) -> html.Div:
    """The area's scores by one background column over waves (the suppression stage decided
    every cell): a line per group for each competency, and every cell with its interval as a table."""
    cells = ctx.warehouse.breakdowns(survey, unit)
    if cells.is_empty():
        return html.Div(html.P("Fordelinger på baggrund (fx aldersgruppe) vises kun for de større områder, HR har "
                               "valgt, og kun for kompetencer målt med spørgsmål om arbejdspladsen."), className="breakdown")
    name = BACKGROUND_NAMES.get(cells["background"][0], cells["background"][0])
    groups = sorted(cells["grp"].unique().to_list(), key=group_order)
    measured = [c for c in ctx.warehouse.competencies() if c in set(cells["competency"])]
    fig = charts.breakdown(cells, measured, groups, f"{ctx.unit_name(unit)} fordelt på {name}")
    text = pl.when(pl.col("suppressed")).then(pl.lit(ui.SUPPRESSED_TEXT)).otherwise(pl.format(
        "{} ({}–{}), n={}", pl.col("score").round(0).cast(pl.Int64), pl.col("ci_low").round(0).cast(pl.Int64),
        pl.col("ci_high").round(0).cast(pl.Int64), pl.col("n")))
    # one row per wave and group, a column per competency: few cells, as a long table is slow in the browser
    tab = (cells.with_columns(text=text, order=pl.col("grp").replace_strict(groups, list(range(len(groups)))))
           .pivot("competency", index=["wave", "order", "grp"], values="text", sort_columns=False)
           .sort("wave", "order").drop("order"))
    tab = tab.select("wave", "grp", *[c for c in measured if c in tab.columns]).rename(
        {"wave": "År", "grp": name.capitalize()})
    return html.Div([
        html.H2(f"Fordelt på {name}"),
        html.P(f"Områdets score over tid for hver {name}; tabellen har score (95 %-interval) og antal "
               "besvarelser. En gruppe vises kun, når den har mindst det mindste antal besvarelser, og når ingen "
               "kan regne en lille gruppe ud ved at trække tal fra hinanden – heller ikke med tallene for "
               "enhederne i området. Derfor er nogle grupper skjult "
               f"(\"{ui.SUPPRESSED_TEXT}\"), selv om de er store. Kun kompetencer målt med spørgsmål om "
               "arbejdspladsen (ikke om nærmeste leder) fordeles."),
        dcc.Graph(figure=fig, config={"displaylogo": False}),
        ui.details_table(tab, f"{ctx.unit_name(unit)} fordelt på {name}"),
    ], className="breakdown")


def group_order(group: str) -> tuple:
    """Groups in their natural order: 'Under 30 år' before '30-39 år', 'Over 5 år' last, 'Ikke oplyst' at the end."""
    digits = "".join(ch if ch.isdigit() else " " for ch in group).split()
    number = int(digits[0]) if digits else 0
    return (group == NOT_GIVEN, 0 if group.startswith("Under") else 2 if group.startswith("Over") else 1,
            number, group)


def focus(ctx: Context, survey: str, unit: str) -> html.Div:
    """Each focus point of the unit's handleplaner at the wave it was set, with the next wave's
    change for that competency and whether it is a real change ("Fokus siden 2024: Kommunikation,
    +4, reel ændring")."""
    points = ctx.plans.all_points(survey=survey, unit=unit)
    if not points:
        return html.Div()
    changes = {(r["from_wave"], r["competency"]): r for r in ctx.warehouse.changes_from(survey, unit).iter_rows(named=True)}
    lines = []
    for p in points:
        c = changes.get((p["wave"], p["competency"]))
        if c is None:
            after = "næste måling viser, hvordan det går"
        elif c["suppressed"] or c["difference"] is None:
            after = f"{c['to_wave']}: {ui.SUPPRESSED_TEXT}"
        else:
            real = "reel ændring" if c["significant"] else "inden for usikkerheden"
            after = f"{c['difference']:+.0f} i {c['to_wave']}, {real}"
        lines.append(html.Li(f"Fokus siden {p['wave']}: {p['competency']}, {after} (status: {p['status']})"))
    return html.Div([html.H2("Handleplaner"), html.Ul(lines)], className="focus")


def register(app: dash.Dash, ctx: Context) -> None:
    wire(app, ctx, show, [(ids.UD_TREND, "figure"), (ids.UD_TABLE, "children"), (ids.UD_EXCEL, "href"), (ids.UD_PDF, "href"),
                          (ids.UD_FOCUS, "children"), (ids.UD_BREAKDOWN, "children")],
         [(ids.UD_SURVEY, "value"), (ids.UD_UNIT, "value")], view=PAGE)
