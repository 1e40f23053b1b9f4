"""Small accessible building blocks shared by the pages."""
from __future__ import annotations

from urllib.parse import urlencode

import polars as pl
from dash import dcc, html

from dashboard.queries import Warehouse

SUPPRESSED_TEXT = "for få besvarelser"   # the one wording of "hidden by the suppression stage"


DROPDOWN_TEXTS = {  # the dropdown's own words, in Danish
    "search": "Søg", "clear_search": "Ryd søgning", "clear_selection": "Ryd valg",
    "no_options_found": "Ingen valgmuligheder fundet", "select_all": "Vælg alle", "deselect_all": "Fravælg alle",
    "selected_count": "{num_selected} valgt",
}


def select(id_: str, label: str, options: list[dict], value: object, clearable: bool = False,
           multi: bool = False) -> html.Div:
    return html.Div([html.Label(label, htmlFor=id_),
                     dcc.Dropdown(id=id_, options=options, value=value, clearable=clearable, searchable=True,
                                  multi=multi, placeholder="Vælg …", labels=DROPDOWN_TEXTS)],
                    className="control")


def unit_options(units: pl.DataFrame, allowed: frozenset[str] | None) -> list[dict]:
    """Units in hierarchy order, indented by depth; closed units marked."""
    out = []
    for r in units.iter_rows(named=True):
        if allowed is None or r["unit_id"] in allowed:
            closed = "" if r["is_current"] else " (nedlagt)"
            out.append({"label": f"{'  ' * r['depth']}{r['unit_name']}{closed}", "value": r["unit_id"]})
    return out


def survey_options(wh: Warehouse) -> list[dict]:
    return [{"label": r["survey_name"], "value": r["survey"]} for r in wh.surveys().iter_rows(named=True)]


def table(frame: pl.DataFrame, caption: str, headers: dict[str, str] | None = None) -> html.Table:
    headers = headers or {}
    cols = frame.columns
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(headers.get(c, c), scope="col") for c in cols])),
        html.Tbody([html.Tr([html.Td(_cell(v)) for v in row]) for row in frame.iter_rows()]),
    ], className="data-table")


def _cell(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1f}"
    if isinstance(v, bool):
        return "ja" if v else "nej"
    return str(v)


def details_table(frame: pl.DataFrame, caption: str, headers: dict[str, str] | None = None) -> html.Details:
    return html.Details([html.Summary("Vis tallene som tabel"), table(frame, caption, headers)], className="table-box")


def download_link(id_: str, label: str) -> html.A:
    """A download button; without an href until its callback has one, so it is no link yet
    (a click before then would otherwise save the page itself)."""
    return html.A(label, id=id_, className="button", download="")


def href(kind: str, **params: object) -> str:
    return f"/download/{kind}?" + urlencode({k: v for k, v in params.items() if v is not None})


def score_text(score: float | None, suppressed: bool) -> str:
    """A published figure for people; the suppression stage decided `suppressed`."""
    return SUPPRESSED_TEXT if suppressed else ("–" if score is None else f"{score:.0f}")


def rate_text(rate: float | None, low: bool) -> str:
    """A response rate for people: '82 %', with a warning when below 60 %."""
    if rate is None:
        return "–"
    return f"{rate * 100:.0f} %" + (" (lav)" if low else "")
