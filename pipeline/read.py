"""Read survey exports as delivered: the format is detected, never configured.

XLSX is recognised by its signature; CSV by its bytes: a UTF-8 byte-order mark,
else UTF-8 if it decodes, else Windows-1252 (Danish Excel); the delimiter is the
most frequent of ; , and tab in the header line. Every column is read as text,
so that nothing is guessed or lost before validation looks at it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.errors import SammenError
from pipeline.organisation import FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE

EXPORT_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls"}
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Export:
    path: Path
    fmt: str              # human-readable, e.g. "CSV (Windows-1252, semikolon)"
    frame: pl.DataFrame   # every column as text, headers as delivered


def list_exports(raw: Path) -> list[Path]:
    if not raw.is_dir():
        raise SammenError(f"mappen med rådata findes ikke: {raw}")
    return sorted(p for p in raw.iterdir()
                  if p.suffix.lower() in EXPORT_SUFFIXES and p.name not in (FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE)
                  and not p.name.startswith("."))


def _decode(data: bytes) -> tuple[bytes, str]:
    if data.startswith(BOM):
        return data[len(BOM):], "UTF-8 med BOM"
    try:
        data.decode("utf-8")
        return data, "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252").encode("utf-8"), "Windows-1252"


def _separator(data: bytes) -> tuple[str, str]:
    header = data.split(b"\n", 1)[0]
    counts = {sep: header.count(sep.encode()) for sep in (";", ",", "\t")}
    sep = max(counts, key=counts.get)
    return sep, {";": "semikolon", ",": "komma", "\t": "tabulator"}[sep]


def read_export(path: Path) -> Export:
    data = path.read_bytes()
    if not data.strip():
        raise SammenError(f"{path.name}: filen er tom")
    if data.startswith(b"PK\x03\x04"):
        frame = pl.read_excel(path, infer_schema_length=0)
        return Export(path, "Excel (xlsx)", frame)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SammenError(f"{path.name}: det gamle Excel-format (.xls) kan ikke læses; gem filen som .xlsx eller .csv")
    data, encoding = _decode(data)
    sep, sep_name = _separator(data)
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=sep, infer_schema=False, truncate_ragged_lines=False)
    except pl.exceptions.ComputeError as exc:
        raise SammenError(f"{path.name}: filen kan ikke læses som CSV ({str(exc).splitlines()[0]})") from None
    return Export(path, f"CSV ({encoding}, {sep_name})", frame)
