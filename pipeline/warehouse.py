"""The DuckDB warehouse: built into fresh files, then swapped in atomically.

Two files. The *private* warehouse holds every layer, respondent-level data included; it lives
in a 0700 folder beside the published file (`.private/`), is 0600, and only builds and the
anonymity report open it. The *published* warehouse (the configured `warehouse` path) holds only
what the suppression stage let out (PUBLISHED: the marts, the published views, and the
organisation and framework dimensions); the dashboard opens nothing else.

A dashboard in another process may hold the live file open read-only; DuckDB lets only one
process write a file, so a build never opens a live file at all (docs/facts.md). os.replace is
atomic on one file system: readers see the old warehouse or the new one, never half of one. One
build at a time (a lock the operating system releases if the build dies); a build first removes
what dead builds left behind.
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
from filelock import FileLock, Timeout

from pipeline.errors import SammenError
from pipeline.private import private_dir

MODELS = Path(__file__).parent / "models"
# layer -> how its models are materialised; the order is the layering.
LAYERS = {"staging": "view", "core": "table", "intermediate": "table", "marts": "table", "views": "view"}
_MATERIALIZED = re.compile(r"--\s*materialized:\s*(view|table)")
_INCREMENTAL = re.compile(r"--\s*incremental:\s*survey,\s*wave\b")


# what the published warehouse holds besides the marts: published views and the dimensions
# the dashboard reads (organisation, surveys, framework, mapping: no respondent data)
PUBLISHED_VIEWS = ["disclosure", "framework", "units", "items", "item_mapping", "competency_scores"]
PUBLISHED_DIMENSIONS = ["dim_unit", "dim_unit_wave", "dim_unit_lineage", "dim_survey", "dim_wave", "dim_competency",
                        "dim_role", "dim_behaviour", "dim_item", "dim_item_mapping"]


def published_tables() -> list[str]:
    return [*model_files(["marts"]), *PUBLISHED_VIEWS]


def private_path(published: Path) -> Path:
    """The private warehouse that belongs to a published one."""
    return published.parent / ".private" / published.name


@contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """One build of a warehouse at a time; the second says so. Then remove dead builds' files."""
    folder = private_dir(private_path(target).parent)
    lock = FileLock(folder / f"{target.name}.lock", blocking=False)
    try:
        lock.acquire()
    except Timeout:
        raise SammenError(f"en anden kørsel bygger allerede {target}; vent, til den er færdig, og prøv igen") from None
    try:
        for folder_ in (target.parent, folder):
            for leftover in folder_.glob(f".{target.name}.building-*"):
                leftover.unlink(missing_ok=True)   # with the lock held, no live build owns them
        yield
    finally:
        lock.release()


@contextmanager
def building(target: Path, duckdb_config: dict[str, str | int] | None = None,
             new_waves: list[tuple[str, str]] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a new private warehouse; on success the published tables are copied
    into a new published file and both replace the live ones (published first: if the build dies
    between the two, the next build still sees the old private manifest and builds the new exports).
    duckdb_config: DuckDB settings for the build (memory_limit, threads, temp_directory), so a
    build spills to disk instead of exhausting the machine's memory. new_waves: an incremental
    build's new survey waves (None: a full build); it starts from a copy of the live private
    warehouse (which itself is never opened for writing) and, when the live published file was
    built from the same exports and configuration (`build_manifest`), from a copy of that too."""
    private = private_path(target)
    private_dir(private.parent)
    tmp = private.with_name(f".{target.name}.building-{os.getpid()}")
    pub = target.with_name(f".{target.name}.building-{os.getpid()}")
    made = [tmp, tmp.with_name(tmp.name + ".wal"), pub, pub.with_name(pub.name + ".wal")]
    config = {k: str(v) for k, v in (duckdb_config or {}).items()}
    if "temp_directory" in config:
        private_dir(Path(config["temp_directory"]))   # spilled rows are respondent data too
    old_umask = os.umask(0o077)   # every file DuckDB writes for this build: 0600
    try:
        if new_waves is not None:
            shutil.copyfile(private, tmp)
        con = duckdb.connect(str(tmp), config=config)
        try:
            if new_waves and _built_alike(con, target):
                shutil.copyfile(target, pub)
            else:
                new_waves = None
            yield con
            con.execute("CHECKPOINT")
            _publish(con, pub, new_waves)
        finally:
            con.close()
        pub.chmod(0o644)              # the published file holds no personal data; a web server reads it
        os.replace(pub, target)
        os.replace(tmp, private)
    except BaseException:
        for leftover in made:          # a failed build leaves nothing behind
            leftover.unlink(missing_ok=True)
        raise
    finally:
        os.umask(old_umask)


MANIFEST = "build_manifest"   # in the published file: the private manifest it was built with


def _built_alike(con: duckdb.DuckDBPyConnection, published: Path) -> bool:
    """Whether the live published file was built from exactly what the live private warehouse
    (`con`, before this build changes it) was: not so if a build died between replacing the
    two, or the published file was written before it carried a `build_manifest`."""
    if not published.exists():
        return False
    con.execute(f"ATTACH '{_quoted(published)}' AS live (READ_ONLY)")
    try:
        if not con.execute("select count(*) from information_schema.tables where table_catalog = 'live' "
                           "and table_name = ?", [MANIFEST]).fetchall()[0][0]:
            return False
        differ = con.execute(f"""select count(*) from (
            (select * from live.{MANIFEST} except all select * from src_manifest)
            union all (select * from src_manifest except all select * from live.{MANIFEST}))""").fetchall()[0][0]
        return differ == 0
    finally:
        con.execute("DETACH live")


def _publish(con: duckdb.DuckDBPyConnection, pub: Path, new_waves: list[tuple[str, str]] | None = None) -> None:
    """Copy what the suppression stage let out into the published file: every table anew, or
    (new_waves: `pub` is a copy of the live published file, built alike) only the new waves'
    rows of the tables whose other rows an incremental build leaves as they were — the
    wave-local marts and the decisions, stitched trends apart — and the other tables anew."""
    con.execute(f"ATTACH '{_quoted(pub)}' AS published")
    try:
        local = wave_local(["marts"]) | {"disclosure"} if new_waves else set()
        where = " or ".join(["(survey = ? and wave = ?)"] * len(new_waves or []))
        params = [value for wave in new_waves or [] for value in wave]
        for name in [*PUBLISHED_DIMENSIONS, *published_tables()]:
            if name in local:
                rows = f"{where} or figure = 'stitched_score'" if name == "disclosure" else where
                con.execute(f"DELETE FROM published.{name} WHERE {rows}", params)
                con.execute(f"INSERT INTO published.{name} BY NAME SELECT * FROM {name} WHERE {rows}", params)
            else:
                con.execute(f"CREATE OR REPLACE TABLE published.{name} AS SELECT * FROM {name}")
        con.execute(f"CREATE OR REPLACE TABLE published.{MANIFEST} AS SELECT * FROM src_manifest")
    finally:
        con.execute("DETACH published")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def model_files(layers: list[str]) -> dict[str, Path]:
    return {p.stem: p for layer in layers for p in sorted((MODELS / layer).glob("*.sql"))}


def wave_local(layers: list[str]) -> set[str]:
    """The table models of the layers marked `-- incremental: survey, wave` (see run_models)."""
    return {name for name, path in model_files(layers).items() if _INCREMENTAL.search(path.read_text(encoding="utf-8"))}


BUILD_WAVES = "build_waves"   # the survey waves the model being made computes (a temporary table)


def run_models(con: duckdb.DuckDBPyConnection, layers: list[str],
               waves: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """Create the models of the given layers, each after the models it reads. waves: an
    incremental build's new survey waves; a table model marked `-- incremental: survey, wave`
    (its rows of a survey wave depend only on that wave's inputs and the configuration) then
    replaces only those waves' rows, so the waves already built are not computed again. Such a
    model may read `build_waves`, the waves it computes (every loaded wave when made anew), where
    a filter on its result cannot reach its inputs (a roll-up joined on integer unit keys).
    Returns how each model was made: 'view', 'table', or 'rows of the new waves'."""
    wanted = model_files(layers)
    graph = {}
    for name, path in wanted.items():
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        graph[name] = {dep for dep in re.findall(r"\b([a-z_][a-z0-9_]*)\b", sql) if dep in wanted and dep != name}
    existing = {n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()}
    where = " or ".join(["(survey = ? and wave = ?)"] * len(waves or []))
    params = [value for wave in waves or [] for value in wave]
    done: dict[str, str] = {}
    scope = None
    for name in TopologicalSorter(graph).static_order():
        path = wanted[name]
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        match = _MATERIALIZED.search(sql)
        kind = match.group(1) if match else LAYERS[path.parent.name]
        incremental = bool(waves) and kind == "table" and bool(_INCREMENTAL.search(sql)) and name in existing
        if BUILD_WAVES in sql and scope != incremental:
            con.execute(f"CREATE OR REPLACE TEMPORARY TABLE {BUILD_WAVES} AS SELECT DISTINCT survey, wave FROM src_waves"
                        + (f" WHERE {where}" if incremental else ""), params if incremental else None)
            scope = incremental
        if incremental:
            con.execute(f"DELETE FROM {name} WHERE {where}", params)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM (\n{sql}\n) WHERE {where}", params)
            done[name] = "rows of the new waves"
        else:
            con.execute(f"CREATE OR REPLACE {kind.upper()} {name} AS\n{sql}")
            done[name] = kind
    return done
