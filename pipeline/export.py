"""Export the published tables as Parquet for other tools (Power BI, Spark, Trino, DuckDB).

Only the published layer leaves the warehouse: every mart, the suppression stage's decisions
and the published analyst views — never a respondent-level or private table (README, "Behind
the views"). Tables with a survey and a wave are Hive-partitioned (`survey=…/wave=…/`), so a
reader can load one survey wave without scanning the rest. The export is written next to the
target folder and swapped in, so a reader never sees half an export.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipeline.errors import SammenError
from pipeline.warehouse import published_tables


def export_parquet(warehouse: Path, target: Path) -> dict[str, int]:
    """Write every published table under `target`; returns rows per table."""
    if not warehouse.exists():
        raise SammenError(f"lageret findes ikke: {warehouse} (kør først `sammen build`)")
    target = target.resolve()
    staging = target.with_name(f".{target.name}.exporting")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows = {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in published_tables():
            columns = {c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ?", [table]).fetchall()}
            out = staging / table
            quoted = str(out).replace("'", "''")   # a folder name is data, not SQL
            rows[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            if {"survey", "wave"} <= columns:
                con.execute(f"copy {table} to '{quoted}' (format parquet, partition_by (survey, wave))")
            else:
                out.mkdir()
                con.execute(f"copy {table} to '{quoted}/data.parquet' (format parquet)")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    old = target.with_name(f".{target.name}.replaced")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return rows
