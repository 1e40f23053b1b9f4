"""The suppression stage on a hand-made case: two role levels scored on the same items are one
measure (the demo's unit 20029/20030 case in 2019), different items are not.

K (Direktør) -> P (Leder af leder, 3 own respondents) -> A (Leder af medarbejder, 7).
Serviceorienteret ledelse: Q1 and Q2 (area) for both roles, so P's score minus A's would be
the exact mean of P's own 3 respondents. Kommunikation: Q2 (area) for both, plus Q3 about the
nearest leader (direct) for A only, so A's respondents are valued on other items in A than in
P, and subtracting the two isolates no one.
"""
from __future__ import annotations

import dataclasses
import hashlib
import statistics

import duckdb
import numpy as np
import polars as pl
import pytest

from conftest import small_project
from test_anonymity import audited_small_groups
from pipeline import disclosure
from pipeline.disclosure import audit
from pipeline.flow import build
from pipeline.score import AnonymityBreach

CODEBOOK = """survey: trivsel
name: Trivselsmåling
scales:
  s5: {min: 1, max: 5, missing: {9: Ved ikke}}
items:
  - {code: Q1, scale: s5, text: "Vi yder god service"}
  - {code: Q2, scale: s5, text: "Vi får god information"}
  - {code: Q3, scale: s5, text: "Min leder lytter"}
"""
MAPPING = """trivsel:
  Q1: [{competency: Serviceorienteret ledelse, roles: [Leder af medarbejder, Leder af leder], scope: area}]
  Q2:
    - {competency: Serviceorienteret ledelse, roles: [Leder af medarbejder, Leder af leder], scope: area}
    - {competency: Kommunikation, roles: [Leder af medarbejder, Leder af leder], scope: area}
  Q3: [{competency: Kommunikation, roles: [Leder af medarbejder], scope: direct}]
"""
ORG = """unit_id,unit_name,parent_id,level,leader_role,valid_from,valid_to
K,Kommunen,,kommune,Direktør,2018-01-01,
P,Afdelingen,K,afdeling,Leder af leder,2018-01-01,
A,Enheden,P,enhed,Leder af medarbejder,2018-01-01,
"""
# respondent, unit, Q1, Q2, Q3
ANSWERS = [("p1", "P", 5, 4, 3), ("p2", "P", 2, 2, 3), ("p3", "P", 4, 1, 3)] + [
    (f"a{i}", "A", 1 + i % 5, 1 + (i * 2) % 5, 1 + (i * 3) % 5) for i in range(7)]


def _service(q1: int, q2: int) -> float:   # Serviceorienteret ledelse: mean of Q1, Q2 on 0-100
    return ((q1 - 1) * 25 + (q2 - 1) * 25) / 2


def _project(tmp, **settings_changes):
    lines = ["respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3"] + [
        f"{r},{u},2019-03-01,{q1},{q2},{q3}" for r, u, q1, q2, q3 in ANSWERS]
    settings = small_project(tmp, CODEBOOK, MAPPING, {"organisation.csv": ORG, "trivsel 2019.csv": "\n".join(lines) + "\n"})
    return dataclasses.replace(settings, **settings_changes)


def _build(tmp, **settings_changes) -> duckdb.DuckDBPyConnection:
    settings = _project(tmp, **settings_changes)
    build(settings)
    return duckdb.connect(str(settings.warehouse), read_only=True)


def _scores(con, competency: str) -> dict[str, tuple]:
    return {u: (score, n, hidden) for u, score, n, hidden in con.execute(
        "select unit_id, score, n, suppressed from competency_scores where competency = ?", [competency]).fetchall()}


def test_two_role_levels_on_the_same_items_are_one_measure(tmp_path) -> None:
    con = _build(tmp_path)
    service = _scores(con, "Serviceorienteret ledelse")
    rule = con.execute("select rule from disclosure where figure = 'competency_score' and unit_id = 'A' "
                       "and key = 'Serviceorienteret ledelse'").fetchall()
    result = audit(con)
    con.close()
    # P's score is shown, computed by hand over all 10 respondents ...
    assert service["P"] == (pytest.approx(statistics.fmean(_service(q1, q2) for _, _, q1, q2, _ in ANSWERS)), 10, False)
    # ... and A's (7 respondents, above the minimum) is hidden: 10 x P - 7 x A would be the
    # exact mean of P's own 3 respondents. Role families showed both.
    assert service["A"] == (None, None, True) and rule == [("complementary",)]
    assert result["small_groups"] == 0


def test_a_different_measure_is_not_hidden_for_nothing(tmp_path) -> None:
    con = _build(tmp_path)
    komm = _scores(con, "Kommunikation")
    con.close()
    # In A its respondents are valued on Q2 and Q3 (direct), in P on Q2 alone: no subtraction
    # of the two isolates anyone, so both are shown.
    assert komm["P"][1:] == (10, False) and komm["A"][1:] == (7, False)


def test_hidden_together_hides_every_figure_of_the_unit_and_wave(tmp_path) -> None:
    con = _build(tmp_path, hide_unit_together=True)
    a = con.execute("select figure, key, shown, rule from disclosure where unit_id = 'A' order by figure, key").fetchall()
    komm = _scores(con, "Kommunikation")
    result = audit(con)
    con.close()
    assert a and not any(shown for _, _, shown, _ in a)
    assert ("competency_score", "Kommunikation", False, "together") in a
    assert komm["A"] == (None, None, True) and komm["P"][1:] == (10, False)
    assert result["small_groups"] == 0


def test_a_build_whose_published_figures_fail_the_audit_publishes_nothing(tmp_path, monkeypatch) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    con = _build(tmp_path / "first")
    con.close()
    live = tmp_path / "first" / "warehouse" / "sammen.duckdb"
    before = hashlib.sha256(live.read_bytes()).hexdigest()
    # a stage that forgets the complementary rule: P and A are both shown, and the audit sees it
    monkeypatch.setattr(disclosure, "settle", lambda parent, *_: np.zeros(len(parent), dtype=bool))
    settings = _project(tmp_path / "second", warehouse=live)
    with pytest.raises(AnonymityBreach, match="grupper under minimum"):
        build(settings)
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before
    assert not list(live.parent.glob(".*building*"))


def test_the_audit_subtracts_a_units_own_figure_from_its_mixed_figure() -> None:
    """The leak hypothesis found (tests/test_anonymity.py): U's own 5 respondents valued on
    Q1+Q2+Q3 are shown alone (an own figure), and inside a mixed figure of 6 that values U's own on
    the same items and 1 respondent below on Q1+Q3. 6 - 5 isolates that 1 person."""
    def published(own_shown: bool) -> pl.DataFrame:
        return pl.DataFrame({
            "survey": ["s", "s"], "wave": ["w", "w"], "unit_id": ["U", "U"], "family": ["Q1+Q3", "Q1+Q2+Q3"],
            "own_family": ["Q1+Q2+Q3", None], "own_parent_node": [None, None],
            "node": [0, 1], "parent_node": [None, None], "part": ["mixed", "own"],
            "shown": [True, own_shown], "n": [6, 5 if own_shown else None], "anything": [True, own_shown]})
    assert disclosure.check(published(own_shown=True), {"s": 5})["small_groups"] == 1
    assert disclosure.check(published(own_shown=False), {"s": 5})["small_groups"] == 0


def _leak(n: list[int], n_own: list[int], own: list[str], below: list[str],
          units: dict[str, str | None]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Competency figures of K and U (c1 in one survey wave), and the unit tree."""
    return (pl.DataFrame({"figure": "competency_score", "survey": "s", "wave": "w", "unit_id": ["K", "U"], "key": "c1",
                          "n": n, "n_own": n_own, "own_measure": own, "below_measure": below}),
            pl.DataFrame({"survey": "s", "wave": "w", "unit_id": list(units), "parent_id": list(units.values())}))


THREE = "Q1*1/3 + Q2*1/3 + Q3*1/3"
# the two leaks test_anonymity's oracle found, in K > U > V (> W beside U)
LEAKS = {
    # U's mixed figure counts 6: its own 5 on Q1+Q2+Q3 and V's 1 on Q1+Q2. K's counts 5: only U's
    # own, on the same items. The own part has no figure, but K's is exactly it: 6 - 5 isolates V's one.
    "own part left above": _leak([5, 6], [0, 5], [THREE, THREE], [THREE, "Q1*1/2 + Q2*1/2"],
                                 {"K": None, "U": "K", "V": "U"}),
    # U's mixed figure counts 12: its own 1 on Q1 and Q3 (who skipped Q1) and 11 below on Q1. K's
    # counts 11: all on Q1, all below U. 12 - 11 isolates U's own one.
    "part below left above": _leak([11, 12], [0, 1], ["Q1*1", "Q1*2/3 + Q3*1/3"], ["Q1*1", "Q1*1"],
                                   {"K": None, "U": "K", "V": "U", "W": "K"}),
}


def _audited(figures: pl.DataFrame, units: pl.DataFrame, private: bool = True) -> int:
    """The audit's small groups in what the stage decides for `figures` (private: knowing n_own)."""
    return audited_small_groups(figures, disclosure.decide(figures, units, {"s": 5}), private)


@pytest.mark.parametrize("case", LEAKS)
def test_the_stage_hides_a_mixed_figure_whose_own_part_can_be_derived_and_the_audit_finds_it(case, monkeypatch) -> None:
    figures, units = LEAKS[case]
    assert disclosure.decide(figures, units, {"s": 5})["shown"].to_list() == [True, False]
    assert _audited(figures, units) == 0
    # a stage without that rule shows both, and the audit finds the small group, knowing the own
    # part's count (private: the published file alone cannot)
    monkeypatch.setattr(disclosure, "_still_derivable", lambda *args: np.zeros(len(args[4]), dtype=bool))
    assert disclosure.decide(figures, units, {"s": 5})["shown"].to_list() == [True, True]
    assert _audited(figures, units) == 1
    assert _audited(figures, units, private=False) == 0


def test_the_audit_finds_nothing_where_the_figure_above_has_more_respondents(monkeypatch) -> None:
    monkeypatch.setattr(disclosure, "_still_derivable", lambda *args: np.zeros(len(args[4]), dtype=bool))
    # one respondent of K's own on U's items too: K's figure no longer leaves U's own part
    figures, units = LEAKS["own part left above"]
    assert _audited(figures.with_columns(n=pl.Series([6, 6]), n_own=pl.Series([1, 5])), units) == 0
    # 3 more on Q1 in W, beside U: K's figure is U's part below and those 3, nothing isolated
    figures, units = LEAKS["part below left above"]
    assert _audited(figures.with_columns(n=pl.Series([14, 12])), units) == 0


@pytest.mark.parametrize("case", LEAKS)
def test_the_builds_audit_reads_the_own_parts_counts_from_the_private_figures(case, monkeypatch) -> None:
    """`audit` on a warehouse: the published tables, and int_figures for the own parts' counts."""
    figures, units = LEAKS[case]
    monkeypatch.setattr(disclosure, "_still_derivable", lambda *args: np.zeros(len(args[4]), dtype=bool))
    decided = disclosure.decide(figures, units, {"s": 5})
    scores = decided.select("survey", "wave", "unit_id", competency="key", n=pl.when("shown").then(figures["n"]),
                            score=pl.when("shown").then(pl.lit(50.0)), sd=pl.lit(None, pl.Float64),
                            ci_low=pl.lit(None, pl.Float64), ci_high=pl.lit(None, pl.Float64))
    con = duckdb.connect()
    for name, frame in {"disclosure": decided, "int_figures": figures, "mart_competency_scores": scores,
                        "dim_survey": pl.DataFrame({"survey": ["s"], "min_group_size": [5]})}.items():
        con.register("_frame", frame)
        con.execute(f"create table {name} as select * from _frame")
        con.unregister("_frame")
    con.execute("""create table mart_item_means (survey varchar, wave varchar, unit_id varchar, item_code varchar,
                                                 scope varchar, n bigint, mean double)""")
    con.execute("create table mart_response_rates (survey varchar, wave varchar, unit_id varchar, respondents bigint, "
                "response_rate double)")
    con.execute("""create table mart_breakdown_scores (survey varchar, wave varchar, unit_id varchar, competency varchar,
                   grp varchar, n bigint, suppressed boolean, score double, sd double, ci_low double, ci_high double)""")
    assert audit(con)["small_groups"] == 1
    con.execute("drop table int_figures")            # a published file alone
    assert audit(con)["small_groups"] == 0


def test_packed_keys_sort_as_their_columns_and_refuse_what_does_not_fit() -> None:
    """decide's ties follow the order of (survey, wave, family, unit, part, tag); its one-integer
    keys must sort exactly so, and a code space too large for 62 bits is refused, not wrapped."""
    rng = np.random.default_rng(7)
    packing = disclosure.Packing(surveys=3, waves=5, measures=40, units=1000)
    size = 5000
    codes = pl.DataFrame({"survey": rng.integers(0, 3, size), "wave": rng.integers(0, 5, size),
                          "family": rng.integers(1, 40, size), "unit_id": rng.integers(0, 1000, size),
                          "part": rng.choice(list(disclosure.PART_RANK), size), "tag": rng.integers(0, 40, size)})
    by_columns = codes.with_columns(rank=pl.col("part").replace_strict(disclosure.PART_RANK)).sort(
        "survey", "wave", "family", "unit_id", "rank", "tag").drop("rank")
    assert codes.with_columns(packing.node()).sort("node_key").drop("node_key").equals(by_columns)
    assert codes.select(packing.unit(pl.col("unit_id"))).n_unique() == codes.select("survey", "wave", "unit_id").n_unique()
    with pytest.raises(RuntimeError):
        disclosure.Packing(surveys=10, waves=100, measures=10_000, units=100_000_000)
