"""Reorganisations: a merged unit's trend follows its predecessors, computed by hand.

2023: K -> C -> A, B (A and B led by a Leder af medarbejder). On 2024-01-01 A and B merge
into AB. Codebook and mapping as in test_scoring: for a Leder af medarbejder, Q1 (direct,
weight 2), Q2 (reversed) and Q3 count. A's respondents answer 5, 1, 5 (score 100), B's
1, 5, 1 (score 0), AB's in 2024 answer 3, 3, 3 (score 50).
"""
from __future__ import annotations

import statistics

import duckdb
import pytest

from conftest import small_project
from dashboard.queries import Warehouse
from pipeline.errors import ConfigError
from pipeline.flow import build
from test_scoring import CODEBOOK, MAPPING

ORG = """unit_id,unit_name,parent_id,level,leader_role,valid_from,valid_to
K,Kommunen,,kommune,Direktør,2020-01-01,
C,Centret,K,center,Chef,2020-01-01,
A,Enhed A,C,enhed,Leder af medarbejder,2020-01-01,2023-12-31
B,Enhed B,C,enhed,Leder af medarbejder,2020-01-01,2023-12-31
AB,Enhed AB,C,enhed,Leder af medarbejder,2024-01-01,
"""
LINEAGE = "unit_id,predecessor_id,change,date\nAB,A,merged,2024-01-01\nAB,B,merged,2024-01-01\n"


def _build(tmp, n_b: int):
    head = "respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3,Q4\n"
    rows_2023 = [f"a{i},A,2023-03-01,5,1,5,3" for i in range(6)] + [f"b{i},B,2023-03-01,1,5,1,3" for i in range(n_b)]
    rows_2024 = [f"x{i},AB,2024-03-01,3,3,3,3" for i in range(7)]
    settings = small_project(tmp, CODEBOOK, MAPPING, {
        "organisation.csv": ORG, "lineage.csv": LINEAGE,
        "trivsel 2023.csv": head + "\n".join(rows_2023) + "\n", "trivsel 2024.csv": head + "\n".join(rows_2024) + "\n"})
    build(settings)
    return settings.warehouse


def test_a_merged_units_trend_follows_its_predecessors(tmp_path) -> None:
    path = _build(tmp_path, n_b=5)
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("select wave, score, n, sd, suppressed, source from mart_unit_trend "
                       "where unit_id = 'AB' and competency = 'Personaleledelse' order by wave").fetchall()
    change = con.execute("select from_wave, to_wave, difference from mart_competency_changes "
                         "where unit_id = 'AB' and competency = 'Personaleledelse'").fetchall()
    con.close()
    union = [100.0] * 6 + [0.0] * 5
    assert rows[0][0] == "2023" and rows[0][5] == "predecessors" and rows[0][2] == 11 and not rows[0][4]
    assert rows[0][1] == pytest.approx(statistics.fmean(union)) and rows[0][3] == pytest.approx(statistics.stdev(union))
    assert rows[1][:3] == ("2024", pytest.approx(50.0), 7) and rows[1][5] == "own"
    assert change == [("2023", "2024", pytest.approx(50.0 - 600 / 11))]
    assert Warehouse(path).unit_changes("AB")[0][1] == "Sammenlagt af Enhed A og Enhed B"


def test_the_stitched_wave_is_hidden_when_a_predecessor_was(tmp_path) -> None:
    path = _build(tmp_path, n_b=3)       # B's own figure was suppressed in 2023
    con = duckdb.connect(str(path), read_only=True)
    row = con.execute("select score, suppressed from mart_unit_trend where unit_id = 'AB' and wave = '2023' "
                      "and competency = 'Personaleledelse'").fetchall()
    con.close()
    assert row == [(None, True)]   # 9 respondents, but A's shown figure would reveal B's 3


def test_lineage_errors_name_row_and_column(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "organisation.csv").write_text(ORG, encoding="utf-8")
    from pipeline.organisation import read_lineage, read_organisation
    units = read_organisation(raw / "organisation.csv", ["Leder af medarbejder", "Leder af leder", "Chef", "Direktør"])
    for line, words in [("AB,Z,merged,2024-01-01", "række 2, kolonne predecessor_id: 'Z'"),
                        ("AB,A,absorbed,2024-01-01", "række 2, kolonne change: 'absorbed': ukendt ændring"),
                        ("AB,A,merged,1/1/2024", "række 2, kolonne date")]:
        (raw / "lineage.csv").write_text("unit_id,predecessor_id,change,date\n" + line + "\n", encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            read_lineage(raw / "lineage.csv", units)
        assert words in str(err.value)
