"""Figures as pure functions of data frames. Colours are Okabe-Ito (readable with colour
blindness) and every mark also carries its number as text, so colour is never the only cue."""
from __future__ import annotations

import functools
import html
import json

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.components import SUPPRESSED_TEXT

UNIT, AREA, KOMMUNE, BAND = "#0072B2", "#D55E00", "#000000", "rgba(0,114,178,0.18)"
# light diverging scale (orange = under, blue = over the kommune), dark text stays readable
DIVERGING = [[0.0, "#E69F00"], [0.25, "#F5CE85"], [0.5, "#F7F7F7"], [0.75, "#A6CEE3"], [1.0, "#56B4E9"]]
FONT = dict(family="Arial, sans-serif", size=14, color="#1a1a1a")


def plain(text: str) -> str:
    """Text from data (a unit's name) as plotly shows it: its pseudo-HTML (<a href>, <b>, <br>)
    never comes from data, only from the chart code itself."""
    return html.escape(text, quote=False)


def _frame(title: str, height: int) -> dict:
    return dict(title=dict(text=title, x=0), height=height, font=FONT, paper_bgcolor="white",
                plot_bgcolor="white", margin=dict(l=10, r=10, t=60, b=40))


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(_frame(title, height))
    return fig


def heatmap(rows: list[tuple[str, str]], competencies: list[str], cells: pl.DataFrame, title: str) -> go.Figure:
    """rows: (unit_id, label) in hierarchy order; cells: unit_id, competency, score, suppressed, kommune_score."""
    lookup = {(r["unit_id"], r["competency"]): r for r in cells.iter_rows(named=True)}
    z, text = [], []
    for unit_id, _ in rows:
        zr, tr = [], []
        for c in competencies:
            cell = lookup.get((unit_id, c))
            if cell is None:
                zr.append(None), tr.append("ikke målt")
            elif cell["suppressed"]:
                zr.append(None), tr.append(SUPPRESSED_TEXT)
            else:
                diff = None if cell["kommune_score"] is None else cell["score"] - cell["kommune_score"]
                zr.append(diff), tr.append(f"{cell['score']:.0f}")
        z.append(zr), text.append(tr)
    fig = go.Figure(go.Heatmap(
        z=z, x=competencies, y=[plain(label) for _, label in rows], text=text, texttemplate="%{text}",
        colorscale=DIVERGING, zmid=0, zmin=-15, zmax=15, xgap=3, ygap=3, hoverongaps=True,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        colorbar=dict(title="Forskel til<br>kommunen", tickvals=[-15, 0, 15], ticktext=["−15", "0", "+15"])))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top")
    return _layout(fig, plain(title), 140 + 44 * len(rows))


@functools.lru_cache(maxsize=8)
def _grid(competencies: tuple[str, ...]) -> str:
    """The 2 x 3 small-multiples layout (axes and subplot titles), made once by plotly."""
    grid = make_subplots(rows=2, cols=3, subplot_titles=competencies, shared_yaxes=True,
                         vertical_spacing=0.16, horizontal_spacing=0.04)
    return json.dumps(grid.layout.to_plotly_json())


def _scatter(k: int, **trace: object) -> dict:
    """A scatter trace on small multiple k (0-based), as plain data: the figure is built as the
    dict Dash sends, without plotly's per-trace validation (most of a callback's time)."""
    return {"type": "scatter", "xaxis": f"x{k + 1 if k else ''}", "yaxis": f"y{k + 1 if k else ''}", **trace}


def trend(data: pl.DataFrame, competencies: list[str], unit_label: str, area_label: str | None,
          changes: list[tuple[str, str]] = ()) -> dict:
    """Small multiples: the unit's score with its 95 % interval, the area's and the kommune's level.
    changes: (first wave after the change, what happened), drawn as a dashed line before that wave;
    waves scored on the unit's predecessors are drawn as hollow markers. A plotly figure as a dict."""
    unit_label, area_label = plain(unit_label), area_label and plain(area_label)
    changes = [(wave, plain(text)) for wave, text in changes]
    layout = json.loads(_grid(tuple(competencies)))
    traces, shapes = [], []
    for i, c in enumerate(competencies):
        d = data.filter(pl.col("competency") == c).sort("wave")
        waves = d["wave"].to_list()
        shown = (~d["suppressed"]).to_list()
        score = [s if ok else None for s, ok in zip(d["score"].to_list(), shown)]
        first = i == 0
        traces.append(_scatter(i, x=waves, y=d["ci_high"].to_list(), mode="lines", line=dict(width=0),
                               showlegend=False, hoverinfo="skip", connectgaps=False))
        traces.append(_scatter(i, x=waves, y=d["ci_low"].to_list(), mode="lines", line=dict(width=0), fill="tonexty",
                               fillcolor=BAND, name="95 %-interval", showlegend=first, hoverinfo="skip",
                               connectgaps=False))
        stitched = [src == "predecessors" for src in d["source"].to_list()] if "source" in d.columns else [False] * len(waves)
        traces.append(_scatter(i, x=waves, y=score, mode="lines+markers", name=unit_label,
                               line=dict(color=UNIT, width=3),
                               marker=dict(size=8, symbol=["circle-open" if s else "circle" for s in stitched]),
                               showlegend=first, connectgaps=False, hovertemplate="%{x}: %{y:.0f}<extra></extra>"))
        all_waves = sorted(waves)
        for wave, _ in changes:
            if wave in all_waves and all_waves.index(wave) > 0:
                axis = f"{i + 1 if i else ''}"
                shapes.append(dict(type="line", x0=all_waves.index(wave) - 0.5, x1=all_waves.index(wave) - 0.5,
                                   xref=f"x{axis}", y0=0, y1=1, yref=f"y{axis} domain",
                                   line=dict(color="#555", dash="dash", width=1)))
        if area_label:
            traces.append(_scatter(i, x=waves, y=d["area_score"].to_list(), mode="lines", name=area_label,
                                   line=dict(color=AREA, dash="dash", width=2), showlegend=first,
                                   hovertemplate="%{x}: %{y:.0f}<extra></extra>"))
        traces.append(_scatter(i, x=waves, y=d["kommune_score"].to_list(), mode="lines",
                               name="Kommunen (samme rolleniveau)", line=dict(color=KOMMUNE, dash="dot", width=2),
                               showlegend=first, hovertemplate="%{x}: %{y:.0f}<extra></extra>"))
        real = d.filter(pl.col("significant_change"))
        if real.height:
            traces.append(_scatter(
                i, x=real["wave"].to_list(), y=real["score"].to_list(), mode="markers", name="Reel ændring (95 %)",
                marker=dict(symbol=["triangle-up" if c > 0 else "triangle-down" for c in real["change"].to_list()],
                            size=15, color=AREA, line=dict(color="black", width=1)),
                showlegend=True, legendgroup="real", hovertemplate="%{x}: reel ændring<extra></extra>"))
        gaps = [w for w, ok in zip(waves, shown) if not ok]
        if gaps:
            traces.append(_scatter(i, x=gaps, y=[2] * len(gaps), mode="markers",
                                   marker=dict(symbol="x", color="#555", size=9), name=SUPPRESSED_TEXT,
                                   showlegend=first, hovertemplate="%{x}: " + SUPPRESSED_TEXT + "<extra></extra>"))
    seen = set()   # one legend entry per kind of mark
    for trace in traces:
        trace["showlegend"] = trace.get("name") not in seen and trace.get("showlegend") is not False
        seen.add(trace.get("name"))
    for axis, settings in layout.items():
        if axis.startswith("yaxis"):
            settings.update(range=[0, 100], gridcolor="#ddd")
        elif axis.startswith("xaxis"):
            settings.update(type="category")
    title = f"Udvikling: {unit_label}" + "".join(f"<br><sup>{wave}: {text}</sup>" for wave, text in changes)
    layout.update(_frame(title, 620 + 20 * len(changes)), shapes=shapes, legend=dict(orientation="h", y=-0.12))
    layout["margin"]["t"] = 60 + 22 * len(changes)
    return {"data": traces, "layout": layout}


def profile(scores: pl.DataFrame, competencies: list[str], title: str) -> go.Figure:
    """The unit's six scores with intervals and the kommune's level as a marker."""
    d = {r["competency"]: r for r in scores.iter_rows(named=True)}
    shown = [c for c in competencies if c in d and not d[c]["suppressed"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=shown, x=[d[c]["score"] for c in shown], orientation="h", name="Enheden", marker_color=UNIT,
        text=[f"{d[c]['score']:.0f}" for c in shown], textposition="inside", insidetextanchor="start",
        textfont=dict(color="white"),
        error_x=dict(type="data", symmetric=False, color="#333",
                     array=[d[c]["ci_high"] - d[c]["score"] for c in shown],
                     arrayminus=[d[c]["score"] - d[c]["ci_low"] for c in shown])))
    fig.add_trace(go.Scatter(y=shown, x=[d[c]["kommune_score"] for c in shown], mode="markers", name="Kommunen",
                             marker=dict(symbol="diamond", size=14, color=KOMMUNE)))
    fig.update_xaxes(range=[0, 100])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, plain(title), 380)


GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def breakdown(cells: pl.DataFrame, competencies: list[str], groups: list[str], title: str) -> dict:
    """Small multiples per competency: a line per group over waves (hidden cells are gaps). The
    intervals are in the table below: six groups' bands over each other would hide the lines."""
    layout = json.loads(_grid(tuple(competencies)))
    traces = []
    for i, c in enumerate(competencies):
        for j, group in enumerate(groups):
            d = cells.filter(pl.col("competency") == c, pl.col("grp") == group).sort("wave")
            score = [None if hidden else s for s, hidden in zip(d["score"].to_list(), d["suppressed"].to_list())]
            traces.append(_scatter(i, x=d["wave"].to_list(), y=score, mode="lines+markers", name=plain(group),
                                   legendgroup=str(j), showlegend=i == 0, connectgaps=False,
                                   line=dict(color=GROUP_COLOURS[j % len(GROUP_COLOURS)], width=2),
                                   marker=dict(size=7), hovertemplate="%{x}, %{fullData.name}: %{y:.0f}<extra></extra>"))
    for axis, settings in layout.items():
        if axis.startswith("yaxis"):
            settings.update(range=[0, 100], gridcolor="#ddd")
        elif axis.startswith("xaxis"):
            settings.update(type="category", categoryorder="category ascending")   # a group may miss a wave
    layout.update(_frame(plain(title), 620), legend=dict(orientation="h", y=-0.12))
    return {"data": traces, "layout": layout}


MAX_POINTS = 3000   # above this many units a box plot's points are noise, and slow to send


def spread(data: pl.DataFrame, competencies: list[str], highlight: str | None, title: str,
           stats: pl.DataFrame) -> dict:
    """Unit scores per competency at one role level, one unit highlighted. stats: per competency
    min, q1, median, q3, max (rolleniveau.box_stats). Up to MAX_POINTS units every unit is a
    point; above, the boxes are drawn from `stats` alone. A plotly figure as a dict."""
    title = plain(title)
    box = dict(type="box", name="Enheder", marker=dict(color="#56B4E9", size=6), line=dict(color="#0072B2"),
               fillcolor="rgba(86,180,233,0.15)")
    if data.height <= MAX_POINTS:
        box.update(x=data["competency"].to_list(), y=data["score"].to_list(), boxpoints="all", jitter=0.4, pointpos=0,
                   text=[plain(n) for n in data["unit_name"].to_list()], hovertemplate="%{text}: %{y:.0f}<extra></extra>")
    else:
        box.update(x=stats["competency"].to_list(), lowerfence=stats["min"].to_list(), q1=stats["q1"].to_list(),
                   median=stats["median"].to_list(), q3=stats["q3"].to_list(), upperfence=stats["max"].to_list(),
                   boxpoints=False)
        title += f"<br><sup>{data['unit_id'].n_unique():,} enheder: kasserne viser spredningen, ".replace(",", ".") + \
            "punkterne udelades</sup>"
    traces = [box]
    if highlight:
        h = data.filter(pl.col("unit_id") == highlight)
        traces.append(dict(type="scatter", x=h["competency"].to_list(), y=h["score"].to_list(), mode="markers+text",
                           marker=dict(symbol="diamond", size=16, color=AREA, line=dict(color="black", width=1)),
                           text=[f"{v:.0f}" for v in h["score"].to_list()], textposition="middle right",
                           name=plain(h["unit_name"][0]) if h.height else "Valgt enhed"))
    layout = dict(_frame(title, 480), xaxis=dict(categoryorder="array", categoryarray=competencies),
                  yaxis=dict(range=[0, 100], gridcolor="#ddd"))
    return {"data": traces, "layout": layout}


def mapping_matrix(mapping: pl.DataFrame, competencies: list[str], roles: list[str]) -> dict:
    """Items (rows) x competency/role (columns); the cell shows the weight. A plotly figure as a dict."""
    cols = [(c, r) for c in competencies for r in roles]
    items = mapping.select("survey", "item_code").unique(maintain_order=True)
    weights = {(r["item_code"], r["competency"], r["role"]): r["weight"] for r in mapping.iter_rows(named=True)}
    z = [[weights.get((code, c, r)) for c, r in cols] for code in items["item_code"].to_list()]
    heat = dict(type="heatmap", z=z, x=[f"{c} · {r}" for c, r in cols], y=items["item_code"].to_list(),
                text=[[("" if v is None else f"{v:g}") for v in row] for row in z], texttemplate="%{text}",
                colorscale=[[0, "#A6CEE3"], [1, "#0072B2"]], showscale=False, xgap=1, ygap=1,
                hovertemplate="%{y} → %{x}: vægt %{text}<extra></extra>")
    layout = dict(_frame("Kortlægning: spørgsmål × kompetence og rolleniveau", 200 + 16 * items.height),
                  yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(tickangle=-60, automargin=True))
    return {"data": [heat], "layout": layout}


def drivers(rows: pl.DataFrame, title: str) -> dict:
    """Each competency's share of the explained variation (%) with its 95 % interval, as
    horizontal bars carrying their number. A plotly figure as a dict."""
    share = [v * 100 for v in rows["importance"].to_list()]
    low = [s - v * 100 for s, v in zip(share, rows["ci_low"].to_list())]
    high = [v * 100 - s for s, v in zip(share, rows["ci_high"].to_list())]
    bar = dict(type="bar", orientation="h", y=rows["competency"].to_list(), x=share, marker=dict(color=UNIT),
               text=[f"{v:.0f} %" for v in share], textposition="inside", insidetextanchor="start",
               textfont=dict(color="white"), error_x=dict(type="data", symmetric=False, array=high, arrayminus=low,
                                                          color="#333"),
               hovertemplate="%{y}: %{x:.0f} %<extra></extra>", name="Andel")
    layout = dict(_frame(plain(title), 380), xaxis=dict(range=[0, 100], ticksuffix=" %", gridcolor="#ddd"),
                  yaxis=dict(autorange="reversed", automargin=True), showlegend=False)
    return {"data": [bar], "layout": layout}
