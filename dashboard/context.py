"""What every page and route needs: the warehouse and the current user's access."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from dashboard.access import Access
from dashboard.audit import AuditLog
from dashboard.auth import current_user
from dashboard.plans import PlanStore
from dashboard.queries import Warehouse


@dataclass(frozen=True)
class Context:
    warehouse: Warehouse
    server: Flask
    audit: AuditLog
    plans: PlanStore

    def access(self) -> Access:
        """The logged-in user's access; raises Unauthorized (401) when there is no user."""
        return Access.of(current_user(self.server), self.warehouse)

    def top_unit(self) -> str:
        units = self.warehouse.units()
        return units.filter(units["parent_id"].is_null())["unit_id"][0]

    def start_unit(self, access: Access) -> str:
        return access.home_unit or self.top_unit()

    def unit_name(self, unit_id: str) -> str:
        df = self.warehouse.units()
        hit = df.filter(df["unit_id"] == unit_id)
        return hit["unit_name"][0] if hit.height else unit_id

    def parent_in_area(self, access: Access, unit_id: str) -> str | None:
        df = self.warehouse.units()
        hit = df.filter(df["unit_id"] == unit_id)
        parent = hit["parent_id"][0] if hit.height else None
        return parent if access.allows(parent) else None
