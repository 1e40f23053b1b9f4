"""Who may see what, decided on the server for every callback and download.

Deny by default: every request parameter passes through one of Access's checks before it
reaches a query. A value of the wrong type, or an unknown survey, wave, role or unit, is a
bad request (HTTP 400); a unit outside the user's area is forbidden (HTTP 403). For chefs and
MED, an unknown unit is also 403, so that answers never tell which ids exist elsewhere.
Area membership comes from the unit tree (mart_unit_areas), by exact ids.
"""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug import exceptions

from dashboard.queries import Warehouse
from dashboard.users import User

PAGES = {  # page -> roles that may open it
    "overblik": {"hr", "chef"},
    "udvikling": {"hr", "chef", "med"},
    "enhedsprofil": {"hr", "chef"},
    "rolleniveau": {"hr", "chef"},
    "kortlaegning": {"hr"},
    "handleplaner": {"hr", "chef", "med"},
    "drivkraefter": {"hr", "chef"},
}
MAX_TEXT = 200   # no id, survey, wave or role is longer; longer input is hostile


class _Refusal:
    """The answer's text is fixed and Danish; `detail` (for logs and tests) never reaches the client."""
    def __init__(self, detail: str = "") -> None:
        super().__init__()
        self.detail = detail


class Forbidden(_Refusal, exceptions.Forbidden):
    """A request for something outside the user's area or role (HTTP 403)."""
    description = "Ingen adgang til det valgte."


class Unauthorized(_Refusal, exceptions.Unauthorized):
    """No logged-in user (HTTP 401)."""
    description = "Log ind for at se Sammen."


class BadRequest(_Refusal, exceptions.BadRequest):
    """A parameter of the wrong type or an unknown value (HTTP 400)."""
    description = "Ugyldig forespørgsel."


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise BadRequest(f"{what}: {type(value).__name__}")
    return value


@dataclass(frozen=True)
class Access:
    user: User
    units: frozenset[str] | None    # None = every unit (hr)
    warehouse: Warehouse

    @classmethod
    def of(cls, user: User | None, warehouse: Warehouse) -> "Access":
        if user is None:
            raise Unauthorized("not logged in")
        if user.role == "hr":
            return cls(user, None, warehouse)
        return cls(user, frozenset(warehouse.area_unit_ids(user.unit_id)) if user.unit_id else frozenset(), warehouse)

    def may_open(self, page: str) -> bool:
        return self.user.role in PAGES.get(page, set())

    def allows(self, unit_id: object) -> bool:
        return isinstance(unit_id, str) and (unit_id in self.units if self.units is not None
                                             else unit_id in self.warehouse.unit_ids())

    # --- checks: each returns the checked value or raises 400/403 -------------------------
    def page(self, page: str) -> None:
        if not self.may_open(page):
            raise Forbidden(f"{self.user.username}: {page}")

    def require(self, page: str, unit_id: object) -> str:
        """The page may be opened and the unit is in the user's area; returns the unit id."""
        self.page(page)
        unit = _text(unit_id, "unit")
        if not self.allows(unit):
            if self.units is None:
                raise BadRequest(f"unknown unit {unit!r}")
            raise Forbidden(f"{self.user.username}: {page} {unit!r}")
        return unit

    def optional_unit(self, page: str, unit_id: object) -> str | None:
        return None if unit_id in (None, "") else self.require(page, unit_id)

    def survey(self, survey: object) -> str:
        survey = _text(survey, "survey")
        if survey not in self.warehouse.survey_ids():
            raise BadRequest(f"unknown survey {survey!r}")
        return survey

    def wave(self, survey: str, wave: object) -> str:
        wave = _text(wave, "wave")
        if wave not in self.warehouse.waves(survey):
            raise BadRequest(f"unknown wave {wave!r}")
        return wave

    def latest_wave(self, survey: str, wave: object) -> str:
        """The wave asked for, or the survey's latest when none is given."""
        waves = self.warehouse.waves(survey)
        if wave in (None, "") and waves:
            return waves[-1]
        return self.wave(survey, wave)

    def role(self, role: object) -> str:
        role = _text(role, "role")
        if role not in self.warehouse.roles():
            raise BadRequest(f"unknown role {role!r}")
        return role

    @property
    def home_unit(self) -> str | None:
        return self.user.unit_id
