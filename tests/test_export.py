"""The Parquet export holds the published tables, Hive-partitioned, and nothing private."""
from __future__ import annotations

import duckdb
import polars as pl

from pipeline.cli import main


def test_the_parquet_export_is_the_published_layer_partitioned_by_survey_and_wave(demo_site, tmp_path) -> None:
    settings, _ = demo_site
    out = tmp_path / "export"
    assert main(["export", "--parquet", str(out), "--warehouse", str(settings.warehouse)]) == 0
    assert main(["export", "--parquet", str(out), "--warehouse", str(settings.warehouse)]) == 0   # replaces itself
    names = {p.name for p in out.iterdir()}
    assert {"mart_competency_scores", "disclosure", "competency_scores", "units"} <= names
    assert not {n for n in names if n.startswith(("int_", "fct_", "src_", "stg_"))} and "responses" not in names
    scores = pl.read_parquet(out / "mart_competency_scores" / "**" / "*.parquet", hive_partitioning=True)
    assert (out / "mart_competency_scores" / "survey=trivsel").is_dir()
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    expected = con.execute("select count(*), count(score), sum(n) from mart_competency_scores").fetchone()
    waves = {r[0] for r in con.execute("select distinct wave from mart_competency_scores where survey = 'trivsel'").fetchall()}
    con.close()
    assert (scores.height, scores["score"].count(), scores["n"].sum()) == expected
    assert {p.name for p in (out / "mart_competency_scores" / "survey=trivsel").iterdir()} == {f"wave={w}" for w in waves}
    assert pl.read_parquet(out / "units" / "data.parquet").height > 0
