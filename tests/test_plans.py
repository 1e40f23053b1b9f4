"""Handleplaner: written by a chef for their own area (or HR), read and commented by MED,
kept beside the warehouse (a rebuild never loses them), shown in Udvikling with the next
wave's change."""
from __future__ import annotations

import sqlite3

import pytest

from dash_client import call, login
from dashboard.app import create_app
from dashboard.ids import HP_FIELDS, HP_SLOTS, hp
from dashboard.plans import describe
from dashboard.web import WebSettings
from pipeline.flow import build

SKOLER, OUTSIDE = "Center for Skoler", "Center for Ældre"


@pytest.fixture(scope="module")
def site(demo_site, tmp_path_factory):
    settings, ids = demo_site
    private = tmp_path_factory.mktemp("plans") / "private"
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=private))
    return app, settings, ids, private


def _client(app, user):
    client = app.server.test_client()
    login(client, user, f"{user}-pass-123")
    return client


def _slots(*points: dict) -> dict:
    values = {hp(f, i): None for i in HP_SLOTS for f in HP_FIELDS}
    for i, point in enumerate(points, start=1):
        values.update({hp(f, i): v for f, v in point.items()})
    return values


def _save(client, unit: str, wave: str, *points: dict, clicks: int | None = 1):
    return call(client, "hp-status.children", {"hp-save": clicks},
                {"hp-survey": "trivsel", "hp-wave": wave, "hp-unit": unit, **_slots(*points)})


def test_a_chef_writes_a_plan_that_survives_a_rebuild_and_shows_in_udvikling(site) -> None:
    app, settings, ids, private = site
    chef = _client(app, "chef")
    unit = ids[SKOLER]
    point = {"competency": "Kommunikation", "actions": "Månedlige informationsmøder", "owner": "Centerchefen",
             "deadline": "2026-06-30", "status": "i gang", "behaviours": [1]}
    saved = _save(chef, unit, "2025", point)
    assert saved.status_code == 200 and "gemt (1 fokuspunkter)" in saved.get_data(as_text=True)
    build(settings, full=True)                          # a new warehouse file is swapped in
    trend = call(chef, "ud-focus.children", {"ud-survey": "trivsel", "ud-unit": unit}).get_json()
    text = str(trend["response"]["ud-focus"]["children"])
    assert "Fokus siden 2025: Kommunikation" in text and "2026" in text and "status: i gang" in text
    with sqlite3.connect(private / "plans.sqlite") as db:
        assert db.execute("select who from changes").fetchall() == [("chef",)]   # who changed what, and when


def test_only_the_area_and_only_writers(site) -> None:
    app, _, ids, _ = site
    point = {"competency": "Kommunikation", "status": "planlagt"}
    assert _save(_client(app, "chef"), ids[OUTSIDE], "2025", point).status_code == 403
    assert _save(_client(app, "med"), ids["Center for Dagtilbud"], "2025", point).status_code == 403
    bad = _save(_client(app, "chef"), ids[SKOLER], "2025", {"competency": "Trylleri", "status": "planlagt"})
    assert "Ikke gemt: fokuspunkt 1" in bad.get_data(as_text=True)
    crafted = _save(_client(app, "chef"), ids[SKOLER], "2025", {**point, "status": ["x"]})
    assert "Ikke gemt" in crafted.get_data(as_text=True)


def test_med_reads_and_comments(site) -> None:
    app, _, ids, _ = site
    unit = ids["Center for Dagtilbud"]
    hr = _client(app, "hr")
    assert "gemt" in _save(hr, unit, "2025", {"competency": "Personaleledelse", "status": "planlagt"}).get_data(as_text=True)
    med = _client(app, "med")
    shown = call(med, "hp-plan.children", {"hp-survey": "trivsel", "hp-wave": "2025", "hp-unit": unit})
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Personaleledelse" in body and "hp-save" not in body   # no save button
    added = call(med, "hp-comment-text.value", {"hp-comment": 1},
                 {"hp-survey": "trivsel", "hp-wave": "2025", "hp-unit": unit, "hp-comment-text": "Godt initiativ"})
    assert "Godt initiativ" in added.get_data(as_text=True)
    sheet = hr.get("/download/excel?page=handleplaner&survey=trivsel&wave=2025")
    assert sheet.status_code == 200 and sheet.data.startswith(b"PK")


def _point(competency: str, **changes) -> dict:
    return {"competency": competency, "actions": "", "owner": "", "deadline": None, "status": "planlagt",
            "behaviours": [], **changes}


def test_a_change_is_described_field_by_field() -> None:
    first = [_point("Kommunikation", behaviours=[1])]
    second = [_point("Kommunikation", status="i gang", owner="Centerchefen", behaviours=[1, 3], actions="Møder"),
              _point("Faglig ledelse")]
    assert describe([], first) == ["Fokuspunkt 1 tilføjet: Kommunikation"]
    assert describe(first, second) == [
        "Fokuspunkt 1: status planlagt → i gang", "Fokuspunkt 1: ansvarlig ingen → Centerchefen",
        "Fokuspunkt 1: valgt adfærd 1 → 1, 3", "Fokuspunkt 1: handlingerne ændret",
        "Fokuspunkt 2 tilføjet: Faglig ledelse"]
    assert describe(second, [_point("Strategisk ledelse", deadline="2027-01-31")]) == [
        "Fokuspunkt 1: kompetence Kommunikation → Strategisk ledelse", "Fokuspunkt 1: status i gang → planlagt",
        "Fokuspunkt 1: frist ingen → 2027-01-31", "Fokuspunkt 1: ansvarlig Centerchefen → ingen",
        "Fokuspunkt 1: valgt adfærd 1, 3 → ingen", "Fokuspunkt 1: handlingerne ændret",
        "Fokuspunkt 2 fjernet: Faglig ledelse"]
    assert describe(first, first) == ["Gemt uden ændringer"]


def test_the_plan_shows_who_changed_what_and_when(site) -> None:
    app, _, ids, _ = site
    unit = ids[SKOLER]
    chef, hr = _client(app, "chef"), _client(app, "hr")
    for client, point in ((chef, {"competency": "Kommunikation", "status": "planlagt"}),
                          (hr, {"competency": "Kommunikation", "status": "gennemført", "owner": "<b>Chef</b>"})):
        saved = _save(client, unit, "2024", point)
        assert "gemt" in saved.get_data(as_text=True)
    right_after = str(saved.get_json()["response"]["hp-history"]["children"])      # the save updates it at once
    shown = call(chef, "hp-plan.children", {"hp-survey": "trivsel", "hp-wave": "2024", "hp-unit": unit})
    assert shown.status_code == 200
    history = str(shown.get_json()["response"]["hp-history"]["children"])
    assert history == right_after and "Senest ændret af hr" in history and "Ændringshistorik (2 ændringer)" in history
    newest, oldest = history.index("hr: "), history.index("chef: ")
    assert newest < oldest                                        # newest first
    assert "Fokuspunkt 1: status planlagt → gennemført; Fokuspunkt 1: ansvarlig ingen → <b>Chef</b>" in history
    assert "Fokuspunkt 1 tilføjet: Kommunikation" in history[oldest:]


def test_drawing_the_plan_saves_nothing(site) -> None:
    """Dash calls the save callback when it draws the plan's button (n_clicks None): no save, no log line."""
    app, _, ids, private = site
    unit = ids[SKOLER]
    with sqlite3.connect(private / "plans.sqlite") as db:
        before = db.execute("select count(*) from changes").fetchone()
    drawn = _save(_client(app, "chef"), unit, "2023", {"competency": "Kommunikation", "status": "planlagt"}, clicks=None)
    assert drawn.status_code == 204
    with sqlite3.connect(private / "plans.sqlite") as db:
        assert db.execute("select count(*) from changes").fetchone() == before
        assert db.execute("select count(*) from focus_points where wave = '2023'").fetchone() == (0,)
