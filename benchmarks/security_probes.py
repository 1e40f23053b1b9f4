"""Security probes: what issue 9's review tried, run again against a real waitress server.

Builds the small hostile demo municipality (ids longer than 12 characters sharing a prefix,
ids with '_' and '%', units named as markup and formulas), serves it, and prints, probe by
probe, what an attacker gets: a wrong-password series, login timing for known and unknown
users, a logout replay, crafted requests across two long ids, hostile names in the exports,
file modes, kill -9 during a build's write phase, and callbacks during rebuilds.

    ./run probes
"""
from __future__ import annotations

import os
import re
import signal
import statistics
import stat
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests
import waitress.server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import make_hostile_site  # noqa: E402
from dashboard.app import create_app  # noqa: E402
from dashboard.web import WebSettings  # noqa: E402
from pipeline.flow import build  # noqa: E402
from pipeline.warehouse import private_path  # noqa: E402


def serve(app) -> tuple[str, object]:
    server = waitress.server.create_server(app.server, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server


def session(base: str, address_header: dict | None = None) -> requests.Session:
    s = requests.Session()
    s.headers.update(address_header or {})
    return s


def login(s: requests.Session, base: str, user: str, password: str) -> requests.Response:
    token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/login").text).group(1)
    return s.post(base + "/login", data={"username": user, "password": password, "csrf_token": token},
                  allow_redirects=False)


def callback(s: requests.Session, base: str, output: str, inputs: dict) -> requests.Response:
    deps = s.get(base + "/_dash-dependencies").json()
    dep = next(d for d in deps if output in d["output"])
    outs = [o.rsplit(".", 1) for o in dep["output"].strip(".").split("...")]
    payload = {"output": dep["output"], "outputs": [{"id": i, "property": p} for i, p in outs],
               "inputs": [{"id": i["id"], "property": i["property"], "value": inputs.get(i["id"])} for i in dep["inputs"]],
               "state": [], "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"]}
    return s.post(base + "/_dash-update-component", json=payload)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sammen-probes-"))
    print(f"building the hostile demo site in {tmp} ...", flush=True)
    settings, ids, names = make_hostile_site(tmp / "site")
    web = WebSettings(private=tmp / "private")
    base, server = serve(create_app(settings.warehouse, settings.root / "users.json", web))

    # 1. a wrong-password series, then the right one (its own server: all probes come from one address)
    gbase, gserver = serve(create_app(settings.warehouse, settings.root / "users.json",
                                      WebSettings(private=tmp / "private-guess")))
    s = session(gbase)
    statuses = [login(s, gbase, "chef", f"wrong-{i}").status_code for i in range(100)]
    right = login(s, gbase, "chef", "chef-pass-123").status_code
    print(f"1. 100 wrong passwords for chef: {statuses.count(200)} checked (200), {statuses.count(429)} refused (429); "
          f"then the right password: {right}")

    # 2. login time, known vs unknown user (a server with no attempt limit, to time the check itself)
    timing = create_app(settings.warehouse, settings.root / "users.json",
                        WebSettings(private=tmp / "private-timing", login_attempts=10_000,
                                    login_window=timedelta(seconds=1)))
    tbase, tserver = serve(timing)
    t = session(tbase)
    def took(user: str) -> float:
        start = time.perf_counter()
        login(t, tbase, user, "wrong-password")
        return (time.perf_counter() - start) * 1000
    known = statistics.median(took("chef") for _ in range(7))
    unknown = statistics.median(took("nobody-here") for _ in range(7))
    print(f"2. a wrong login takes {known:.0f} ms for a known user, {unknown:.0f} ms for an unknown one "
          f"(median of 7; ratio {unknown / known:.2f})")

    # 3. logout replay
    s = session(base)
    login(s, base, "hr", "hr-pass-123")
    cookie = s.cookies.get("session")
    before = s.get(base + "/_dash-layout").status_code
    s.get(base + "/logout")
    replay = requests.get(base + "/_dash-layout", cookies={"session": cookie}).status_code
    print(f"3. an HR session's cookie: {before} before logout, {replay} when replayed after logout")

    # 4. two long ids that share their first 12 characters
    chef = session(base)
    login(chef, base, "chef", "chef-pass-123")
    mine, other = ids["Center for Skoler"], ids["Center for Dagtilbud"]
    crafted = [callback(chef, base, "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": other}),
               chef.get(f"{base}/download/excel?page=overblik&survey=trivsel&wave=2026&unit={other}"),
               chef.get(f"{base}/download/pdf?survey=trivsel&unit={other}")]
    own = chef.get(f"{base}/download/excel?page=overblik&survey=trivsel&wave=2026&unit={mine}")
    print(f"4. chef of {mine} asking for {other}: Overblik {crafted[0].status_code}, Excel {crafted[1].status_code}, "
          f"PDF {crafted[2].status_code}; own area's Excel {own.status_code}")
    odd = [chef.get(f"{base}/download/{q}").status_code for q in (
        "excel?page=udvikling&survey=trivsel", "excel?page=udvikling&survey=nosuch&unit=" + mine,
        f"excel?page=udvikling&survey=trivsel&unit={mine}&unit={mine}")]
    odd.append(callback(chef, base, "ov-wave.options", {"ov-survey": ["trivsel"]}).status_code)
    print(f"   odd requests (no unit, unknown survey, unit as a list, survey as a list): {odd}")

    # 5. hostile names in Excel, PDF and the heatmap
    hr = session(base)
    login(hr, base, "hr", "hr-pass-123")
    import duckdb
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    parents = {p for (p,) in con.execute("select parent_id from mart_units where list_contains(?, unit_id)",
                                         [sorted(names.values())]).fetchall()}
    con.close()
    import io
    import zipfile
    formulas = links = pdf_ok = markup = 0
    for parent in parents:
        x = hr.get(f"{base}/download/excel?page=overblik&survey=trivsel&wave=2026&unit={parent}").content
        with zipfile.ZipFile(io.BytesIO(x)) as z:
            xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
        formulas += xml.count("<f>") + xml.count("<f ")
        links += xml.count("<hyperlink")
        pdf = hr.get(f"{base}/download/pdf?survey=trivsel&unit={parent}")
        pdf_ok += pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"/URI" not in pdf.content
        fig = callback(hr, base, "ov-heatmap.figure", {"ov-survey": "trivsel", "ov-wave": "2026", "ov-root": parent})
        markup += sum("<" in y for y in fig.json()["response"]["ov-heatmap"]["figure"]["data"][0]["y"])
    print(f"5. {len(names)} hostile names under {len(parents)} units: {formulas} formula cells and {links} links in Excel, "
          f"{pdf_ok} of {len(parents)} PDFs built without links, {markup} heatmap labels with raw markup")

    # 6. file modes
    def mode(p: Path) -> str:
        return oct(stat.S_IMODE(p.stat().st_mode))
    files = {"private warehouse folder": private_path(settings.warehouse).parent,
             "private warehouse": private_path(settings.warehouse), "published warehouse": settings.warehouse,
             "dashboard's private folder": web.private, "audit log": web.private / "audit.jsonl",
             "sessions": web.private / "sessions.sqlite", "session key": web.private / "session_key"}
    print("6. " + "; ".join(f"{k} {mode(v)}" for k, v in files.items()))

    # 7. kill -9 during the write phase, four times, then a build
    folder = private_path(settings.warehouse).parent
    code = ("import sys; sys.path.insert(0, 'tests'); from conftest import settings_for; from pipeline.flow import build; "
            f"from pathlib import Path; build(settings_for(Path({str(settings.root)!r})), full=True)")
    live = settings.warehouse.read_bytes()
    killed, left, modes = 0, [], set()
    for delay in (0.0, 0.5, 1.0, 2.0):   # once the build file is written to, and later into the build
        child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not any(p.stat().st_size > 1_000_000 for p in folder.glob(".*.building-*")) and child.poll() is None:
            time.sleep(0.05)
        time.sleep(delay)
        killed += child.poll() is None
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        leftovers = list(folder.glob(".*.building-*")) + list(settings.warehouse.parent.glob(".*.building-*"))
        left.append(sum(p.stat().st_size for p in leftovers))
        modes |= {mode(p) for p in leftovers}
    intact = settings.warehouse.read_bytes() == live
    build(settings, full=True)
    after = sum(p.stat().st_size for p in [*folder.glob(".*.building-*"), *settings.warehouse.parent.glob(".*.building-*")])
    print(f"7. {killed} of 4 builds killed while writing; each left {[f'{b / 2**20:.0f} MiB' for b in left]} "
          f"(modes {sorted(modes)}, in a 0700 folder; the next build removes them first); live warehouse intact: "
          f"{intact}; after the next build: {after} bytes left")

    # 8. callbacks while the warehouse is rebuilt four times
    answered, failed, stop = [0], [], threading.Event()
    def client() -> None:
        c = session(base)
        login(c, base, "hr", "hr-pass-123")
        while not stop.is_set():
            r = callback(c, base, "ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": mine})
            answered[0] += r.status_code == 200
            if r.status_code != 200:
                failed.append(r.status_code)
    threads = [threading.Thread(target=client) for _ in range(4)]
    for th in threads:
        th.start()
    for _ in range(4):
        build(settings, full=True)
    stop.set()
    for th in threads:
        th.join()
    print(f"8. during 4 rebuilds, 4 clients: {answered[0]} callbacks answered, {len(failed)} failed {sorted(set(failed))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
