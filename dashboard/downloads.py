"""The download routes' content: each reuses the page's own data function, so a download
can never show more than the page would, and the same access check applies. The data are
published figures: what the suppression stage hid is already blank."""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard import exports
from dashboard.access import BadRequest
from dashboard.leader_report import pdf as leader_pdf
from dashboard.context import Context
from dashboard.pages import drivkraefter, enhedsprofil, kortlaegning, overblik, rolleniveau, udvikling

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_COLUMNS = {"survey": pl.String, "wave": pl.String, "unit_id": pl.String, "position": pl.Int64, "competency": pl.String,
                "actions": pl.String, "owner": pl.String, "deadline": pl.String, "status": pl.String,
                "updated_by": pl.String, "updated_at": pl.String}


def _param(args: Mapping[str, str], name: str) -> str | None:
    """One value per parameter: a repeated parameter is a bad request, not a choice."""
    values = args.getlist(name) if hasattr(args, "getlist") else [args[name]] if name in args else []
    if len(values) > 1:
        raise BadRequest(f"{name} repeated")
    return values[0] if values else None


def build(ctx: Context, kind: str, args: Mapping[str, str]) -> tuple[str, bytes, str]:
    access = ctx.access()
    survey, wave, unit, page = (_param(args, k) for k in ("survey", "wave", "unit", "page"))
    if kind == "pdf":
        unit = access.require("udvikling", unit)
        survey = access.survey(survey)
        wave = access.latest_wave(survey, wave)
        rows = [r for r in overblik.area_rows(ctx, survey, wave, unit) if access.allows(r[0])]
        latest = ctx.warehouse.scores_for_units(survey, wave, [u for u, _ in rows])
        trend, _ = udvikling.data(ctx, access, survey, unit)
        info = ctx.warehouse.surveys().filter(pl.col("survey") == survey).row(0, named=True)
        body = exports.pdf_report(ctx.unit_name(unit), info["survey_name"], wave, rows, latest, trend,
                                  ctx.warehouse.competencies(), int(info["min_group_size"]))
        return f"sammen-{_safe(unit)}-{survey}-{wave}.pdf", body, "application/pdf"
    if kind == "lederrapport":
        return leader_report(ctx, access, survey, wave, unit)
    if kind != "excel":
        raise BadRequest(f"unknown download {kind!r}")
    if page == "overblik":
        rows, cells = overblik.data(ctx, access, survey, wave, unit)
        names = dict(rows)
        sheets = {"Overblik": cells.with_columns(
            pl.col("unit_id").replace_strict(names, default=None).str.strip_chars().alias("unit_name"))}
    elif page == "udvikling":
        trend, _ = udvikling.data(ctx, access, survey, unit)   # checks every value first
        sheets = {"Udvikling": trend, "Fordelt på baggrund": ctx.warehouse.breakdowns(survey, unit)}
    elif page == "enhedsprofil":
        scores, items = enhedsprofil.data(ctx, access, survey, wave, unit)
        sheets = {"Kompetencer": scores, "Spørgsmål": items}
    elif page == "rolleniveau":
        sheets = {"Rolleniveau": rolleniveau.data(ctx, access, survey, wave, _param(args, "role"), unit)}
    elif page == "kortlaegning":
        sheets = kortlaegning.data(ctx, access)
    elif page == "drivkraefter":
        sheets = {"Drivkræfter": drivkraefter.data(ctx, access, survey, wave, _param(args, "outcome"),
                                                   _param(args, "role"), _param(args, "area"))}
    elif page == "handleplaner":
        access.page(page)
        survey = access.survey(survey)
        wave = access.wave(survey, wave)
        rows = [r for r in ctx.plans.all_points(survey, wave) if access.allows(r["unit_id"])]
        sheets = {"Handleplaner": pl.DataFrame(rows, schema=PLAN_COLUMNS).with_columns(
            pl.col("unit_id").map_elements(ctx.unit_name, return_dtype=pl.String).alias("unit_name"))}
    else:
        raise BadRequest(f"unknown page {page!r}")
    return f"sammen-{page}.xlsx", exports.excel(sheets), XLSX


def leader_report(ctx: Context, access, survey: object, wave: object, unit: object) -> tuple[str, bytes, str]:
    """The Lederrapport of one unit and wave, from the same published figures as Enhedsprofil."""
    scores, items = enhedsprofil.data(ctx, access, survey, wave, unit)   # checks every value first
    survey, wave, unit = str(survey), str(wave), str(unit)
    role = scores["role"][0] if scores.height else None
    if role is None:
        raise BadRequest("unit not measured")
    changes = {r["competency"]: r for r in ctx.warehouse.changes_from(survey, unit).filter(pl.col("to_wave") == wave)
               .iter_rows(named=True)}
    spread = ctx.warehouse.role_spread(survey, wave, role, None)    # shown scores of every unit at the role
    peers = {c: g["score"].to_list() for (c,), g in spread.group_by("competency")}
    info = ctx.warehouse.surveys().filter(pl.col("survey") == survey).row(0, named=True)
    body = leader_pdf(ctx.unit_name(unit), info["survey_name"], wave, role, scores, changes, peers, items,
                      ctx.warehouse.behaviours(role), ctx.plans.focus(survey, wave, unit), ctx.warehouse.competencies(),
                      int(info["min_group_size"]))
    return f"lederrapport-{_safe(unit)}-{survey}-{wave}.pdf", body, "application/pdf"


def _safe(text: str) -> str:
    """A unit id inside a file name: letters, digits, '-' and '_' only (the header stays a header)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:60]
