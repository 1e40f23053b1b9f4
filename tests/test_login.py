"""Login that resists guessing, sessions that end on the server, the browser's security headers,
private files and the audit log."""
from __future__ import annotations

import json
import stat
import time
from datetime import timedelta

import pytest

from dash_client import call, csrf_token, login, try_login
from dashboard import users as users_module
from dashboard.app import create_app
from dashboard.audit import AuditLog
from dashboard.sessions import SessionStore
from dashboard.web import WebSettings
from pipeline.cli import main


def _app(demo_site, tmp_path, **settings):
    site, _ = demo_site
    web = WebSettings(private=tmp_path / "private", **settings)
    return create_app(site.warehouse, site.root / "users.json", web), web


def _from(app, address: str):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_five_failed_logins_for_a_user_then_429_until_the_window_passes(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path, login_window=timedelta(seconds=3))
    guesser = _from(app, "10.0.0.1")
    for _ in range(5):
        assert "Forkert brugernavn".encode() in try_login(guesser, "chef", "wrong-password").data
    refused = try_login(guesser, "chef", "chef-pass-123")            # even the right password
    assert refused.status_code == 429 and "For mange forkerte forsøg".encode() in refused.data
    assert try_login(_from(app, "10.0.0.2"), "chef", "chef-pass-123").status_code == 429   # the user name, anywhere
    assert try_login(guesser, "hr", "hr-pass-123").status_code == 429                       # the address, any user
    login(_from(app, "10.0.0.3"), "hr", "hr-pass-123")                                      # others are not locked out
    time.sleep(3.2)
    login(_from(app, "10.0.0.2"), "chef", "chef-pass-123")


def test_successful_logins_do_not_count(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path)
    for _ in range(7):
        login(_from(app, "10.0.0.4"), "med", "med-pass-123")


def test_unknown_and_known_users_cost_the_same_password_check(demo_site, tmp_path, monkeypatch) -> None:
    app, _ = _app(demo_site, tmp_path, login_attempts=100)
    checks: list[str] = []
    real = users_module.check_password_hash
    monkeypatch.setattr(users_module, "check_password_hash", lambda h, p: checks.append(h.split("$")[0]) or real(h, p))
    client = _from(app, "10.0.0.5")
    try_login(client, "chef", "wrong-password")
    try_login(client, "no-such-user", "wrong-password")
    assert len(checks) == 2 and checks[0] == checks[1]          # one scrypt check each, same method and cost


def test_the_login_form_needs_its_csrf_token(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path)
    client = _from(app, "10.0.0.6")
    response = client.post("/login", data={"username": "hr", "password": "hr-pass-123"})
    assert response.status_code == 400 and "udløbet".encode() in response.data
    assert client.get("/_dash-layout").status_code == 401
    other = _from(app, "10.0.0.6")    # a token from another browser's session is no good either
    stolen = csrf_token(other)
    assert client.post("/login", data={"username": "hr", "password": "hr-pass-123", "csrf_token": stolen}).status_code == 400


def test_logout_ends_the_session_on_the_server(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path)
    client = _from(app, "10.0.0.7")
    login(client, "hr", "hr-pass-123")
    cookie = client.get_cookie("session").value
    assert client.get("/_dash-layout").status_code == 200
    client.get("/logout")
    replay = _from(app, "10.0.0.8")
    replay.set_cookie("session", cookie)
    assert replay.get("/_dash-layout").status_code == 401
    assert replay.get("/download/excel?page=kortlaegning").status_code == 401


def test_sessions_end_after_idle_time_and_lifetime(tmp_path) -> None:
    now = [1000.0]
    store = SessionStore(tmp_path / "s.sqlite", timedelta(hours=8), timedelta(hours=12), clock=lambda: now[0])
    a = store.start("anna")
    now[0] += 7 * 3600
    assert store.user(a) == "anna"
    now[0] += 4 * 3600                      # used 4 h ago, 11 h old
    assert store.user(a) == "anna"
    now[0] += 1.5 * 3600                    # 12.5 h old: past the lifetime though in use
    assert store.user(a) is None
    b = store.start("bo")
    now[0] += 8 * 3600 + 1                  # idle for more than 8 h
    assert store.user(b) is None
    assert store.user("forged-token") is None and store.user(["not", "a", "token"]) is None


def test_security_headers_and_https_cookies(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path)
    page = _from(app, "10.0.0.9").get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Frame-Options"] == "DENY" and "Strict-Transport-Security" not in page.headers
    secure, _ = _app(demo_site, tmp_path / "b", https=True)
    client = _from(secure, "10.0.0.10")
    response = try_login(client, "hr", "hr-pass-123")
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_private_files_and_the_audit_log(demo_site, tmp_path, capsys) -> None:
    app, web = _app(demo_site, tmp_path)
    _, ids = demo_site
    client = _from(app, "10.0.0.11")
    try_login(client, "chef", "wrong-password")
    login(client, "chef", "chef-pass-123")
    unit = ids["Center for Skoler"]
    call(client, "ud-trend.figure", {"ud-survey": "trivsel", "ud-unit": unit})
    client.get(f"/download/excel?page=udvikling&survey=trivsel&unit={unit}")
    assert stat.S_IMODE(web.private.stat().st_mode) == 0o700
    for name in ("audit.jsonl", "sessions.sqlite", "session_key"):
        assert stat.S_IMODE((web.private / name).stat().st_mode) == 0o600, name
    events = [(e["event"], e["user"], e.get("unit")) for e in AuditLog(web.private / "audit.jsonl").entries()]
    assert events == [("login_failed", "chef", None), ("login", "chef", None), ("view", "chef", unit),
                      ("export", "chef", unit)]
    assert main(["audit", "--log", str(web.private / "audit.jsonl"), "--since", "2000-01-01"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0].split("\t")[1:4] == ["login_failed", "chef", "10.0.0.11"]
    assert main(["audit", "--log", str(web.private / "audit.jsonl"), "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert all(json.loads(line) for line in (web.private / "audit.jsonl").read_text().splitlines())


# --- OpenID Connect, against a provider started inside the test suite ----------------------

@pytest.fixture
def provider():
    from oidc_provider import Provider
    p = Provider("sammen", "client-secret")
    yield p
    p.close()


def _oidc_login(client, provider) -> object:
    """Follow the login as a browser would: Sammen -> provider -> back to Sammen."""
    import requests
    to_provider = client.get("/oidc/login")
    assert to_provider.status_code == 302 and to_provider.headers["Location"].startswith(provider.issuer)
    back = requests.get(to_provider.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    return client.get(back.headers["Location"].removeprefix("http://localhost"))


def test_openid_connect_logs_in_a_known_user(demo_site, tmp_path, provider) -> None:
    from dashboard.web import Oidc
    app, _ = _app(demo_site, tmp_path, auth="oidc", oidc=Oidc(provider.issuer, "sammen", "client-secret"))
    client = _from(app, "10.0.1.1")
    assert client.get("/_dash-layout").status_code == 401
    assert "Log ind med din organisations konto".encode() in client.get("/login").data
    provider.username = "chef"
    done = _oidc_login(client, provider)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/download/excel?page=kortlaegning").status_code == 403     # role from the users file: chef


def test_openid_connect_refuses_strangers_and_forgeries(demo_site, tmp_path, provider) -> None:
    from dashboard.web import Oidc
    app, _ = _app(demo_site, tmp_path, auth="oidc", oidc=Oidc(provider.issuer, "sammen", "client-secret"))
    provider.username = "someone-hr-never-added"
    client = _from(app, "10.0.1.2")
    refused = _oidc_login(client, provider)
    assert refused.status_code == 403 and "Kontakt HR".encode() in refused.data
    assert client.get("/_dash-layout").status_code == 401
    provider.username, provider.signing_key = "hr", type(provider.key).generate_key(2048, parameters={"kid": "test-key"})
    forged = _oidc_login(_from(app, "10.0.1.3"), provider)      # an ID token the provider's keys did not sign
    assert forged.status_code == 400
    client = _from(app, "10.0.1.4")
    client.get("/oidc/login")
    assert client.get("/oidc/callback?code=x&state=not-the-state").status_code == 400


# --- sammen serve --------------------------------------------------------------------------

def _config(tmp_path, demo_site) -> dict:
    import shutil

    import yaml
    from pipeline.config import ROOT
    site, _ = demo_site
    (tmp_path / "config").mkdir(parents=True)
    cfg = yaml.safe_load((ROOT / "config" / "sammen.yaml").read_text(encoding="utf-8"))
    cfg["paths"].update(warehouse=str(site.warehouse), users=str(site.root / "users.json"), private=str(tmp_path / "private"))
    (tmp_path / "config" / "sammen.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    shutil.copy(ROOT / "config" / "columns.yaml", tmp_path / "config" / "columns.yaml")
    import os
    return {**os.environ, "SAMMEN_CONFIG": str(tmp_path / "config" / "sammen.yaml")}


@pytest.mark.parametrize("dev, server", [(False, "Sammen"), (True, "Werkzeug")])
def test_serve_runs_waitress_unless_told_otherwise(demo_site, tmp_path, dev, server) -> None:
    import socket
    import subprocess
    import sys

    import requests
    env = _config(tmp_path, demo_site)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--threads", "2"] + (["--dev"] if dev else [])
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except requests.ConnectionError:
                assert child.poll() is None and time.time() < deadline
                time.sleep(0.2)
        assert response.status_code == 200 and server in response.headers["Server"]
        assert (server == "Werkzeug") == ("Werkzeug" in response.headers["Server"])
    finally:
        child.terminate()
        child.wait(10)


def test_serve_refuses_header_mode_without_proxies_and_secret(demo_site, tmp_path) -> None:
    import subprocess
    import sys
    env = _config(tmp_path, demo_site)
    done = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--auth", "header"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "trusted_proxies" in " ".join(done.stderr.split())


def test_behind_a_trusted_proxy_the_limit_counts_per_client_not_per_proxy(demo_site, tmp_path) -> None:
    app, _ = _app(demo_site, tmp_path, trusted_proxies=frozenset({"10.9.9.9"}))
    proxy = _from(app, "10.9.9.9")
    for i in range(5):
        proxy.post("/login", data={"username": f"x{i}", "password": "no", "csrf_token": csrf_token(proxy)},
                   headers={"X-Forwarded-For": "192.0.2.1"})
    blocked = proxy.post("/login", data={"username": "hr", "password": "hr-pass-123", "csrf_token": csrf_token(proxy)},
                         headers={"X-Forwarded-For": "192.0.2.1"})
    assert blocked.status_code == 429                                   # the guessing client is stopped ...
    other = proxy.post("/login", data={"username": "hr", "password": "hr-pass-123", "csrf_token": csrf_token(proxy)},
                       headers={"X-Forwarded-For": "192.0.2.2"})
    assert other.status_code == 302                                     # ... not everyone behind the proxy
    spoof = _from(app, "10.0.0.66")                                     # X-Forwarded-For from anyone else is ignored
    for i in range(5):
        spoof.post("/login", data={"username": f"y{i}", "password": "no", "csrf_token": csrf_token(spoof)},
                   headers={"X-Forwarded-For": f"198.51.100.{i}"})
    assert spoof.post("/login", data={"username": "hr", "password": "hr-pass-123", "csrf_token": csrf_token(spoof)},
                      headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 429
