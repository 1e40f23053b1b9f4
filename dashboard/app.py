"""The Dash app: login guard, navigation by role, the five views and the download routes."""
from __future__ import annotations

from pathlib import Path

import dash
from dash import Input, Output, dcc, html
from flask import Response, request
from werkzeug.exceptions import HTTPException

from dashboard import auth, downloads, ids, oidc
from dashboard.audit import AuditLog
from dashboard.access import BadRequest, Forbidden, Unauthorized
from dashboard.context import Context
from dashboard.pages import drivkraefter, enhedsprofil, handleplaner, kortlaegning, overblik, rolleniveau, udvikling
from dashboard.plans import PlanStore
from dashboard.queries import Warehouse
from dashboard.users import UserStore
from dashboard.web import WebSettings
from pipeline.private import private_dir

VIEWS = {  # path -> (page key, menu label, module)
    "/": ("overblik", "Overblik", overblik),
    "/udvikling": ("udvikling", "Udvikling", udvikling),
    "/enhedsprofil": ("enhedsprofil", "Enhedsprofil", enhedsprofil),
    "/rolleniveau": ("rolleniveau", "Rolleniveau", rolleniveau),
    "/kortlaegning": ("kortlaegning", "Kortlægning", kortlaegning),
    "/handleplaner": ("handleplaner", "Handleplaner", handleplaner),
    "/drivkraefter": ("drivkraefter", "Drivkræfter", drivkraefter),
}
ROLE_NAMES = {"hr": "HR", "chef": "Chef", "med": "MED-udvalg"}


def create_app(warehouse: Path, users: Path, web: WebSettings) -> dash.Dash:
    """The dashboard over a published warehouse; `web`: login mode, sessions, private folder."""
    app = dash.Dash(__name__, title="Sammen", suppress_callback_exceptions=True, update_title=None,
                    assets_folder=str(Path(__file__).parent / "assets"))
    app.index_string = app.index_string.replace("<html>", '<html lang="da">')
    server = app.server
    audit = AuditLog(private_dir(web.private) / "audit.jsonl")
    login = auth.install(server, UserStore(users), web, audit)
    if web.auth == "oidc":
        oidc.install(server, login)
    ctx = Context(Warehouse(warehouse), server, audit, PlanStore(web.private / "plans.sqlite"))
    server.config["SAMMEN_CONTEXT"] = ctx   # for tests that call the page functions directly

    app.layout = html.Div([
        dcc.Location(id=ids.URL),
        html.A("Gå til indholdet", href="#main", className="skip-link"),
        html.Header([html.Span("Sammen", className="brand"), html.Nav(id=ids.NAV, **{"aria-label": "Visninger"}),
                     html.Div(id=ids.WHO, className="who")]),
        html.Main(id=ids.MAIN, tabIndex="-1"),
    ])

    @app.callback(Output(ids.NAV, "children"), Output(ids.WHO, "children"), Output(ids.MAIN, "children"),
                  Input(ids.URL, "pathname"))
    def route(path):
        try:
            access = ctx.access()
        except Unauthorized:
            return [], [], html.P("Log ind for at se Sammen.", role="alert")
        if access.units is not None and not access.allows(access.home_unit):
            return [], [], html.P("Din enhed findes ikke i de offentliggjorte tal. Kontakt HR.", role="alert")
        allowed = [(p, label) for p, (key, label, _) in VIEWS.items() if access.may_open(key)]
        path = path if isinstance(path, str) and path in VIEWS and access.may_open(VIEWS[path][0]) else allowed[0][0]
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
        name, body, mimetype = downloads.build(ctx, kind, request.args)   # 400/401/403 from the checks
        audit.record("export", ctx.access().user.username, auth.client_address(), kind=kind,
                     **{k: request.args.get(k) for k in ("page", "survey", "wave", "unit", "role") if k in request.args})
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    hashes = app.csp_hashes()

    @server.after_request
    def headers(response: Response) -> Response:
        return auth.security_headers(response, web.https, hashes)

    @server.errorhandler(HTTPException)
    def refused(error: HTTPException) -> Response:
        """400/401/403/404/429 as a short Danish text, never a page echoing the request."""
        text = error.description if isinstance(error, (BadRequest, Forbidden, Unauthorized)) else \
            ERROR_TEXT.get(error.code or 500, "Fejl.")
        return Response(text, error.code or 500, mimetype="text/plain")

    return app


ERROR_TEXT = {400: "Ugyldig forespørgsel.", 401: "Log ind for at se Sammen.", 403: "Ingen adgang.",
              404: "Siden findes ikke.", 405: "Metoden er ikke tilladt.", 413: "Forespørgslen er for stor.",
              429: "For mange forsøg. Prøv igen senere."}

