"""The dashboard in a real headless Chromium (Debian's, installed by ./run test), driven as
a person would: log in, open each view from the menu, change a selection and see the chart
change, download an export; axe-core finds no serious or critical violation on any view."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.web import WebSettings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
VIEWS = {"hr": ["Overblik", "Udvikling", "Enhedsprofil", "Rolleniveau", "Kortlægning", "Handleplaner", "Drivkræfter"],
         "chef": ["Overblik", "Udvikling", "Enhedsprofil", "Rolleniveau", "Handleplaner", "Drivkræfter"],
         "med": ["Udvikling", "Handleplaner"]}


@pytest.fixture(scope="module")
def base_url(demo_site):
    settings, _ = demo_site
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=settings.root / "private"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: ./run test installs it (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    blocked: list[str] = []   # what the Content-Security-Policy stopped: nothing may be
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert blocked == []


def log_in(page: Page, base_url: str, user: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/login")
    page.get_by_label("Brugernavn").fill(user)
    page.get_by_label("Adgangskode").fill(f"{user}-pass-123")
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("header .who")).to_contain_text(f"Demo {user}")


def chart_title(page: Page, graph: str) -> str:
    locator = page.locator(f"#{graph} .gtitle").first
    expect(locator).to_be_visible()
    return locator.text_content()


def choose(page: Page, dropdown: str, option: str) -> None:
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=option, exact=True).first.click()


def assert_accessible(page: Page, view: str) -> None:
    result = Axe().run(page)
    bad = [(v["id"], v["impact"]) for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    where = [n["target"] for v in result.response["violations"] if v["impact"] in ("serious", "critical") for n in v["nodes"]]
    assert bad == [], f"{view}: {bad} at {where}"


def change_selection(page: Page, view: str) -> None:
    """Change one selection on the view and check that the chart follows."""
    if view == "Overblik":
        before = chart_title(page, "ov-heatmap")
        choose(page, "ov-wave", "2024")
        expect(page.locator("#ov-heatmap .gtitle")).not_to_have_text(before)
        assert "2024" in chart_title(page, "ov-heatmap")
    elif view == "Udvikling":
        before = chart_title(page, "ud-trend")
        choose(page, "ud-survey", "Ledelsesevaluering")
        page.wait_for_function(
            "() => document.querySelector('#ud-trend .js-plotly-plot').data[0].x.join() === '2021,2023,2025'")
        assert chart_title(page, "ud-trend") == before     # same unit, other survey
    elif view == "Enhedsprofil":
        choose(page, "ep-wave", "2024")
        expect(page.locator("#ep-profile .gtitle")).to_contain_text("2024")
    elif view == "Rolleniveau":
        choose(page, "rl-role", "Leder af leder")
        expect(page.locator("#rl-spread .gtitle")).to_contain_text("Leder af leder")
    elif view == "Drivkræfter":
        choose(page, "dk-role", "Leder af leder")
        expect(page.locator("#dk-text")).to_contain_text(re.compile("«Leder af leder»|For få besvarelser"))
    elif view == "Handleplaner":
        choose(page, "hp-wave", "2024")
        expect(page.get_by_role("heading", name=re.compile("Handleplan for .* efter 2024"))).to_be_visible()
    elif view == "Kortlægning":
        # no selection here: the coverage table and the matrix are there
        expect(page.get_by_role("heading", name="Dækning af de 24 kombinationer")).to_be_visible()
        expect(page.locator("#kl-matrix .gtitle")).to_contain_text("Kortlægning")


@pytest.mark.parametrize("user", ["hr", "chef", "med"])
def test_each_role_uses_each_of_its_views(page: Page, base_url: str, user: str) -> None:
    log_in(page, base_url, user)
    menu = page.get_by_role("navigation", name="Visninger")
    assert menu.get_by_role("link").all_text_contents() == VIEWS[user]
    for view in VIEWS[user]:
        menu.get_by_role("link", name=view).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(view)
        if view not in ("Handleplaner", "Drivkræfter"):
            page.locator(".js-plotly-plot").first.wait_for()
        change_selection(page, view)
        assert_accessible(page, view)


@pytest.mark.parametrize("user, view, link, magic", [
    ("chef", "Overblik", "Hent som Excel", b"PK"),
    ("med", "Udvikling", "Hent rapport (PDF)", b"%PDF"),
    ("hr", "Kortlægning", "Hent som Excel", b"PK"),
    ("chef", "Enhedsprofil", "Lederrapport", b"%PDF"),
])
def test_exports_download(page: Page, base_url: str, user: str, view: str, link: str, magic: bytes) -> None:
    log_in(page, base_url, user)
    page.get_by_role("navigation", name="Visninger").get_by_role("link", name=view).click()
    page.locator(".js-plotly-plot").first.wait_for()
    expect(page.get_by_role("link", name=link)).to_have_attribute("href", re.compile(r"^/download/"))
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    assert Path(download.value.path()).read_bytes().startswith(magic)


def test_login_page_is_accessible_and_works_by_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    assert_accessible(page, "login")
    page.keyboard.press("Tab")
    page.keyboard.type("hr")
    page.keyboard.press("Tab")
    page.keyboard.type("hr-pass-123")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overblik")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Gå til indholdet")).to_be_focused()


def test_dropdowns_speak_danish_and_logout_ends_the_session(page: Page, base_url: str) -> None:
    log_in(page, base_url, "chef")
    page.get_by_role("navigation", name="Visninger").get_by_role("link", name="Udvikling").click()
    page.locator("#ud-unit").click()
    expect(page.get_by_placeholder("Søg")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Log ud").click()
    expect(page).to_have_url(base_url + "/login")
    page.goto(base_url + "/udvikling")
    expect(page).to_have_url(base_url + "/login")


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    settings, _, _ = hostile_site
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=settings.root / "private-b"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", settings
    server.shutdown()


def test_hostile_unit_names_are_shown_as_text(page: Page, hostile_url) -> None:
    import duckdb
    base_url, settings = hostile_url
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    parent, name = con.execute("select p.unit_id, p.unit_name from mart_units u join mart_units p on p.unit_id = u.parent_id "
                               "where u.unit_name = '<script>alert(1)</script>'").fetchone()
    con.close()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, base_url, "hr")
    page.locator("#ov-root").click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name).first.click()
    ticks = page.locator("#ov-heatmap .ytick text")
    expect(ticks.filter(has_text="<script>alert(1)</script>")).to_have_count(1)
    assert dialogs == [] and page.locator("#ov-heatmap a[href*='evil']").count() == 0


def test_a_chef_writes_a_handleplan_rebuilds_and_sees_it_in_udvikling(page: Page, base_url: str, demo_site) -> None:
    from pipeline.flow import build
    settings, _ = demo_site
    log_in(page, base_url, "chef")
    page.get_by_role("navigation", name="Visninger").get_by_role("link", name="Handleplaner").click()
    choose(page, "hp-wave", "2025")
    expect(page.get_by_role("heading", name=re.compile("Handleplan for Center for Skoler efter 2025"))).to_be_visible()
    choose(page, "hp-competency-1", "Kommunikation")
    page.locator("#hp-behaviours-1").click()
    page.get_by_role("option").first.click()
    page.keyboard.press("Escape")
    page.locator("#hp-actions-1").fill("Fælles morgenmøde hver mandag")
    page.locator("#hp-owner-1").fill("Centerchefen")
    page.locator("#hp-deadline-1").fill("2026-06-30")
    page.get_by_role("button", name="Gem handleplanen").click()
    expect(page.get_by_role("status")).to_contain_text("Handleplanen er gemt (1 fokuspunkter)")
    expect(page.locator("#hp-history")).to_contain_text("Senest ændret af chef")
    page.get_by_text("Ændringshistorik (1 ændring)").click()                 # who changed what, and when
    expect(page.locator("#hp-history li")).to_contain_text("chef: Fokuspunkt 1 tilføjet: Kommunikation")
    assert_accessible(page, "Handleplaner")
    build(settings, full=True)                               # the warehouse is rebuilt and swapped in
    page.get_by_role("navigation", name="Visninger").get_by_role("link", name="Udvikling").click()
    expect(page.locator("#ud-focus")).to_contain_text("Fokus siden 2025: Kommunikation")
    expect(page.locator("#ud-focus")).to_contain_text("2026")


def test_med_reads_its_areas_breakdown_by_age_group(page: Page, base_url: str) -> None:
    log_in(page, base_url, "med")
    page.get_by_role("navigation", name="Visninger").get_by_role("link", name="Udvikling").click()
    page.locator("#ud-trend .js-plotly-plot").wait_for()
    section = page.locator("#ud-breakdown")
    expect(section.get_by_role("heading", name="Fordelt på aldersgruppe")).to_be_visible()
    expect(section.locator(".gtitle")).to_contain_text("Center for Dagtilbud fordelt på aldersgruppe")
    section.get_by_text("Vis tallene som tabel").click()
    expect(section.get_by_role("columnheader", name="Aldersgruppe")).to_be_visible()
    expect(section.get_by_role("cell", name="Under 30 år").first).to_be_visible()
    assert_accessible(page, "Udvikling, fordelt på aldersgruppe")
    choose(page, "ud-survey", "Ledelsesevaluering")                      # rates the nearest leader: not broken down
    expect(section).to_contain_text("vises kun for de større områder")
