"""The audit log: logins (also failed), views opened with their unit, and exports, appended as
JSON lines to a file in the private folder (0600). `sammen audit [--since DATE]` prints it."""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from pipeline.private import private_file


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, event: str, user: str | None, address: str | None = None, **details: object) -> None:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "event": event,
                 "user": user, "address": address, **details}
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode()
        with self._lock:
            private_file(self.path)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, line)   # one write per line: lines from threads never interleave
            finally:
                os.close(fd)

    def entries(self, since: datetime | None = None) -> Iterator[dict]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                entry = json.loads(line)
                if since is None or datetime.fromisoformat(entry["time"]) >= since:
                    yield entry
