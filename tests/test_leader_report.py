"""The Lederrapport: a PDF for every unit with published scores, only published figures, the
role's behaviours, the handleplan; a chef gets it only for their own area."""
from __future__ import annotations

import duckdb
import pytest

from dash_client import login
from dashboard.app import create_app
from dashboard.leader_report import standing
from dashboard.web import WebSettings
from test_security import _pdf_strings


@pytest.fixture(scope="module")
def app(demo_site, tmp_path_factory):
    settings, _ = demo_site
    return create_app(settings.warehouse, settings.root / "users.json",
                      WebSettings(private=tmp_path_factory.mktemp("report") / "private"))


def _client(app, user):
    client = app.server.test_client()
    login(client, user, f"{user}-pass-123")
    return client


def test_the_report_opens_for_every_unit_with_published_scores(app, demo_site) -> None:
    settings, _ = demo_site
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    units = [u for (u,) in con.execute("select distinct unit_id from mart_competency_scores where survey = 'trivsel' "
                                       "and wave = '2026' and not suppressed order by 1").fetchall()]
    con.close()
    hr = _client(app, "hr")
    assert len(units) > 20
    for unit in units:
        response = hr.get(f"/download/lederrapport?survey=trivsel&wave=2026&unit={unit}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), unit


def test_the_report_holds_the_roles_behaviours_scores_and_plan(app, demo_site) -> None:
    settings, ids = demo_site
    unit = ids["Center for Skoler"]
    hr = _client(app, "hr")
    from dash_client import call
    call(hr, "hp-status.children", {"hp-save": 1}, {"hp-survey": "trivsel", "hp-wave": "2026", "hp-unit": unit,
                                                    "hp-competency-1": "Faglig ledelse", "hp-status-1": "planlagt",
                                                    "hp-actions-1": "Faglige netværk hver måned"})
    text = _pdf_strings(hr.get(f"/download/lederrapport?survey=trivsel&wave=2026&unit={unit}").data)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    role = con.execute("select leader_role from mart_units where unit_id = ?", [unit]).fetchone()[0]
    behaviour = con.execute("select behaviour from dim_behaviour where role = ? limit 1", [role]).fetchone()[0]
    con.close()
    assert role == "Chef" and "Lederrapport: Center for Skoler" in text
    assert behaviour.split()[0] in text and "Faglige netværk hver måned" in text and "Til refleksion" in text


def test_a_chef_gets_no_report_outside_the_area(app, demo_site) -> None:
    _, ids = demo_site
    chef = _client(app, "chef")
    assert chef.get(f"/download/lederrapport?survey=trivsel&wave=2026&unit={ids['Center for Ældre']}").status_code == 403
    assert chef.get(f"/download/lederrapport?survey=trivsel&wave=2026&unit={ids['Center for Skoler']}").status_code == 200
    assert _client(app, "med").get(
        f"/download/lederrapport?survey=trivsel&wave=2026&unit={ids['Center for Dagtilbud']}").status_code == 403


def test_standing_among_the_same_role_level() -> None:
    assert standing(70.0, [50.0, 60.0, 70.0, 80.0]) == "højere end 50 % af 4 enheder"
    assert standing(None, [50.0, 60.0]) == "–" and standing(60.0, [60.0]) == "–"
