"""Score step: the marts, where the scoring method of design/scoring.md is written in SQL,
and the analyst views over them. t_quantiles() is the reference table the intervals use."""
from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from pipeline.warehouse import run_models

T_TABLE_MAX_DF = 100_000   # beyond this the 97.5 % t quantile is 1.95996 to five decimals


def t_quantiles() -> pl.DataFrame:
    """97.5 % quantiles of the t distribution by degrees of freedom, for 95 % intervals in SQL."""
    df = np.arange(1, T_TABLE_MAX_DF + 1)
    return pl.DataFrame({"df": df, "t975": stats.t.ppf(0.975, df)})


def score(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Build the marts (the scoring method lives in their SQL) and the analyst views."""
    return run_models(con, ["marts", "views"])
