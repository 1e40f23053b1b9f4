"""Each export format a vendor delivers is detected and read to the same values."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline import transform as tf
from pipeline.config import load_settings
from pipeline.instruments import load_instruments
from pipeline.read import read_export
from pipeline.yamlfile import load_yaml

S = load_settings()
INS = load_instruments(S.instruments)
ALIASES = load_yaml(S.columns)

# The same two respondents in each format.
DANISH_EXCEL = ("Respondent-ID;Enhedskode;Besvaret;Aldersgruppe;TRI01;TRI28\r\n"
                "R1;20001;05-03-2024;Under 30 år;4;2,0\r\n"
                "R2;20002;06-03-2024;60 år og derover;9;\r\n").encode("cp1252")
UTF8_BOM = ("\ufeffrespondent_id,enhed,besvarelsesdato,alder,TRI01,TRI28\n"
            "R1,20001,2024-03-05,Under 30 år,4,2\n"
            "R2,20002,2024-03-06,60 år og derover,9,\n").encode("utf-8")


def _xlsx(path: Path) -> None:
    pl.DataFrame({"RespondentID": ["R1", "R2"], "Organisationsenhed": ["20001", "20002"],
                  "Afsluttet": [date(2024, 3, 5), date(2024, 3, 6)], "Alder": ["Under 30 år", "60 år og derover"],
                  "TRI01": [4, 9], "TRI28": [2, None]}).write_excel(path)


@pytest.mark.parametrize("name, fmt", [("a.csv", "CSV (Windows-1252, semikolon)"),
                                       ("b.csv", "CSV (UTF-8 med BOM, komma)"),
                                       ("c.xlsx", "Excel (xlsx)")])
def test_each_format_reads_to_the_same_typed_rows(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    if name == "a.csv":
        path.write_bytes(DANISH_EXCEL)
    elif name == "b.csv":
        path.write_bytes(UTF8_BOM)
    else:
        _xlsx(path)
    export = read_export(path)
    assert export.fmt == fmt
    plan = tf.plan_columns(export.frame.columns, ALIASES, INS)
    assert plan.survey == "trivsel" and plan.items == ["TRI01", "TRI28"] and not plan.unknown
    typed, bad = tf.coerce(export.frame, plan)
    assert bad.is_empty()
    assert typed.select("respondent_id", "unit_id", "answered_at", "age_group", "TRI01", "TRI28").rows() == [
        ("R1", "20001", date(2024, 3, 5), "Under 30 år", 4.0, 2.0),
        ("R2", "20002", date(2024, 3, 6), "60 år og derover", 9.0, None),
    ]


def test_text_in_an_answer_column_is_a_bad_cell_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"respondent_id,enhed,besvarelsesdato,TRI01\nR1,20001,2024-03-05,4\nR2,20001,2024-13-45,I hoj grad\n")
    export = read_export(path)
    typed, bad = tf.coerce(export.frame, tf.plan_columns(export.frame.columns, ALIASES, INS))
    assert sorted(bad.rows()) == [(1, "TRI01", "I hoj grad"), (1, "answered_at", "2024-13-45")]
