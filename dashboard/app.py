"""The Dash app: login guard, navigation by role, the five views and the download routes."""
from __future__ import annotations

from pathlib import Path

import dash
from dash import Input, Output, dcc, html
from flask import Response, abort, request

from dashboard import auth, downloads
from dashboard.access import Forbidden
from dashboard.context import Context
from dashboard.pages import enhedsprofil, kortlaegning, overblik, rolleniveau, udvikling
from dashboard.queries import Warehouse
from dashboard.users import UserStore

VIEWS = {  # path -> (page key, menu label, module)
    "/": ("overblik", "Overblik", overblik),
    "/udvikling": ("udvikling", "Udvikling", udvikling),
    "/enhedsprofil": ("enhedsprofil", "Enhedsprofil", enhedsprofil),
    "/rolleniveau": ("rolleniveau", "Rolleniveau", rolleniveau),
    "/kortlaegning": ("kortlaegning", "Kortlægning", kortlaegning),
}
ROLE_NAMES = {"hr": "HR", "chef": "Chef", "med": "MED-udvalg"}


def create_app(warehouse: Path, users: Path, auth_mode: str = "file", user_header: str = "X-Remote-User",
               secret_file: Path | None = None) -> dash.Dash:
    app = dash.Dash(__name__, title="Sammen", suppress_callback_exceptions=True, update_title=None,
                    assets_folder=str(Path(__file__).parent / "assets"))
    app.index_string = app.index_string.replace("<html>", '<html lang="da">')
    server = app.server
    auth.install(server, UserStore(users), auth_mode, user_header, secret_file or users.with_name(".session_key"))
    ctx = Context(Warehouse(warehouse), server)

    app.layout = html.Div([
        dcc.Location(id="url"),
        html.A("Gå til indholdet", href="#main", className="skip-link"),
        html.Header([html.Span("Sammen", className="brand"), html.Nav(id="nav", **{"aria-label": "Visninger"}),
                     html.Div(id="who", className="who")]),
        html.Main(id="main", tabIndex="-1"),
    ])

    @app.callback(Output("nav", "children"), Output("who", "children"), Output("main", "children"),
                  Input("url", "pathname"))
    def route(path):
        try:
            access = ctx.access()
        except Forbidden:
            return [], [], html.P("Log ind for at se Sammen.", role="alert")
        allowed = [(p, label) for p, (key, label, _) in VIEWS.items() if access.may_open(key)]
        path = path if path in VIEWS and access.may_open(VIEWS[path][0]) else allowed[0][0]
        nav = [dcc.Link(label, href=p, className="active" if p == path else "") for p, label in allowed]
        user = access.user
        area = "" if access.units is None else f" · {ctx.unit_name(user.unit_id)}"
        who = [html.Span(f"{user.name or user.username} ({ROLE_NAMES[user.role]}{area})"),
               html.A("Log ud", href="/logout", className="logout")]
        return nav, who, VIEWS[path][2].layout(ctx, access)

    for _, _, module in VIEWS.values():
        module.register(app, ctx)

    @server.route("/download/<kind>")
    def download(kind: str) -> Response:
        try:
            name, body, mimetype = downloads.build(ctx, kind, request.args)
        except Forbidden:
            abort(403)
        except (KeyError, ValueError):
            abort(400)
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return app

