"""Load step: the pipeline's frames become the warehouse's `src_` tables (the only tables
Python writes). Staging, dimensions and facts are built from them by the score step's models."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl


@dataclass
class Parts:
    """A table delivered in parts (one per export), stacked by column name (a part lacks the
    items its survey does not ask) in one statement: DuckDB streams them into the table without
    a concatenated copy in memory, about three times faster than one INSERT per part."""
    schema: pl.DataFrame
    frames: list[pl.DataFrame]


Source = pl.DataFrame | Parts


def load(con: duckdb.DuckDBPyConnection, sources: dict[str, Source], append: bool = False) -> None:
    """Write each source as table `src_<name>` (append: add its rows to the table). Sources are
    taken out of `sources` as they are written, so their memory is freed before the next step."""
    while sources:
        name, source = next(iter(sources.items()))
        del sources[name]
        frames = [source.schema, *source.frames] if isinstance(source, Parts) else [source]
        views = [f"_part{i}" for i in range(len(frames))]
        for view, frame in zip(views, frames):
            con.register(view, frame)
        rows = " UNION ALL BY NAME ".join(f"SELECT * FROM {v}" for v in views)
        con.execute(f"INSERT INTO src_{name} BY NAME {rows}" if append else f"CREATE OR REPLACE TABLE src_{name} AS {rows}")
        for view in views:
            con.unregister(view)
