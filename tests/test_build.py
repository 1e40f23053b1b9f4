"""The build as HR runs it: a readable validation report that changes nothing, an
idempotent rebuild, and a rebuild while someone reads the live warehouse."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb

from pipeline.warehouse import private_path
import pytest

from conftest import settings_for
from pipeline.flow import ValidationFailed, build
from pipeline.report import format_findings

VIEWS = ["framework", "units", "items", "item_mapping", "responses", "competency_scores"]


@pytest.fixture(scope="module")
def demo(demo_site):
    """The session's small demo municipality (see conftest.demo_site)."""
    return demo_site[0]


def _snapshot(path: Path) -> dict[str, tuple[int, int, str]]:
    """Per view: rows, distinct rows, and a digest of its sorted contents."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for v in VIEWS:
            rows = sorted(map(repr, con.execute(f"select * from {v}").fetchall()))
            out[v] = (len(rows), len(set(rows)), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rebuilding_the_same_input_gives_the_same_warehouse(demo) -> None:
    first = _snapshot(private_path(demo.warehouse))
    build(demo)
    second = _snapshot(private_path(demo.warehouse))
    assert first == second
    for view, (rows, distinct, _) in second.items():
        assert rows == distinct, f"duplicated rows in {view}"


def test_every_view_has_rows_and_every_measured_cell_a_row(demo) -> None:
    con = duckdb.connect(str(private_path(demo.warehouse)), read_only=True)
    try:
        for view in VIEWS:
            assert con.execute(f"select count(*) from {view}").fetchone()[0] > 0, view
        missing = con.execute("""
            select count(*) from dim_unit_wave u
            join (select distinct survey, role, competency from item_mapping) m
              on m.survey = u.survey and m.role = u.leader_role
            anti join competency_scores s
              on s.survey = u.survey and s.wave = u.wave and s.unit_id = u.unit_id and s.competency = m.competency
        """).fetchone()[0]
        assert missing == 0
        small = con.execute("select count(*) from disclosure where figure = 'competency_score' and rule = 'primary' "
                            "and unit_id in (select unit_id from competency_scores where suppressed)").fetchone()[0]
        assert small > 0   # the demo has units below the anonymity minimum
        leaked = con.execute("select count(*) from competency_scores where n < 5 or (suppressed and "
                             "(n is not null or score is not null or sd is not null or ci_low is not null))").fetchone()[0]
        assert leaked == 0
    finally:
        con.close()


def test_scores_can_be_rederived_with_plain_sql_from_the_analyst_views(demo) -> None:
    """The promise of docs/method.md: an analyst can reproduce every score from the views."""
    con = duckdb.connect(str(private_path(demo.warehouse)), read_only=True)
    try:
        diff = con.execute("""
        with recursive tree as (   -- units with their ancestors on each wave's date
            select w.survey, w.wave, u.unit_id, u.unit_id as ancestor_id, 0 as depth, u.parent_id as up, w.wave_date
            from (select distinct survey, wave, wave_date from responses) w
            join units u on w.wave_date between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
            union all
            select t.survey, t.wave, t.unit_id, p.unit_id, t.depth + 1, p.parent_id, t.wave_date
            from tree t join units p on p.unit_id = t.up
             and t.wave_date between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
        ),
        asked as (select distinct survey, wave, item_code from responses),
        cell_items as (   -- mapped items asked per wave, competency, role and scope
            select q.survey, q.wave, m.competency, m.role, m.scope, count(*) as n
            from item_mapping m join asked q using (survey, item_code)
            group by all
        ),
        in_scope as (     -- answers counting for each unit: direct items only in the own unit
            select r.survey, r.wave, t.ancestor_id as unit_id, t.depth, a.leader_role as role,
                   m.competency, r.respondent_key, m.weight, r.score
            from responses r
            join tree t on t.survey = r.survey and t.wave = r.wave and t.unit_id = r.unit_id
            join units a on a.unit_id = t.ancestor_id
             and t.wave_date between a.valid_from and coalesce(a.valid_to, date '9999-12-31')
            join item_mapping m on m.survey = r.survey and m.item_code = r.item_code and m.role = a.leader_role
            where m.scope = 'area' or t.depth = 0
        ),
        per_respondent as (
            select survey, wave, unit_id, depth, role, competency, respondent_key,
                   sum(weight * score) / sum(weight) filter (where score is not null) as score,
                   count(score) as n_answered
            from in_scope group by all
        ),
        unit_scores as (
            select p.survey, p.wave, p.unit_id, p.competency, avg(p.score) as score, count(*) as n
            from per_respondent p
            left join cell_items ca on ca.survey = p.survey and ca.wave = p.wave and ca.competency = p.competency
                 and ca.role = p.role and ca.scope = 'area'
            left join cell_items cd on cd.survey = p.survey and cd.wave = p.wave and cd.competency = p.competency
                 and cd.role = p.role and cd.scope = 'direct'
            where 2 * p.n_answered >= coalesce(ca.n, 0) + case when p.depth = 0 then coalesce(cd.n, 0) else 0 end
              and p.n_answered > 0
            group by all
        )
        select count(*) filter (where u.n is null or c.n <> u.n or abs(c.score - u.score) > 1e-9) as differ,
               count(*) as compared
        from competency_scores c
        left join unit_scores u using (survey, wave, unit_id, competency)
        where not c.suppressed
        """).fetchone()
        assert diff[0] == 0 and diff[1] > 1000
    finally:
        con.close()


def _break(raw: Path) -> None:
    """Spoil one export the way real deliveries go wrong."""
    path = next(raw.glob("Trivselsmåling 2024*"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    tri05, unit = header.index("TRI05"), header.index("enhed")
    row = lines[3].split(",")
    row[tri05] = "7"                                   # outside 1-5 and not 9
    lines[3] = ",".join(row)
    row = lines[5].split(",")
    row[unit] = "99999"                                # no such unit
    lines[5] = ",".join(row)
    lines.append(lines[6])                             # same respondent twice (rows 7 and last)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def test_bad_input_is_reported_by_file_row_and_column_and_changes_nothing(demo, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, warehouse=demo.warehouse)
    subprocess.run(["cp", "-r", str(demo.raw), str(settings.raw)], check=True)
    _break(settings.raw)
    before = _digest(demo.warehouse), _digest(private_path(demo.warehouse))
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    report = format_findings(failed.value.findings)
    name = next(settings.raw.glob("Trivselsmåling 2024*")).name
    n_rows = len(next(settings.raw.glob("Trivselsmåling 2024*")).read_text(encoding="utf-8-sig").splitlines())
    assert f"FEJL     {name}, række 4, kolonne TRI05: værdien ligger uden for svarskalaen (gyldige koder: 1–5 eller 9 = Ved ikke) (værdi: '7')" in report
    assert f"{name}, række 6, kolonne unit_id: enhedskoden findes ikke i organisationen" in report
    assert f"{name}, række 7, kolonne respondent_id: samme respondent-id står flere gange" in report
    assert f"række {n_rows}" in report
    assert (_digest(demo.warehouse), _digest(private_path(demo.warehouse))) == before
    assert not list(demo.warehouse.parent.glob(".*building*"))
    assert not list(private_path(demo.warehouse).parent.glob(".*building*"))


def test_a_reader_holding_the_live_warehouse_does_not_block_a_rebuild(demo) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print(c.execute('select count(*) from competency_scores').fetchone()[0], flush=True); time.sleep(30)",
         str(demo.warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert int(reader.stdout.readline()) > 0   # the reader has the file open
        build(demo)
        con = duckdb.connect(str(demo.warehouse), read_only=True)
        assert con.execute("select count(*) from competency_scores").fetchone()[0] > 0
        con.close()
    finally:
        reader.kill()


def test_the_published_layer_reveals_no_small_group_by_subtraction(demo) -> None:
    """The audit reads only published tables: per family, every shown figure minus the nearest
    shown figures below it leaves 0 or at least the minimum; hidden figures carry no n."""
    from pipeline.disclosure import audit
    con = duckdb.connect(str(demo.warehouse), read_only=True)
    try:
        result = audit(con)
        kinds = dict(con.execute("select figure, count(*) filter (where rule = 'complementary') "
                                 "from disclosure group by figure").fetchall())
    finally:
        con.close()
    assert result["small_groups"] == 0 and result["hidden_with_figures"] == 0
    assert result["figures_checked"] > 1000
    assert kinds["competency_score"] > 0 and kinds["item_mean"] > 0   # the rule had work to do


def test_mapping_report_lists_every_cell_and_flags_low_alpha(demo, capsys) -> None:
    from pipeline.cli import main
    assert main(["mapping-report", "--warehouse", str(demo.warehouse)]) == 0
    out = capsys.readouterr().out
    con = duckdb.connect(str(demo.warehouse), read_only=True)
    rows = con.execute("select competency, role, n_evidenced, n_behaviours, lowest_alpha, alpha_warning "
                       "from mart_mapping_quality").fetchall()
    con.close()
    assert len(rows) == 24
    flagged = sum(1 for r in rows if r[5])
    assert f"{flagged} af 24 kombinationer har en alfa under 0,7" in out
    assert out.count("alfa under 0,7") == flagged + 1        # one per flagged row, plus that sentence
    assert all(r[5] == (r[4] is not None and r[4] < 0.7) for r in rows)
    assert all(f"{r[2]} af {r[3]}" in out for r in rows)


def test_the_build_runs_duckdb_within_the_configured_limits(tmp_path: Path) -> None:
    from pipeline.config import load_settings
    from pipeline.warehouse import building
    configured = load_settings().duckdb
    assert {"memory_limit", "threads", "temp_directory"} <= set(configured)
    limits = {"memory_limit": "700MB", "threads": 1, "temp_directory": str(tmp_path / "spill")}
    with pytest.raises(InterruptedError):   # stop before publishing: there are no models to publish here
        with building(tmp_path / "w.duckdb", limits) as con:
            got = con.execute("select current_setting('memory_limit'), current_setting('threads'), "
                              "current_setting('temp_directory')").fetchone()
            raise InterruptedError
    assert got[1] == 1 and got[2] == str(tmp_path / "spill") and (tmp_path / "spill").is_dir()
    assert got[0].replace(" ", "") in {"667.5MiB", "700.0MB", "700MB"}
