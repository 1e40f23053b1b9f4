"""Score step: the marts, where the scoring method of design/scoring.md is written in SQL,
and the analyst views over them. t_quantiles() is the reference table the intervals use."""
from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
from scipy import stats

from pipeline.anonymity import suppress
from pipeline.warehouse import run_models

T_TABLE_MAX_DF = 100_000   # beyond this the 97.5 % t quantile is 1.95996 to five decimals


def t_quantiles() -> pl.DataFrame:
    """97.5 % quantiles of the t distribution by degrees of freedom, for 95 % intervals in SQL."""
    df = np.arange(1, T_TABLE_MAX_DF + 1)
    return pl.DataFrame({"df": df, "t975": stats.t.ppf(0.975, df)})


GROUP_MARTS = {"mart_competency_scores", "mart_item_means", "mart_response_rates"}   # figures about groups


def score(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Build the marts (the scoring method lives in their SQL), hide further groups so
    that no subtraction reveals a small one, then the marts that read them and the views.
    Returns how many groups were hidden by each rule."""
    run_models(con, ["marts"], only=GROUP_MARTS)
    counts = complementary_suppression(con)
    run_models(con, ["marts", "views"], skip=GROUP_MARTS)
    return counts


def _same_role_parents(parent: dict[str, str | None], role: dict[str, str]) -> dict[str, str | None]:
    """Each unit's nearest ancestor led at the same role level: the units whose competency
    scores are the same measure (the items mapped to that role) on nested groups."""
    out = {}
    for unit in parent:
        up = parent[unit]
        while up is not None and role.get(up) != role.get(unit):
            up = parent.get(up)
        out[unit] = up
    return out


def complementary_suppression(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Secondary suppression (design/scoring.md §4). A subtraction isolates a group only
    between figures of the same measure on nested groups, so a family is:
    - a competency score in one wave, over units led at the same role level (other role
      levels are scored on other items: their difference isolates no one's answers);
    - an item's mean in one wave, over all units showing it (the same answers at every
      level), for items about the workplace; items about the nearest leader give disjoint
      groups, with nothing to subtract;
    - the number of respondents in one wave, over the whole organisation (response rates)."""
    parents, roles = {}, {}
    for survey, wave, unit, parent, role in con.execute(
            "select survey, wave, unit_id, parent_id, leader_role from dim_unit_wave").fetchall():
        parents.setdefault((survey, wave), {})[unit] = parent
        roles.setdefault((survey, wave), {})[unit] = role
    minimum = dict(con.execute("select survey, min_group_size from dim_survey").fetchall())
    families: dict[tuple, dict[str, int]] = {}
    for figure, sql in (
            ("competency_score", "select survey, wave, competency, unit_id, n from mart_competency_scores"),
            ("item_mean", "select distinct survey, wave, item_code, unit_id, n from mart_item_means where scope = 'area'"),
            ("response_count", "select survey, wave, '' as key, unit_id, n from mart_response_rates")):
        for *key, unit, n in con.execute(sql).fetchall():
            families.setdefault((figure, *key), {})[unit] = n
    hidden, primary = [], 0
    for (figure, survey, wave, *rest), n in families.items():
        tree = parents[(survey, wave)]
        if figure == "competency_score":
            tree = _same_role_parents(tree, roles[(survey, wave)])
        first, second = suppress(tree, n, minimum[survey], measured=set(n))
        primary += len(first)
        hidden += [(figure, survey, wave, *rest, unit) for unit in second]
    frame = pl.DataFrame(hidden, schema={c: pl.String for c in ("figure", "survey", "wave", "key", "unit_id")}, orient="row")
    con.register("_hidden", frame)
    con.execute("""
        update mart_competency_scores m set suppressed = true, score = null, sd = null, ci_low = null, ci_high = null
        from _hidden h where h.figure = 'competency_score' and h.survey = m.survey and h.wave = m.wave
         and h.key = m.competency and h.unit_id = m.unit_id""")
    con.execute("""
        update mart_item_means m set suppressed = true, mean = null
        from _hidden h where h.figure = 'item_mean' and h.survey = m.survey and h.wave = m.wave
         and h.key = m.item_code and h.unit_id = m.unit_id""")
    con.execute("""
        update mart_response_rates m set suppressed = true, respondents = null, response_rate = null, low_rate = false
        from _hidden h where h.figure = 'response_count' and h.survey = m.survey and h.wave = m.wave
         and h.unit_id = m.unit_id""")
    con.execute("create or replace table mart_secondary_suppression as select * from _hidden")
    con.unregister("_hidden")
    groups = {f: sum(len(n) for k, n in families.items() if k[0] == f) for f in ("competency_score", "item_mean", "response_count")}
    secondary = dict(frame.group_by("figure").len().iter_rows())
    return {"groups": sum(groups.values()), "primary": primary, "secondary": frame.height,
            "competency_score_groups": groups["competency_score"],
            "competency_score_secondary": secondary.get("competency_score", 0),
            "item_mean_groups": groups["item_mean"], "item_mean_secondary": secondary.get("item_mean", 0),
            "response_count_groups": groups["response_count"],
            "response_count_secondary": secondary.get("response_count", 0)}
