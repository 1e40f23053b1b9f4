"""The organisation file HR delivers (organisation.csv in the raw folder).

One row per version of a unit: a rename, a move to another parent or a change of
leader role ends one row (valid_to) and starts another (valid_from), so history is
recorded, not overwritten. valid_to is empty while the version is current.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from pipeline.errors import ConfigError

LEVELS = ("kommune", "forvaltning", "center", "afdeling", "enhed")
COLUMNS = ["unit_id", "unit_name", "parent_id", "level", "leader_role", "valid_from", "valid_to"]
FILE_NAME = "organisation.csv"
HEADCOUNT_FILE = "headcount.csv"     # optional: unit_id, date, headcount (the unit's own staff)
LINEAGE_FILE = "lineage.csv"         # optional: unit_id, predecessor_id, change, date
CHANGES = ("merged", "split", "renamed")
OPEN_END = date(9999, 12, 31)


def _fail(file: str, row: int, column: str, message: str) -> ConfigError:
    return ConfigError(file, f"række {row}, kolonne {column}: {message}")


def read_organisation(path: Path, roles: list[str]) -> pl.DataFrame:
    """Read and check the organisation file; rows are numbered as in a spreadsheet (header = 1)."""
    file = path.name
    if not path.exists():
        raise ConfigError(str(path), "organisationsfilen findes ikke (forventet i mappen med rådata)")
    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    if missing := [c for c in COLUMNS if c not in df.columns]:
        raise ConfigError(file, f"mangler kolonnen '{missing[0]}' (forventet: {', '.join(COLUMNS)})")
    df = df.select(COLUMNS).with_row_index("row", offset=2).with_columns(
        pl.col(c).str.strip_chars() for c in COLUMNS)
    for col in ("valid_from", "valid_to"):
        parsed = pl.col(col).str.to_date("%Y-%m-%d", strict=False)
        bad = df.filter(pl.col(col).is_not_null() & parsed.is_null())
        if bad.height:
            r = bad.row(0, named=True)
            raise _fail(file, r["row"], col, f"'{r[col]}' er ikke en dato (brug ÅÅÅÅ-MM-DD)")
        df = df.with_columns(parsed.alias(col))
    checks = [
        (pl.col("unit_id").is_null(), "unit_id", "enhedskoden mangler"),
        (pl.col("unit_name").is_null(), "unit_name", "enhedens navn mangler"),
        (~pl.col("level").is_in(LEVELS), "level", f"ukendt niveau (brug {', '.join(LEVELS)})"),
        (~pl.col("leader_role").is_in(roles), "leader_role", f"ukendt rolleniveau (brug {', '.join(roles)})"),
        (pl.col("valid_from").is_null(), "valid_from", "startdato mangler"),
        (pl.col("valid_to") < pl.col("valid_from"), "valid_to", "slutdatoen ligger før startdatoen"),
    ]
    for condition, col, message in checks:
        bad = df.filter(condition.fill_null(True) if col in ("level", "leader_role") else condition.fill_null(False))
        if bad.height:
            r = bad.row(0, named=True)
            raise _fail(file, r["row"], col, f"{message}: '{r[col]}'" if r[col] is not None else message)
    df = df.with_columns(pl.col("valid_to").fill_null(OPEN_END).alias("_to"))
    _check_versions(df, file)
    _check_parents(df, file)
    return df.drop("row", "_to")


def _check_versions(df: pl.DataFrame, file: str) -> None:
    ordered = df.sort("unit_id", "valid_from").with_columns(
        prev_to=pl.col("_to").shift().over("unit_id"))
    overlap = ordered.filter(pl.col("prev_to") >= pl.col("valid_from"))
    if overlap.height:
        r = overlap.row(0, named=True)
        raise _fail(file, r["row"], "valid_from", f"enhed {r['unit_id']} har to versioner, der gælder samtidig")


def _check_parents(df: pl.DataFrame, file: str) -> None:
    """Every parent exists when its child starts; exactly one top unit; no cycles."""
    by_id: dict[str, list[dict]] = {}
    for r in df.iter_rows(named=True):
        by_id.setdefault(r["unit_id"], []).append(r)
    for r in df.iter_rows(named=True):
        if r["parent_id"] is None:
            continue
        versions = [p for p in by_id.get(r["parent_id"], []) if p["valid_from"] <= r["valid_from"] <= p["_to"]]
        if not versions:
            raise _fail(file, r["row"], "parent_id",
                        f"overordnet enhed '{r['parent_id']}' findes ikke pr. {r['valid_from']:%Y-%m-%d}")
        seen, current, on = {r["unit_id"]}, r["parent_id"], r["valid_from"]
        while current is not None:
            if current in seen:
                raise _fail(file, r["row"], "parent_id", f"enhed {r['unit_id']} ligger (indirekte) under sig selv")
            seen.add(current)
            parent = next((p for p in by_id.get(current, []) if p["valid_from"] <= on <= p["_to"]), None)
            current = parent["parent_id"] if parent else None
    for day in sorted(set(df["valid_from"].to_list())):
        tops = df.filter(pl.col("parent_id").is_null() & (pl.col("valid_from") <= day) & (pl.col("_to") >= day))
        if tops.height != 1:
            r = (tops if tops.height else df).row(0, named=True)
            raise _fail(file, r["row"], "parent_id",
                        f"der skal være præcis én øverste enhed (uden parent_id) pr. {day:%Y-%m-%d}, men der er {tops.height}")


def units_at(units: pl.DataFrame, day: date) -> pl.DataFrame:
    """The unit versions in force on a day."""
    return units.filter((pl.col("valid_from") <= day) & (pl.col("valid_to").fill_null(OPEN_END) >= day))


def _read_optional(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame | None:
    """An optional CSV of the organisation data, as trimmed text with spreadsheet row numbers;
    None when the file is not there."""
    if not path.exists():
        return None
    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    if missing := [c for c in schema if c not in df.columns]:
        raise ConfigError(path.name, f"mangler kolonnen '{missing[0]}' (forventet: {', '.join(schema)})")
    return df.select(list(schema)).with_row_index("row", offset=2).with_columns(pl.col(c).str.strip_chars() for c in schema)


def _first_failure(file: str, frame: pl.DataFrame, checks: list[tuple[pl.Expr, str, str]]) -> None:
    """Raise for the first row failing a check; a message template names the value as {v}."""
    for condition, col, template in checks:
        bad = frame.filter(condition.fill_null(True))
        if bad.height:
            r = bad.row(0, named=True)
            raise _fail(file, r["row"], col, template.format(v=r[col]))


def read_headcount(path: Path, units: pl.DataFrame) -> pl.DataFrame:
    """Headcounts for response rates: each unit's own staff (not those below it) as of a date.
    Optional: without the file, response rates are not computed."""
    schema = {"unit_id": pl.String, "date": pl.Date, "headcount": pl.Int64}
    df = _read_optional(path, schema)
    if df is None:
        return pl.DataFrame(schema=schema)
    typed = df.with_columns(pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("_date"),
                            pl.col("headcount").cast(pl.Int64, strict=False).alias("_count"))
    _first_failure(path.name, typed, [
        (~pl.col("unit_id").is_in(units["unit_id"].unique().implode()), "unit_id", "'{v}': enheden findes ikke i organisationen"),
        (pl.col("_date").is_null(), "date", "'{v}' er ikke en dato (brug ÅÅÅÅ-MM-DD)"),
        (pl.col("_count").is_null() | (pl.col("_count") < 0), "headcount",
         "'{v}' er ikke et antal medarbejdere (et helt tal, 0 eller mere)"),
        (pl.struct("unit_id", "_date").is_duplicated(), "date", "'{v}': enheden har to antal på samme dato"),
    ])
    return typed.select("unit_id", pl.col("_date").alias("date"), pl.col("_count").alias("headcount"))


def read_lineage(path: Path, units: pl.DataFrame) -> pl.DataFrame:
    """Where a unit came from: `unit_id` continues `predecessor_id` from `date` after a merger
    (several predecessors), a split (several units from one) or a rename to a new code.
    A rename that keeps the code needs no row: the unit's versions already tell it."""
    schema = {"unit_id": pl.String, "predecessor_id": pl.String, "change": pl.String, "date": pl.Date}
    df = _read_optional(path, schema)
    if df is None:
        return pl.DataFrame(schema=schema)
    typed = df.with_columns(pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("_date"))
    known = units["unit_id"].unique().implode()
    _first_failure(path.name, typed, [
        (~pl.col("unit_id").is_in(known), "unit_id", "'{v}': enheden findes ikke i organisationen"),
        (~pl.col("predecessor_id").is_in(known), "predecessor_id", "'{v}': enheden findes ikke i organisationen"),
        (pl.col("unit_id") == pl.col("predecessor_id"), "predecessor_id", "'{v}': en enhed kan ikke efterfølge sig selv"),
        (~pl.col("change").is_in(CHANGES), "change", "'{v}': ukendt ændring (brug " + ", ".join(CHANGES) + ")"),
        (pl.col("_date").is_null(), "date", "'{v}' er ikke en dato (brug ÅÅÅÅ-MM-DD)"),
    ])
    return typed.select("unit_id", "predecessor_id", "change", pl.col("_date").alias("date"))
