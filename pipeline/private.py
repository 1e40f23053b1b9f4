"""Files that hold personal data or secrets: 0600, in 0700 folders. The one home of that rule
for the build (pipeline/warehouse.py) and the dashboard (sessions, audit log, plans, users)."""
from __future__ import annotations

import os
import stat
from pathlib import Path


def private_dir(path: Path) -> Path:
    """The folder for personal and secret files: created 0700, and tightened if it exists."""
    path.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != 0o700:
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create (if missing) a file only its owner can read and write."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    if stat.S_IMODE(path.stat().st_mode) != 0o600:
        path.chmod(0o600)
    return path


def secret(env: str, path: Path) -> bytes:
    """A secret from the environment variable `env`, else from `path`, where a random one is
    written (0600) the first time."""
    if value := os.environ.get(env):
        return value.encode()
    if not path.exists() or not path.read_text().strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        private_file(path).write_text(os.urandom(32).hex())
    return path.read_text().strip().encode()
