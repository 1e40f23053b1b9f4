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


@dataclass(frozen=True)
class ValueCheck:
    """One typed export and what its values must be."""
    file: str
    typed: pl.DataFrame
    plan: ColumnPlan
    instrument: Instrument
    known_units: list[str]
    wave_date: str


MISSING, PRESENT = "", "present"


def _classes(typed: pl.DataFrame, items: list[str]) -> dict[str, pl.Expr]:
    """Per checked column, the class of each cell that the rules judge: the value itself, or
    for the respondent id how often it occurs, for the date whether it is there; '' = missing."""
    rid = pl.col("respondent_id")
    return {
        "respondent_id": pl.when(rid.is_null()).then(pl.lit(MISSING)).otherwise(pl.len().over("respondent_id").cast(pl.String)),
        "unit_id": pl.col("unit_id").fill_null(MISSING),
        "answered_at": pl.when(pl.col("answered_at").is_null()).then(pl.lit(MISSING)).otherwise(pl.lit(PRESENT)),
        **{c: pl.col(c).cast(pl.String).fill_null(MISSING) for c in items},   # a skipped item is allowed
    }


def profile(index: int, check: ValueCheck) -> pl.DataFrame:
    """Every distinct (column, class) of one export, with its first row and its count: complete,
    not a sample, and small (a few rows per item, one per unit), so great-expectations judges
    every cell of every export in one run instead of holding them all in pandas."""
    classes = check.typed.select(**_classes(check.typed, check.plan.items)).with_row_index("row")
    return pl.concat([
        classes.group_by(pl.col(c).alias("value")).agg(pl.col("row").min().alias("first_row"), pl.len().alias("cells"))
        .select(pl.lit(f"{index}:{c}").alias("check"), "value", "first_row", "cells")
        for c in classes.columns if c != "row"])


def allowed(index: int, check: ValueCheck) -> list[tuple[str, str]]:
    """The (column, class) pairs the rules allow: ids once, a date, a known unit, an answer code."""
    pairs = [(f"{index}:respondent_id", "1"), (f"{index}:answered_at", PRESENT)]
    pairs += [(f"{index}:unit_id", u) for u in check.known_units]
    for code in check.plan.items:
        codes = pl.Series([float(c) for c in check.instrument.items[code].allowed_codes]).cast(pl.String)
        pairs += [(f"{index}:{code}", v) for v in [MISSING, *codes]]
    return pairs


def _suite(pairs: list[tuple[str, str]]) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name="exports")
    suite.add_expectation(gx.expectations.ExpectColumnPairValuesToBeInSet(
        column_A="check", column_B="value", value_pairs_set=pairs, ignore_row_if="neither"))
    return suite


def _message(column: str, value: str, instrument: Instrument, wave_date: str) -> str:
    if value == MISSING:
        return f"{_KEY_NAMES.get(column, column)} mangler"
    if column == "respondent_id":
        return "samme respondent-id står flere gange i filen (én besvarelse pr. respondent og måling)"
    if column == "unit_id":
        return f"enhedskoden findes ikke i organisationen pr. {wave_date}"
    return f"værdien ligger uden for svarskalaen (gyldige koder: {instrument.items[column].describe_codes()})"


@functools.cache
def _context() -> gx.data_context.AbstractDataContext:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)   # quiet in the build's output
    return context


def validate_values(checks: list[ValueCheck]) -> list[Finding]:
    """Judge every export's values with great-expectations, in one run over their profiles;
    one finding per offending cell."""
    if not checks:
        return []
    profiles = pl.concat([profile(i, c) for i, c in enumerate(checks)])
    pairs = [p for i, c in enumerate(checks) for p in allowed(i, c)]
    source = _context().data_sources.add_or_update_pandas("exports")
    asset = source.add_dataframe_asset(f"profiles-{uuid.uuid4().hex[:8]}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": profiles.to_pandas()})
    result = batch.validate(_suite(pairs), result_format={"result_format": "COMPLETE"})
    source.delete_asset(asset.name)
    rejected = pl.DataFrame({"index": result.results[0].result.get("unexpected_index_list") or []}, schema={"index": pl.Int64})
    bad = profiles.with_row_index("index").join(rejected.cast(pl.UInt32), on="index").sort("index")
    findings = []
    for (check_id, value) in bad.select("check", "value").iter_rows():
        index, column = check_id.split(":", 1)
        check = checks[int(index)]
        message = _message(column, value, check.instrument, check.wave_date)
        cls = _classes(check.typed, check.plan.items)[column]
        rows = check.typed.with_row_index("row").filter(cls == value).select("row", pl.col(column).cast(pl.String))
        for row, shown in rows.iter_rows():
            findings.append(Finding(check.file, message, row=row + HEADER_ROWS, column=column, value=_shown(shown)))
    return sorted(findings, key=lambda f: (f.file, f.row, f.column))


def _shown(value: str | None) -> str | None:
    """An answer code as HR typed it: 7.0 -> '7'."""
    return value[:-2] if value is not None and value.endswith(".0") else value
