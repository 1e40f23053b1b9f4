"""Write a simulated wave the way a survey vendor delivers it: three formats, vendor headers."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

XLSX_MAX_ROWS = 200_000   # Excel tops out at 1,048,576 rows; large exports fall back to CSV

# survey, year -> format; mixed on purpose, as deliveries are in real life.
FORMAT_PLAN = {
    **{("trivsel", y): "csv-excel-dk" for y in (2019, 2020, 2021)},
    ("trivsel", 2022): "xlsx",
    **{("trivsel", y): "csv-utf8-bom" for y in (2023, 2024, 2025, 2026)},
    ("apv", 2020): "xlsx", ("apv", 2023): "csv-excel-dk", ("apv", 2026): "csv-utf8-bom",
    ("ledelsesevaluering", 2021): "xlsx", ("ledelsesevaluering", 2023): "xlsx",
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


def write_export(frame: pl.DataFrame, out: Path, survey: str, year: int, fmt: str) -> Path:
    if fmt == "xlsx" and frame.height > XLSX_MAX_ROWS:
        fmt = "csv-utf8-bom"
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
