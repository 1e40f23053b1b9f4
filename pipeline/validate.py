"""Validate exports with great-expectations and say what is wrong in HR's words.

Each finding names the file, the row as a spreadsheet shows it (header = row 1)
and the column. Errors stop the build before anything is written; warnings are
reported and loaded as data-quality notes.
"""
from __future__ import annotations

import functools
import logging
import uuid
import os
from dataclasses import dataclass

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
import polars as pl  # noqa: E402

from pipeline.instruments import Instrument  # noqa: E402
from pipeline.transform import ColumnPlan  # noqa: E402

logging.getLogger("great_expectations").setLevel(logging.ERROR)
HEADER_ROWS = 2   # data row 0 is spreadsheet row 2


@dataclass(frozen=True)
class Finding:
    file: str
    message: str
    row: int | None = None       # spreadsheet row
    column: str | None = None
    value: str | None = None
    error: bool = True

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"række {self.row}")
        if self.column is not None:
            parts.append(f"kolonne {self.column}")
        return ", ".join(parts)


def plan_findings(file: str, plan: ColumnPlan, survey_names: dict[str, str]) -> list[Finding]:
    out = [Finding(file, f"den påkrævede kolonne for {_KEY_NAMES[k]} mangler", column=k) for k in plan.missing_keys]
    if plan.survey is None:
        out.append(Finding(file, "ingen kolonner svarer til spørgsmål i kodebøgerne, så målingen kan ikke genkendes"))
        return out
    name = survey_names[plan.survey]
    out += [Finding(file, f"kolonnen findes ikke i kodebogen for {name} og er ikke en kendt baggrundskolonne", column=c)
            for c in plan.unknown]
    out += [Finding(file, "spørgsmålet indgår ikke i denne fil og regnes som ikke stillet i denne måling",
                    column=c, error=False) for c in plan.absent_items]
    return out


_KEY_NAMES = {"respondent_id": "respondent-id", "unit_id": "enhedskode", "answered_at": "besvarelsesdato"}


def bad_cell_findings(file: str, bad: pl.DataFrame) -> list[Finding]:
    return [
        Finding(file, "datoen kan ikke læses (brug fx 2024-03-15 eller 15-03-2024)" if r["column"] == "answered_at"
                else "værdien er ikke en svarkode (et tal)", row=r["row"] + HEADER_ROWS, column=r["column"], value=r["value"])
        for r in bad.iter_rows(named=True)
    ]


def _suite(plan: ColumnPlan, instrument: Instrument, known_units: list[str]) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name="export")
    E = gx.expectations
    for col in ("respondent_id", "unit_id", "answered_at"):
        suite.add_expectation(E.ExpectColumnValuesToNotBeNull(column=col))
    suite.add_expectation(E.ExpectColumnValuesToBeUnique(column="respondent_id"))
    suite.add_expectation(E.ExpectColumnValuesToBeInSet(column="unit_id", value_set=known_units))
    for code in plan.items:
        suite.add_expectation(E.ExpectColumnValuesToBeInSet(
            column=code, value_set=[float(c) for c in instrument.items[code].allowed_codes]))
    return suite


def _message(kind: str, column: str, instrument: Instrument, wave_date: str) -> str:
    if kind == "expect_column_values_to_not_be_null":
        return f"{_KEY_NAMES.get(column, column)} mangler"
    if kind == "expect_column_values_to_be_unique":
        return "samme respondent-id står flere gange i filen (én besvarelse pr. respondent og måling)"
    if column == "unit_id":
        return f"enhedskoden findes ikke i organisationen pr. {wave_date}"
    return f"værdien ligger uden for svarskalaen (gyldige koder: {instrument.items[column].describe_codes()})"


@functools.cache
def _context() -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)   # quiet in the build's output
    return context


def validate_values(file: str, typed: pl.DataFrame, plan: ColumnPlan, instrument: Instrument,
                    known_units: list[str], wave_date: str) -> list[Finding]:
    """Run the expectation suite on one export; one finding per offending cell."""
    source = _context().data_sources.add_or_update_pandas("exports")
    asset = source.add_dataframe_asset(f"{file}-{uuid.uuid4().hex[:8]}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": typed.to_pandas()})
    result = batch.validate(_suite(plan, instrument, known_units), result_format={"result_format": "COMPLETE"})
    source.delete_asset(asset.name)
    findings = []
    for r in result.results:
        if r.success:
            continue
        kind, column = r.expectation_config.type, r.expectation_config.kwargs["column"]
        message = _message(kind, column, instrument, wave_date)
        rows = r.result.get("unexpected_index_list") or []
        values = r.result.get("unexpected_list") or [None] * len(rows)
        for idx, value in zip(rows, values, strict=True):
            shown = None if value is None else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
            findings.append(Finding(file, message, row=int(idx) + HEADER_ROWS, column=column, value=shown))
    return findings
