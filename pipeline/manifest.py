"""What a warehouse was built from: one digest of everything but the exports (configuration,
organisation files, anonymity settings, pseudonym key, the pipeline's own code) and one per
export. The next build compares them to decide whether it may add new exports' waves to the
live warehouse (an incremental build) or must build it anew."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Settings
from pipeline.organisation import FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE

CODE = Path(__file__).parent
SCHEMA = {"kind": pl.String, "name": pl.String, "digest": pl.String}
CONFIGURATION = "configuration"


def digest_file(path: Path) -> str:
    """A file's digest; a folder's (a SurveyXact export) is over its files' names and digests."""
    h = hashlib.blake2b(digest_size=20)
    if path.is_dir():
        for part in sorted(p for p in path.iterdir() if p.is_file()):
            h.update(f"{part.name}={digest_file(part)};".encode())
        return h.hexdigest()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def configuration_digest(settings: Settings, key: bytes) -> str:
    """Everything a build reads besides the exports; a change means a full rebuild."""
    files = [settings.framework, settings.mapping, settings.columns, *sorted(settings.instruments.glob("*.yaml")),
             *(settings.raw / name for name in (FILE_NAME, HEADCOUNT_FILE, LINEAGE_FILE)),
             *sorted(CODE.rglob("*.py")), *sorted(CODE.rglob("*.sql"))]
    h = hashlib.blake2b(digest_size=20)
    for path in files:
        h.update(f"{path.name}={digest_file(path) if path.exists() else '-'};".encode())
    h.update(repr((settings.min_group_size, sorted(settings.min_group_size_per_survey.items()),
                   settings.hide_unit_together, settings.fieldwork_days, settings.breakdown_by,
                   settings.breakdown_areas)).encode())
    h.update(hashlib.blake2b(key).digest())   # a new key gives other respondent keys
    return h.hexdigest()


def manifest(configuration: str | None, exports: dict[str, str]) -> pl.DataFrame:
    """Rows for `src_manifest`: the configuration's digest (None: leave it as it is) and each export's."""
    rows = [(CONFIGURATION, "", configuration)] if configuration else []
    return pl.DataFrame(rows + [("export", name, d) for name, d in sorted(exports.items())], schema=SCHEMA, orient="row")


def read_manifest(warehouse: Path) -> tuple[str | None, dict[str, str], dict[tuple[str, str], date]]:
    """(configuration digest, export digests, each (survey, wave)'s date) of a warehouse; empty
    when it has none."""
    if not warehouse.exists():
        return None, {}, {}
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None, {}, {}
    try:
        rows = con.execute("select kind, name, digest from src_manifest").fetchall()
        waves = {(s, w): d for s, w, d in con.execute(
            "select survey, wave, max(wave_date) from src_waves group by survey, wave").fetchall()}
    except duckdb.Error:
        return None, {}, {}
    finally:
        con.close()
    return (next((d for k, _, d in rows if k == CONFIGURATION), None),
            {n: d for k, n, d in rows if k == "export"}, waves)
