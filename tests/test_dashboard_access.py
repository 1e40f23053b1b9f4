"""Who sees what, enforced on the server: crafted callback and download requests for a
unit outside the user's area get nothing of it; unauthenticated requests get nothing."""
from __future__ import annotations

import io
import json

import duckdb

from pipeline.warehouse import private_path
import polars as pl
import pytest

from conftest import tree_below
from dash_client import call, login, try_login
from dashboard.app import create_app
from dashboard.web import WebSettings
from dashboard.users import UserStore
from pipeline.errors import SammenError

OUTSIDE = "Center for Ældre"      # not below the chef's Center for Skoler


@pytest.fixture(scope="module")
def site(demo_site):
    settings, ids = demo_site
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=settings.root / "private"))
    return app.server, settings, ids


def _client(server, user: str | None):
    client = server.test_client()
    if user:
        login(client, user, f"{user}-pass-123")
    return client


def _outside_names(settings, ids) -> set[str]:
    """Names of the units at or below the outside centre: none may appear in an answer."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    names = dict(con.execute("select unit_id, unit_name from mart_units").fetchall())
    con.close()
    return {names[u] for u in tree_below(settings, ids[OUTSIDE])}


def test_unauthenticated_requests_get_nothing(site) -> None:
    server, _, ids = site
    client = _client(server, None)
    assert client.get("/").status_code == 302
    for path in ("/_dash-layout", "/_dash-dependencies", f"/download/excel?page=udvikling&survey=trivsel&unit={ids[OUTSIDE]}",
                 f"/download/pdf?survey=trivsel&unit={ids[OUTSIDE]}"):
        response = client.get(path)
        assert response.status_code == 401 and b"trivsel" not in response.data
    response = client.post("/_dash-update-component", json={"output": "ov-heatmap.figure", "inputs": []})
    assert response.status_code == 401


def test_a_wrong_password_does_not_log_in(site) -> None:
    server, _, _ = site
    client = server.test_client()
    response = try_login(client, "chef", "wrong-password")
    assert response.status_code == 200 and "Forkert brugernavn".encode() in response.data
    assert client.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize("output, inputs", [
    ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": "{unit}"}),
    ("ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": "{unit}"}),
    ("ep-profile.figure", {"ep-survey": "trivsel", "ep-wave": "2026", "ep-unit": "{unit}"}),
    ("rl-spread.figure", {"rl-survey": "trivsel", "rl-wave": "2026", "rl-role": "Chef", "rl-unit": "{unit}"}),
])
def test_crafted_callbacks_for_a_unit_outside_the_area_get_nothing_of_it(site, output, inputs) -> None:
    server, settings, ids = site
    client = _client(server, "chef")
    unit = ids[OUTSIDE]
    response = call(client, output, {k: (unit if v == "{unit}" else v) for k, v in inputs.items()})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "Ingen adgang" in body and "figure" not in body
    assert not any(name in body for name in _outside_names(settings, ids))


def test_the_same_callback_inside_the_area_shows_data(site) -> None:
    server, _, ids = site
    client = _client(server, "chef")
    response = call(client, "ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": ids["Center for Skoler"]})
    figure = response.get_json()["response"]["ud-trend"]["figure"]
    assert figure["data"] and "Center for Skoler" in json.dumps(figure)


def test_drilling_down_to_a_unit_outside_the_area_is_refused(site) -> None:
    server, _, ids = site
    client = _client(server, "chef")
    def click(unit: str) -> dict:
        return call(client, "ov-root.value", {"ov-heatmap": {"points": [{"customdata": unit}]}, "ov-up": None},
                    {"ov-root": ids["Center for Skoler"]}, changed="ov-heatmap.clickData").get_json()["response"]

    assert "ov-root" not in click(ids[OUTSIDE])        # no update: the root stays inside the area
    inside = next(u for name, u in ids.items() if name.startswith("Skole "))
    assert click(inside)["ov-root"]["value"] == inside


@pytest.mark.parametrize("query", [
    "excel?page=overblik&survey=trivsel&wave=2026&unit={unit}",
    "excel?page=udvikling&survey=trivsel&unit={unit}",
    "excel?page=enhedsprofil&survey=trivsel&wave=2026&unit={unit}",
    "excel?page=rolleniveau&survey=trivsel&wave=2026&role=Chef&unit={unit}",
    "excel?page=kortlaegning",
    "pdf?survey=trivsel&unit={unit}",
])
def test_crafted_downloads_outside_the_area_are_forbidden(site, query) -> None:
    server, _, ids = site
    response = _client(server, "chef").get("/download/" + query.format(unit=ids[OUTSIDE]))
    assert response.status_code == 403 and not response.data.startswith((b"PK", b"%PDF"))


def test_med_sees_trends_and_exports_only(site) -> None:
    server, _, ids = site
    client = _client(server, "med")
    own = ids["Center for Dagtilbud"]
    assert call(client, "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": own}).status_code == 403
    assert call(client, "ep-profile.figure", {"ep-survey": "trivsel", "ep-wave": "2026", "ep-unit": own}).status_code == 403
    assert client.get(f"/download/pdf?survey=trivsel&unit={own}").data.startswith(b"%PDF")
    trend = pl.read_excel(io.BytesIO(client.get(f"/download/excel?page=udvikling&survey=trivsel&unit={own}").data))
    assert trend.height > 0 and set(trend["competency"]) <= {"Personaleledelse", "Strategisk ledelse", "Kommunikation",
                                                            "Faglig ledelse", "Helhedsorienteret ledelse", "Serviceorienteret ledelse"}


def test_exports_show_nothing_computed_for_suppressed_groups(site) -> None:
    server, _, _ = site
    client = _client(server, "hr")
    con = duckdb.connect(str(private_path(site[1].warehouse)), read_only=True)
    unit = con.execute("select unit_id from int_competency_scores where survey = 'trivsel' and wave = '2026' "   # private n
                       "and source = 'own' and n > 0 and unit_id in (select unit_id from competency_scores where "
                       "survey = 'trivsel' and wave = '2026' and suppressed) limit 1").fetchall()[0][0]
    con.close()
    sheet = pl.read_excel(io.BytesIO(client.get(
        f"/download/excel?page=enhedsprofil&survey=trivsel&wave=2026&unit={unit}").data), sheet_name="Kompetencer")
    hidden = sheet.filter(pl.col("suppressed"))
    assert hidden.height > 0
    for column in ("score", "ci_low", "ci_high", "n"):
        assert hidden[column].null_count() == hidden.height, column
    items = pl.read_excel(io.BytesIO(client.get(
        f"/download/excel?page=enhedsprofil&survey=trivsel&wave=2026&unit={unit}").data), sheet_name="Spørgsmål")
    assert items.filter(pl.col("suppressed"))[["mean", "n"]].null_count().row(0) == (items["suppressed"].sum(),) * 2


def test_the_overview_table_shows_no_count_for_a_suppressed_group(site) -> None:
    server, settings, _ = site
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    unit, parent, n = con.execute("""
        select s.unit_id, u.parent_id, s.n from int_competency_scores s      -- the private n, to pick a small group
        join dim_unit_wave u on u.survey = s.survey and u.wave = s.wave and u.unit_id = s.unit_id
        where s.survey = 'trivsel' and s.wave = '2026' and s.source = 'own' and s.n between 1 and 4 limit 1""").fetchall()[0]
    name = con.execute("select unit_name from mart_units where unit_id = ?", [unit]).fetchall()[0][0]
    con.close()
    response = call(_client(server, "hr"), "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": parent})
    table = response.get_json()["response"]["ov-table"]["children"]
    rows = table["props"]["children"][1]["props"]["children"][2]["props"]["children"]
    cells = [[td["props"]["children"] for td in r["props"]["children"]] for r in rows]
    mine = [c for c in cells if c[0] == name]
    assert mine and all(c[2] == "for få besvarelser" and c[3] == "–" for c in mine)


def test_rolleniveau_for_a_chef_holds_only_units_in_the_area(site) -> None:
    server, settings, ids = site
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    area = tree_below(settings, ids["Center for Skoler"])
    # the role level with most shown scores in the area, and how many there are outside it
    role, outside = con.execute("""
        select role, count(*) filter (where not list_contains(?, unit_id)) from competency_scores
        where survey = 'trivsel' and wave = '2026' and not suppressed
        group by role order by count(*) filter (where list_contains(?, unit_id)) desc limit 1""",
                                [sorted(area), sorted(area)]).fetchall()[0]
    con.close()
    sheet = pl.read_excel(io.BytesIO(_client(server, "chef").get(
        f"/download/excel?page=rolleniveau&survey=trivsel&wave=2026&role={role}").data))
    assert outside > 0                       # there is something outside the area to leave out
    assert sheet.height > 0 and set(sheet["unit_id"]) <= area


PROXY, SECRET = "10.0.0.5", "proxy-secret-for-tests"


def test_header_mode_trusts_only_the_proxys_user_header(demo_site) -> None:
    settings, ids = demo_site
    web = WebSettings(private=settings.root / "private-sso", auth="header", trusted_proxies=frozenset({PROXY}),
                      proxy_secret=SECRET)
    app = create_app(settings.warehouse, settings.root / "users.json", web)
    proxy = app.server.test_client()
    proxy.environ_base["REMOTE_ADDR"] = PROXY
    sso = {"X-Sammen-Proxy-Secret": SECRET}
    assert proxy.get("/_dash-layout").status_code == 403
    assert proxy.get("/_dash-layout", headers={"X-Remote-User": "nobody", **sso}).status_code == 403
    ok = proxy.get(f"/download/excel?page=udvikling&survey=trivsel&unit={ids['Center for Skoler']}",
                   headers={"X-Remote-User": "chef", **sso})
    assert ok.status_code == 200 and ok.data.startswith(b"PK")
    assert proxy.get(f"/download/excel?page=udvikling&survey=trivsel&unit={ids[OUTSIDE]}",
                     headers={"X-Remote-User": "chef", **sso}).status_code == 403
    # the right header without the secret, or from any other address, is nobody
    assert proxy.get("/_dash-layout", headers={"X-Remote-User": "hr"}).status_code == 403
    assert proxy.get("/_dash-layout", headers={"X-Remote-User": "hr", "X-Sammen-Proxy-Secret": "guess"}).status_code == 403
    other = app.server.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert other.get("/_dash-layout", headers={"X-Remote-User": "hr", **sso}).status_code == 403
    assert proxy.get("/_dash-layout", headers={"X-Remote-User": "hr", **sso}).status_code == 200


def test_header_mode_refuses_to_start_without_proxies_and_secret(tmp_path) -> None:
    with pytest.raises(SammenError, match="trusted_proxies"):
        WebSettings(private=tmp_path, auth="header", trusted_proxies=frozenset({PROXY}))
    with pytest.raises(SammenError, match="trusted_proxies"):
        WebSettings(private=tmp_path, auth="header", proxy_secret=SECRET)


def test_user_store_hashes_passwords(tmp_path) -> None:
    store = UserStore(tmp_path / "users.json")
    store.add("anna", "chef", "20001", "a-long-password", "Anna")
    raw = (tmp_path / "users.json").read_text()
    assert "a-long-password" not in raw and "scrypt" in raw
    assert store.check("anna", "a-long-password").unit_id == "20001"
    assert store.check("anna", "wrong") is None
    store.remove("anna")
    assert store.list() == []


def test_rolleniveau_table_summarises_the_box_plot_by_hand() -> None:
    from dashboard.pages.rolleniveau import summary
    spread = pl.DataFrame({"unit_id": ["a", "b", "c", "d", "e"], "competency": ["K"] * 4 + ["P"],
                           "score": [10.0, 20.0, 40.0, 80.0, 55.0]})
    rows = summary(spread, ["P", "K"], "c").rows(named=True)
    assert [r["Kompetence"] for r in rows] == ["P", "K"]              # the framework's order
    k = rows[1]
    # 10, 20, 40, 80: quartiles by linear interpolation at 0.75, 1.5, 2.25 -> 17.5, 30, 50
    assert (k["Enheder"], k["Laveste"], k["25 %"], k["Median"], k["75 %"], k["Højeste"], k["Valgt enhed"]) == \
        (4, 10, 18, 30, 50, 80, 40)
    assert rows[0]["Valgt enhed"] is None and rows[0]["Median"] == 55


def test_rolleniveau_chart_draws_every_unit_or_above_a_limit_the_boxes_alone() -> None:
    from dashboard import charts
    from dashboard.pages.rolleniveau import box_stats

    def units(n: int) -> pl.DataFrame:
        return pl.DataFrame({"unit_id": [f"u{i}" for i in range(n)], "unit_name": [f"Enhed {i}" for i in range(n)],
                             "competency": ["K"] * n, "score": [float(i % 101) for i in range(n)]})
    few, many = units(charts.MAX_POINTS), units(charts.MAX_POINTS + 1)
    small = charts.spread(few, ["K"], "u7", "t", box_stats(few))
    assert len(small["data"][0]["y"]) == charts.MAX_POINTS and small["data"][0]["boxpoints"] == "all"
    big = charts.spread(many, ["K"], "u7", "t", box_stats(many))
    box = big["data"][0]
    assert "y" not in box and box["boxpoints"] is False
    # scores 0..100 repeated: 3,001 units -> min 0, max 100; the quartiles as polars computes them
    assert (box["lowerfence"], box["upperfence"]) == ([0.0], [100.0])
    assert box["median"] == [many["score"].median()] and box["q1"] == [many["score"].quantile(0.25, "linear")]
    assert big["data"][1]["y"] == [7.0] and "3.001 enheder" in big["layout"]["title"]["text"]


def test_kortlaegning_reports_what_the_suppression_stage_hid(site) -> None:
    server, settings, _ = site
    sheet = pl.read_excel(io.BytesIO(_client(server, "hr").get("/download/excel?page=kortlaegning").data),
                          sheet_name="Anonymitet")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rules = dict(con.execute("select rule, count(*) from disclosure where rule is not null group by rule").fetchall())
    total = con.execute("select count(*) from disclosure").fetchone()[0]
    con.close()
    assert sheet["figures"].sum() == total and rules["complementary"] > 0
    assert (sheet["hidden_primary"].sum(), sheet["hidden_complementary"].sum()) == (rules["primary"], rules["complementary"])
    assert "Kompetencescorer" in set(sheet["figure"])
