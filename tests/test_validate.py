"""Validation judges every cell, though great-expectations sees only each export's profile
(its distinct classes of values): every offending cell is found, with its own row."""
from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.instruments import Instrument, Item
from pipeline.transform import ColumnPlan
from pipeline.validate import HEADER_ROWS, ValueCheck, validate_values

ITEM = Item(code="Q1", text="Min leder anerkender mig", domain="", scale_min=1, scale_max=5, reversed=False,
            labels={}, missing={9: "Ved ikke"})
INSTRUMENT = Instrument(survey="trivsel", name="Trivselsmåling", items={"Q1": ITEM})
PLAN = ColumnPlan(survey="trivsel", renames={}, items=["Q1"])


def _check(rows: list[tuple], file: str = "trivsel.csv") -> ValueCheck:
    typed = pl.DataFrame(rows, schema={"respondent_id": pl.String, "unit_id": pl.String, "answered_at": pl.Date,
                                       "Q1": pl.Float64}, orient="row")
    return ValueCheck(file, typed, PLAN, INSTRUMENT, pl.Series(["A", "B"]), "2024-03-01")


def _found(findings) -> list[tuple]:
    return [(f.file, f.row, f.column, f.value, f.message.split(" (")[0]) for f in findings]


def test_every_offending_cell_is_found_with_its_row_even_the_last_of_many() -> None:
    day = date(2024, 3, 1)
    rows = [(f"r{i}", "A", day, float(1 + i % 5)) for i in range(20_000)]
    rows[3] = ("r3", "Z", day, 3.0)             # unknown unit
    rows[7] = ("r7", None, day, 3.0)            # unit missing
    rows[11] = (None, "B", day, 2.0)            # respondent id missing
    rows[12] = ("r12", "B", None, 2.0)          # date missing
    rows[-1] = ("r5", "B", day, 7.0)            # duplicate of row 5's id and outside the scale
    findings = validate_values([_check(rows)])
    last = len(rows) - 1 + HEADER_ROWS
    assert _found(findings) == [
        ("trivsel.csv", 3 + HEADER_ROWS, "unit_id", "Z", "enhedskoden findes ikke i organisationen pr. 2024-03-01"),
        ("trivsel.csv", 5 + HEADER_ROWS, "respondent_id", "r5",
         "samme respondent-id står flere gange i filen"),
        ("trivsel.csv", 7 + HEADER_ROWS, "unit_id", None, "enhedskode mangler"),
        ("trivsel.csv", 11 + HEADER_ROWS, "respondent_id", None, "respondent-id mangler"),
        ("trivsel.csv", 12 + HEADER_ROWS, "answered_at", None, "besvarelsesdato mangler"),
        ("trivsel.csv", last, "Q1", "7", "værdien ligger uden for svarskalaen"),
        ("trivsel.csv", last, "respondent_id", "r5", "samme respondent-id står flere gange i filen"),
    ]


def test_several_exports_are_judged_together_but_reported_by_their_own_file() -> None:
    day = date(2024, 3, 1)
    good = _check([("r1", "A", day, 9.0), ("r2", "B", day, None)], "a.csv")   # "Ved ikke" and a skipped item
    bad = _check([("r1", "A", day, 0.0), ("r2", "B", day, 5.0)], "b.csv")
    assert _found(validate_values([good, bad])) == [
        ("b.csv", HEADER_ROWS, "Q1", "0", "værdien ligger uden for svarskalaen")]
