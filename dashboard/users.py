"""Users of the dashboard, kept in a JSON file with hashed passwords (werkzeug's scrypt).

Roles: hr (everything), chef (one unit and all below it), med (one unit and below:
trends and exports only).
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from pipeline.private import private_dir
from pipeline.errors import SammenError

ROLES = ("hr", "chef", "med")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    unit_id: str | None      # None for hr
    name: str = ""


class UserStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))["users"]

    def _write(self, users: dict[str, dict]) -> None:
        private_dir(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"users": users}, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def add(self, username: str, role: str, unit_id: str | None, password: str, name: str = "",
            warehouse: Path | None = None) -> User:
        """warehouse: refuse a unit it does not hold (`sammen users add` always passes it)."""
        if role not in ROLES:
            raise SammenError(f"ukendt rolle '{role}' (brug {', '.join(ROLES)})")
        if role != "hr" and not unit_id:
            raise SammenError(f"en bruger med rollen {role} skal have en enhed (--unit)")
        if len(password) < 8:
            raise SammenError("adgangskoden skal have mindst 8 tegn")
        if warehouse is not None and role != "hr":
            _require_unit(warehouse, unit_id)
        users = self._read()
        user = User(username, role, None if role == "hr" else unit_id, name)
        users[username] = {**asdict(user), "password_hash": generate_password_hash(password)}
        self._write(users)
        return user

    def remove(self, username: str) -> None:
        users = self._read()
        if users.pop(username, None) is None:
            raise SammenError(f"brugeren '{username}' findes ikke")
        self._write(users)

    def list(self) -> list[User]:
        return [User(**{k: v for k, v in u.items() if k != "password_hash"}) for u in self._read().values()]

    def get(self, username: str) -> User | None:
        u = self._read().get(username)
        return User(**{k: v for k, v in u.items() if k != "password_hash"}) if u else None

    def check(self, username: str, password: str) -> User | None:
        """The user if the password is right. An unknown user name costs the same hash check as a
        known one, so that the time taken never tells whether a user exists."""
        u = self._read().get(username)
        if check_password_hash(u["password_hash"] if u else _dummy_hash(), password) and u:
            return self.get(username)
        return None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(os.urandom(16).hex())


def _require_unit(warehouse: Path, unit_id: str | None) -> None:
    import duckdb
    if not Path(warehouse).exists():
        raise SammenError(f"lageret findes ikke: {warehouse}; byg det først, så enheden kan kontrolleres")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute("select count(*) from mart_units where unit_id = ?", [unit_id]).fetchone()[0]
    finally:
        con.close()
    if not found:
        raise SammenError(f"enheden '{unit_id}' findes ikke i lageret {warehouse} (se enhedskoderne i organisationsfilen)")
