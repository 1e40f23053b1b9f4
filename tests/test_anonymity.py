"""Complementary suppression: no subtraction of shown figures reveals a small group."""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import polars as pl

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.anonymity import suppress
from pipeline.disclosure import check, decide

MIN = 5


def _subtree_counts(parent: dict[str, str | None], own: dict[str, int]) -> dict[str, int]:
    n = dict(own)
    depth = {}
    for u in parent:
        d, p = 0, parent[u]
        while p is not None:
            d, p = d + 1, parent[p]
        depth[u] = d
    for u in sorted(parent, key=lambda x: -depth[x]):
        if parent[u] is not None:
            n[parent[u]] += n[u]
    return n


def _below(parent: dict[str, str | None], unit: str) -> set[str]:
    out = set()
    for u in parent:
        p = parent[u]
        while p is not None:
            if p == unit:
                out.add(u)
                break
            p = parent[p]
    return out


def revealed(parent: dict[str, str | None], n: dict[str, int], shown: set[str]) -> list[tuple[str, tuple, int]]:
    """Every subtraction of shown figures nested in a shown unit that isolates 1..MIN-1 respondents."""
    leaks = []
    for p in shown:
        below = sorted(_below(parent, p) & shown)
        for size in range(1, len(below) + 1):
            for subset in combinations(below, size):
                if any(a in _below(parent, b) for a in subset for b in subset if a != b):
                    continue   # nested units: subtracting both would count respondents twice
                rest = n[p] - sum(n[d] for d in subset)
                if 0 < rest < MIN:
                    leaks.append((p, subset, rest))
    return leaks


def _tree(draw, max_size: int) -> dict[str, str | None]:
    """A random unit tree: u0 at the top, every later unit under an earlier one."""
    parent: dict[str, str | None] = {"u0": None}
    for i in range(1, draw(st.integers(1, max_size))):
        parent[f"u{i}"] = f"u{draw(st.integers(0, i - 1))}"
    return parent


@st.composite
def hierarchies(draw):
    parent = _tree(draw, 11)
    own = {u: draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20])) for u in parent}
    return parent, _subtree_counts(parent, own)


@settings(max_examples=1000, deadline=None)
@given(hierarchies())
def test_no_subtraction_of_shown_figures_reveals_a_small_group(tree) -> None:
    parent, n = tree
    primary, secondary = suppress(parent, n, MIN)
    shown = set(parent) - primary - secondary
    assert primary == {u for u in parent if n[u] < MIN}
    assert all(n[u] >= MIN for u in shown)
    assert revealed(parent, n, shown) == []


def test_worked_example_primary_rule_alone_lets_a_differencing_attack_through() -> None:
    # A centre with 3 staff of its own and two teams of 10 and 8: every group has at least
    # five, so the primary rule shows all three figures ...
    parent = {"centre": None, "A": "centre", "B": "centre"}
    n = {"centre": 3 + 10 + 8, "A": 10, "B": 8}
    shown_by_primary = {u for u in parent if n[u] >= MIN}
    assert shown_by_primary == {"centre", "A", "B"}
    # ... and centre - A - B isolates the centre's own 3 respondents (their mean follows
    # from the three means and counts).
    assert revealed(parent, n, shown_by_primary) == [("centre", ("A", "B"), 3)]
    # The complementary rule hides the smaller team too: centre - A now covers 3 + 8 = 11.
    primary, secondary = suppress(parent, n, MIN)
    assert primary == set() and secondary == {"B"}
    assert revealed(parent, n, {"centre", "A"}) == []


def test_a_unit_without_a_figure_counts_as_hidden() -> None:
    parent = {"k": None, "c": "k", "a": "c"}
    n = {"k": 30, "c": 27, "a": 24}
    # c is not measured: k - a isolates 6, which is fine; nothing more need be hidden
    primary, secondary = suppress(parent, n, MIN, measured={"k", "a"})
    assert (primary, secondary) == (set(), set())
    # if a had 26, k - a would isolate 4: the greedy hides a (smallest filler below k)
    n["a"] = 26
    assert suppress(parent, n, MIN, measured={"k", "a"})[1] == {"a"}


# --- Families by measure: random hierarchies *and* random mappings ------------------------
# The oracle knows nothing of families or nodes: a figure is a set of (respondent, function)
# pairs, where the function is the normalised (item, weight) set the respondent is valued on.
# Subtracting shown figures whose pairs lie inside a shown figure's pairs, and not in each
# other's, isolates exactly the pairs left over; that must never be 1 to MIN - 1 of them.

ITEMS = ("Q1", "Q2", "Q3")
ROLES = ("r1", "r2", "r3")


def _signature(links: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in links)
    return " + ".join(sorted(f"{item}*{Fraction(w, total)}" for item, w in links))


@st.composite
def organisations(draw):
    parent = _tree(draw, 7)
    role = {u: draw(st.sampled_from(ROLES)) for u in parent}
    mapping: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
    for competency in ("c1", "c2"):
        for r in ROLES:
            if mapping and draw(st.booleans()):          # role levels often share a cell's items
                mapping[(competency, r)] = draw(st.sampled_from(sorted(mapping.values())))
                continue
            items = draw(st.lists(st.sampled_from(ITEMS), unique=True, max_size=3))
            mapping[(competency, r)] = sorted((i, draw(st.sampled_from([1, 2])), draw(st.sampled_from(["area", "area", "direct"])))
                                              for i in items)
    staff = {u: [frozenset(i for i in ITEMS if draw(st.integers(0, 5)) > 0)      # items answered (some skip)
                 for _ in range(draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8])))] for u in parent}
    return parent, role, mapping, staff


def _figures(parent, role, mapping, staff) -> tuple[list[dict], list[frozenset]]:
    """Every figure the stage decides (as int_figures gives them) and its pairs, computed per respondent."""
    below = {u: {v for v in parent if v != u and u in _ancestors(parent, v)} for u in parent}
    people = {u: [(f"{u}.{i}", answered) for i, answered in enumerate(staff[u])] for u in parent}
    figures, pairs = [], []

    def add(kind, unit, key, own_links, below_links, members):
        valued = set()
        n_own = 0
        for unit_of, (rid, answered) in members:
            links = own_links if unit_of == unit else below_links
            done = sum(item in answered for item, _ in links)
            if links and 2 * done >= len(links) and done > 0:
                valued.add((rid, _signature(links)))
                n_own += unit_of == unit
        figures.append({"figure": kind, "survey": "s", "wave": "w", "unit_id": unit, "key": key, "n": len(valued),
                        "n_own": n_own, "own_measure": _signature(own_links) if own_links else "",
                        "below_measure": _signature(below_links) if below_links else ""})
        pairs.append(frozenset(valued))

    for u in parent:
        subtree = [(u, p) for p in people[u]] + [(v, p) for v in below[u] for p in people[v]]
        for competency in ("c1", "c2"):
            links = mapping[(competency, role[u])]
            if links:
                add("competency_score", u, competency, [(i, w) for i, w, _ in links],
                    [(i, w) for i, w, s in links if s == "area"], subtree)
        for item, scope in sorted({(i, s) for (c, r), links in mapping.items() if r == role[u] for i, _, s in links}):
            add("item_mean", u, f"{item}|{scope}", [(item, 1)], [(item, 1)] if scope == "area" else [], subtree)
        add("respondent_count", u, "", [("#", 1)], [("#", 1)], subtree)
    return figures, pairs


def _ancestors(parent, unit):
    out, p = [], parent[unit]
    while p is not None:
        out.append(p)
        p = parent[p]
    return out


def _isolated_small_groups(pairs: list[frozenset], shown: list[bool]) -> list[tuple[int, int]]:
    leaks = []
    for p, whole in enumerate(pairs):
        if not shown[p]:
            continue
        inside = [x for x, part in enumerate(pairs) if shown[x] and x != p and part and part <= whole]

        def walk(start: int, taken: frozenset) -> None:
            rest = len(whole) - len(taken)
            if 0 < rest < MIN and taken:
                leaks.append((p, rest))
            for k in range(start, len(inside)):
                part = pairs[inside[k]]
                if not part & taken:
                    walk(k + 1, taken | part)
        walk(0, frozenset())
    return leaks


def audited_small_groups(figures: pl.DataFrame, decided: pl.DataFrame, private: bool = True) -> int:
    """What the build's audit (`disclosure.check`) finds in the stage's decisions of `figures`:
    n published for shown figures only, and (private) the mixed figures' own counts."""
    published = decided.with_columns(
        n=pl.when("shown").then(figures["n"]), anything=pl.col("shown"),
        n_own=pl.when(pl.lit(private) & (pl.col("part") == "mixed")).then(figures["n_own"]))
    return check(published.filter(pl.col("node").is_not_null()), {"s": MIN})["small_groups"]


# found by this test: u3's mixed figure (own respondents on Q1-Q3, below on Q1-Q2) less u0's,
# whose only respondents are u3's own on the same items, left u5's one respondent
@example(org=({"u0": None, "u1": "u0", "u2": "u0", "u3": "u0", "u4": "u0", "u5": "u3"},
              {"u0": "r2", "u1": "r1", "u2": "r1", "u3": "r1", "u4": "r1", "u5": "r1"},
              {("c1", "r1"): [("Q1", 1, "area"), ("Q2", 1, "area"), ("Q3", 1, "direct")],
               ("c1", "r2"): [("Q1", 2, "area"), ("Q2", 2, "area"), ("Q3", 2, "area")],
               ("c1", "r3"): [], ("c2", "r1"): [], ("c2", "r2"): [], ("c2", "r3"): []},
              {"u0": [], "u1": [], "u2": [], "u3": [frozenset({"Q2", "Q3"})] * 5, "u4": [],
               "u5": [frozenset({"Q2"})]}))
# found by this test too: u1's mixed figure (its own 1 respondent on Q1 and Q3, 11 below on Q1)
# less u0's, whose only respondents on Q1 are those 11 below u1 (u1's own skipped Q1), left u1's own
@example(org=({"u0": None, "u1": "u0", "u2": "u0", "u3": "u1", "u4": "u3", "u5": "u1"},
              {"u0": "r1", "u1": "r3", "u2": "r1", "u3": "r3", "u4": "r1", "u5": "r3"},
              {("c1", "r1"): [("Q1", 1, "area")], ("c1", "r2"): [("Q1", 1, "area")],
               ("c1", "r3"): [("Q1", 2, "area"), ("Q3", 1, "direct")], ("c2", "r1"): [("Q1", 1, "area")],
               ("c2", "r2"): [("Q1", 1, "area")], ("c2", "r3"): [("Q1", 1, "area")]},
              {"u0": [], "u1": [frozenset({"Q3"})], "u2": [frozenset({"Q2", "Q3"})],
               "u3": [frozenset({"Q2", "Q3"}), frozenset({"Q1", "Q2", "Q3"}), frozenset({"Q1", "Q2"}),
                      frozenset({"Q2"}), frozenset({"Q1", "Q2", "Q3"})],
               "u4": [frozenset({"Q1", "Q2", "Q3"})],
               "u5": [frozenset({"Q1"}), frozenset({"Q1", "Q2", "Q3"}), frozenset({"Q1", "Q2", "Q3"}),
                      frozenset({"Q1", "Q3"}), frozenset({"Q1", "Q2"}), frozenset({"Q2", "Q3"}),
                      frozenset({"Q1", "Q2", "Q3"}), frozenset({"Q1", "Q2", "Q3"})]}))
@settings(max_examples=400, deadline=None)
@given(organisations())
def test_no_subtraction_of_shown_figures_of_any_measure_reveals_a_small_group(org) -> None:
    parent, role, mapping, staff = org
    figures, pairs = _figures(parent, role, mapping, staff)
    units = pl.DataFrame({"survey": "s", "wave": "w", "unit_id": list(parent), "parent_id": list(parent.values())})
    decided = decide(pl.DataFrame(figures), units, {"s": MIN})
    shown = decided["shown"].to_list()
    assert all(f["n"] >= MIN for f, ok in zip(figures, shown) if ok)
    assert _isolated_small_groups(pairs, shown) == []
