"""Exports that carry their own structure: SurveyXact and SPSS.

SurveyXact (Rambøll) exports three tables: *Dataset* (one row per respondent, variables named
after the questions, codes, blank = missing), *Structure* (`questionName;variableName;
questionType;subType;questionText;choiceValue;choiceText`) and *Labels* (no header:
`variable;value;label`). They arrive as three CSVs in a folder or a zip (semicolon or comma with
Windows-1252, or tab with UTF-16), or as one XLSX with the sheets Dataset (Dataset(1),
Dataset(2), … when wide), Structure and Labels. SPSS .sav files hold the question texts as
variable labels and the answer labels as value labels (read by pyreadstat).

Each becomes an Export like any other: the data as text, plus each variable's question text and
its answer labels, so that items are matched by text and answers by label (pipeline/transform.py).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl

from pipeline.errors import SammenError
from pipeline.read import Export, decode_text, separator

STRUCTURE_HEADER = "questionname"


def _table(name: str, data: bytes, header: bool = True) -> pl.DataFrame:
    text, encoding = decode_text(name, data)
    sep, _ = separator(name, text)
    try:
        return pl.read_csv(io.BytesIO(text), separator=sep, infer_schema=False, has_header=header,
                           truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        raise SammenError(f"{name}: filen kan ikke læses som CSV ({str(exc).splitlines()[0]})") from None


def _kind(name: str, data: bytes) -> str:
    """Which of SurveyXact's three tables a file is, by its content (names vary by language)."""
    text, _ = decode_text(name, data)
    first = text.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().lstrip("\ufeff").lower()
    if first.startswith(STRUCTURE_HEADER):
        return "structure"
    lower = name.lower()
    if "label" in lower:
        return "labels"
    return "dataset"


def _combine(where: Path, tables: dict[str, list[tuple[str, pl.DataFrame]]], fmt: str) -> Export:
    missing = [k for k in ("dataset", "structure", "labels") if not tables.get(k)]
    if missing:
        names = {"dataset": "Dataset", "structure": "Structure", "labels": "Labels"}
        raise SammenError(f"{where.name}: en SurveyXact-eksport skal have tabellerne Dataset, Structure og Labels; "
                          f"{', '.join(names[m] for m in missing)} mangler")
    parts = [frame for _, frame in sorted(tables["dataset"], key=lambda t: t[0])]
    data = parts[0]
    for part in parts[1:]:          # a wide dataset split in parts: the same respondents, more columns
        key = data.columns[0]
        if key in part.columns:     # each part carries the respondent id: join on it
            data = data.join(part.select(key, *[c for c in part.columns if c not in data.columns]), on=key,
                             how="left", maintain_order="left")
        elif part.height == data.height:
            data = pl.concat([data, part.select([c for c in part.columns if c not in data.columns])], how="horizontal")
        else:
            raise SammenError(f"{where.name}: datasættets dele har ikke lige mange rækker og ingen fælles "
                              f"respondent-kolonne ({data.columns[0]}), så de kan ikke sættes sammen")
    structure = tables["structure"][0][1]
    structure = structure.rename({c: c.strip().lower() for c in structure.columns})
    texts = {r["variablename"]: r["questiontext"] for r in structure.select("variablename", "questiontext")
             .drop_nulls().unique("variablename", keep="first", maintain_order=True).iter_rows(named=True)}
    labels_frame = tables["labels"][0][1]
    labels: dict[str, dict[str, str]] = {}
    for variable, value, label in labels_frame.select(labels_frame.columns[:3]).drop_nulls().iter_rows():
        labels.setdefault(variable.strip(), {})[value.strip()] = label.strip()
    return Export(where, fmt, data, texts=texts, labels=labels)


def read_surveyxact_files(where: Path, files: dict[str, bytes], fmt: str) -> Export:
    """The three CSVs of a SurveyXact export, by name -> content."""
    tables: dict[str, list[tuple[str, pl.DataFrame]]] = {}
    for name, data in sorted(files.items()):
        kind = _kind(name, data)
        if kind == "labels" or (kind == "dataset" and _looks_like_labels(name, data)):
            tables.setdefault("labels", []).append((name, _table(name, data, header=False)))
        else:
            tables.setdefault(kind, []).append((name, _table(name, data)))
    return _combine(where, tables, fmt)


def _looks_like_labels(name: str, data: bytes) -> bool:
    """Labels has no header: three columns whose first row is a variable, a value and a label."""
    frame = _table(name, data, header=False)
    return frame.width in (3, 4) and frame.height > 0 and frame[:, 1].str.strip_chars().str.contains(r"^-?\d+$").all()


def read_folder(path: Path) -> Export:
    files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")}
    return read_surveyxact_files(path, files, "SurveyXact (mappe)")


def read_zip(path: Path) -> Export:
    try:
        with zipfile.ZipFile(path) as z:
            files = {Path(n).name: z.read(n) for n in z.namelist() if not n.endswith("/") and not Path(n).name.startswith(".")}
    except zipfile.BadZipFile:
        raise SammenError(f"{path.name}: zip-filen kan ikke åbnes – den er ufuldstændig eller beskadiget") from None
    return read_surveyxact_files(path, files, "SurveyXact (zip)")


def is_surveyxact_workbook(sheets: tuple[str, ...]) -> bool:
    lower = {s.lower() for s in sheets}
    return "structure" in lower and "labels" in lower and any(s.startswith("dataset") for s in lower)


def read_surveyxact_xlsx(path: Path, sheets: tuple[str, ...]) -> Export:
    tables: dict[str, list[tuple[str, pl.DataFrame]]] = {}
    for sheet in sheets:
        lower = sheet.lower()
        kind = "structure" if lower == "structure" else "labels" if lower == "labels" else \
            "dataset" if lower.startswith("dataset") else None
        if kind is None:
            continue
        frame = pl.read_excel(path, sheet_name=sheet, infer_schema_length=0, has_header=kind != "labels")
        tables.setdefault(kind, []).append((sheet, frame.with_columns(pl.all().cast(pl.String))))
    return _combine(path, tables, "SurveyXact (xlsx)")


def read_sav(path: Path) -> Export:
    import pyreadstat
    try:
        frame, meta = pyreadstat.read_sav(str(path), output_format="polars")
    except Exception:   # pyreadstat's errors are in English and name no cause a user can act on
        raise SammenError(f"{path.name}: SPSS-filen kan ikke læses – den er ufuldstændig eller ikke en .sav-fil") from None

    def text(col: pl.Series) -> pl.Series:   # numbers as SPSS shows them: 4.0 -> "4"
        if col.dtype.is_float():
            return pl.Series(col.name, [None if v is None else (str(int(v)) if float(v).is_integer() else str(v))
                                         for v in col.to_list()], dtype=pl.String)
        return col.cast(pl.String)
    labels = {var: {(str(int(k)) if isinstance(k, float) and k.is_integer() else str(k)): v for k, v in values.items()}
              for var, values in meta.variable_value_labels.items()}
    texts = {k: v for k, v in meta.column_names_to_labels.items() if v}
    return Export(path, "SPSS (.sav)", pl.DataFrame([text(frame[c]) for c in frame.columns]), texts=texts, labels=labels)
