"""Score step, in two parts around the suppression stage (pipeline/disclosure.py): `figures`
builds the staging views, dimensions and facts over the loaded `src_` tables and every private
figure (models/intermediate, where the roll-up of docs/method.md is written in SQL); `publish`
builds the published marts and analyst views from the stage's decisions, and audits them.
t_quantiles() is the reference table the intervals use."""
from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from pipeline import disclosure
from pipeline.errors import SammenError
from pipeline.warehouse import run_models

T_TABLE_MAX_DF = 100_000   # beyond this the 97.5 % t quantile is 1.95996 to five decimals


def t_quantiles() -> pl.DataFrame:
    """97.5 % quantiles of the t distribution by degrees of freedom, for 95 % intervals in SQL."""
    df = np.arange(1, T_TABLE_MAX_DF + 1)
    return pl.DataFrame({"df": df, "t975": stats.t.ppf(0.975, df)})


class AnonymityBreach(SammenError):
    """The audit found a published figure that reveals a small group: nothing is published."""


def figures(con: duckdb.DuckDBPyConnection, waves: list[tuple[str, str]] | None = None) -> None:
    """The staging views, dimensions, facts and every private figure (models/intermediate); in
    an incremental build (`waves`: the new ones) wave-local models add only those waves' rows."""
    run_models(con, ["staging", "core", "intermediate"], waves)


def publish(con: duckdb.DuckDBPyConnection, waves: list[tuple[str, str]] | None = None) -> dict:
    """After the suppression stage (pipeline/disclosure.py): the published marts and views, and
    their audit (of the given survey waves, or all). Returns the figures hidden per kind and
    rule, and the audit's result; raises AnonymityBreach if the audit finds anything."""
    run_models(con, ["marts", "views"], waves)
    result = disclosure.audit(con, waves)
    if result["small_groups"] or result["hidden_with_figures"]:
        raise AnonymityBreach(
            f"anonymitetskontrollen fandt {result['small_groups']} grupper under minimum, der kan udledes, og "
            f"{result['hidden_with_figures']} skjulte tal, der stadig har et tal; lageret er ikke udskiftet")
    decisions = con.sql("select figure, family, rule from disclosure").pl()
    counts = decisions.group_by("figure").agg(
        pl.len().alias("figures"),
        *[(pl.col("rule") == rule).sum().alias(rule) for rule in ("primary", "complementary", "together", "lineage")])
    return {"figures": {r.pop("figure"): r for r in counts.sort("figure").iter_rows(named=True)},
            "families": decisions["family"].drop_nulls().n_unique(), **result}
