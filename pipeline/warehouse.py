"""The DuckDB warehouse: built into a fresh file, then swapped in atomically.

A dashboard in another process may hold the live file open read-only; DuckDB
lets only one process write a file, so a build never opens the live file at all
(docs/facts.md). os.replace is atomic on one file system: readers see the old
warehouse or the new one, never half of one.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

MODELS = Path(__file__).parent / "models"
# layer -> how its models are materialised; the order is the layering.
LAYERS = {"staging": "view", "core": "table", "intermediate": "table", "marts": "table", "views": "view"}
_MATERIALIZED = re.compile(r"--\s*materialized:\s*(view|table)")


@contextmanager
def building(target: Path, duckdb_config: dict[str, str | int] | None = None,
             copy_live: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a new warehouse file; on success it replaces `target`.
    duckdb_config: DuckDB settings for the build (memory_limit, threads, temp_directory), so a
    build spills to disk instead of exhausting the machine's memory. copy_live: start from a
    copy of the live warehouse (an incremental build), which itself is never opened for writing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    config = {k: str(v) for k, v in (duckdb_config or {}).items()}
    if "temp_directory" in config:
        Path(config["temp_directory"]).mkdir(parents=True, exist_ok=True)
    if copy_live:
        try:
            shutil.copyfile(target, tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)   # a half copy is never left behind
            raise
    con = duckdb.connect(str(tmp), config=config)
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise


def model_files(layers: list[str]) -> dict[str, Path]:
    return {p.stem: p for layer in layers for p in sorted((MODELS / layer).glob("*.sql"))}


def run_models(con: duckdb.DuckDBPyConnection, layers: list[str]) -> list[str]:
    """Create the models of the given layers, each after the models it reads."""
    wanted = model_files(layers)
    graph = {}
    for name, path in wanted.items():
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        graph[name] = {dep for dep in re.findall(r"\b([a-z_][a-z0-9_]*)\b", sql) if dep in wanted and dep != name}
    done = []
    for name in TopologicalSorter(graph).static_order():
        path = wanted[name]
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        match = _MATERIALIZED.search(sql)
        kind = match.group(1) if match else LAYERS[path.parent.name]
        con.execute(f"CREATE OR REPLACE {kind.upper()} {name} AS\n{sql}")
        done.append(name)
    return done
