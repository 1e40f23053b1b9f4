"""Complementary suppression: no subtraction of shown figures reveals a small group."""
from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.anonymity import suppress

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


@st.composite
def hierarchies(draw):
    size = draw(st.integers(1, 11))
    parent: dict[str, str | None] = {"u0": None}
    for i in range(1, size):
        parent[f"u{i}"] = f"u{draw(st.integers(0, i - 1))}"
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
