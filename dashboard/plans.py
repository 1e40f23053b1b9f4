"""Handleplaner: what a unit will do about its scores, kept beside the warehouse.

A plan belongs to a unit, a survey and the wave it follows up; it has 1-3 focus points, each a
competency (optionally the framework's behaviours it is about) with actions, an owner, a
deadline and a status. MED-udvalg comment. Plans live in their own SQLite file in the private
folder: a rebuild or swap of the warehouse never touches them. Every change is logged with who
made it and when (`changes`), and nothing is ever updated in place without that log.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.private import private_file

STATUSES = ("planlagt", "i gang", "gennemført")
MAX_POINTS = 3
MAX_TEXT = 2000


class PlanError(ValueError):
    """A focus point HR would have to correct; the message is Danish."""


@dataclass(frozen=True)
class FocusPoint:
    competency: str
    actions: str = ""
    owner: str = ""
    deadline: str | None = None          # ISO date
    status: str = "planlagt"
    behaviours: list[int] = field(default_factory=list)   # positions in the framework, for the unit's role

    def checked(self, competencies: list[str], behaviours: dict[str, list[int]]) -> "FocusPoint":
        """The point as stored, or PlanError naming what is wrong."""
        if self.competency not in competencies:
            raise PlanError("vælg en af ledelsesgrundlagets seks kompetencer")
        if self.status not in STATUSES:
            raise PlanError(f"status skal være {', '.join(STATUSES)}")
        if len(self.actions) > MAX_TEXT or len(self.owner) > 200:
            raise PlanError(f"handlingerne må højst fylde {MAX_TEXT} tegn, ansvarlig 200")
        if self.deadline:
            try:
                date.fromisoformat(self.deadline)
            except ValueError:
                raise PlanError("fristen skal være en dato") from None
        if not set(self.behaviours) <= set(behaviours.get(self.competency, [])):
            raise PlanError("en valgt adfærd hører ikke til kompetencen for enhedens rolleniveau")
        return self


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


FIELD_NAMES = {"competency": "kompetence", "status": "status", "deadline": "frist", "owner": "ansvarlig"}


def describe(before: list[dict], after: list[dict]) -> list[str]:
    """What one save changed, in Danish, focus point by focus point (the logged snapshots)."""
    lines = []
    for i in range(1, max(len(before), len(after)) + 1):
        old = before[i - 1] if i <= len(before) else None
        new = after[i - 1] if i <= len(after) else None
        if old is None:
            lines.append(f"Fokuspunkt {i} tilføjet: {new['competency']}")
        elif new is None:
            lines.append(f"Fokuspunkt {i} fjernet: {old['competency']}")
        else:
            lines += [f"Fokuspunkt {i}: {name} {old[key] or 'ingen'} → {new[key] or 'ingen'}"
                      for key, name in FIELD_NAMES.items() if old[key] != new[key]]
            if old["behaviours"] != new["behaviours"]:
                lines.append(f"Fokuspunkt {i}: valgt adfærd {_positions(old)} → {_positions(new)}")
            if old["actions"] != new["actions"]:
                lines.append(f"Fokuspunkt {i}: handlingerne ændret")
    return lines or ["Gemt uden ændringer"]


def _positions(point: dict) -> str:
    return ", ".join(map(str, point["behaviours"])) or "ingen"


class PlanStore:
    def __init__(self, path: Path) -> None:
        self.path = private_file(path)
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript("""
                create table if not exists focus_points (survey text, wave text, unit_id text, position integer,
                    competency text, behaviours text, actions text, owner text, deadline text, status text,
                    updated_by text, updated_at text, primary key (survey, wave, unit_id, position));
                create table if not exists comments (survey text, wave text, unit_id text, author text, at text, text text);
                create table if not exists changes (survey text, wave text, unit_id text, who text, at text, what text);
            """)

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def focus(self, survey: str, wave: str, unit: str) -> list[FocusPoint]:
        with self._db() as db:
            rows = db.execute("select competency, actions, owner, deadline, status, behaviours from focus_points "
                              "where survey = ? and wave = ? and unit_id = ? order by position", [survey, wave, unit])
            return [FocusPoint(c, a, o, d, s, json.loads(b)) for c, a, o, d, s, b in rows.fetchall()]

    def save(self, survey: str, wave: str, unit: str, points: list[FocusPoint], who: str) -> None:
        """Replace the plan's focus points (checked by the caller) and log the change."""
        if len(points) > MAX_POINTS:
            raise PlanError(f"højst {MAX_POINTS} fokuspunkter")
        at = _now()
        with self._lock, self._db() as db:
            db.execute("delete from focus_points where survey = ? and wave = ? and unit_id = ?", [survey, wave, unit])
            db.executemany("insert into focus_points values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (survey, wave, unit, i, p.competency, json.dumps(p.behaviours), p.actions, p.owner, p.deadline,
                 p.status, who, at) for i, p in enumerate(points, start=1)])
            db.execute("insert into changes values (?, ?, ?, ?, ?, ?)",
                       [survey, wave, unit, who, at, json.dumps([asdict(p) for p in points], ensure_ascii=False)])

    def comment(self, survey: str, wave: str, unit: str, author: str, text: str) -> None:
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise PlanError(f"en kommentar skal have tekst og højst {MAX_TEXT} tegn")
        with self._lock, self._db() as db:
            db.execute("insert into comments values (?, ?, ?, ?, ?, ?)", [survey, wave, unit, author, _now(), text])

    def comments(self, survey: str, wave: str, unit: str) -> list[tuple[str, str, str]]:
        with self._db() as db:
            return db.execute("select author, at, text from comments where survey = ? and wave = ? and unit_id = ? "
                              "order by at", [survey, wave, unit]).fetchall()

    def changes(self, survey: str, wave: str, unit: str) -> list[tuple[str, str, list[str]]]:
        """Each save of the plan, oldest first: who, when, and what it changed (`describe`)."""
        with self._db() as db:
            rows = db.execute("select who, at, what from changes where survey = ? and wave = ? and unit_id = ? "
                              "order by at, rowid", [survey, wave, unit]).fetchall()
        out, before = [], []
        for who, at, what in rows:
            after = json.loads(what)
            out.append((who, at, describe(before, after)))
            before = after
        return out

    def all_points(self, survey: str | None = None, wave: str | None = None,
                   unit: str | None = None) -> list[dict]:
        """Focus points as rows (for HR's overview, exports and Udvikling), filtered when given."""
        with self._db() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("""
                select survey, wave, unit_id, position, competency, actions, owner, deadline, status,
                       updated_by, updated_at from focus_points
                where (? is null or survey = ?) and (? is null or wave = ?) and (? is null or unit_id = ?)
                order by survey, wave, unit_id, position""", [survey, survey, wave, wave, unit, unit]).fetchall()
            return [dict(r) for r in rows]
