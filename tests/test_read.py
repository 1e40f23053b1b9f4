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


# --- findings that name the real cause -------------------------------------------------------

def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "surveyxact.csv"
    path.write_bytes(UTF8_BOM.decode("utf-8-sig").replace(",", "\t").encode("utf-16"))
    export = read_export(path)
    assert export.fmt == "CSV (UTF-16, tabulator)" and export.frame["alder"].to_list() == ["Under 30 år", "60 år og derover"]


@pytest.mark.parametrize("content, words", [
    (bytes(range(256)) * 40, "binære data"),                             # random bytes: no traceback
    (b"\x81\x8d\x8f\x90\x9d" * 100, "binære data"),                       # not UTF-8, not Windows-1252
    ("respondent_id|enhed|besvarelsesdato|TRI01\nR1|20001|2024-03-05|4\n".encode(), "skilletegnet"),
])
def test_unreadable_files_get_a_danish_message_naming_the_file(tmp_path: Path, content: bytes, words: str) -> None:
    from pipeline.errors import SammenError
    path = tmp_path / "eksport.csv"
    path.write_bytes(content)
    with pytest.raises(SammenError) as raised:
        read_export(path)
    assert str(raised.value).startswith("eksport.csv: ") and words in str(raised.value)
    if words == "skilletegnet":
        assert "'|'" in str(raised.value)


def test_a_cut_xlsx_is_reported_in_danish(tmp_path: Path) -> None:
    from pipeline.errors import SammenError
    whole = tmp_path / "whole.xlsx"
    _xlsx(whole)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    with pytest.raises(SammenError, match="cut.xlsx: Excel-filen kan ikke åbnes – den er ufuldstændig"):
        read_export(cut)


def test_data_on_another_sheet_is_named(tmp_path: Path) -> None:
    import xlsxwriter

    from pipeline.flow import load_configuration, prepare
    from conftest import settings_for
    path = tmp_path / "raw" / "Trivsel 2024.xlsx"
    path.parent.mkdir()
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Forside").write(0, 0, "Trivselsmåling 2024 – rådata på næste ark")
        data = book.add_worksheet("Rådata")
        for r, row in enumerate([["respondent_id", "enhed", "besvarelsesdato", "TRI01"], ["R1", "20001", "2024-03-05", "4"]]):
            data.write_row(r, 0, row)
    export = read_export(path)
    assert export.sheets == ("Forside", "Rådata")
    settings = settings_for(tmp_path)
    (settings.raw / "organisation.csv").write_text(
        "unit_id,unit_name,parent_id,level,leader_role,valid_from,valid_to\n20001,K,,kommune,Direktør,2020-01-01,\n")
    _, findings = prepare(export, load_configuration(settings))
    assert any("'Forside'" in f.message and "'Rådata'" in f.message for f in findings)


def test_the_same_export_twice_is_one_finding_naming_both_files(tmp_path: Path) -> None:
    from conftest import small_project
    from pipeline.flow import ValidationFailed, build
    from test_scoring import CODEBOOK, MAPPING, ORG
    export = "respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3,Q4\n" + "".join(
        f"r{i},A,2026-03-0{1 + i % 9},4,2,4,3\n" for i in range(40))
    settings = small_project(tmp_path, CODEBOOK, MAPPING, {"organisation.csv": ORG, "trivsel.csv": export,
                                                         "trivsel (kopi).csv": export})
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    twice = [f for f in failed.value.findings if "respondenter står både i" in f.message]
    assert len(twice) == 1
    assert "40 respondenter står både i trivsel (kopi).csv og trivsel.csv" in twice[0].message


def test_findings_quote_values_as_delivered(tmp_path: Path) -> None:
    from conftest import small_project
    from pipeline.flow import ValidationFailed, build
    from test_scoring import CODEBOOK, MAPPING, ORG
    rows = "respondent_id,enhed,besvarelsesdato,Q1,Q2,Q3,Q4\n" + "".join(
        f"r{i},A,2026-03-02,4,2,4,3\n" for i in range(6)) + 'r9,A,2026-03-02,"4,5",2,4,3\nr10,A,2026-03-02,7,2,4,3\n'
    settings = small_project(tmp_path, CODEBOOK, MAPPING, {"organisation.csv": ORG, "trivsel.csv": rows})
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    assert [(f.row, f.column, f.value) for f in failed.value.findings] == [(8, "Q1", "4,5"), (9, "Q1", "7")]
