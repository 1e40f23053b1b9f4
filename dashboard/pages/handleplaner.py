"""Handleplaner: for a unit and a wave, 1-3 focus points — a competency, the framework's
behaviours it is about, actions, owner, deadline, status. Chefs (own area) and HR write them;
MED-udvalg read and comment. HR sees which units have a plan after each wave."""
from __future__ import annotations

import dash
from dash.exceptions import PreventUpdate
import polars as pl
from dash import dcc, html

from dashboard import components as ui
from dashboard import ids
from dashboard.access import Access, Forbidden
from dashboard.context import Context
from dashboard.ids import HP_FIELDS, HP_SLOTS, hp
from dashboard.pages.common import follow_survey, survey_and_wave
from dashboard.plans import STATUSES, FocusPoint, PlanError
from dashboard.wiring import wire

PAGE = "handleplaner"
WRITERS = {"hr", "chef"}


def _checked(ctx: Context, access: Access, survey: object, wave: object, unit: object) -> tuple[str, str, str]:
    unit = access.require(PAGE, unit)
    survey = access.survey(survey)
    return survey, access.wave(survey, wave), unit


def role_behaviours(ctx: Context, unit: str) -> pl.DataFrame:
    """The framework's behaviours for the unit's leader role: competency, position, behaviour."""
    units = ctx.warehouse.units()
    role = units.filter(pl.col("unit_id") == unit)["leader_role"]
    return ctx.warehouse.behaviours(role[0]) if role.len() and role[0] else \
        pl.DataFrame(schema={"competency": pl.String, "position": pl.Int64, "behaviour": pl.String})


def _slot(i: int, point: FocusPoint | None, competencies: list[str], behaviours: pl.DataFrame, readonly: bool) -> html.Fieldset:
    p = point or FocusPoint("")
    options = [{"label": f"{r['position']}. {r['behaviour']}", "value": r["position"]}
               for r in behaviours.filter(pl.col("competency") == p.competency).iter_rows(named=True)]
    return html.Fieldset([
        html.Legend(f"Fokuspunkt {i}"),
        ui.select(hp("competency", i), "Kompetence", [{"label": c, "value": c} for c in competencies],
                  p.competency or None, clearable=True),
        ui.select(hp("behaviours", i), "Adfærd i ledelsesgrundlaget (valgfrit)", options, p.behaviours,
                  clearable=True, multi=True),
        html.Label("Handlinger", htmlFor=hp("actions", i)),
        dcc.Textarea(id=hp("actions", i), value=p.actions, disabled=readonly, className="text"),
        html.Label("Ansvarlig", htmlFor=hp("owner", i)),
        dcc.Input(id=hp("owner", i), value=p.owner, disabled=readonly, type="text"),
        html.Label("Frist (ÅÅÅÅ-MM-DD)", htmlFor=hp("deadline", i)),
        dcc.Input(id=hp("deadline", i), value=p.deadline or "", disabled=readonly, type="text"),
        ui.select(hp("status", i), "Status", [{"label": s, "value": s} for s in STATUSES], p.status),
    ], className="focus-point", disabled=readonly)


def show(ctx: Context, access: Access, survey: object, wave: object, unit: object) -> tuple:
    survey, wave, unit = _checked(ctx, access, survey, wave, unit)
    points = ctx.plans.focus(survey, wave, unit)
    readonly = access.user.role not in WRITERS
    comps = ctx.warehouse.competencies()
    behaviours = role_behaviours(ctx, unit)
    slots = [_slot(i, points[i - 1] if i <= len(points) else None, comps, behaviours, readonly) for i in HP_SLOTS]
    plan = [html.H2(f"Handleplan for {ctx.unit_name(unit)} efter {wave}"), *slots]
    if not readonly:
        plan.append(html.Button("Gem handleplanen", id=ids.HP_SAVE, className="button"))
    comments = ctx.plans.comments(survey, wave, unit)
    return (plan, _history(ctx, survey, wave, unit), _comments(comments), overview(ctx, access, survey, wave),
            ui.href("excel", page=PAGE, survey=survey, wave=wave))


def _history(ctx: Context, survey: str, wave: str, unit: str) -> list:
    """Who last changed the plan, and every change (who, when, what), newest first."""
    changed = ctx.plans.changes(survey, wave, unit)
    if not changed:
        return [html.P("Ingen plan endnu.", className="notice")]
    who, at, _ = changed[-1]
    return [html.P(f"Senest ændret af {who} {_when(at)}.", className="notice"),
            html.Details([html.Summary(f"Ændringshistorik ({len(changed)} ændring{'er' if len(changed) != 1 else ''})"),
                          html.Ol([html.Li([html.Strong(f"{_when(at)}, {who}: "), "; ".join(lines)])
                                   for who, at, lines in reversed(changed)], reversed=True)])]


def _when(at: str) -> str:
    return at[:16].replace("T", " kl. ")


def _comments(rows: list[tuple[str, str, str]]) -> list:
    if not rows:
        return [html.P("Ingen kommentarer endnu.")]
    return [html.Ul([html.Li([html.Strong(f"{author} ({at[:10]}): "), text]) for author, at, text in rows])]


def overview(ctx: Context, access: Access, survey: str, wave: str) -> html.Div:
    """Which units in the user's area have a plan after this wave (the follow-up the
    trivselsaftale asks for)."""
    rows = [r for r in ctx.plans.all_points(survey, wave) if access.allows(r["unit_id"])]
    if not rows:
        return html.P(f"Ingen enheder har en handleplan efter {wave} endnu.")
    frame = pl.DataFrame(rows).group_by("unit_id", maintain_order=True).agg(
        pl.col("competency").str.join(", ").alias("Fokus"), pl.col("status").str.join(", ").alias("Status"),
        pl.col("updated_at").max().str.slice(0, 10).alias("Ændret"))
    frame = frame.with_columns(pl.col("unit_id").map_elements(ctx.unit_name, return_dtype=pl.String).alias("Enhed"))
    return html.Div([html.P(f"{frame.height} enheder har en handleplan efter {wave}."),
                     ui.table(frame.select("Enhed", "Fokus", "Status", "Ændret"), f"Handleplaner efter {wave}")])


def save(ctx: Context, access: Access, _clicks: object, survey: object, wave: object, unit: object,
         *fields: object) -> tuple:
    """Store the three slots (empty ones dropped); a chef only in their own area. Only on a click:
    Dash also calls this when the plan (with its button) is drawn, which must not log a save."""
    if not _clicks:
        raise PreventUpdate
    survey, wave, unit = _checked(ctx, access, survey, wave, unit)
    if access.user.role not in WRITERS:
        raise Forbidden(f"{access.user.username}: save plan")
    comps, behaviours = ctx.warehouse.competencies(), role_behaviours(ctx, unit)
    allowed = {c: behaviours.filter(pl.col("competency") == c)["position"].to_list() for c in comps}
    points = []
    for i in range(len(HP_SLOTS)):
        competency, chosen, actions, owner, deadline, status = fields[i * len(HP_FIELDS):(i + 1) * len(HP_FIELDS)]
        if not competency:
            continue
        try:
            points.append(FocusPoint(str(competency), str(actions or ""), str(owner or ""), str(deadline) if deadline else None,
                                     str(status or "planlagt"), [int(b) for b in (chosen or [])]).checked(comps, allowed))
        except (PlanError, TypeError, ValueError) as error:
            message = str(error) if isinstance(error, PlanError) else "ugyldig værdi"
            return f"Ikke gemt: fokuspunkt {i + 1}: {message}.", dash.no_update
    ctx.plans.save(survey, wave, unit, points, access.user.username)
    ctx.audit.record("plan_saved", access.user.username, None, survey=survey, wave=wave, unit=unit, points=len(points))
    return f"Handleplanen er gemt ({len(points)} fokuspunkter).", _history(ctx, survey, wave, unit)


def comment(ctx: Context, access: Access, _clicks: object, survey: object, wave: object, unit: object,
            text: object) -> tuple:
    survey, wave, unit = _checked(ctx, access, survey, wave, unit)
    try:
        ctx.plans.comment(survey, wave, unit, access.user.name or access.user.username, str(text or ""))
    except PlanError as error:
        return dash.no_update, f"Ikke gemt: {error}."
    return _comments(ctx.plans.comments(survey, wave, unit)), ""


def behaviour_options(ctx: Context, access: Access, *values: object) -> list:
    """The behaviours to choose from follow each slot's competency (values: the slots' competencies, the unit)."""
    *competencies, unit = values
    unit = access.require(PAGE, unit)
    behaviours = role_behaviours(ctx, unit)
    return [[{"label": f"{r['position']}. {r['behaviour']}", "value": r["position"]}
             for r in behaviours.filter(pl.col("competency") == c).iter_rows(named=True)] if c else []
            for c in competencies]


def layout(ctx: Context, access: Access) -> html.Div:
    return html.Div([
        html.H1("Handleplaner"),
        html.P("Hvad enheden vil gøre efter en måling: op til tre fokuspunkter, hver en kompetence fra "
               "ledelsesgrundlaget, eventuelt de adfærd det handler om, handlinger, ansvarlig, frist og status. "
               "Chefen (eget område) og HR skriver planen; MED-udvalget kan læse og kommentere. Udvikling viser "
               "fokuspunktet ved næste måling sammen med ændringen."),
        html.Div([*survey_and_wave(ctx, ids.HP_SURVEY, ids.HP_WAVE),
                  ui.select(ids.HP_UNIT, "Enhed", ui.unit_options(ctx.warehouse.units(), access.units),
                            ctx.start_unit(access))], className="controls"),
        html.Div(id=ids.HP_PLAN),
        html.P(id=ids.HP_STATUS, role="status", className="notice"),
        html.Div(id=ids.HP_HISTORY),
        html.H2("Kommentarer"),
        html.Div(id=ids.HP_COMMENTS),
        html.Label("Ny kommentar", htmlFor=ids.HP_COMMENT_TEXT),
        dcc.Textarea(id=ids.HP_COMMENT_TEXT, value="", className="text"),
        html.Button("Tilføj kommentar", id=ids.HP_COMMENT, className="button"),
        html.H2("Enheder med handleplan"),
        html.Div(id=ids.HP_OVERVIEW),
        html.Div([ui.download_link(ids.HP_EXCEL, "Hent handleplanerne som Excel")], className="exports"),
    ])


def register(app: dash.Dash, ctx: Context) -> None:
    where = [(ids.HP_SURVEY, "value"), (ids.HP_WAVE, "value"), (ids.HP_UNIT, "value")]
    follow_survey(app, ctx, PAGE, ids.HP_SURVEY, ids.HP_WAVE)
    wire(app, ctx, show, [(ids.HP_PLAN, "children"), (ids.HP_HISTORY, "children"), (ids.HP_COMMENTS, "children"),
                          (ids.HP_OVERVIEW, "children"), (ids.HP_EXCEL, "href")], where, view=PAGE)
    wire(app, ctx, save, [(ids.HP_STATUS, "children"), (ids.HP_HISTORY, "children", "shared")], [(ids.HP_SAVE, "n_clicks")],
         where + [(hp(f, i), "value") for i in HP_SLOTS for f in HP_FIELDS], prevent_initial_call=True)
    wire(app, ctx, comment, [(ids.HP_COMMENTS, "children", "shared"), (ids.HP_COMMENT_TEXT, "value")],
         [(ids.HP_COMMENT, "n_clicks")],
         where + [(ids.HP_COMMENT_TEXT, "value")], prevent_initial_call=True)
    wire(app, ctx, behaviour_options, [(hp("behaviours", i), "options") for i in HP_SLOTS],
         [(hp("competency", i), "value") for i in HP_SLOTS], [(ids.HP_UNIT, "value")], prevent_initial_call=True)
