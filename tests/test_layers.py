"""The warehouse's layering keeps the anonymity rule in one place: a published mart that
reads private figures joins the suppression stage's decisions, and the dashboard reads only
published tables."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.warehouse import MODELS, model_files

ROOT = Path(__file__).resolve().parents[1]
RESPONDENT_LEVEL = re.compile(r"\b(src_answers|stg_answers|stg_respondents|stg_respondent_components|fct_(?!cell_alpha)\w+|responses)\b")
NOT_FOR_THE_DASHBOARD = re.compile(r"\b(src_\w+|stg_\w+|int_\w+|fct_\w+|responses)\b")


def _sql(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))


def test_every_mart_that_reads_private_figures_joins_the_decisions() -> None:
    marts = model_files(["marts"])
    readers = {name: set(re.findall(r"\bint_\w+", _sql(path))) for name, path in marts.items()}
    readers = {name: used for name, used in readers.items() if used}
    assert readers                                    # the published figures do come from int_ models
    for name, used in readers.items():
        assert re.search(r"\bjoin\s+disclosure\b", _sql(marts[name])), f"{name} reads {used} without the decisions"


def test_marts_and_analyst_views_never_read_respondent_level_tables() -> None:
    for name, path in model_files(["marts", "views"]).items():   # fct_cell_alpha: kommune-wide alphas
        found = set(RESPONDENT_LEVEL.findall(_sql(path)))
        if name == "responses":                       # the one private analyst view (README)
            continue
        assert not found, f"{name} reads {found}"


def test_the_dashboard_reads_only_published_tables() -> None:
    for path in (ROOT / "dashboard").rglob("*.py"):
        assert not NOT_FOR_THE_DASHBOARD.findall(path.read_text(encoding="utf-8")), path.name
    assert (MODELS / "intermediate" / "int_figures.sql").exists()
