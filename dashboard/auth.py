"""Login, sessions and the guard in front of every request.

Three modes (config/sammen.yaml, `dashboard.auth`):
- `file`: a login form against the users file. Failed attempts are limited per user name and
  per address (HTTP 429 in Danish until the window has passed); unknown and known user names
  take the same time; the form carries a CSRF token.
- `header`: the municipality's single-sign-on proxy sets a header with the user name. It is
  believed only from the configured proxy addresses *and* with the proxy's shared secret.
- `oidc`: OpenID Connect (dashboard/oidc.py).
In every mode the user's role and unit come from the users file, and a session lives on the
server (dashboard/sessions.py): logout and timeouts end it for good. Callbacks and downloads
then check the user's area themselves (dashboard/access.py).
"""
from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, g, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from dashboard.audit import AuditLog
from dashboard.sessions import SessionStore
from dashboard.users import User, UserStore
from dashboard.web import WebSettings
from pipeline.private import private_dir, secret

OPEN_PATHS = ("/login", "/assets/", "/oidc/")

LOGIN_PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Log ind – Sammen</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="login"><h1>Sammen</h1><p>Ledelse målt op mod ledelsesgrundlaget.</p>
{form}</main></body></html>"""
PASSWORD_FORM = """<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{csrf}">
<label for="username">Brugernavn</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Adgangskode</label><input id="password" name="password" type="password" autocomplete="current-password" required>
{error}<button type="submit">Log ind</button></form>"""
OIDC_FORM = '{error}<p><a class="button" href="/oidc/login">Log ind med din organisations konto</a></p>'
ERROR = '<p class="error" role="alert">{}</p>'
WRONG = "Forkert brugernavn eller adgangskode."
TOO_MANY = "For mange forkerte forsøg. Vent {} minutter, og prøv igen."
EXPIRED = "Siden var udløbet. Prøv igen."


def client_address() -> str:
    """Who is asking. Behind a configured proxy (dashboard.trusted_proxies), the address the proxy
    saw (the last X-Forwarded-For entry); otherwise the connection's own address."""
    peer = request.remote_addr or "?"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and peer in current_app.config.get("SAMMEN_TRUSTED_PROXIES", ()):
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer


class Auth:
    def __init__(self, server: Flask, store: UserStore, web: WebSettings, audit: AuditLog) -> None:
        self.server, self.store, self.web, self.audit = server, store, web, audit
        private = private_dir(web.private)
        self.sessions = SessionStore(private / "sessions.sqlite", web.idle_timeout, web.lifetime)
        server.secret_key = secret("SAMMEN_SECRET_KEY", private / "session_key")
        server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                             SESSION_COOKIE_SECURE=web.https, PERMANENT_SESSION_LIFETIME=web.lifetime,
                             WTF_CSRF_TIME_LIMIT=None, SAMMEN_CURRENT_USER=self.current,
                             SAMMEN_TRUSTED_PROXIES=web.trusted_proxies)
        self.limiter = Limiter(get_remote_address, app=server, storage_uri="memory://", strategy="moving-window",
                               headers_enabled=False)

    # --- who is asking ------------------------------------------------------------------
    def current(self) -> User | None:
        if "sammen_user" not in g:
            g.sammen_user = self._find_user()
        return g.sammen_user

    def _find_user(self) -> User | None:
        if self.web.auth == "header":
            if request.remote_addr not in self.web.trusted_proxies:
                return None
            secret = request.headers.get(self.web.secret_header, "")
            if not hmac.compare_digest(secret.encode(), (self.web.proxy_secret or "").encode()):
                return None
            name = request.headers.get(self.web.user_header)
            return self.store.get(name) if name else None
        username = self.sessions.user(session.get("sid"))
        return self.store.get(username) if username else None

    def begin(self, user: User) -> None:
        """A new server-side session for a user who has just proved who they are."""
        session.clear()
        session["sid"] = self.sessions.start(user.username)
        session.permanent = True
        self.audit.record("login", user.username, client_address())

    # --- pages ----------------------------------------------------------------------------
    def login_page(self, error: str = "", status: int = 200) -> Response:
        body = OIDC_FORM if self.web.auth == "oidc" else PASSWORD_FORM
        html = LOGIN_PAGE.format(form=body.format(csrf=generate_csrf(), error=ERROR.format(error) if error else ""))
        return Response(html, status, mimetype="text/html")


def install(server: Flask, store: UserStore, web: WebSettings, audit: AuditLog) -> Auth:
    auth = Auth(server, store, web, audit)
    rate = f"{web.login_attempts} per {max(1, round(web.login_window.total_seconds()))} seconds"
    failed = lambda response: response.status_code != 302   # noqa: E731 - only failed logins count

    @server.before_request
    def guard():  # noqa: ANN202
        if request.path.startswith(OPEN_PATHS) and web.auth != "header":
            return None
        if auth.current() is None:
            if request.method == "GET" and not request.path.startswith(("/_dash", "/download")):
                return redirect("/login") if web.auth != "header" else Response("Ingen adgang", 403)
            return Response("Log ind for at se Sammen.", 401 if web.auth != "header" else 403, mimetype="text/plain")
        return None

    @auth.limiter.limit(rate, key_func=lambda: "user:" + request.form.get("username", "")[:100].casefold(),
                        methods=["POST"], deduct_when=failed)
    @auth.limiter.limit(rate, key_func=lambda: "address:" + client_address(), methods=["POST"], deduct_when=failed)
    def login():  # noqa: ANN202
        if web.auth == "header":
            return redirect("/")
        if request.method == "GET" or web.auth == "oidc":
            return auth.login_page()
        try:
            validate_csrf(request.form.get("csrf_token", ""))
        except ValidationError:
            return auth.login_page(EXPIRED, 400)
        username = request.form.get("username", "")[:200]
        user = auth.store.check(username, request.form.get("password", ""))
        if user is None:
            audit.record("login_failed", username, client_address())
            return auth.login_page(WRONG)
        auth.begin(user)
        return redirect("/")

    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])

    @server.errorhandler(429)
    def too_many(_error):  # noqa: ANN202
        minutes = max(1, round(web.login_window.total_seconds() / 60))
        audit.record("login_refused", request.form.get("username", "")[:200] or None, client_address())
        return auth.login_page(TOO_MANY.format(minutes), 429)

    @server.route("/logout")
    def logout():  # noqa: ANN202
        user = auth.current()
        auth.sessions.end(session.get("sid"))
        session.clear()
        if user:
            audit.record("logout", user.username, client_address())
        return redirect("/login")

    return auth


def current_user(server: Flask) -> User | None:
    return server.config["SAMMEN_CURRENT_USER"]()


def security_headers(response: Response, https: bool, script_hashes: list[str]) -> Response:
    """What a browser needs to keep the page to itself: no framing, no sniffing, no referrer, no
    scripts but ours, and nothing personal in a cache."""
    scripts = " ".join(["'self'", *script_hashes])
    response.headers.setdefault("Content-Security-Policy", (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.path.startswith("/assets/") and not request.path.startswith("/_dash-component-suites/"):
        response.headers["Cache-Control"] = "no-store"
    if https:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
