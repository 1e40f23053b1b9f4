"""Load step: source tables from the pipeline's frames, then staging, dimensions and facts."""
from __future__ import annotations

import duckdb
import polars as pl

from pipeline.warehouse import run_models


def load(con: duckdb.DuckDBPyConnection, sources: dict[str, pl.DataFrame]) -> list[str]:
    """Write each frame as a `src_` table (the only tables Python writes), then build
    the staging views and the dim_/fct_ tables from them."""
    for name, frame in sources.items():
        con.register("_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE src_{name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    return run_models(con, ["staging", "core"])
