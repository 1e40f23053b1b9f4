"""An incremental build: adding the newest wave to a built warehouse reads, validates and
decides only that wave, and gives exactly the warehouse a full build of every export gives."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import MANIFEST, private_path

from conftest import settings_for
from pipeline import disclosure, flow
from pipeline.flow import build, demo_data, plan_build

NEW = "Trivselsmåling 2026 - rådata.csv"     # the demo's latest trivsel wave
KEY = "0123456789abcdef" * 4


def _project(tmp: Path, source: Path, leave_out: str | None = None):
    settings = settings_for(tmp)
    shutil.copytree(source, settings.raw, ignore=shutil.ignore_patterns(leave_out) if leave_out else None)
    settings.key_file.write_text(KEY)       # both projects pseudonymise with the same key
    return settings


def _contents(path: Path) -> dict[str, list[tuple]]:
    """Every table and view of a warehouse, as sorted rows."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [n for (n,) in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("incremental-demo") / "raw"
    demo_data(settings_for(raw.parent), raw, employees=400, seed=7)
    assert (raw / NEW).exists()
    return raw


def test_adding_the_newest_wave_equals_a_full_build(demo_raw: Path, tmp_path: Path, monkeypatch) -> None:
    grown = _project(tmp_path / "grown", demo_raw, leave_out=NEW)
    first = build(grown)
    assert not first.incremental
    shutil.copy(demo_raw / NEW, grown.raw / NEW)

    read, decided = [], []
    monkeypatch.setattr(flow, "read_export", lambda p, real=flow.read_export: read.append(p.name) or real(p))
    real_decide = disclosure.decide
    monkeypatch.setattr(disclosure, "decide", lambda figures, *a, **k: decided.append(
        sorted(set(figures["wave"]))) or real_decide(figures, *a, **k))
    added = build(grown)
    monkeypatch.undo()

    assert added.incremental and read == [NEW] and decided == [["2026"]]
    whole = _project(tmp_path / "whole", demo_raw)
    assert not build(whole).incremental
    for file in (lambda s: s.warehouse, lambda s: private_path(s.warehouse)):   # published and private
        grown_tables, whole_tables = _contents(file(grown)), _contents(file(whole))
        assert grown_tables.keys() == whole_tables.keys() and "disclosure" in grown_tables
        for name in whole_tables:
            assert grown_tables[name] == whole_tables[name], name


def test_a_change_to_anything_but_new_exports_builds_anew(demo_raw: Path, tmp_path: Path) -> None:
    settings = _project(tmp_path / "p", demo_raw, leave_out=NEW)
    build(settings)
    key = KEY.encode()
    assert not plan_build(settings, key).incremental                         # nothing new
    shutil.copy(demo_raw / NEW, settings.raw / NEW)
    assert plan_build(settings, key).incremental
    assert not plan_build(settings, key, full=True).incremental
    older = next(settings.raw.glob("APV 2023*"))
    older.write_bytes(older.read_bytes() + b"\n")                           # a loaded export changed
    assert plan_build(settings, key).reason == "en tidligere indlæst eksportfil er ændret eller fjernet"
    older.write_bytes(older.read_bytes()[:-1])
    assert plan_build(settings, key).incremental
    organisation = settings.raw / "organisation.csv"
    organisation.write_text(organisation.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert plan_build(settings, key).reason == "konfiguration, organisation eller program er ændret siden sidst"


def test_a_new_file_for_an_earlier_wave_builds_anew(demo_raw: Path, tmp_path: Path) -> None:
    earlier = "Trivselsmåling 2019 - rådata"                    # a SurveyXact export: a folder of three files
    settings = _project(tmp_path / "p", demo_raw, leave_out=earlier)
    build(settings)
    shutil.copytree(demo_raw / earlier, settings.raw / earlier)
    assert plan_build(settings, KEY.encode()).incremental      # by the files alone it could be
    result = build(settings)
    assert not result.incremental and "ligger før" in result.reason


def test_an_incremental_build_leaves_the_built_waves_rows_of_wave_local_models_alone(demo_raw: Path, tmp_path: Path) -> None:
    settings = _project(tmp_path / "p", demo_raw, leave_out=NEW)
    build(settings)
    # mark one built row of each wave-local model: a model that computed its old waves again would lose the mark
    marked = {"int_competency_sums": "sum_score", "int_item_means": "mean", "mart_item_means": "mean", "int_response_counts": "headcount",
              "mart_response_rates": "headcount", "mart_benchmarks": "score", "int_breakdown_sums": "sum_score",
              "mart_breakdown_scores": "score", "int_breakdown_group_counts": "n"}
    con = duckdb.connect(str(private_path(settings.warehouse)))
    for table, column in marked.items():
        con.execute(f"update {table} set {column} = -7 where survey = 'trivsel' and wave = '2025'")
    con.close()
    shutil.copy(demo_raw / NEW, settings.raw / NEW)
    assert build(settings).incremental
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    for table, column in marked.items():
        old = con.execute(f"select min({column}), max({column}) from {table} where survey = 'trivsel' and wave = '2025'").fetchone()
        new = con.execute(f"select count(*), min({column}) from {table} where survey = 'trivsel' and wave = '2026'").fetchone()
        assert old == (-7, -7), table
        assert new[0] > 0 and new[1] != -7, table
    con.close()


@pytest.mark.parametrize("built_alike", [True, False])
def test_an_incremental_build_writes_only_the_new_waves_rows_into_a_published_file_built_alike(
        demo_raw: Path, tmp_path: Path, built_alike: bool) -> None:
    settings = _project(tmp_path / "p", demo_raw, leave_out=NEW)
    build(settings)
    # mark built rows of the published wave-local tables, and the decisions, in the live published file
    marked = {"mart_item_means": "mean", "mart_response_rates": "headcount", "mart_benchmarks": "score",
              "mart_breakdown_scores": "score", "disclosure": "node"}
    con = duckdb.connect(str(settings.warehouse))
    for table, column in marked.items():
        con.execute(f"update {table} set {column} = -7 where survey = 'trivsel' and wave = '2025'")
    if not built_alike:   # as if a build died between replacing the published file and the private one
        con.execute(f"update {MANIFEST} set digest = 'another build' where kind = 'configuration'")
    con.close()
    shutil.copy(demo_raw / NEW, settings.raw / NEW)
    assert build(settings).incremental
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    for table, column in marked.items():
        old = con.execute(f"select min({column}), max({column}) from {table} where survey = 'trivsel' and wave = '2025'").fetchone()
        new = con.execute(f"select count(*), min({column}) from {table} where survey = 'trivsel' and wave = '2026'").fetchone()
        assert (old == (-7, -7)) == built_alike, table    # left alone, or (not built alike) every table written anew
        assert new[0] > 0 and new[1] != -7, table
    assert con.execute(f"select count(*) from {MANIFEST} where digest = 'another build'").fetchone() == (0,)
    con.close()
