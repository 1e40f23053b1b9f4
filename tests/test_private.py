"""Private data stays private: the dashboard's warehouse holds only published tables, the
private one is 0600 in a 0700 folder, a dead build leaves nothing behind, one build at a time."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import settings_for
from dash_client import call, login
from dashboard.app import create_app
from dashboard.web import WebSettings
from pipeline.errors import SammenError
from pipeline.flow import build
from pipeline.warehouse import MANIFEST, PUBLISHED_DIMENSIONS, build_lock, private_path, published_tables

PERSONAL = {"respondent_key", "respondent_id", "age_group", "seniority", "job_group", "value"}


def _tables(path: Path) -> dict[str, set[str]]:
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("select table_name, column_name from information_schema.columns").fetchall()
    con.close()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def test_the_published_warehouse_holds_only_published_tables(demo_site) -> None:
    settings, _ = demo_site
    published, private = _tables(settings.warehouse), _tables(private_path(settings.warehouse))
    assert set(published) == {*PUBLISHED_DIMENSIONS, *published_tables(), MANIFEST}
    assert not any(columns & PERSONAL for columns in published.values())
    assert {"src_answers", "responses", "fct_respondents"} <= set(private)    # the rest stays private
    assert any(columns & PERSONAL for columns in private.values())


def test_private_files_are_the_owners_alone(demo_site) -> None:
    settings, _ = demo_site
    private = private_path(settings.warehouse)
    assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_the_dashboard_works_on_the_published_file_alone(demo_site, tmp_path) -> None:
    settings, ids = demo_site
    alone = tmp_path / "only" / "sammen.duckdb"
    alone.parent.mkdir()
    shutil.copyfile(settings.warehouse, alone)          # no .private folder beside it
    app = create_app(alone, settings.root / "users.json", WebSettings(private=tmp_path / "p"))
    client = app.server.test_client()
    login(client, "hr", "hr-pass-123")
    unit = ids["Center for Skoler"]
    for output, inputs in [
        ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": unit}),
        ("ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": unit}),
        ("ep-profile.figure", {"ep-survey": "trivsel", "ep-wave": "2026", "ep-unit": unit}),
        ("rl-spread.figure", {"rl-survey": "trivsel", "rl-wave": "2026", "rl-role": "Chef", "rl-unit": unit}),
        ("kl-matrix.figure", {"kl-trigger": 1}),
    ]:
        response = call(client, output, inputs)
        assert response.status_code == 200, output
    for query in (f"pdf?survey=trivsel&unit={unit}", "excel?page=kortlaegning",
                  f"excel?page=enhedsprofil&survey=trivsel&wave=2026&unit={unit}"):
        assert client.get("/download/" + query).status_code == 200, query


def test_one_build_at_a_time(demo_site, tmp_path) -> None:
    settings, _ = demo_site
    with build_lock(settings.warehouse):
        with pytest.raises(SammenError, match="en anden kørsel bygger allerede"):
            build(settings)


def test_a_build_killed_while_writing_leaves_nothing_behind(demo_site, tmp_path) -> None:
    site, _ = demo_site
    settings = settings_for(tmp_path, raw=site.raw)
    build(settings)
    live = settings.warehouse.read_bytes()
    folder = private_path(settings.warehouse).parent
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys; sys.path.insert(0, 'tests'); from conftest import settings_for; from pipeline.flow import build; "
        f"from pathlib import Path; build(settings_for(Path({str(tmp_path)!r}), raw=Path({str(site.raw)!r})), full=True)")],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not any(p.stat().st_size > 1_000_000 for p in folder.glob(f".{settings.warehouse.name}.building-*")):
        assert child.poll() is None and time.time() < deadline, "the build ended before it wrote"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert list(folder.glob(".*.building-*"))                          # what the dead build left
    assert settings.warehouse.read_bytes() == live                      # the live warehouse untouched
    build(settings, full=True)
    assert not list(folder.glob(".*.building-*")) and not list(settings.warehouse.parent.glob(".*.building-*"))
