"""Load step: the pipeline's frames become the warehouse's `src_` tables (the only tables
Python writes). Staging, dimensions and facts are built from them by the score step's models."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl


@dataclass
class Parts:
    """A table delivered in parts (one per export): created from `schema`, each part appended by
    column name (a part lacks the items its survey does not ask), then released."""
    schema: pl.DataFrame
    frames: list[pl.DataFrame]


Source = pl.DataFrame | Parts


def load(con: duckdb.DuckDBPyConnection, sources: dict[str, Source]) -> None:
    """Write each source as table `src_<name>`."""
    for name, source in sources.items():
        first, rest = (source.schema, source.frames) if isinstance(source, Parts) else (source, [])
        con.register("_frame", first)
        con.execute(f"CREATE OR REPLACE TABLE src_{name} AS SELECT * FROM _frame")
        con.unregister("_frame")
        while rest:
            con.register("_frame", rest.pop(0))
            con.execute(f"INSERT INTO src_{name} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
