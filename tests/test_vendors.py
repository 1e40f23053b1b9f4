"""Exports as they really arrive: SurveyXact (folder, zip, XLSX; three dialects) and SPSS give
the same scores as plain CSV; items are found by question text, answers by label."""
from __future__ import annotations

import duckdb
import pytest

from conftest import settings_for, small_project
from pipeline.flow import ValidationFailed, build, demo_data
from pipeline.read import read_export
from pipeline.warehouse import private_path
from test_scoring import MAPPING, ORG

SCORES = ("select survey, wave, unit_id, competency, role, source, n, score, sd, ci_low, ci_high "
          "from int_competency_scores order by all")
ITEMS = "select survey, wave, unit_id, item_code, n, mean from int_item_means order by all"


def _rows(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(private_path(settings.warehouse)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_demo_in_vendor_formats_scores_exactly_as_the_all_csv_demo(demo_site, tmp_path) -> None:
    mixed, _ = demo_site                                   # conftest: the demo as vendors deliver it
    fmts = {read_export(p).fmt for p in mixed.raw.iterdir()
            if p.name not in ("organisation.csv", "headcount.csv", "lineage.csv")}
    assert {"SurveyXact (mappe)", "SurveyXact (zip)", "SurveyXact (xlsx)", "SPSS (.sav)"} <= fmts
    plain = settings_for(tmp_path)
    demo_data(plain, plain.raw, employees=400, seed=7, formats="csv")
    build(plain)
    for sql in (SCORES, ITEMS):
        mine, theirs = _rows(mixed, sql), _rows(plain, sql)
        assert len(mine) > 1000 and mine == theirs


HEAD = "respondent_id,enhed,besvarelsesdato"
LABELLED = """survey: trivsel
name: Trivselsmåling
scales:
  s5: {min: 1, max: 5, labels: {1: I meget lille grad, 2: I lille grad, 3: Delvist, 4: I høj grad, 5: I meget høj grad},
       missing: {9: Ved ikke}}
items:
  - {code: Q1, scale: s5, text: "Min leder anerkender mig", aliases: ["Min nærmeste leder viser anerkendelse"]}
  - {code: Q2, scale: s5, reversed: true, text: "Hvor ofte er du stresset?"}
  - {code: Q3, scale: s5, text: "Vi samarbejder godt"}
  - {code: Q4, scale: s5, text: "Jeg er tilfreds"}
"""


def _labelled(tmp_path, header: list[str], rows: list[tuple]) -> object:
    text = ",".join([HEAD, *header]) + "\n" + "".join(
        f"r{i},A,2026-03-02,{','.join(r)}\n" for i, r in enumerate(rows))
    return small_project(tmp_path, LABELLED, MAPPING, {"organisation.csv": ORG, "trivsel.csv": text})


def test_items_by_question_text_and_answers_by_label(tmp_path) -> None:
    # headers: an alias, and codebook texts with other case, punctuation and quotes; answers as labels
    header = ["Min nærmeste leder viser anerkendelse.", "“hvor ofte er du STRESSET”", "Vi samarbejder godt!"]
    rows = [("I høj grad", "I lille grad", "Delvist")] * 5 + [("ved ikke", "i meget høj grad", "4")]
    settings = _labelled(tmp_path, header, rows)
    build(settings)
    got = _rows(settings, "select item_code, value, count(*) from responses group by all order by all")
    assert got == [("Q1", 4, 5), ("Q1", 9, 1), ("Q2", 2, 5), ("Q2", 5, 1), ("Q3", 3, 5), ("Q3", 4, 1)]


def test_a_question_that_matches_nothing_shows_its_text_and_the_nearest(tmp_path) -> None:
    settings = _labelled(tmp_path, ["Min leder anerkender mig", "Hvor ofte er du stresset?", "Vi samarbejder rigtig godt"],
                         [("4", "2", "3")] * 5)
    with pytest.raises(ValidationFailed) as failed:
        build(settings)
    messages = [f.message for f in failed.value.findings]
    assert any("'Vi samarbejder rigtig godt' svarer ikke til et spørgsmål" in m and "'Vi samarbejder godt (Q3)'" in m
               for m in messages), messages


def test_a_vendor_label_not_on_the_scale_is_named(tmp_path) -> None:
    from pipeline import transform as tf
    from pipeline.instruments import load_instruments
    (tmp_path / "ins").mkdir()
    (tmp_path / "ins" / "trivsel.yaml").write_text(LABELLED, encoding="utf-8")
    plan = tf.plan_columns(["respondentid", "s_1"], {"respondent_id": ["respondentid"]}, load_instruments(tmp_path / "ins"),
                           texts={"s_1": "Spørgsmål 4 - Vi samarbejder godt"},
                           labels={"s_1": {"1": "I meget lille grad", "5": "I meget høj grad", "6": "Ved ikke",
                                           "7": "Ikke relevant"}})
    assert plan.renames["s_1"] == "Q3"                                  # the grid row's own text
    assert plan.vendor_codes["Q3"] == {"1": "1", "5": "5", "6": "9"}    # vendor codes by their labels
    assert plan.off_scale == [("s_1", "7", "Ikke relevant")]


def test_a_vendors_system_variables_are_warnings_not_errors(tmp_path) -> None:
    from pipeline import vendors
    folder = tmp_path / "sx"
    folder.mkdir()
    (folder / "Dataset.csv").write_text("respondentid;enhed;closetime;statcomp;s_1\nr1;A;02-03-2026 10:00:00;1;4\n",
                                        encoding="cp1252")
    (folder / "Structure.csv").write_text("questionName;variableName;questionType;subType;questionText;choiceValue;"
                                          "choiceText;\ns_1;s_1;single;;Vi samarbejder godt;;;\n", encoding="cp1252")
    (folder / "Labels.csv").write_text("s_1;4;I høj grad\n", encoding="cp1252")
    from pipeline import transform as tf
    from pipeline.instruments import load_instruments
    from pipeline.validate import plan_findings
    (tmp_path / "ins").mkdir()
    (tmp_path / "ins" / "trivsel.yaml").write_text(LABELLED, encoding="utf-8")
    export = vendors.read_folder(folder)
    plan = tf.plan_columns(export.frame.columns, {"respondent_id": ["respondentid"], "unit_id": ["enhed"],
                                                  "answered_at": ["closetime"]},
                           load_instruments(tmp_path / "ins"), export.texts, export.labels)
    assert plan.renames["s_1"] == "Q3" and plan.vendor_codes["Q3"] == {"4": "4"}
    findings = plan_findings("sx", plan, {"trivsel": "Trivselsmåling"})
    assert [(f.column, f.error) for f in findings if f.column == "statcomp"] == [("statcomp", False)]
