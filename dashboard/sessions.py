"""Sessions kept on the server, so that logging out (or a timeout) ends them for good.

The browser's cookie (signed by Flask) holds only a random token; the server keeps a hash of it
with the user, when the session started and when it was last used. Logout deletes the row: the
old cookie then gets HTTP 401, however long it lives in a browser. SQLite (one file in the
private folder) because sessions must survive a restart and be shared by the server's threads.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

from pipeline.private import private_file

TOUCH_EVERY = 60.0   # seconds: last use is written at most this often per session


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, path: Path, idle: timedelta, lifetime: timedelta, clock=time.time) -> None:
        self.path, self.idle, self.lifetime, self.clock = private_file(path), idle.total_seconds(), lifetime.total_seconds(), clock
        self._lock = threading.Lock()
        with self._db() as db:
            db.execute("create table if not exists sessions (key text primary key, username text not null, "
                       "started real not null, seen real not null)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def start(self, username: str) -> str:
        token, now = secrets.token_urlsafe(32), self.clock()
        with self._lock, self._db() as db:
            db.execute("insert into sessions values (?, ?, ?, ?)", [_key(token), username, now, now])
            db.execute("delete from sessions where seen < ? or started < ?", [now - self.idle, now - self.lifetime])
        return token

    def user(self, token: object) -> str | None:
        """The session's user, or None when it does not exist, was ended or has timed out."""
        if not isinstance(token, str) or len(token) > 100:
            return None
        key, now = _key(token), self.clock()
        with self._lock, self._db() as db:
            row = db.execute("select username, started, seen from sessions where key = ?", [key]).fetchone()
            if row is None:
                return None
            username, started, seen = row
            if now - seen > self.idle or now - started > self.lifetime:
                db.execute("delete from sessions where key = ?", [key])
                return None
            if now - seen > TOUCH_EVERY:
                db.execute("update sessions set seen = ? where key = ?", [now, key])
        return username

    def end(self, token: object) -> None:
        if isinstance(token, str):
            with self._lock, self._db() as db:
                db.execute("delete from sessions where key = ?", [_key(token)])

    def end_all(self, username: str) -> None:
        """E.g. when a user is removed or their password changes."""
        with self._lock, self._db() as db:
            db.execute("delete from sessions where username = ?", [username])
