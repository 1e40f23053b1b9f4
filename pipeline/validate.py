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
from dataclasses import dataclass, field

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
    for c in plan.unknown:
        if c in plan.texts and (nearest := plan.nearest.get(c)):
            # like a codebook question: most likely a new wording, which HR must confirm
            out.append(Finding(file, f"spørgsmålet '{plan.texts[c]}' svarer ikke til et spørgsmål i kodebogen for "
                                     f"{name}; nærmeste i kodebogen: '{nearest}' – er det samme spørgsmål, så tilføj "
                                     "teksten under aliases", column=c))
        elif c in plan.texts or plan.described:
            # nothing like it in the codebook: another question or a vendor's system variable
            text = f"spørgsmålet '{plan.texts[c]}'" if c in plan.texts else "kolonnen"
            out.append(Finding(file, f"{text} er ikke i kodebogen for {name} og bruges ikke", column=c, error=False))
        else:
            out.append(Finding(file, f"kolonnen findes ikke i kodebogen for {name} og er ikke en kendt baggrundskolonne",
                               column=c))
    out += [Finding(file, f"svarmuligheden '{label}' (kode {value}) findes ikke på spørgsmålets skala i kodebogen",
                    column=c, value=value) for c, value, label in plan.off_scale]
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
    known_units: pl.Series    # the organisation's unit ids on the wave's date
    wave_date: str
    delivered: dict[str, dict[str, str]] = field(default_factory=dict)   # item -> parsed value -> as delivered


MISSING, PRESENT = "", "present"
SEP = "\x1f"   # joins (column, class) into one value, so membership is one hashed set lookup


def _classes(items: list[str]) -> dict[str, pl.Expr]:
    """Per checked column, the class of each cell that the rules judge: the value itself, or
    for the respondent id how often it occurs, for the date whether it is there; '' = missing."""
    rid = pl.col("respondent_id")
    return {
        "respondent_id": pl.when(rid.is_null()).then(pl.lit(MISSING))
                          .otherwise(pl.len().over("respondent_id").cast(pl.String)),
        "unit_id": pl.col("unit_id").fill_null(MISSING),
        "answered_at": pl.when(pl.col("answered_at").is_null()).then(pl.lit(MISSING)).otherwise(pl.lit(PRESENT)),
        **{c: pl.col(c).cast(pl.String).fill_null(MISSING) for c in items},   # a skipped item is allowed
    }


def profile(index: int, check: ValueCheck) -> pl.DataFrame:
    """Every distinct (column, class) of one export, with its first row and its count: complete,
    not a sample, and small (a few rows per item, one per unit), so great-expectations judges
    every cell of every export in one run instead of holding them all in pandas. A unit id
    comes with the organisation's id it matches on the wave's date (null if none)."""
    classes = check.typed.select(**_classes(check.plan.items)).with_row_index("row")
    found = pl.DataFrame({"value": check.known_units, "organisation_id": check.known_units})
    return pl.concat([
        classes.group_by(pl.col(c).alias("value")).agg(pl.col("row").min().alias("first_row"), pl.len().alias("cells"))
        .join(found if c == "unit_id" else found.clear(), on="value", how="left")
        .select(pl.lit(index).alias("file"), pl.lit(c).alias("column"), "value", "organisation_id", "first_row", "cells")
        for c in classes.columns if c != "row"]).with_columns(cell_class=pl.concat_str("column", pl.lit(SEP), "value"))


def allowed(checks: list[ValueCheck]) -> list[str]:
    """The (column, class) values the rules allow: an id once, a date, an answer code or none."""
    out = {f"respondent_id{SEP}1", f"answered_at{SEP}{PRESENT}"}
    for check in checks:
        for code in check.plan.items:
            codes = pl.Series([float(c) for c in check.instrument.items[code].allowed_codes]).cast(pl.String)
            out |= {f"{code}{SEP}{v}" for v in [MISSING, *codes]}
    return sorted(out)


def _suite() -> gx.ExpectationSuite:
    """Answer codes, ids and dates against the allowed classes (a suite parameter); unit ids
    against the organisation."""
    E = gx.expectations
    suite = gx.ExpectationSuite(name="exports")
    suite.add_expectation(E.ExpectColumnValuesToBeInSet(
        column="cell_class", value_set={"$PARAMETER": "allowed_classes"},
        row_condition='column != "unit_id"', condition_parser="pandas"))
    suite.add_expectation(E.ExpectColumnPairValuesToBeEqual(
        column_A="value", column_B="organisation_id", ignore_row_if="neither",
        row_condition='column == "unit_id"', condition_parser="pandas"))
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
    source = _context().data_sources.add_or_update_pandas("exports")
    asset = source.add_dataframe_asset(f"profiles-{uuid.uuid4().hex[:8]}")
    batch = (asset.add_batch_definition_whole_dataframe("all")
             .get_batch(batch_parameters={"dataframe": profiles.to_pandas()}))
    result = batch.validate(_suite(), result_format={"result_format": "COMPLETE"},
                            expectation_parameters={"allowed_classes": allowed(checks)})
    source.delete_asset(asset.name)
    rejected = sorted({i for r in result.results for i in (r.result.get("unexpected_index_list") or [])})
    findings = []
    for index, column, value in profiles[rejected].select("file", "column", "value").iter_rows():
        check = checks[index]
        message = _message(column, value, check.instrument, check.wave_date)
        rows = (check.typed.with_row_index("row").filter(_classes(check.plan.items)[column] == value)
                .select("row", pl.col(column).cast(pl.String)))
        as_delivered = check.delivered.get(column, {})
        findings += [Finding(check.file, message, row=row + HEADER_ROWS, column=column,
                             value=as_delivered.get(shown, _shown(shown)))
                     for row, shown in rows.iter_rows()]
    return sorted(findings, key=lambda f: (f.file, f.row, f.column))


def _shown(value: str | None) -> str | None:
    """An answer code as HR typed it: 7.0 -> '7'."""
    return value[:-2] if value is not None and value.endswith(".0") else value
