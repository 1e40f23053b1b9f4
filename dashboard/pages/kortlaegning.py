"""Kortlægning (HR only): the mapping as a matrix, cells without enough evidence, unmapped items."""
from __future__ import annotations

import functools

import dash
import polars as pl
from dash import dcc, html

from dashboard import charts, ids
from dashboard import components as ui
from dashboard.access import Access
from dashboard.context import Context
from dashboard.wiring import wire
from pipeline.disclosure import FIGURE_NAMES

PAGE = "kortlaegning"
MIN_ITEMS = 3   # fewer items than this in a competency x role cell is too little evidence


def data(ctx: Context, access: Access) -> dict[str, pl.DataFrame]:
    access.page(PAGE)
    return tables(ctx)


def tables(ctx: Context) -> dict[str, pl.DataFrame]:
    return {"Kortlægning": ctx.warehouse.mapping(), "Dækning": ctx.warehouse.coverage(),
            "Kvalitet": ctx.warehouse.mapping_quality(), "Ikke koblet": ctx.warehouse.unmapped(),
            "Anonymitet": ctx.warehouse.disclosure_summary().with_columns(
                pl.col("figure").replace_strict(FIGURE_NAMES, default=pl.col("figure")))}


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Kortlægning"),
        html.P(f"Hvilke spørgsmål der giver evidens for hvilke kompetencer og rolleniveauer. En kombination med færre "
               f"end {MIN_ITEMS} spørgsmål har for lidt evidens. Kortlægningen rettes i mappings/item_to_competency.yaml."),
        html.Div(id=ids.KL_CONTENT),
        dcc.Loading(dcc.Graph(id=ids.KL_MATRIX, config={"displaylogo": False})),
        html.Div([ui.download_link(ids.KL_EXCEL, "Hent som Excel")], className="exports"),
        dcc.Store(id=ids.KL_TRIGGER, data=1),
    ])


def show(ctx: Context, access: Access, _trigger: object = None) -> tuple:
    access.page(PAGE)
    return *_page(ctx, ctx.warehouse.version()), ui.href("excel", page=PAGE)


def register(app: dash.Dash, ctx: Context) -> None:
    wire(app, ctx, show, [(ids.KL_CONTENT, "children"), (ids.KL_MATRIX, "figure"), (ids.KL_EXCEL, "href")],
         [(ids.KL_TRIGGER, "data")], view=PAGE)


@functools.lru_cache(maxsize=2)
def _page(ctx: Context, version: tuple) -> tuple[list, dict]:
    """The page is the same for every HR user until the warehouse file changes (`version`)."""
    d = tables(ctx)
    cov = d["Dækning"].with_columns(
        pl.when(pl.col("n_items") < MIN_ITEMS).then(pl.lit("for lidt evidens")).otherwise(pl.lit("ok")).alias("Vurdering"))
    weak = cov.filter(pl.col("n_items") < MIN_ITEMS)
    content = [
        html.H2("Dækning af de 24 kombinationer"),
        html.P(f"{weak.height} af {cov.height} kombinationer har for lidt evidens." if weak.height
               else "Alle kombinationer har evidens fra mindst tre spørgsmål.", className="notice"),
        ui.table(cov.select(pl.col("competency").alias("Kompetence"), pl.col("role").alias("Rolleniveau"),
                            pl.col("n_items").alias("Spørgsmål"), pl.col("n_direct").alias("Nærmeste leder"),
                            pl.col("n_area").alias("Arbejdspladsen"), pl.col("surveys").alias("Målinger"), "Vurdering"),
                 "Antal spørgsmål pr. kompetence og rolleniveau"),
        html.H2("Måler spørgsmålene én ting?"),
        html.P("Cronbachs alfa for hver kombinations spørgsmål i seneste måling; under 0,7 måler spørgsmålene "
               "næppe det samme. Adfærd uden evidens er numre i ledelsesgrundlaget, som intet spørgsmål dækker."),
        ui.table(d["Kvalitet"].select(
            pl.col("competency").alias("Kompetence"), pl.col("role").alias("Rolleniveau"),
            pl.format("{} af {}", "n_evidenced", "n_behaviours").alias("Adfærd med evidens"),
            pl.col("without_evidence").alias("Uden evidens"), pl.col("alphas").alias("Cronbachs alfa"),
            pl.when(pl.col("alpha_warning")).then(pl.lit("alfa under 0,7")).otherwise(pl.lit("")).alias("Advarsel")),
            "Evidens og intern konsistens pr. kompetence og rolleniveau"),
        html.H2("Skjulte tal"),
        html.P("Hvor mange tal hver måling har, og hvor mange der er skjult: for få svar, så intet kan regnes ud ved "
               "at trække viste tal fra hinanden, fordi en forgængers tal var skjult, eller sammen med enhedens "
               "andre tal (hvis det er valgt). Antal tal – aldrig antal personer. Se docs/metode.md."),
        ui.table(d["Anonymitet"].select(
            pl.col("survey").alias("Måling"), pl.col("wave").alias("År"), pl.col("figure").alias("Tal"),
            pl.col("figures").alias("I alt"), pl.col("shown").alias("Vist"), pl.col("hidden_primary").alias("For få svar"),
            pl.col("hidden_complementary").alias("Kunne regnes ud"), pl.col("hidden_lineage").alias("Forgænger skjult"),
            pl.col("hidden_together").alias("Sammen med enheden")), "Skjulte tal pr. måling og slags tal"),
        html.H2("Spørgsmål, der ikke er koblet"),
        ui.table(d["Ikke koblet"].select(pl.col("survey").alias("Måling"), pl.col("item_code").alias("Kode"),
                                         pl.col("text").alias("Spørgsmål")), "Spørgsmål uden kobling"),
    ]
    return content, charts.mapping_matrix(d["Kortlægning"], ctx.warehouse.competencies(), ctx.warehouse.roles())
