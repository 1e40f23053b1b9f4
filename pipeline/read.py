"""Read survey exports as delivered: the format is detected, never configured.

XLSX is recognised by its signature; CSV by its bytes: a byte-order mark (UTF-8, UTF-16),
else UTF-8 if it decodes, else Windows-1252 (Danish Excel); the delimiter is the
most frequent of ; , and tab in the header line. Every column is read as text,
so that nothing is guessed or lost before validation looks at it. SurveyXact exports (a
folder or zip of three tables, or an XLSX with the sheets Dataset, Structure and Labels) and
SPSS .sav files also carry question texts and answer labels (pipeline/vendors.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.errors import SammenError
from pipeline.organisation import FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE

EXPORT_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".zip", ".sav"}
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Export:
    path: Path
    fmt: str              # human-readable, e.g. "CSV (Windows-1252, semikolon)"
    frame: pl.DataFrame   # every column as text, headers as delivered
    sheets: tuple[str, ...] = ()   # an XLSX's sheet names; the data is read from the first
    texts: dict[str, str] = field(default_factory=dict)              # column -> question text (vendor exports)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> answer code -> label


def list_exports(raw: Path) -> list[Path]:
    if not raw.is_dir():
        raise SammenError(f"mappen med rådata findes ikke: {raw}")
    return sorted(p for p in raw.iterdir()
                  if (p.is_dir() or p.suffix.lower() in EXPORT_SUFFIXES)   # a folder: a SurveyXact export's three files
                  and p.name not in (FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE) and not p.name.startswith("."))


NOT_TEXT = ("filen er hverken en tekstfil (CSV) eller en Excel-fil (xlsx) – den indeholder binære data. "
            "Tjek, at det er den rigtige fil, og gem den fra Excel som CSV eller xlsx")


def decode_text(name: str, data: bytes) -> tuple[bytes, str]:
    """Text as UTF-8: by byte-order mark (UTF-8, UTF-16), else UTF-8 if it decodes, else
    Windows-1252 (Danish Excel). Bytes that are none of these are not a text export."""
    if data.startswith(BOM):
        return data[len(BOM):], "UTF-8 med BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "UTF-16"
        except UnicodeDecodeError:
            raise SammenError(f"{name}: filen begynder som UTF-16-tekst, men resten kan ikke læses som UTF-16") from None
    if b"\x00" in data[:4096]:
        raise SammenError(f"{name}: {NOT_TEXT}")
    try:
        data.decode("utf-8")
        return data, "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "Windows-1252"
    except UnicodeDecodeError:
        raise SammenError(f"{name}: {NOT_TEXT}") from None


SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}


def separator(name: str, data: bytes) -> tuple[str, str]:
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        others = sorted({c for c in header if not c.isalnum() and c not in " _-.'\"\r"}, key=header.count, reverse=True)
        seen = f" (første linje har {', '.join(repr(c) for c in others[:3])})" if others else ""
        raise SammenError(f"{name}: skilletegnet mellem kolonnerne kan ikke genkendes{seen}; gem filen med "
                          "semikolon, komma eller tabulator som skilletegn")
    return sep, SEPARATORS[sep]


def _read_xlsx(path: Path) -> Export:
    import fastexcel

    from pipeline import vendors
    try:
        sheets = tuple(fastexcel.read_excel(path).sheet_names)
        if vendors.is_surveyxact_workbook(sheets):
            return vendors.read_surveyxact_xlsx(path, sheets)
        frame = pl.read_excel(path, infer_schema_length=0)
    except Exception:   # fastexcel's errors for a cut or damaged file carry no Danish
        raise SammenError(f"{path.name}: Excel-filen kan ikke åbnes – den er ufuldstændig eller beskadiget (fx afbrudt "
                          "under kopiering). Åbn den i Excel, og gem den igen") from None
    return Export(path, "Excel (xlsx)", frame, sheets)


def read_export(path: Path) -> Export:
    from pipeline import vendors
    if path.is_dir():
        return vendors.read_folder(path)
    data = path.read_bytes()
    if not data.strip():
        raise SammenError(f"{path.name}: filen er tom")
    if data.startswith((b"$FL2", b"$FL3")):
        return vendors.read_sav(path)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path) if b"[Content_Types].xml" in data[:65536] or path.suffix.lower() != ".zip" \
            else vendors.read_zip(path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SammenError(f"{path.name}: det gamle Excel-format (.xls) kan ikke læses; gem filen som .xlsx eller .csv")
    data, encoding = decode_text(path.name, data)
    sep, sep_name = separator(path.name, data)
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=sep, infer_schema=False, truncate_ragged_lines=False)
    except pl.exceptions.ComputeError as exc:
        raise SammenError(f"{path.name}: filen kan ikke læses som CSV ({str(exc).splitlines()[0]})") from None
    return Export(path, f"CSV ({encoding}, {sep_name})", frame)
