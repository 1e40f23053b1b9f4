"""A wave no typo can move: its name and date come from where its answers fall, and a date far
from the others is reported by file, row and column (a warning; the answer still counts)."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from conftest import small_project
from pipeline.flow import build
from pipeline.transform import wave_of
from pipeline.warehouse import private_path
from test_scoring import CODEBOOK, MAPPING, ORG

HEAD = "respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3,Q4\n"


def _export(dates: list[str]) -> str:
    return HEAD + "".join(f"r{i},A,{d},4,2,4,3\n" for i, d in enumerate(dates))


def test_one_far_off_date_leaves_the_wave_and_is_reported(tmp_path) -> None:
    dates = [f"2026-03-{d:02d}" for d in range(2, 12)]
    dates[4] = "15-03-2099"                           # row 6 in the spreadsheet, as delivered
    dates[7] = "2062-03-09"                           # a second typo, row 9
    settings = small_project(tmp_path, CODEBOOK, MAPPING, {"organisation.csv": ORG, "trivsel.csv": _export(dates)})
    result = build(settings)
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    waves = con.execute("select wave, wave_date from src_waves").fetchall()
    n = con.execute("select count(*) from stg_respondents").fetchone()[0]
    con.close()
    assert waves == [("2026", date(2026, 3, 11))]      # not 2099, and dated by the last real answer
    assert n == 10                                     # the answers with odd dates still count
    odd = [f for f in result.findings if "indsamlingsperiode" in f.message]
    assert [(f.row, f.column, f.value, f.error) for f in odd] == [
        (6, "answered_at", "15-03-2099", False), (9, "answered_at", "2062-03-09", False)]
    assert "2026" in odd[0].message


def test_the_window_is_around_the_median_date() -> None:
    dates = pl.Series([date(2025, 12, 1), date(2025, 12, 20), date(2026, 1, 10), date(2026, 1, 15), date(2024, 1, 1)])
    wave = wave_of(dates, 120)
    assert (wave.name, wave.date) == ("2026", date(2026, 1, 15))   # fieldwork over new year: named by its close
    assert wave.outside.to_list() == [4]
    assert wave_of(pl.Series([date(2026, 3, 1), None, date(2026, 3, 2)]), 120).outside.to_list() == []
