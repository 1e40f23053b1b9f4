"""Access that cannot be fooled by ids, requests that cannot crash the server, and data that
never becomes markup or a formula. Runs against the hostile demo site (tests/conftest.py):
ids longer than 12 characters that share a prefix, ids with '_' and '%', hostile unit names."""
from __future__ import annotations

import base64
import io
import json
import re
import zipfile
import zlib

import duckdb
import pytest

from conftest import HOSTILE_GROUPS, HOSTILE_NAMES, tree_below
from dash_client import call, login
from dashboard.access import Access, BadRequest, Forbidden
from dashboard.app import create_app
from dashboard.web import WebSettings
from dashboard.pages import overblik, udvikling
from dashboard.queries import Warehouse
from dashboard.users import UserStore

SKOLER, DAGTILBUD = "Center for Skoler", "Center for Dagtilbud"


@pytest.fixture(scope="module")
def site(hostile_site):
    settings, ids, names = hostile_site
    app = create_app(settings.warehouse, settings.root / "users.json", WebSettings(private=settings.root / "private"))
    return app, settings, ids, names


def _client(app, user: str):
    client = app.server.test_client()
    login(client, user, f"{user}-pass-123")
    return client


def _names(settings, units: set[str]) -> set[str]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    names = {n for (n,) in con.execute("select distinct unit_name from dim_unit where list_contains(?, unit_id)",
                                        [sorted(units)]).fetchall()}
    con.close()
    return names


def test_a_chefs_area_is_the_tree_below_by_exact_ids(site) -> None:
    app, settings, ids, _ = site
    assert ids[SKOLER][:12] == ids[DAGTILBUD][:12] and any("%" in u for u in ids.values()) \
        and any("_" in u for u in ids.values()) and any(len(u) > 30 for u in ids.values())
    store = UserStore(settings.root / "users.json")
    access = Access.of(store.get("chef"), Warehouse(settings.warehouse))
    assert access.units == tree_below(settings, ids[SKOLER])
    assert ids[DAGTILBUD] not in access.units and len(access.units) > 1


def test_the_chef_of_one_long_id_gets_nothing_of_the_other(site) -> None:
    app, settings, ids, _ = site
    client = _client(app, "chef")
    other = ids[DAGTILBUD]
    outside = _names(settings, tree_below(settings, other))
    response = call(client, "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": other})
    assert response.status_code == 403
    assert not any(n in response.get_data(as_text=True) for n in outside)
    for query in (f"excel?page=overblik&survey=trivsel&wave=2026&unit={other}", f"pdf?survey=trivsel&unit={other}"):
        response = client.get("/download/" + query)
        assert response.status_code == 403 and not response.data.startswith((b"PK", b"%PDF"))
    own = client.get(f"/download/excel?page=overblik&survey=trivsel&wave=2026&unit={ids[SKOLER]}")
    assert own.status_code == 200 and own.data.startswith(b"PK")


@pytest.mark.parametrize("query, status", [
    ("excel?page=udvikling&survey=trivsel", 400),                       # no unit
    ("excel?page=udvikling&survey=nosuchsurvey&unit={own}", 400),       # unknown survey
    ("excel?page=enhedsprofil&survey=trivsel&wave=1999&unit={own}", 400),
    ("excel?page=udvikling&survey=trivsel&unit={own}&unit={own}", 400),  # a unit sent as a list
    ("excel?page=nosuchpage&survey=trivsel&unit={own}", 400),
    ("excel?page=rolleniveau&survey=trivsel&wave=2026&role=Konge", 400),
    ("excel?page=kortlaegning", 403),                                    # HR only
    ("csv?page=udvikling&survey=trivsel&unit={own}", 400),
    ("pdf?unit={own}", 400),
    ("pdf?survey=trivsel&unit=no-such-unit", 403),                      # unknown to a chef is just "not yours"
])
def test_odd_downloads_get_400_or_403_never_500(site, query, status) -> None:
    app, _, ids, _ = site
    response = _client(app, "chef").get("/download/" + query.format(own=ids[SKOLER]))
    assert response.status_code == status


@pytest.mark.parametrize("output, inputs, status", [
    ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": ["{own}"]}, 400),
    ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": {"a": 1}}, 400),
    ("ov-heatmap.figure", {"ov-survey": 7, "ov-wave": "2026", "ov-root": "{own}"}, 400),
    ("ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "x" * 10_000, "ov-root": "{own}"}, 400),
    ("ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": None}, 400),
    ("rl-spread.figure", {"rl-survey": "trivsel", "rl-wave": "2026", "rl-role": ["Chef"], "rl-unit": None}, 400),
    ("ov-wave.options", {"ov-survey": ["trivsel"]}, 400),
    ("ov-root.value", {"ov-heatmap": "not a click", "ov-up": None}, 200),    # ignored: no update
])
def test_odd_callbacks_get_400_or_403_never_500(site, output, inputs, status) -> None:
    app, _, ids, _ = site
    values = json.loads(json.dumps(inputs).replace("{own}", ids[SKOLER]))
    state = {"ov-root": ids[SKOLER]} if output == "ov-root.value" else None
    response = call(_client(app, "chef"), output, values, state)
    assert response.status_code == status or (status == 200 and response.status_code == 204)


def test_med_asking_for_another_views_waves_is_forbidden_not_an_error(site) -> None:
    app, _, _, _ = site
    client = app.server.test_client()
    login(client, "med", "med-pass-123")
    assert call(client, "ov-wave.options", {"ov-survey": "trivsel"}).status_code == 403
    assert call(client, "ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": 12}).status_code == 400


def test_the_plain_callbacks_check_too(site) -> None:
    app, settings, ids, _ = site
    wh = Warehouse(settings.warehouse)
    chef = Access.of(UserStore(settings.root / "users.json").get("chef"), wh)
    ctx = app.server.config["SAMMEN_CONTEXT"]
    with pytest.raises(Forbidden):
        overblik.show(ctx, chef, "trivsel", "2026", ids[DAGTILBUD])
    with pytest.raises(BadRequest):
        udvikling.show(ctx, chef, "trivsel", None)
    with pytest.raises(BadRequest):
        chef.require("udvikling", None)       # no code path skips the unit check
    figure, *_ = udvikling.show(ctx, chef, "trivsel", ids[SKOLER])
    assert figure["data"]


def test_users_add_refuses_a_unit_the_warehouse_lacks(site, tmp_path) -> None:
    from pipeline.errors import SammenError
    _, settings, ids, _ = site
    store = UserStore(tmp_path / "users.json")
    with pytest.raises(SammenError, match="findes ikke"):
        store.add("x", "chef", "99999", "long-enough-pw", warehouse=settings.warehouse)
    store.add("x", "chef", ids[SKOLER], "long-enough-pw", warehouse=settings.warehouse)
    assert store.get("x").unit_id == ids[SKOLER]


# --- no markup or formulas from data -----------------------------------------------------------

def _parents_of_hostile(settings, names) -> dict[str, list[str]]:
    """Units whose children have hostile names -> those names."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rows = con.execute("select parent_id, unit_name from mart_units where list_contains(?, unit_id)",
                       [sorted(names.values())]).fetchall()
    con.close()
    out: dict[str, list[str]] = {}
    for parent, name in rows:
        out.setdefault(parent, []).append(name)
    assert sorted(n for ns in out.values() for n in ns) == sorted(HOSTILE_NAMES)
    return out


def test_unit_names_are_text_in_plotly_figures(site) -> None:
    app, settings, _, names = site
    client = _client(app, "hr")
    for parent, hostile in _parents_of_hostile(settings, names).items():
        response = call(client, "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": parent})
        labels = response.get_json()["response"]["ov-heatmap"]["figure"]["data"][0]["y"]
        _assert_escaped(" ".join(labels), hostile)


def test_background_groups_are_text_in_the_breakdown_and_its_excel(site) -> None:
    app, settings, _, _ = site
    client = _client(app, "hr")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    areas = [u for (u,) in con.execute("select distinct unit_id from mart_breakdown_scores where survey = 'trivsel'").fetchall()]
    con.close()
    hostile = set(HOSTILE_GROUPS.values())
    in_tables, in_sheets = set(), set()
    for area in areas:
        body = call(client, "ud-breakdown.children", {"ud-survey": "trivsel", "ud-unit": area}).get_json()
        body = body["response"]["ud-breakdown"]["children"]
        graph = next(c for c in body["props"]["children"] if c.get("type") == "Graph")
        names = [t["name"] for t in graph["props"]["figure"]["data"]]
        _assert_escaped(" ".join(names), [g for g in hostile if any(g.replace("<", "&lt;").replace(">", "&gt;") == n
                                                                    for n in names)])
        in_tables |= hostile & set(_strings(body))              # table cells: the group's text as it is
        data = client.get(f"/download/excel?page=udvikling&survey=trivsel&unit={area}").data
        sheets, texts = _xlsx_cells(data)
        assert "<f>" not in sheets and "<f " not in sheets and "<hyperlink" not in sheets
        in_sheets |= hostile & texts
    assert in_tables == hostile and in_sheets == hostile


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _assert_escaped(text: str, hostile: list[str]) -> None:
    for name in hostile:
        assert name not in text or "<" not in name        # markup never arrives as markup ...
        assert name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text   # ... but as its text
    assert "<" not in text


def _xlsx_cells(data: bytes) -> tuple[str, set[str]]:
    """All worksheet XML, and every text the workbook holds."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
    texts = {re.sub(r"&lt;", "<", re.sub(r"&gt;", ">", re.sub(r"&quot;", '"', t))).replace("&amp;", "&")
             for t in re.findall(r"<t[^>]*>([^<]*)</t>", shared)}
    return sheets, texts


def test_excel_cells_are_values_never_formulas(site) -> None:
    app, settings, _, names = site
    client, seen = _client(app, "hr"), set()
    for parent, hostile in _parents_of_hostile(settings, names).items():
        data = client.get(f"/download/excel?page=overblik&survey=trivsel&wave=2026&unit={parent}").data
        sheets, texts = _xlsx_cells(data)
        assert "<f>" not in sheets and "<f " not in sheets     # no formula in any cell
        assert "<hyperlink" not in sheets
        seen |= set(hostile) & texts                          # the name is there, as text
        if any(n[0] in "=+-@" for n in set(hostile) & texts):
            assert 'quotePrefix="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert {n for n in HOSTILE_NAMES if n[0] in "=+-@"} <= seen


def _pdf_strings(data: bytes) -> str:
    """The text the PDF draws: its shown strings (Tj) joined, PDF escapes undone."""
    shown = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", _pdf_text(data))
    def unescape(b: bytes) -> bytes:   # PDF string escapes: octal codes (æ is \346) and escaped characters
        return re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)]) if m.group(1)[:1].isdigit()
                      else m.group(1), b)
    return "".join(unescape(s).decode("cp1252") for s in shown)


def _pdf_text(data: bytes) -> bytes:
    """Every stream of the PDF, inflated where compressed."""
    out = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        body = m.group(1).strip()
        try:
            if body.endswith(b"~>"):
                body = base64.a85decode(body.removeprefix(b"<~")[:-2])
            out.append(zlib.decompress(body))
        except (ValueError, zlib.error):
            pass
    return b"".join(out)


def test_pdf_shows_hostile_names_as_text(site) -> None:
    app, settings, _, names = site
    client, text = _client(app, "hr"), ""
    for parent in _parents_of_hostile(settings, names):
        response = client.get(f"/download/pdf?survey=trivsel&unit={parent}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert b"/URI" not in response.data and b"/Link" not in response.data   # <a href> made no link
        text += _pdf_strings(response.data)
    assert "<img" in text and "<script>alert(1)</script>" in text     # drawn as text, not parsed as markup


def test_pdf_headers_break_between_words(site) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    app, settings, ids, _ = site
    shown = re.findall(rb"\(([^)]*)\) Tj", _pdf_text(_client(app, "hr").get(f"/download/pdf?survey=trivsel&unit={ids[SKOLER]}").data))
    words = {w for s in shown for w in s.decode("latin-1").split()}
    for word in ("Helhedsorienteret", "Serviceorienteret", "Personaleledelse"):
        assert word in words, word                      # each long word drawn whole, not split
    assert stringWidth("Serviceorienteret", "Helvetica-Bold", 7.5) > 2.0 * 28.35   # wider than the old column


def test_a_user_whose_unit_left_the_warehouse_gets_a_message_not_an_error(site, tmp_path) -> None:
    from dashboard.web import WebSettings
    _, settings, _, _ = site
    users = tmp_path / "users.json"
    UserStore(users).add("gone", "chef", "UNIT-THAT-WAS-CLOSED", "long-enough-pw")   # added before a rebuild
    app = create_app(settings.warehouse, users, WebSettings(private=tmp_path / "private"))
    client = app.server.test_client()
    login(client, "gone", "long-enough-pw")
    page = call(client, "main.children", {"url": "/"})
    assert page.status_code == 200 and "Din enhed findes ikke" in page.get_data(as_text=True)
    response = call(client, "ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": "UNIT-THAT-WAS-CLOSED"})
    assert response.status_code == 403
