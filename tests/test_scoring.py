"""Scoring of a small case computed by hand (docs/method.md §1-§4, first rule).

Organisation: K (kommune, Direktør) -> C (center, Chef) -> A, B (enheder, Leder af medarbejder).
Codebook "trivsel" is replaced by four items on 1-5 with 9 = "Ved ikke"; Q2 is reversed.
Mapping, for Personaleledelse at Leder af medarbejder and Chef:
    Q1 direct, weight 2;  Q2 area;  Q3 area.   (Q4 is mapped to nothing.)
So a respondent in A is scored for A on Q1 (x2), Q2, Q3 and needs 2 of those 3 answered;
for C (the unit above) only on the area items Q2, Q3 and needs 1 of 2.
No item is mapped to Direktør, so K gets no Personaleledelse row at all.
"""
from __future__ import annotations

import statistics

import duckdb

from pipeline.warehouse import private_path
import pytest
from scipy import stats

from conftest import small_project
from pipeline.flow import build

CODEBOOK = """survey: trivsel
name: Trivselsmåling
scales:
  s5: {min: 1, max: 5, missing: {9: Ved ikke}}
items:
  - {code: Q1, scale: s5, text: "Min leder anerkender mig"}
  - {code: Q2, scale: s5, reversed: true, text: "Hvor ofte er du stresset?"}
  - {code: Q3, scale: s5, text: "Vi samarbejder godt"}
  - {code: Q4, scale: s5, text: "Jeg er tilfreds"}
"""
MAPPING = """trivsel:
  Q1: [{competency: Personaleledelse, roles: [Leder af medarbejder, Chef], scope: direct, weight: 2}]
  Q2: [{competency: Personaleledelse, roles: [Leder af medarbejder, Chef], scope: area}]
  Q3: [{competency: Personaleledelse, roles: [Leder af medarbejder, Chef], scope: area}]
  Q4: []
"""
ORG = """unit_id,unit_name,parent_id,level,leader_role,valid_from,valid_to
K,Kommunen,,kommune,Direktør,2020-01-01,
C,Centret,K,center,Chef,2020-01-01,
A,Enhed A,C,enhed,Leder af medarbejder,2020-01-01,
B,Enhed B,C,enhed,Leder af medarbejder,2020-01-01,
"""
# each unit's own staff; an older count for A is replaced by the newer one before the wave
HEADCOUNT = """unit_id,date,headcount
K,2024-01-01,0
C,2024-01-01,3
A,2023-01-01,8
A,2024-01-01,12
B,2024-01-01,4
"""
# respondent, unit, Q1, Q2, Q3, Q4     ("" = skipped)
ANSWERS = [
    ("a1", "A", "4", "2", "5", "3"),
    ("a2", "A", "9", "1", "3", "3"),
    ("a3", "A", "5", "", "", "3"),
    ("a4", "A", "3", "4", "4", "3"),
    ("a5", "A", "2", "3", "9", "3"),
    ("a6", "A", "1", "5", "1", "3"),
    ("b1", "B", "5", "5", "5", "3"),
    ("b2", "B", "4", "1", "2", "3"),
    ("b3", "B", "9", "9", "9", "3"),
    ("c1", "C", "4", "2", "4", "3"),
    ("c2", "C", "2", "4", "2", "3"),
]
# Respondent scores worked out by hand: 0-100 values are Q1 (v-1)*25, Q2 100-(v-1)*25, Q3 (v-1)*25.
FOR_A = {"a1": (2 * 75 + 75 + 100) / 4,   # 81.25
         "a2": (100 + 50) / 2,            # Q1 "Ved ikke": 2 of 3 answered -> 75
         # a3: only Q1 answered, 1 of 3 -> no score
         "a4": (2 * 50 + 25 + 75) / 4,    # 50
         "a5": (2 * 25 + 50) / 3,         # Q3 "Ved ikke": 33.33
         "a6": 0.0}
FOR_C = {"a1": 87.5, "a2": 75.0, "a4": 50.0, "a5": 50.0, "a6": 0.0,   # area items only
         "b1": 50.0, "b2": 62.5,                                     # b3 answered nothing
         "c1": (2 * 75 + 75 + 75) / 4, "c2": (2 * 25 + 25 + 25) / 4}  # C's own staff: all three


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    lines = ["respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3,Q4"]
    lines += [f"{r},{u},2024-03-0{1 + i % 5},{q1},{q2},{q3},{q4}" for i, (r, u, q1, q2, q3, q4) in enumerate(ANSWERS)]
    settings = small_project(tmp_path_factory.mktemp("scoring"), CODEBOOK, MAPPING, {
        "organisation.csv": ORG, "headcount.csv": HEADCOUNT, "trivsel 2024.csv": "\n".join(lines) + "\n"})
    build(settings)
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    yield con
    con.close()


def _row(con: duckdb.DuckDBPyConnection, unit: str, competency: str = "Personaleledelse") -> dict | None:
    rel = con.execute("select * from competency_scores where unit_id = ? and competency = ?", [unit, competency])
    cols = [d[0] for d in rel.description]
    rows = rel.fetchall()
    assert len(rows) <= 1
    return dict(zip(cols, rows[0])) if rows else None


def _expected(scores: dict[str, float]) -> tuple[float, int, float, float, float]:
    values = list(scores.values())
    n, mean, sd = len(values), statistics.fmean(values), statistics.stdev(values)
    half = stats.t.ppf(0.975, n - 1) * sd / n ** 0.5
    return mean, n, sd, mean - half, mean + half


@pytest.mark.parametrize("unit, scores", [("A", FOR_A), ("C", FOR_C)])
def test_unit_scores_match_the_hand_computation(warehouse, unit: str, scores: dict[str, float]) -> None:
    row = _row(warehouse, unit)
    mean, n, sd, low, high = _expected(scores)
    assert row["n"] == n and not row["suppressed"]
    assert row["score"] == pytest.approx(mean) and row["sd"] == pytest.approx(sd)
    assert row["ci_low"] == pytest.approx(low) and row["ci_high"] == pytest.approx(high)
    assert row["role"] == ("Chef" if unit == "C" else "Leder af medarbejder")


def test_a_group_below_the_minimum_is_suppressed_with_nothing_computed_shown(warehouse) -> None:
    row = _row(warehouse, "B")   # b1 and b2 have scores, b3 answered only "Ved ikke": n = 2 < 5
    assert row["suppressed"] and row["n"] is None   # only the fact of suppression, not even n
    assert warehouse.execute("select rule from disclosure where figure = 'competency_score' and unit_id = 'B' "
                             "and key = 'Personaleledelse'").fetchall() == [("primary",)]
    assert row["score"] is None and row["sd"] is None and row["ci_low"] is None and row["ci_high"] is None


def test_cells_the_mapping_does_not_measure_have_no_row(warehouse) -> None:
    assert _row(warehouse, "K") is None                     # nothing mapped to Direktør
    assert _row(warehouse, "A", "Kommunikation") is None    # nothing mapped to Kommunikation


def test_responses_put_every_answer_on_0_to_100_with_reversal_and_missing_codes(warehouse) -> None:
    rows = warehouse.execute(
        "select r.item_code, r.value, r.score from responses r "
        "join (select respondent_key from responses where item_code = 'Q1' and value = 9 and unit_id = 'A') k "
        "using (respondent_key) order by item_code").fetchall()
    # that respondent is a2: Q1 "Ved ikke", Q2 = 1 reversed -> 100, Q3 = 3 -> 50, Q4 = 3 -> 50
    assert rows == [("Q1", 9.0, None), ("Q2", 1.0, 100.0), ("Q3", 3.0, 50.0), ("Q4", 3.0, 50.0)]


def test_respondent_keys_are_pseudonyms(warehouse) -> None:
    keys = [k for (k,) in warehouse.execute("select distinct respondent_key from responses").fetchall()]
    assert len(keys) == len(ANSWERS) and not any(k in {a[0] for a in ANSWERS} for k in keys)


def test_response_rates_by_hand(warehouse) -> None:
    rows = {r[0]: r[1:] for r in warehouse.execute(
        "select unit_id, respondents, headcount, response_rate, low_rate, suppressed from mart_response_rates").fetchall()}
    assert rows["A"] == (6, 12, pytest.approx(6 / 12), True, False)       # below 60 %: flagged
    assert rows["C"] == (11, 19, pytest.approx(11 / 19), True, False)     # C's own 2 + A's 6 + B's 3 of 3 + 12 + 4
    assert rows["K"] == (11, 19, pytest.approx(11 / 19), True, False)
    assert rows["B"] == (None, 4, None, False, True)                      # 3 respondents: only the fact of suppression
