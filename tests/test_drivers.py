"""Drivkræfter: relative importance finds a planted effect, publishes only groups of at least
25 respondents, and a chef sees only their own area."""
from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest

from dash_client import call, login
from dashboard.app import create_app
from dashboard.web import WebSettings
from pipeline.drivers import MIN_GROUP, drivers, importance, relative_weights

COMPETENCIES = ["A", "B", "C", "D", "E", "F"]


def test_a_planted_effect_is_found_with_an_interval_that_excludes_the_rest() -> None:
    rng = np.random.default_rng(7)
    n = 600
    x = rng.normal(size=(n, 6))
    x[:, 1] += 0.6 * x[:, 3]                                # correlated predictors, as competencies are
    y = 1.5 * x[:, 3] + 0.3 * x[:, 0] + rng.normal(size=n)   # D drives the outcome, A a little
    r2, share, low, high = importance(x, y, "planted")
    assert share.sum() == pytest.approx(1.0) and 0.6 < r2 < 0.8
    assert share.argmax() == 3 and low[3] > max(high[i] for i in (0, 2, 4, 5))
    assert importance(x, y, "planted")[2].tolist() == low.tolist()          # seeded: a rebuild gives the same


def test_relative_weights_add_up_to_r2_of_a_least_squares_fit() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 6))
    y = x @ np.array([1.0, 0.5, 0, 0, 0.2, 0]) + rng.normal(size=400)
    data = np.column_stack([x, y])
    fitted = np.column_stack([np.ones(400), x]) @ np.linalg.lstsq(np.column_stack([np.ones(400), x]), y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert relative_weights(np.corrcoef(data, rowvar=False)).sum() == pytest.approx(r2)


def test_only_groups_of_at_least_25_respondents_are_published() -> None:
    rng = np.random.default_rng(1)
    units = pl.DataFrame({"unit_id": ["K", "C1", "C2", "A", "B"], "parent_id": [None, "K", "K", "C1", "C2"],
                          "leader_role": ["Direktør", "Chef", "Chef", "Leder af medarbejder", "Leder af medarbejder"]})
    unit_ids = pl.Series(["A"] * 30 + ["B"] * 10)
    respondent = pl.DataFrame({f"{c}|Leder af medarbejder|own": (rng.uniform(0, 100, 40) * 1e9).astype(np.int64)
                               for c in COMPETENCIES})
    scores = pl.DataFrame({"Q": rng.uniform(0, 100, 40)})
    rows = drivers("trivsel", "2026", {"Tilfredshed": ["Q"]}, scores, respondent, unit_ids, units, COMPETENCIES, 10**9)
    groups = rows.select("role", "area_unit_id", "n").unique().sort("area_unit_id", nulls_last=True)
    assert groups.rows() == [("Leder af medarbejder", "C1", 30), ("Leder af medarbejder", None, 40)]   # C2: 10, not shown
    assert rows["n"].min() >= MIN_GROUP


def test_hr_sees_the_kommune_a_chef_only_their_area(demo_site, tmp_path) -> None:
    settings, ids = demo_site
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    outcome, role = con.execute("select outcome, role from mart_drivers where wave = '2026' and area_unit_id is null "
                                "order by n desc limit 1").fetchone()
    con.close()
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=tmp_path / "p"))
    inputs = {"dk-survey": "trivsel", "dk-wave": "2026", "dk-outcome": outcome, "dk-role": role, "dk-area": "kommunen"}
    hr = app.server.test_client()
    login(hr, "hr", "hr-pass-123")
    figure = call(hr, "dk-chart.figure", inputs).get_json()["response"]["dk-chart"]["figure"]
    assert len(figure["data"][0]["x"]) == 6 and sum(figure["data"][0]["x"]) == pytest.approx(100)
    chef = app.server.test_client()
    login(chef, "chef", "chef-pass-123")
    mine = str(call(chef, "dk-text.children", inputs).get_json()["response"])   # "kommunen": a chef's own area
    assert "Kommunen" not in mine and ("Center for Skoler" in mine or "For få besvarelser" in mine)
    assert call(chef, "dk-chart.figure", {**inputs, "dk-area": ids["Center for Ældre"]}).status_code == 403


def test_each_area_is_its_own_respondents_whatever_order_the_export_has() -> None:
    rng = np.random.default_rng(5)
    units = pl.DataFrame({"unit_id": ["K", "C1", "C2", "A1", "A2", "B1", "D"],
                          "parent_id": [None, "K", "K", "C1", "C1", "C2", "C1"],
                          "leader_role": ["Direktør", "Chef", "Chef"] + ["Leder af medarbejder"] * 3 + ["Chef"]})
    unit_ids = pl.Series(rng.choice(["A1", "A2", "B1", "D"], 200).tolist())   # interleaved, not in tree order
    x = rng.uniform(0, 100, (200, 6))
    y = x @ rng.uniform(0, 1, 6) + rng.normal(0, 20, 200)
    respondent = pl.DataFrame({f"{c}|Leder af medarbejder|own": (x[:, i] * 1e9).astype(np.int64)
                               for i, c in enumerate(COMPETENCIES)})
    rows = drivers("trivsel", "2026", {"T": ["Q"]}, pl.DataFrame({"Q": y}), respondent, unit_ids, units, COMPETENCIES, 10**9)
    in_c1 = unit_ids.is_in(["A1", "A2"]).to_numpy()        # C1's area; D is a Chef's unit, another role level
    c1 = rows.filter(pl.col("area_unit_id") == "C1", pl.col("role") == "Leder af medarbejder")
    assert c1["n"].unique().to_list() == [int(in_c1.sum())]
    assert c1["importance"].to_list() == pytest.approx(importance(x[in_c1], y[in_c1], "any")[1].tolist())
