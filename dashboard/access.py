"""Who may see what, decided on the server for every callback and download."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard.queries import Warehouse
from dashboard.users import User

PAGES = {  # page -> roles that may open it
    "overblik": {"hr", "chef"},
    "udvikling": {"hr", "chef", "med"},
    "enhedsprofil": {"hr", "chef"},
    "rolleniveau": {"hr", "chef"},
    "kortlaegning": {"hr"},
}


class Forbidden(Exception):
    """Raised when a request asks for something outside the user's area."""


@dataclass(frozen=True)
class Access:
    user: User
    units: frozenset[str] | None    # None = every unit (hr)

    @classmethod
    def of(cls, user: User | None, warehouse: Warehouse) -> "Access":
        if user is None:
            raise Forbidden("not logged in")
        if user.role == "hr":
            return cls(user, None)
        return cls(user, frozenset(warehouse.area_unit_ids(user.unit_id)))

    def may_open(self, page: str) -> bool:
        return self.user.role in PAGES.get(page, set())

    def allows(self, unit_id: str | None) -> bool:
        return unit_id is not None and (self.units is None or unit_id in self.units)

    def require(self, page: str, unit_id: str | None = None) -> None:
        if not self.may_open(page) or (unit_id is not None and not self.allows(unit_id)):
            raise Forbidden(f"{self.user.username}: {page} {unit_id}")

    @property
    def home_unit(self) -> str | None:
        return self.user.unit_id
