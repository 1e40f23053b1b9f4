"""Write a simulated wave the way a survey vendor delivers it: plain CSV and XLSX with vendor
headers, SurveyXact (Dataset + Structure + Labels as a folder, a zip or one XLSX; three CSV
dialects; variables named after the questions, its own code for "Ved ikke") and SPSS .sav (other
variable names, reversed codes, question texts and answer labels only in the metadata)."""
from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from pipeline.instruments import Instrument

XLSX_MAX_ROWS = 200_000   # Excel tops out at 1,048,576 rows; large exports fall back to CSV

# survey, year -> format; mixed on purpose, as deliveries are in real life.
FORMAT_PLAN = {
    ("trivsel", 2019): "surveyxact-folder", ("trivsel", 2020): "surveyxact-zip",
    ("trivsel", 2021): "surveyxact-utf16",
    ("trivsel", 2022): "xlsx",
    **{("trivsel", y): "csv-utf8-bom" for y in (2023, 2024, 2025, 2026)},
    ("apv", 2020): "surveyxact-xlsx", ("apv", 2023): "csv-excel-dk", ("apv", 2026): "csv-utf8-bom",
    ("ledelsesevaluering", 2021): "spss", ("ledelsesevaluering", 2023): "xlsx",
    ("ledelsesevaluering", 2025): "csv-utf8-bom",
}
HEADERS = {  # vendor header per format for the non-item columns
    "csv-excel-dk": {"respondent_id": "Respondent-ID", "unit_id": "Enhedskode", "answered_at": "Besvaret",
                     "age_group": "Aldersgruppe", "seniority": "Anciennitet", "job_group": "Stillingsgruppe"},
    "csv-utf8-bom": {"respondent_id": "respondent_id", "unit_id": "enhed", "answered_at": "besvarelsesdato",
                     "age_group": "alder", "seniority": "anciennitet", "job_group": "stillingsgruppe"},
    "xlsx": {"respondent_id": "RespondentID", "unit_id": "Organisationsenhed", "answered_at": "Afsluttet",
             "age_group": "Alder", "seniority": "Anciennitet", "job_group": "Faggruppe"},
}
TITLES = {"trivsel": "Trivselsmåling", "apv": "APV", "ledelsesevaluering": "Ledelsesevaluering"}


def write_export(frame: pl.DataFrame, out: Path, survey: str, year: int, fmt: str,
                 instrument: Instrument | None = None) -> Path:
    if fmt in ("xlsx", "surveyxact-xlsx") and frame.height > XLSX_MAX_ROWS:
        fmt = "csv-utf8-bom" if fmt == "xlsx" else "surveyxact-zip"
    if fmt.startswith("surveyxact") or fmt == "spss":
        assert instrument is not None
        return vendor_export(frame, out, f"{TITLES[survey]} {year} - rådata", year, fmt, instrument)
    frame = frame.rename(HEADERS[fmt])
    stem = f"{TITLES[survey]} {year} - rådata"
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        with xlsxwriter.Workbook(path) as book:
            book.set_properties({"created": datetime(year, 12, 31)})   # same seed, same bytes
            frame.write_excel(book, worksheet="Besvarelser", autofit=False)
    elif fmt == "csv-excel-dk":
        # Danish Excel: semicolons, dd-mm-yyyy dates, Windows-1252.
        path = out / f"{stem}.csv"
        text = frame.write_csv(separator=";", date_format="%d-%m-%Y")
        path.write_bytes(text.encode("cp1252"))
    else:
        path = out / f"{stem}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + frame.write_csv().encode("utf-8"))
    return path


# --- SurveyXact and SPSS --------------------------------------------------------------------------

SX_KEYS = {"respondent_id": "respondentid", "unit_id": "enhed", "answered_at": "closetime", "age_group": "alder",
           "seniority": "anciennitet", "job_group": "stillingsgruppe"}
SX_DONT_KNOW = 6          # SurveyXact numbers "Ved ikke" right after the scale
GRID_STEM = "Hvor enig er du i følgende udsagn?"
SX_DIALECTS = {"surveyxact-folder": (";", "cp1252"), "surveyxact-zip": (",", "cp1252"),
               "surveyxact-utf16": ("\t", "utf-16"), "surveyxact-xlsx": (None, None)}


def _sx_tables(frame: pl.DataFrame, instrument: Instrument) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Dataset, Structure and Labels as SurveyXact writes them: items as grid rows s_4_1, s_4_2, …
    (texts "stem - row text"), codes 1–5 and 6 = Ved ikke."""
    codes = [c for c in instrument.items if c in frame.columns]
    names = {c: f"s_4_{i}" for i, c in enumerate(codes, start=1)}
    dataset = frame.select(
        *[pl.col(k).alias(v) for k, v in SX_KEYS.items() if k != "answered_at"],
        pl.col("answered_at").dt.strftime("%d-%m-%Y 12:00:00").alias("closetime"),
        *[pl.col(c).cast(pl.String).replace({"9": str(SX_DONT_KNOW)}).alias(names[c]) for c in codes])
    structure = pl.DataFrame(
        [("s_4", names[c], "grid", "single", f"{GRID_STEM} - {instrument.items[c].text}", "", "") for c in codes],
        schema=["questionName", "variableName", "questionType", "subType", "questionText", "choiceValue", "choiceText"],
        orient="row")
    labels = pl.DataFrame(
        [(names[c], str(v), label) for c in codes
         for v, label in [*instrument.items[c].labels.items(),
                          *[(SX_DONT_KNOW, text) for code, text in instrument.items[c].missing.items() if code == 9]]],
        schema=["variable", "value", "label"], orient="row")
    return dataset, structure, labels


def _sx_csv(frame: pl.DataFrame, sep: str, encoding: str, header: bool = True, trailing: bool = False) -> bytes:
    text = frame.write_csv(separator=sep, include_header=header)
    if trailing:   # SurveyXact's Structure ends every line with an empty column
        text = "\n".join(line + sep if line else line for line in text.split("\n"))
    return text.encode(encoding)   # "utf-16" writes its byte-order mark


def vendor_export(frame: pl.DataFrame, out: Path, stem: str, year: int, fmt: str, instrument: Instrument) -> Path:
    if fmt == "spss":
        return _spss(frame, out / f"{stem}.sav", instrument)
    dataset, structure, labels = _sx_tables(frame, instrument)
    sep, encoding = SX_DIALECTS[fmt]
    if fmt == "surveyxact-xlsx":
        path = out / f"{stem}.xlsx"
        keys = dataset.select(list(SX_KEYS.values()))
        items = [c for c in dataset.columns if c not in SX_KEYS.values()]
        half = len(items) // 2
        with xlsxwriter.Workbook(path) as book:
            book.set_properties({"created": datetime(year, 12, 31)})
            for sheet, part in (("Dataset(1)", keys.hstack(dataset.select(items[:half]))),
                                ("Dataset(2)", dataset.select("respondentid", *items[half:])), ("Structure", structure)):
                part.write_excel(book, worksheet=sheet, autofit=False)
            sheet = book.add_worksheet("Labels")   # no header
            for r, row in enumerate(labels.iter_rows()):
                sheet.write_row(r, 0, row)
        return path
    files = {"Dataset.csv": _sx_csv(dataset, sep, encoding),
             "Structure.csv": _sx_csv(structure, sep, encoding, trailing=True),
             "Labels.csv": _sx_csv(labels, sep, encoding, header=False)}
    if fmt == "surveyxact-zip":
        path = out / f"{stem}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items():
                z.writestr(zipfile.ZipInfo(name, date_time=(year, 12, 31, 0, 0, 0)), data)   # same seed, same bytes
        return path
    folder = out / stem
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


SPSS_DONT_KNOW = 99


def _spss(frame: pl.DataFrame, path: Path, instrument: Instrument) -> Path:
    """Variables q1, q2, … with the question text as variable label; codes reversed (1 = the
    scale's top) with value labels, 99 = Ved ikke; dates as text."""
    import pyreadstat
    codes = [c for c in instrument.items if c in frame.columns]
    names = {c: f"q{i}" for i, c in enumerate(codes, start=1)}
    top = {c: instrument.items[c].scale_max + instrument.items[c].scale_min for c in codes}
    data = frame.select(
        pl.col("respondent_id").alias("id"), pl.col("unit_id").alias("enhed"),
        pl.col("answered_at").dt.strftime("%Y-%m-%d").alias("dato"), pl.col("age_group").alias("alder"),
        pl.col("seniority").alias("anciennitet"), pl.col("job_group").alias("stillingsgruppe"),
        *[pl.when(pl.col(c).cast(pl.Int64) == 9).then(SPSS_DONT_KNOW).otherwise(top[c] - pl.col(c).cast(pl.Int64))
          .cast(pl.Float64).alias(names[c]) for c in codes])
    value_labels = {names[c]: {**{float(top[c] - v): label for v, label in instrument.items[c].labels.items()},
                               **{float(SPSS_DONT_KNOW): text for code, text in instrument.items[c].missing.items()
                                  if code == 9}} for c in codes}
    pyreadstat.write_sav(data.to_pandas(), str(path), column_labels={names[c]: instrument.items[c].text for c in codes},
                         variable_value_labels=value_labels)
    raw = bytearray(path.read_bytes())
    raw[92:109] = b"31 Dec 2600:00:00"   # the header's creation date and time: same seed, same bytes
    path.write_bytes(bytes(raw))
    return path
