"""Cronbach's alpha of a cell's items, by hand."""
from __future__ import annotations

import polars as pl
import pytest

from pipeline.transform import cronbach_alpha


def test_alpha_by_hand() -> None:
    # three complete respondents on two items: X = (0, 10, 10) has sample variance 100/3,
    # Y = (10, 30, 50) has 400, their sums (10, 40, 60) have 1900/3;
    # alpha = 2/1 * (1 - (100/3 + 400) / (1900/3)) = 0.6316
    scores = pl.DataFrame({"X": [0.0, 10.0, 10.0, None], "Y": [10.0, 30.0, 50.0, 50.0]})
    links = pl.DataFrame({"item_code": ["X", "Y", "Y"], "competency": ["K", "K", "L"], "role": ["Chef"] * 3})
    out = {r["competency"]: r for r in cronbach_alpha(scores, links, "trivsel", "2024").iter_rows(named=True)}
    var_x = pl.Series([0.0, 10.0, 10.0]).var()
    var_y = pl.Series([10.0, 30.0, 50.0]).var()
    var_sum = pl.Series([10.0, 40.0, 60.0]).var()
    assert var_x == pytest.approx(100 / 3) and var_y == pytest.approx(400) and var_sum == pytest.approx(1900 / 3)
    assert out["K"]["n_respondents"] == 3 and out["K"]["n_items"] == 2     # the 4th lacks X
    assert out["K"]["alpha"] == pytest.approx(2 * (1 - (100 / 3 + 400) / (1900 / 3))) == pytest.approx(0.6316, abs=1e-4)
    assert out["L"]["alpha"] is None and out["L"]["n_items"] == 1          # one item: no alpha
