"""Login and the guard in front of every request.

Two modes: `file` (a login form against the users file) and `header` (the
municipality's single-sign-on proxy sets a header with the user name; the user's
role and unit still come from the users file). Every request except the login page
and static assets needs a known user; callbacks and downloads then check the
user's area themselves (dashboard/access.py).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, redirect, request, session

from dashboard.users import User, UserStore

OPEN_PATHS = ("/login", "/assets/")

LOGIN_PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Log ind – Sammen</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="login"><h1>Sammen</h1><p>Ledelse målt op mod ledelsesgrundlaget.</p>
<form method="post" action="/login">
<label for="username">Brugernavn</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Adgangskode</label><input id="password" name="password" type="password" autocomplete="current-password" required>
{error}<button type="submit">Log ind</button></form></main></body></html>"""


def secret_key(path: Path) -> bytes:
    if key := os.environ.get("SAMMEN_SECRET_KEY"):
        return key.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip().encode()


def install(server: Flask, store: UserStore, mode: str, header: str, key_file: Path) -> None:
    server.secret_key = secret_key(key_file)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")

    def current() -> User | None:
        if mode == "header":
            name = request.headers.get(header)
            return store.get(name) if name else None
        name = session.get("user")
        return store.get(name) if name else None

    server.config["SAMMEN_CURRENT_USER"] = current

    @server.before_request
    def guard():  # noqa: ANN202
        if request.path.startswith(OPEN_PATHS) and mode == "file":
            return None
        if current() is None:
            if request.method == "GET" and not request.path.startswith(("/_dash", "/download")):
                return redirect("/login") if mode == "file" else Response("Ingen adgang", 403)
            return Response("Ingen adgang", 401 if mode == "file" else 403)
        return None

    @server.route("/login", methods=["GET", "POST"])
    def login():  # noqa: ANN202
        if mode == "header":
            return redirect("/")
        error = ""
        if request.method == "POST":
            user = store.check(request.form.get("username", ""), request.form.get("password", ""))
            if user:
                session.clear()
                session["user"] = user.username
                return redirect("/")
            error = '<p class="error" role="alert">Forkert brugernavn eller adgangskode.</p>'
        return Response(LOGIN_PAGE.format(error=error), mimetype="text/html")

    @server.route("/logout")
    def logout():  # noqa: ANN202
        session.clear()
        return redirect("/login")


def current_user(server: Flask) -> User | None:
    return server.config["SAMMEN_CURRENT_USER"]()
