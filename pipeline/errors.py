"""Errors meant for HR analysts: each says where (file, line/row, column) and what, in Danish."""
from __future__ import annotations


class SammenError(Exception):
    """An input problem the user can fix; printed without a traceback."""


class ConfigError(SammenError):
    """A problem in a configuration file (framework, codebook, mapping, organisation)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file, self.line = file, line
        where = f"{file}, linje {line}" if line else file
        super().__init__(f"{where}: {message}")
