"""Honest change: the Welch interval of a difference, computed by hand."""
from __future__ import annotations

import math

import duckdb
import pytest
from scipy import stats

from pipeline.score import t_quantiles
from pipeline.warehouse import MODELS


def _changes(rows: list[tuple]) -> list[tuple]:
    con = duckdb.connect()
    con.execute("create table dim_wave (survey varchar, wave varchar, wave_date date)")
    con.execute("insert into dim_wave values ('trivsel', '2024', '2024-03-20'), ('trivsel', '2025', '2025-03-20')")
    con.execute("create table mart_unit_trend (survey varchar, wave varchar, unit_id varchar, competency varchar,"
                " role varchar, score double, sd double, n integer, suppressed boolean)")
    con.executemany("insert into mart_unit_trend values ('trivsel', ?, ?, 'Kommunikation', 'Chef', ?, ?, ?, ?)", rows)
    con.register("_t", t_quantiles())
    con.execute("create table stg_t_quantiles as select * from _t")
    sql = (MODELS / "marts" / "mart_competency_changes.sql").read_text()
    return con.execute(f"select unit_id, difference, ci_low, ci_high, df, significant, suppressed from ({sql}) "
                       "order by unit_id").fetchall()


def test_welch_interval_by_hand() -> None:
    # unit A: 60 (sd 15, n 20) -> 70 (sd 10, n 30);  unit B: 60 (sd 20, n 6) -> 66 (sd 20, n 6)
    rows = [("2024", "A", 60.0, 15.0, 20, False), ("2025", "A", 70.0, 10.0, 30, False),
            ("2024", "B", 60.0, 20.0, 6, False), ("2025", "B", 66.0, 20.0, 6, False),
            ("2024", "C", None, None, 3, True), ("2025", "C", 80.0, 9.0, 8, False)]
    result = {r[0]: r for r in _changes(rows)}
    for unit, (m1, s1, n1, m2, s2, n2) in {"A": (60, 15, 20, 70, 10, 30), "B": (60, 20, 6, 66, 20, 6)}.items():
        v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
        df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
        half = stats.t.ppf(0.975, math.floor(df)) * math.sqrt(v1 + v2)
        _, diff, low, high, got_df, significant, _ = result[unit]
        assert diff == pytest.approx(m2 - m1) and got_df == pytest.approx(df)
        assert low == pytest.approx(m2 - m1 - half) and high == pytest.approx(m2 - m1 + half)
    assert result["A"][5] is True      # 10 points, interval about 2.5 to 17.5
    assert result["B"][5] is False     # 6 points on 6 + 6 answers: within the noise
    assert result["C"][1:6] == (None, None, None, None, False) and result["C"][6] is True


def test_groups_without_spread_change_exactly_by_their_difference() -> None:
    # every respondent gave the same score both years (found at 400,000 employees): Welch's df is 0/0
    rows = [("2024", "D", 50.0, 0.0, 5, False), ("2025", "D", 75.0, 0.0, 6, False),
            ("2024", "E", 50.0, 0.0, 5, False), ("2025", "E", 50.0, 0.0, 5, False)]
    result = {r[0]: r for r in _changes(rows)}
    assert result["D"][1:6] == (25.0, 25.0, 25.0, 9.0, True)
    assert result["E"][1:6] == (0.0, 0.0, 0.0, 8.0, False)
