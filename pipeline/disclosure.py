"""The suppression stage: the one place that decides which figures are published.

It reads every figure the private layer computed (`int_figures`, plus the trends stitched over
predecessors), places each in its family (pipeline/anonymity.py), applies the rules of
docs/method.md §4 and writes one table, `disclosure`: for every figure its family, node,
shown or hidden, and the rule that hid it. The published marts join it and blank what is
hidden; nothing downstream (marts, views, dashboard, exports) decides anything again.

Rules, in the order they are applied:
- primary:       the figure's group has fewer respondents than the survey's minimum;
- complementary: subtracting shown figures of the same measure would isolate a small group;
- together:      (only with `anonymity.hide_unit_together`) another figure of the unit in the
                 same survey wave is hidden, so all of them are;
- lineage:       a wave scored over a unit's predecessors, hidden unless every predecessor's
                 own figure is shown (the union then reveals nothing they do not).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from pipeline import breakdowns
from pipeline.anonymity import SUBTRACTABLE, settle

DECISION_SCHEMA = {"figure": pl.String, "survey": pl.String, "wave": pl.String, "unit_id": pl.String,
                   "key": pl.String, "family": pl.String, "part": pl.String, "node": pl.Int64,
                   "parent_node": pl.Int64, "shown": pl.Boolean, "rule": pl.String,
                   # a mixed figure's own respondents (the audit's twins): their measure, and the node
                   # their part hangs from in that measure's family
                   "own_family": pl.String, "own_parent_node": pl.Int64}


FIGURE_NAMES = {"competency_score": "Kompetencescorer", "item_mean": "Spørgsmålsgennemsnit",   # for HR, in Danish
                "respondent_count": "Antal besvarelser", "stitched_score": "Udvikling målt på forgængere",
                "breakdown_score": "Kompetencescorer fordelt på baggrund"}
PART_RANK = {"own": 0, "below": 1, "mixed": 2, "unit": 3}   # inner to outer within a unit
NODE_KEYS = ["survey", "wave", "family", "unit_id", "part", "tag"]
_NO_OWN_PART = {"own_family": pl.lit(None, pl.String), "own_parent_node": pl.lit(None, pl.Int64)}   # not mixed
RULE_NAMES = pl.Series([None, "complementary", "primary", "together"], dtype=pl.String)   # a node's rule, by code
NO_TAG = 0   # measures are integer codes from 1 while deciding (decide), in the order of their texts


def place(figures: pl.DataFrame, packing: Packing) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Each figure's family and part (pipeline/anonymity.py; measures as integer codes, see
    `decide`), and the nodes: figures with the same placement cover the same (respondent, value)
    pairs and are one node.

    A mixed figure also adds its own part as a node twice, figure or not: in its own measure's
    family (where an own figure of the unit may show it) and inside the mixed node (tagged), as
    what subtracting it would take away. The two are one group, so they share one fate (`twins`).
    Returns (figures with family, part, node; nodes with their n; twins: node pairs)."""
    part = (pl.when(pl.col("n") <= 0).then(None)
            .when(pl.col("n") <= pl.col("n_own")).then(pl.lit("own"))
            .when(pl.col("n_own") == 0).then(pl.lit("below"))
            .when(pl.col("own_measure") == pl.col("below_measure")).then(pl.lit("unit"))
            .otherwise(pl.lit("mixed")))
    placed = figures.with_columns(part=part).with_columns(
        family=pl.when(pl.col("part") == "own").then("own_measure")
        .when(pl.col("part").is_not_null()).then("below_measure"),
        tag=pl.when(pl.col("part") == "mixed").then("own_measure").otherwise(pl.lit(NO_TAG, dtype=pl.Int64)))
    mixed = placed.filter(pl.col("part") == "mixed").select(
        "survey", "wave", "unit_id", "own_measure", "below_measure", pl.col("n_own").alias("n"), part=pl.lit("own"))
    twin_keys = mixed.select("survey", "wave", "unit_id", "own_measure", "below_measure").unique(maintain_order=True)
    own_part = mixed.select("survey", "wave", pl.col("own_measure").alias("family"), "unit_id", "part",
                            tag=pl.lit(NO_TAG, dtype=pl.Int64), n="n")
    inside = mixed.select("survey", "wave", pl.col("below_measure").alias("family"), "unit_id", "part",
                          pl.col("own_measure").alias("tag"), "n")
    candidates = pl.concat([placed.filter(pl.col("part").is_not_null()).select(*NODE_KEYS, "n"), own_part, inside])
    nodes = (candidates.group_by(packing.node(), maintain_order=True)
             .agg(pl.col(NODE_KEYS).first(), pl.col("n").first(), n_differ=pl.col("n").n_unique() > 1)
             .with_row_index("node").with_columns(pl.col("node").cast(pl.Int64)))
    if nodes["n_differ"].any():
        raise RuntimeError("figures with the same placement differ in n: the families are inconsistent")
    node_of = nodes.select(*NODE_KEYS, "node", "node_key")
    twins = (twin_keys
             .join(node_of.filter(pl.col("part") == "own", pl.col("tag") == NO_TAG),
                   left_on=["survey", "wave", "own_measure", "unit_id"], right_on=["survey", "wave", "family", "unit_id"])
             .join(node_of.filter(pl.col("part") == "own", pl.col("tag") != NO_TAG),
                   left_on=["survey", "wave", "below_measure", "unit_id", "own_measure"],
                   right_on=["survey", "wave", "family", "unit_id", "tag"], suffix="_inside")
             .select("node", "node_inside"))
    return (placed.with_columns(packing.node()).join(node_of.select("node_key", "node"), on="node_key", how="left",
                                                     maintain_order="left").drop("node_key"),
            nodes.drop("n_differ", "node_key"), twins)


def ancestors(units: pl.DataFrame) -> pl.DataFrame:
    """survey, wave, unit_id, ancestor_id, depth (1 = parent) from each wave's parent links."""
    links = units.select("survey", "wave", "unit_id", "parent_id")
    level = links.filter(pl.col("parent_id").is_not_null()).select(
        "survey", "wave", "unit_id", pl.col("parent_id").alias("ancestor_id"), pl.lit(1).alias("depth"))
    out = []
    while level.height and len(out) < 100:            # organisation.py rejects cycles; 100 levels is a guard
        out.append(level)
        level = (level.join(links, left_on=["survey", "wave", "ancestor_id"], right_on=["survey", "wave", "unit_id"])
                 .filter(pl.col("parent_id").is_not_null())
                 .select("survey", "wave", "unit_id", pl.col("parent_id").alias("ancestor_id"), pl.col("depth") + 1))
    return pl.concat(out) if out else level


def nest(nodes: pl.DataFrame, units: pl.DataFrame, packing: Packing) -> pl.DataFrame:
    """Each node's parent: the next node of its family that covers it. At its own unit an own
    node is covered by the mixed node it is the own part of (tagged), else by the unit node;
    below < mixed < unit cover each other in that order; past those, the innermost covering node
    (not own) of the nearest unit above that has one. Also each node's unit depth and part rank,
    which order children before parents."""
    unit_of, family_unit_of = packing.unit, packing.family_unit
    ranked = (nodes.with_columns(rank=pl.col("part").replace_strict(PART_RANK), fu=family_unit_of(pl.col("unit_id")),
                                 su=unit_of(pl.col("unit_id")))
              .sort("fu", "rank", "tag"))   # as by survey, wave, family, unit_id, rank, tag
    cover = ranked.filter(pl.col("part") != "own")
    cover = cover.with_columns(next=pl.when(pl.col("fu") == pl.col("fu").shift(-1)).then(pl.col("node").shift(-1)))
    innermost = cover.group_by("fu").agg(pl.col("node").first().alias("innermost"))
    whole = ranked.filter(pl.col("part") == "unit").select("fu", pl.col("node").alias("whole"))
    mixed = ranked.filter(pl.col("part") == "mixed").select("fu", "tag", pl.col("node").alias("mixed"))
    up = nearest_above(ranked.select("fu", "survey", "wave", "family", "unit_id").unique("fu"), units, innermost,
                       unit_of, family_unit_of)
    depth = (ancestors(units).group_by("survey", "wave", "unit_id").agg(pl.len().alias("unit_depth"))
             .select(unit_of(pl.col("unit_id")).alias("su"), "unit_depth"))
    # order kept: the greedy visits nodes in this order, so a rebuild decides the same way
    return (ranked.join(cover.select("node", "next"), on="node", how="left", maintain_order="left")
            .join(depth, on="su", how="left", maintain_order="left")
            .join(whole, on="fu", how="left", maintain_order="left")
            .join(up, on="fu", how="left", maintain_order="left")
            .join(mixed, on=["fu", "tag"], how="left", maintain_order="left")
            .with_columns(parent_node=pl.when(pl.col("part") == "own").then(pl.coalesce("mixed", "whole", "up"))
                          .otherwise(pl.coalesce("next", "up")))
            .select("node", *NODE_KEYS, "n", "parent_node", pl.col("unit_depth").fill_null(0), "rank"))


Packer = Callable[[pl.Expr], pl.Expr]


@dataclass(frozen=True)
class Packing:
    """Several of `decide`'s integer codes as one integer that sorts as they do: polars joins
    and groups on one integer about three times as fast as on four columns. The sizes are how
    many codes each has (surveys, waves, measures with NO_TAG, units)."""
    surveys: int
    waves: int
    measures: int
    units: int

    def __post_init__(self) -> None:
        if self.surveys * self.waves * self.measures * self.units * len(PART_RANK) * self.measures >= 2 ** 62:
            raise RuntimeError("too many survey waves, measures and units to pack into one integer key")

    def unit(self, unit: pl.Expr) -> pl.Expr:
        """(survey, wave, unit) of the row's survey wave."""
        return self._wave() * self.units + unit

    def family_unit(self, unit: pl.Expr) -> pl.Expr:
        """(survey, wave, family, unit) of the row's survey wave and family."""
        return (self._wave() * self.measures + pl.col("family")) * self.units + unit

    def node(self) -> pl.Expr:
        """NODE_KEYS, as `node_key`."""
        part = pl.col("part").replace_strict(PART_RANK, return_dtype=pl.Int64)
        unit_part = self.family_unit(pl.col("unit_id")) * len(PART_RANK) + part
        return (unit_part * self.measures + pl.col("tag")).alias("node_key")

    def _wave(self) -> pl.Expr:
        return pl.col("survey").cast(pl.Int64) * self.waves + pl.col("wave").cast(pl.Int64)


def nearest_above(keys: pl.DataFrame, units: pl.DataFrame, innermost: pl.DataFrame,
                  unit_of: Packer, family_unit_of: Packer) -> pl.DataFrame:
    """fu, up: for each unit in a family of `keys` (fu, survey, wave, family, unit_id), the
    innermost covering node of the nearest unit above that has one in the family (`innermost`:
    fu, innermost). One step up the tree per join, and only for those not yet found (most find
    their parent unit's), never every ancestor at once."""
    links = units.select(unit_of(pl.col("unit_id")).alias("su"), "parent_id")
    todo = keys.with_columns(at="unit_id")
    found = []
    for _ in range(100):                                # organisation.py rejects cycles; 100 levels is a guard
        todo = (todo.with_columns(su=unit_of(pl.col("at"))).join(links, on="su").drop("at", "su")
                .rename({"parent_id": "at"}).filter(pl.col("at").is_not_null())
                .with_columns(fa=family_unit_of(pl.col("at")))
                .join(innermost.rename({"fu": "fa"}), on="fa", how="left").drop("fa"))
        found.append(todo.filter(pl.col("innermost").is_not_null()).select("fu", up="innermost"))
        todo = todo.filter(pl.col("innermost").is_null()).drop("innermost")
        if not todo.height:
            break
    return pl.concat(found)


def decide(figures: pl.DataFrame, units: pl.DataFrame, minimum: dict[str, int],
           together: bool = False) -> pl.DataFrame:
    """Decide every figure. figures: figure, survey, wave, unit_id, key, n, n_own, own_measure,
    below_measure (int_figures); units: survey, wave, unit_id, parent_id (the tree per wave).
    Returns one row per figure, in the order given."""
    measures = pl.concat([figures["own_measure"], figures["below_measure"]]).unique().sort()
    codes = pl.Series(range(NO_TAG + 1, NO_TAG + 1 + len(measures)), dtype=pl.Int64)
    # survey, wave and unit as integer codes in the order of their texts: fast to sort, group and
    # join on, and nodes are ordered (which decides ties) as by the texts themselves
    keys = {"survey": _code(figures["survey"], units["survey"]), "wave": _code(figures["wave"], units["wave"]),
            "unit_id": _code(figures["unit_id"], units["unit_id"], units["parent_id"])}
    packing = Packing(*(len(keys[c]["old"]) for c in ("survey", "wave")), len(measures) + 1, len(keys["unit_id"]["old"]))
    placed, nodes, twins = place(figures.with_columns(
        pl.col("own_measure", "below_measure").replace_strict(measures, codes, return_dtype=pl.Int64),
        *[pl.col(c).alias(f"{c}_text") for c in keys], *[pl.col(c).cast(pl.String).replace_strict(**m) for c, m in keys.items()]),
        packing)
    units = units.with_columns(*[pl.col(c).cast(pl.String).replace_strict(**m) for c, m in keys.items()],
                               pl.col("parent_id").cast(pl.String).replace_strict(**keys["unit_id"], default=None))
    least_of = {code: minimum[text] for text, code in zip(keys["survey"]["old"], keys["survey"]["new"])}
    nodes = nest(nodes, units, packing).with_row_index("at")   # `at`: the node's index in the forest below
    at = nodes.select("node", pl.col("at").cast(pl.Int64))
    forest = nodes.join(at.rename({"node": "parent_node", "at": "parent_at"}), on="parent_node", how="left",
                        maintain_order="left").with_columns(
        least=pl.col("survey").replace_strict(least_of, return_dtype=pl.Int64),
        unit=pl.struct("survey", "wave", "unit_id").rank("dense"))
    parent = forest["parent_at"].fill_null(-1).to_numpy()
    n = forest["n"].fill_null(0).to_numpy().astype(np.int64)
    least = forest["least"].to_numpy()
    subtractable = forest["part"].is_in(list(SUBTRACTABLE)).to_numpy()
    unit = forest["unit"].to_numpy()
    # children before parents: deeper units first, and within a unit inner parts first
    order = forest.select(pl.col("at").cast(pl.Int64), "unit_depth", "rank", "tag").sort(
        pl.col("unit_depth"), "rank", "tag", descending=[True, False, False], maintain_order=True)["at"].to_numpy()
    pairs = twins.join(at, on="node").join(at.rename({"node": "node_inside", "at": "at_inside"}), on="node_inside")
    own_part, inside = pairs["at"].to_numpy(), pairs["at_inside"].to_numpy()
    one, other = np.concatenate([own_part, inside]), np.concatenate([inside, own_part])

    primary = n < least
    forced_units = np.zeros(int(unit.max(initial=0)) + 1, dtype=bool)   # units whose figures are hidden together
    forced_twins = np.zeros(len(n), dtype=bool)                         # nodes hidden because their twin is
    while True:
        together_here = forced_units[unit]
        secondary = settle(parent, n, least, subtractable, primary | together_here | forced_twins, order)
        hidden = primary | together_here | forced_twins | secondary
        twins_hidden = other[hidden[one] & ~hidden[other]]
        # a hidden own part is still there to subtract when a shown figure of its measure leaves
        # exactly it (an area whose only respondents are that unit's own): then its mixed figure goes
        mixed_hidden = parent[inside[_still_derivable(parent, n, subtractable, hidden, own_part, inside)]]
        mixed_hidden = mixed_hidden[~hidden[mixed_hidden]]
        units_hidden = np.unique(unit[hidden]) if together else np.zeros(0, dtype=np.int64)
        if forced_units[units_hidden].all() and not twins_hidden.size and not mixed_hidden.size:
            break
        forced_units[units_hidden] = True
        forced_twins[twins_hidden] = True
        forced_twins[mixed_hidden] = True
    rule = np.where(together_here, 3, np.where(primary, 2, np.where(hidden, 1, 0)))   # RULE_NAMES: as codes, not texts
    small = pl.col("n") < pl.col("survey").replace_strict(least_of, return_dtype=pl.Int64)
    # node ids as written are numbered within their survey wave, so deciding one wave alone (an
    # incremental build) writes the same ids as deciding all waves together. Node ids are 0..N-1
    # (place): each node's values are gathered by id, faster than joining on it.
    at_of = np.empty(len(forest), dtype=np.int64)
    at_of[forest["node"].to_numpy()] = np.arange(len(forest))
    at_of = pl.Series(at_of)
    local = nodes.select(pl.col("node").rank("dense").over("survey", "wave").cast(pl.Int64) - 1)["node"].gather(at_of)
    by_node = pl.DataFrame({"local": local, "local_parent": local.gather(forest["parent_node"].gather(at_of)),
                            "node_rule": RULE_NAMES.gather(pl.Series(rule).gather(at_of)),
                            "own_parent_node": _own_parents(twins, forest, local)})
    node = placed["node"]
    return (placed.with_columns(*[by_node[c].gather(node) for c in by_node.columns])
            .with_columns(node="local", parent_node="local_parent",
                          family=pl.col("family").replace_strict(codes, measures, default=None),
                          own_family=pl.when(pl.col("part") == "mixed")
                          .then(pl.col("tag").replace_strict(codes, measures, default=None)))
            .with_columns(rule=pl.when(pl.col("node").is_null() | small).then(pl.lit("primary"))
                          .otherwise(pl.col("node_rule")))
            .select("figure", *[pl.col(f"{c}_text").alias(c) for c in keys], "key", "family", "part", "node", "parent_node",
                    shown=pl.col("rule").is_null(), rule="rule", own_family="own_family",
                    own_parent_node="own_parent_node")
            .cast(DECISION_SCHEMA))


def _own_parents(twins: pl.DataFrame, forest: pl.DataFrame, local: pl.Series) -> pl.Series:
    """By node id: the node a mixed node's own part hangs from in its own measure's family (local
    id; null for other nodes). The own part has no figure of its own; the audit looks from there
    up for a shown figure that leaves exactly it (`check`)."""
    parent_of = forest.select("node", "parent_node")
    own = (twins.join(parent_of.rename({"node": "node_inside", "parent_node": "mixed"}), on="node_inside")
           .join(parent_of.rename({"parent_node": "own_parent"}), on="node"))
    return pl.Series([None] * len(local), dtype=pl.Int64).scatter(own["mixed"], local.gather(own["own_parent"]))


def _still_derivable(parent: np.ndarray, n: np.ndarray, subtractable: np.ndarray, hidden: np.ndarray,
                     own_part: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """For each hidden twin (own part, its tagged node inside a shown mixed figure): whether its
    respondents can still be derived. Either the own part itself can be subtracted — the nearest
    shown node above it in its own measure's family, less the shown nodes below that, leaves
    exactly it — or the mixed figure's part below can: the nearest shown node above the mixed
    node, less the shown nodes below that outside the mixed node, leaves exactly the mixed
    figure less its own part (a unit above whose only respondents on those items are the ones
    below this unit). Returns a mask over the pairs."""
    out = np.zeros(len(own_part), dtype=bool)
    todo = np.flatnonzero(hidden[own_part] & hidden[inside] & ~hidden[parent[inside]])
    if not todo.size:
        return out
    shown_up = ~hidden & subtractable
    by_parent = np.argsort(parent, kind="stable")   # children grouped by parent (roots, -1, first)
    first = np.searchsorted(parent[by_parent], np.arange(len(parent) + 1))

    def rest(node: int, skip: int = -1) -> int | None:
        """The nearest shown subtractable node above `node`, less the nearest such nodes below
        it (not in the subtree of `skip`); None if there is none above."""
        above = parent[node]
        while above >= 0 and not shown_up[above]:
            above = parent[above]
        if above < 0:
            return None
        total, stack = int(n[above]), by_parent[first[above]:first[above + 1]].tolist()
        while stack:
            k = stack.pop()
            if k == skip:
                continue
            if shown_up[k]:
                total -= int(n[k])
            else:
                stack.extend(by_parent[first[k]:first[k + 1]].tolist())
        return total

    for pair in todo.tolist():
        mixed = parent[inside[pair]]
        out[pair] = (rest(own_part[pair]) == n[own_part[pair]]
                     or rest(mixed, skip=mixed) == n[mixed] - n[inside[pair]])
    return out


def _code(*columns: pl.Series) -> dict:
    """replace_strict's arguments that turn each distinct text into its rank in sorted order."""
    texts = pl.concat([c.cast(pl.String) for c in columns]).drop_nulls().unique().sort()
    return {"old": texts, "new": pl.Series(range(len(texts)), dtype=pl.Int64), "return_dtype": pl.Int64}


def decide_lineage(stitched: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """Stitched trend figures. stitched: survey, wave, unit_id, key (competency), n, one row per
    predecessor with `predecessor_id` and `same_role` (its own figure is scored at the unit's
    role). Shown only when every predecessor's own figure is shown."""
    own = decisions.filter(pl.col("figure") == "competency_score").select(
        "survey", "wave", pl.col("unit_id").alias("predecessor_id"), "key", pl.col("shown").alias("predecessor_shown"))
    verdict = (stitched.join(own, on=["survey", "wave", "predecessor_id", "key"], how="left")
               .group_by("survey", "wave", "unit_id", "key", maintain_order=True)
               .agg((pl.col("same_role").fill_null(False) & pl.col("predecessor_shown").fill_null(False)).all()
                    .alias("shown")))
    return verdict.select(
        pl.lit("stitched_score").alias("figure"), "survey", "wave", "unit_id", "key",
        pl.lit(None, pl.String).alias("family"), pl.lit(None, pl.String).alias("part"),
        pl.lit(None, pl.Int64).alias("node"), pl.lit(None, pl.Int64).alias("parent_node"), "shown",
        pl.when(pl.col("shown")).then(None).otherwise(pl.lit("lineage")).alias("rule"),
        **_NO_OWN_PART).cast(DECISION_SCHEMA)


STITCHED_SQL = """
    select s.survey, s.wave, s.unit_id, s.competency as key, s.n, l.predecessor_id, p.role = s.role as same_role
    from int_competency_scores as s
    join dim_unit_lineage as l using (unit_id)
    left join int_competency_scores as p
        on p.source = 'own' and p.survey = s.survey and p.wave = s.wave
       and p.unit_id = l.predecessor_id and p.competency = s.competency
    where s.source = 'predecessors'"""


def _in_waves(con: duckdb.DuckDBPyConnection, sql: str, waves: list[tuple[str, str]] | None,
              order: str = "") -> pl.DataFrame:
    """Rows of `sql`, only of the given (survey, wave)s when given."""
    if waves is None:
        return con.sql(f"select * from ({sql}) {order}").pl()
    con.register("_waves", pl.DataFrame(waves, schema={"survey": pl.String, "wave": pl.String}, orient="row"))
    try:
        return con.sql(f"select q.* from ({sql}) as q semi join _waves using (survey, wave) {order}").pl()
    finally:
        con.unregister("_waves")


def decide_wave(con: duckdb.DuckDBPyConnection, survey: str, wave: str, together: bool = False) -> pl.DataFrame:
    """Read one survey wave's private figures and decide them (writes nothing; stitched trends
    are decided by `decide_stitched`). Survey waves are decided independently of each other, so
    one at a time keeps memory to the largest wave's. Breakdown cells come last: they are decided
    against the unit figures' decisions."""
    one = [(survey, wave)]
    figures = _in_waves(con, "select * from int_figures", one, "order by figure, survey, wave, unit_id, key")
    units = _in_waves(con, "select survey, wave, unit_id, parent_id from dim_unit_wave", one)
    minimum = dict(con.execute("select survey, min_group_size from dim_survey").fetchall())
    is_cell = pl.col("figure") == "breakdown_score"
    decisions = decide(figures.filter(~is_cell), units, minimum, together)
    cells = figures.filter(is_cell)
    if cells.is_empty():
        return decisions
    counts = group_counts(con, survey, wave)
    return pl.concat([decisions, decide_breakdowns(cells, decisions, units, counts, minimum[survey])])


GROUP_COUNTS_SQL = """
    select unit_id, grp, measure, n from int_breakdown_group_counts
    where survey = $survey and wave = $wave
    order by all"""


def group_counts(con: duckdb.DuckDBPyConnection, survey: str, wave: str) -> pl.DataFrame:
    """One survey wave's group counts (models/intermediate/int_breakdown_group_counts.sql):
    unit_id, grp, measure, n. Constant filters: DuckDB prunes the other waves."""
    return con.sql(GROUP_COUNTS_SQL, params={"survey": survey, "wave": wave}).pl()


def decide_breakdowns(cells: pl.DataFrame, decisions: pl.DataFrame, units: pl.DataFrame, counts: pl.DataFrame,
                      minimum: int) -> pl.DataFrame:
    """Breakdown cells of one survey wave (pipeline/breakdowns.py), family by family: the regions
    are the remainders of the family's shown unit figures (`decisions`), an atom a unit's own
    respondents of one group (`counts`: unit_id, grp, measure, n), placed in its region and its
    innermost breakdown area. A family with a mixed figure, or respondents in an area that no shown
    figure covers, is not one `breakdowns` can decide: its cells are all hidden."""
    parent = dict(zip(units["unit_id"], units["parent_id"]))
    cells = cells.with_columns(grp=pl.col("key").str.splitn("|", 2).struct.field("field_1"),   # a group may hold "|"
                               family=pl.col("own_measure"))
    families = _atoms(decisions.filter(pl.col("node").is_not_null(), pl.col("family").is_in(cells["family"].unique()))
                      .unique("node"), counts, cells.select("family", "unit_id").unique(), units)
    hidden: dict[tuple, str] = {}
    for (family,), mine in cells.group_by("family", maintain_order=True):
        areas = set(mine["unit_id"])
        parent_area = {a: _nearest(parent.get(a), areas, parent) for a in areas}
        atoms, clean = families.get(family, ({}, True))
        n = breakdowns.cells(atoms, parent_area) if clean else {}
        if clean and any(n.get((a, g), 0) != c for a, g, c in mine.select("unit_id", "grp", "n").iter_rows()):
            raise RuntimeError("breakdown cells and their units' group counts differ: the sums are inconsistent")
        primary, secondary = (breakdowns.settle(atoms, parent_area, minimum) if clean
                              else (set(), {(a, g) for a, g in mine.select("unit_id", "grp").iter_rows()}))
        hidden.update({(family, *cell): "primary" for cell in primary}
                      | {(family, *cell): "complementary" for cell in secondary})
    rules = pl.DataFrame([(f, a, g, r) for (f, a, g), r in hidden.items()], orient="row",
                         schema={"family": pl.String, "unit_id": pl.String, "grp": pl.String, "rule": pl.String})
    return (cells.join(rules, on=["family", "unit_id", "grp"], how="left", maintain_order="left")
            .select("figure", "survey", "wave", "unit_id", "key", "family", pl.lit(None, pl.String).alias("part"),
                    pl.lit(None, pl.Int64).alias("node"), pl.lit(None, pl.Int64).alias("parent_node"),
                    shown=pl.col("rule").is_null(), rule="rule", **_NO_OWN_PART)
            .cast(DECISION_SCHEMA))


def _nearest(unit: str | None, among: set[str], parent: dict) -> str | None:
    """`unit` or the nearest unit above it that is in `among`."""
    while unit is not None and unit not in among:
        unit = parent.get(unit)
    return unit


def _atoms(nodes: pl.DataFrame, counts: pl.DataFrame, areas: pl.DataFrame,
           units: pl.DataFrame) -> dict[str, tuple[dict, bool]]:
    """Per family of one survey wave: {(region, innermost area, group): respondents}, and whether
    the family is clean (no mixed figure; every respondent in an area lies in a shown figure's
    region). nodes: family, unit_id, part, node, parent_node, shown (node ids unique in the wave);
    counts: unit_id, grp, measure (the family), n; areas: family, unit_id (the family's cells'
    units); units: survey, wave, unit_id, parent_id. A unit's respondents lie in the innermost
    figure over them (its own or unit figure, else the nearest unit above's below or unit
    figure), and their region is that figure's nearest shown node up the family's forest."""
    lineage = pl.concat([units.select("unit_id", ancestor_id="unit_id", depth=pl.lit(0, pl.Int64)),
                         ancestors(units).select("unit_id", "ancestor_id", pl.col("depth").cast(pl.Int64))])
    lineage = lineage.join(counts.select("unit_id").unique(), on="unit_id")   # only units with respondents
    over = _innermost(counts.select(pl.col("measure").alias("family"), "unit_id").unique(), nodes, units)
    region = _nearest_shown(nodes)
    area = (lineage.join(areas, left_on="ancestor_id", right_on="unit_id").sort("depth")
            .group_by("family", "unit_id").agg(pl.col("ancestor_id").first().alias("area")))
    placed = (counts.rename({"measure": "family"})   # in the counts' order, which the greedy's ties follow
              .join(over, on=["family", "unit_id"], how="left", maintain_order="left")
              .join(region, on="node", how="left", maintain_order="left")
              .join(area, on=["family", "unit_id"], how="left", maintain_order="left"))
    unclean = set(nodes.filter(pl.col("part") == "mixed")["family"]) | set(
        placed.filter(pl.col("region").is_null() & pl.col("area").is_not_null())["family"])
    atoms = (placed.filter(pl.col("region").is_not_null())
             .group_by("family", "region", "area", "grp", maintain_order=True).agg(pl.col("n").sum()))
    out: dict[str, tuple[dict, bool]] = {f: ({}, False) for f in unclean}
    for (family,), mine in atoms.group_by("family", maintain_order=True):
        if family not in unclean:
            out[family] = ({(r, a, g): n for r, a, g, n in mine.select("region", "area", "grp", "n").iter_rows()}, True)
    return out


def _innermost(pairs: pl.DataFrame, nodes: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """family, unit_id, node: for each (family, unit_id) of `pairs`, the innermost figure over the
    unit's own respondents: its own 'own' figure, else its 'unit' figure, else the nearest unit
    above's 'below' figure, else its 'unit' figure. One step up the tree per join, and only for
    the pairs not yet placed."""
    def first_of(parts: list[str]) -> pl.DataFrame:
        return (nodes.filter(pl.col("part").is_in(parts)).sort(pl.col("part").replace_strict(
            {p: i for i, p in enumerate(parts)}, return_dtype=pl.Int64))
            .group_by("family", "unit_id").agg(pl.col("node").first()).rename({"unit_id": "at"}))
    own, below = first_of(["own", "unit"]), first_of(["below", "unit"])
    links = units.select(pl.col("unit_id").alias("at"), "parent_id")
    todo = pairs.with_columns(at="unit_id").join(own, on=["family", "at"], how="left")
    found = [todo.filter(pl.col("node").is_not_null())]
    for _ in range(100):                # organisation.py rejects cycles; 100 levels is a guard
        todo = todo.filter(pl.col("node").is_null()).drop("node")
        if not todo.height:
            break
        todo = (todo.join(links, on="at").drop("at").rename({"parent_id": "at"}).filter(pl.col("at").is_not_null())
                .join(below, on=["family", "at"], how="left"))
        found.append(todo.filter(pl.col("node").is_not_null()))
    return pl.concat(found).select("family", "unit_id", "node")


def _nearest_shown(nodes: pl.DataFrame) -> pl.DataFrame:
    """node, region: each node's nearest shown node, itself or up its parents (none: null)."""
    ids = nodes["node"].to_numpy()
    size = int(ids.max()) + 1 if len(ids) else 0
    parent, shown = np.full(size, -1), np.zeros(size, dtype=bool)
    parent[ids] = nodes["parent_node"].fill_null(-1).to_numpy()
    shown[ids] = nodes["shown"].to_numpy()
    at = ids.copy()
    walking = ~shown[at]
    while walking.any():                # one level up per pass, for those not at a shown node yet
        at[walking] = parent[at[walking]]
        walking = (at >= 0) & ~shown[np.maximum(at, 0)]
    return pl.DataFrame({"node": ids, "region": at}, schema={"node": pl.Int64, "region": pl.Int64}).with_columns(
        region=pl.when(pl.col("region") >= 0).then("region"))


def decide_stitched(con: duckdb.DuckDBPyConnection, decisions: pl.DataFrame) -> pl.DataFrame:
    """Every wave's stitched trend figures, from the predecessors' decisions. All waves each time:
    a new wave in which a merged unit first appears adds stitched figures to the waves before it."""
    return decide_lineage(con.sql(f"select * from ({STITCHED_SQL}) order by all").pl(), decisions)


def decide_all(con: duckdb.DuckDBPyConnection, together: bool = False) -> pl.DataFrame:
    """Every survey wave's decisions (writes nothing): for comparing choices (anonymity-report)."""
    waves = con.execute("select survey, wave from dim_wave order by all").fetchall()
    decisions = pl.concat([decide_wave(con, survey, wave, together) for survey, wave in waves])
    return pl.concat([decisions, decide_stitched(con, decisions)])


def run(con: duckdb.DuckDBPyConnection, together: bool = False, waves: list[tuple[str, str]] | None = None) -> None:
    """The stage: decide the figures of every survey wave, or of the given ones (an incremental
    build keeps the others' decisions), then every stitched trend, and write them to `disclosure`."""
    fresh = waves is None
    if fresh:
        con.register("_empty", pl.DataFrame(schema=DECISION_SCHEMA))
        con.execute("create or replace table disclosure as select * from _empty")
        con.unregister("_empty")
        waves = con.execute("select survey, wave from dim_wave order by all").fetchall()
    batch: list[pl.DataFrame] = []
    for survey, wave in waves:
        if not fresh:   # a fresh table has no rows of the wave to replace
            con.execute("delete from disclosure where survey = ? and wave = ? and figure <> 'stitched_score'",
                        [survey, wave])
        batch.append(decide_wave(con, survey, wave, together))
        if sum(map(len, batch)) >= WRITE_ROWS:
            batch = _insert(con, batch)
    _insert(con, batch)
    own = con.sql("select * from disclosure where figure = 'competency_score'").pl()
    stitched = decide_stitched(con, own)
    con.execute("delete from disclosure where figure = 'stitched_score'")
    _insert(con, [stitched])


WRITE_ROWS = 1_000_000   # DuckDB appends a million rows at once 2-3x faster than in waves of 100,000


def _insert(con: duckdb.DuckDBPyConnection, decisions: list[pl.DataFrame]) -> list[pl.DataFrame]:
    """Append the decisions to `disclosure`; returns an empty batch."""
    if decisions:
        con.register("_decisions", pl.concat(decisions, rechunk=False))
        con.execute("insert into disclosure select * from _decisions")
        con.unregister("_decisions")
    return []


PUBLISHED_SQL = """
    select d.survey, d.wave, d.unit_id, d.family, d.own_family, d.own_parent_node, d.node, d.parent_node, d.part,
           d.shown, p.n, p.anything
    from disclosure as d
    join (select distinct 'competency_score' as figure, survey, wave, unit_id, competency as key, n,
                 coalesce(n, score, sd, ci_low, ci_high) is not null as anything
          from mart_competency_scores
          union all
          select distinct 'item_mean', survey, wave, unit_id, item_code || '|' || scope, n,
                 coalesce(n, mean) is not null
          from mart_item_means
          union all
          select 'respondent_count', survey, wave, unit_id, '', respondents,
                 coalesce(respondents, response_rate) is not null
          from mart_response_rates) as p
      using (figure, survey, wave, unit_id, key)
    where d.node is not null"""


MIXED_OWN_SQL = """
    select distinct d.node, f.n_own
    from disclosure as d
    join int_figures as f using (figure, survey, wave, unit_id, key)
    join dim_survey as s using (survey)
    where d.part = 'mixed' and d.survey = ? and d.wave = ?
      and (d.own_parent_node is not null or f.n_own < s.min_group_size)"""   # else nothing to check (`check`)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchall()[0][0])


def audit(con: duckdb.DuckDBPyConnection, waves: list[tuple[str, str]] | None = None) -> dict[str, int]:
    """Check the published layer, of the given survey waves or all: see `check`. It reads the
    published tables, and in the private warehouse (the build's audit) also what a colleague may
    know but the published file does not hold: the own parts of mixed figures and the units'
    group counts. One survey wave at a time (they are independent), so memory stays that of the
    largest wave's figures and each wave's joins are small."""
    minimum = dict(con.execute("select survey, min_group_size from dim_survey").fetchall())
    if waves is None:
        waves = con.execute("select distinct survey, wave from disclosure order by all").fetchall()
    total = {"figures_checked": 0, "small_groups": 0, "hidden_with_figures": 0}
    private = _has_table(con, "int_figures")
    for one in waves:   # constant filters: DuckDB pushes them into every table the query joins
        wave = con.sql(f"select * from ({PUBLISHED_SQL}) where survey = ? and wave = ?", params=list(one)).pl()
        if private:     # the own part of a mixed figure: hidden, so its count is private
            wave = wave.join(con.sql(MIXED_OWN_SQL, params=list(one)).pl(), on="node", how="left")
        for name, count in check(wave, minimum).items():
            total[name] += count
        for name, count in check_breakdowns(con, *one, minimum[one[0]]).items():
            total[name] += count
    return total


def check_breakdowns(con: duckdb.DuckDBPyConnection, survey: str, wave: str, minimum: int) -> dict[str, int]:
    """The published breakdown cells of one survey wave (mart_breakdown_scores), against the
    published unit figures' decisions and the units' group counts: every shown cell has at least
    the minimum, a hidden one no number, and no small group can be derived (`breakdowns.find_leak`).
    The last needs the units' group counts, which only the private warehouse has (the build
    audits there); on a published file alone the first two are checked."""
    one = [survey, wave]
    cells = con.sql("""
        select m.unit_id, m.grp, m.n, m.suppressed, coalesce(m.n, m.score, m.sd, m.ci_low, m.ci_high) is not null as anything,
               d.family
        from mart_breakdown_scores as m
        join disclosure as d
          on d.figure = 'breakdown_score' and d.survey = m.survey and d.wave = m.wave and d.unit_id = m.unit_id
         and d.key = m.competency || '|' || m.grp
        where m.survey = ? and m.wave = ?""", params=one).pl()
    result = {"figures_checked": int((~cells["suppressed"]).sum()), "small_groups": 0,
              "hidden_with_figures": int((cells["suppressed"] & cells["anything"]).sum())}
    if cells.is_empty():
        return result
    result["small_groups"] += cells.filter(~pl.col("suppressed") & (pl.col("n").fill_null(0) < minimum)).height
    if not _has_table(con, "int_breakdown_group_counts"):
        return result    # a published file alone: the units' group counts (what a colleague knows) are private
    units = con.sql("select survey, wave, unit_id, parent_id from dim_unit_wave where survey = ? and wave = ?",
                    params=one).pl()
    parent = dict(zip(units["unit_id"], units["parent_id"]))
    nodes = con.sql("""
        select distinct family, unit_id, part, node, parent_node, shown from disclosure
        where survey = $survey and wave = $wave and node is not null and family in (
            select family from disclosure where figure = 'breakdown_score' and survey = $survey and wave = $wave)""",
                    params={"survey": survey, "wave": wave}).pl()
    families = _atoms(nodes, group_counts(con, survey, wave), cells.select("family", "unit_id").unique(), units)
    for (family,), mine in cells.group_by("family"):
        areas = set(mine["unit_id"])
        parent_area = {a: _nearest(parent.get(a), areas, parent) for a in areas}
        atoms, clean = families.get(family, ({}, True))
        shown = set(mine.filter(~pl.col("suppressed")).select("unit_id", "grp").iter_rows())
        if shown and (not clean or breakdowns.find_leak(breakdowns.edges(atoms, shown, parent_area), minimum)):
            result["small_groups"] += 1
    return result


def check(published: pl.DataFrame, minimum: dict[str, int]) -> dict[str, int]:
    """published: survey, wave, unit_id, family, own_family, own_parent_node, node, parent_node,
    part, shown, n, anything (whether any number is published for the figure), and
    optionally n_own (a mixed figure's own respondents; private). Per family, every shown figure
    minus the nearest shown figures below it must leave 0 or at least the minimum respondents;
    every shown figure has at least the minimum; a hidden one has no number at all. Survey waves
    one at a time (node ids are numbered within their wave), so every join is on one integer."""
    if "n_own" not in published.columns:
        published = published.with_columns(n_own=pl.lit(None, pl.Int64))
    total = {"figures_checked": 0, "small_groups": 0, "hidden_with_figures": 0}
    for (survey, _), wave in published.partition_by("survey", "wave", as_dict=True).items():
        for name, count in _check_wave(wave, minimum[survey]).items():
            total[name] += count
    return total


def _check_wave(published: pl.DataFrame, least: int) -> dict[str, int]:
    """`check` of one survey wave. Each shown subtractable node walks up its family (all such
    nodes at once, one level per join), adding its n to every shown node it passes, and stops at
    the first shown subtractable one, which covers it for everything above. Independent of
    `suppress`, which walks down.

    A shown mixed figure is covered by its own part too (twins, pipeline/disclosure.place) when
    that part can be subtracted from it: when the unit's own figure of that measure is shown, or
    (n_own known) when the nearest shown subtractable node above the part, less what covers it,
    leaves exactly the part's respondents. Covering one may uncover another: until none is new.
    And (n_own known) a small own part is isolated when the nearest shown subtractable node
    above the mixed figure, less what covers it outside the mixed figure, leaves exactly the
    mixed figure's part below."""
    nodes = published.group_by("node").agg(
        pl.col("parent_node").first(), pl.col("shown").any(),
        pl.col("n").filter(pl.col("shown")).first(),
        (pl.col("shown") & pl.col("part").is_in(list(SUBTRACTABLE))).any().alias("covers"))
    steps = nodes.select(pl.col("node").alias("at"), "parent_node", "shown", "covers")
    mixed = published.filter(pl.col("shown") & (pl.col("part") == "mixed"))
    own = published.filter(pl.col("shown") & (pl.col("part") == "own")).select(
        "unit_id", pl.col("family").alias("own_family"), pl.col("n").alias("amount")).unique()
    twins = (mixed.select("unit_id", "own_family", pl.col("node").alias("at")).unique()
             .join(own, on=["unit_id", "own_family"]).select("at", "amount"))
    # the other shown mixed figures' own parts, each with the nearest shown subtractable node above it
    hidden_own = (mixed.filter(pl.col("n_own").is_not_null())
                  .select(pl.col("node").alias("at"), pl.col("n_own").alias("amount"), pl.col("own_parent_node").alias("up"))
                  .unique("at").join(twins, on="at", how="anti"))
    above = _first_covering(hidden_own, steps)
    starts = pl.concat([nodes.filter("covers").select(pl.col("parent_node").alias("at"), pl.col("n").alias("amount")),
                        twins], how="vertical_relaxed")
    derived = pl.DataFrame(schema={"at": pl.Int64, "amount": pl.Int64})
    while True:
        covered = _covered(pl.concat([starts, derived], how="vertical_relaxed"), steps)
        shown = nodes.filter("shown").join(covered, on="node", how="left").with_columns(
            rest=pl.col("n") - pl.col("covered").fill_null(0))
        found = (above.join(shown.select(pl.col("node").alias("above"), "rest"), on="above")
                 .filter(pl.col("rest") == pl.col("amount")).select("at", "amount")
                 .join(derived, on="at", how="anti"))
        if found.is_empty():
            break
        derived = pl.concat([derived, found], how="vertical_relaxed")
    # a shown mixed figure less what the nearest shown node above it leaves outside it: its own
    # part, when that equals the mixed figure's part below (what passes the mixed node goes on up)
    own_left = (_first_covering(mixed.filter(pl.col("n_own").is_between(1, least - 1))
                                .select(pl.col("node").alias("at"), pl.col("n_own").alias("amount"),
                                        pl.col("parent_node").alias("up")).unique("at"), steps)
                .join(shown.select(pl.col("node").alias("above"), "rest"), on="above")
                .join(shown.select(pl.col("node").alias("at"), "n", pl.col("covered").fill_null(0)), on="at")
                .filter(pl.col("rest") + pl.col("covered") == pl.col("n") - pl.col("amount")))
    small = (shown.filter(~((pl.col("rest") == 0) | (pl.col("rest") >= least))).height
             + shown.filter(pl.col("n").is_null() | (pl.col("n") < least)).height + own_left.height)
    return {"figures_checked": published.filter(pl.col("shown")).height, "small_groups": small,
            "hidden_with_figures": published.filter(~pl.col("shown") & pl.col("anything")).height}


def _first_covering(parts: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """parts: at, amount, up (the node to start from). Adds `above`: the first shown subtractable
    node from `up` upwards; a part without one is left out."""
    found, look = [], parts
    while look.height:
        here = look.join(steps, left_on="up", right_on="at", suffix="_step")
        found.append(here.filter("covers").select("at", "amount", pl.col("up").alias("above")))
        look = here.filter(~pl.col("covers") & pl.col("parent_node").is_not_null()).select(
            "at", "amount", pl.col("parent_node").alias("up"))
    return pl.concat(found) if found else pl.DataFrame(schema={"at": pl.Int64, "amount": pl.Int64, "above": pl.Int64})


def _covered(walking: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """walking: at, amount. Each amount walks up from `at`, added to every shown node it passes,
    until past the first shown subtractable one. Returns node, covered (the sum per node)."""
    passed = []
    while walking.height:
        here = walking.join(steps, on="at")
        passed.append(here.filter("shown").select(pl.col("at").alias("node"), "amount"))
        walking = here.filter(~pl.col("covers") & pl.col("parent_node").is_not_null()).select(
            pl.col("parent_node").alias("at"), "amount")
    return (pl.concat(passed).group_by("node").agg(pl.col("amount").sum().alias("covered")) if passed
            else pl.DataFrame(schema={"node": pl.Int64, "covered": pl.Int64}))
