"""Breakdowns by a background variable (pipeline/breakdowns.py) against an oracle that knows
nothing of graphs or cuts: it lists every set of atoms, and calls a set derivable when its
indicator is a linear combination of the published sets (the regions and the shown cells)."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from pipeline.breakdowns import edges, find_leak, settle

MINIMUM = 5


def lightest_derivable_small(atoms, region_area, parent_area, shown, minimum=MINIMUM):
    """The smallest respondent count of a non-empty derivable set of atoms below `minimum`, or None."""
    keys = [k for k, n in atoms.items() if n > 0]

    def within(region, area):                 # is the region inside the area (at any depth)?
        at = region_area.get(region)
        while at is not None:
            if at == area:
                return True
            at = parent_area.get(at)
        return False

    published = [[r == region for r, _ in keys] for region in {r for r, _ in keys}]
    published += [[g == group and within(r, area) for r, g in keys] for area, group in shown]
    m = np.array(published, dtype=float).T                       # atoms x published sets
    left = null_space(m.T) if m.size else np.eye(len(keys))      # x is a combination iff x @ left == 0
    weights = np.array([atoms[k] for k in keys])
    subsets = np.array(list(itertools.product([0, 1], repeat=len(keys)))[1:], dtype=float)
    derivable = np.abs(subsets @ left).max(axis=1, initial=0) < 1e-9
    small = subsets @ weights
    found = small[derivable & (small < minimum)]
    return int(found.min()) if found.size else None


@st.composite
def instances(draw):
    n_areas = draw(st.integers(0, 3))
    parent_area = {a: draw(st.sampled_from([None, *range(a)])) for a in range(n_areas)}
    n_regions, groups = draw(st.integers(1, 5)), draw(st.sampled_from([["a", "b"], ["a", "b", "c"]]))
    region_area = {r: draw(st.sampled_from([None, *range(n_areas)])) for r in range(n_regions)}
    atoms = {}
    for r in range(n_regions):
        counts = [draw(st.sampled_from([0, 1, 2, 3, 4, 6, 9])) for _ in groups]
        if sum(counts) < MINIMUM:                                 # regions are 0 or at least the minimum
            counts[draw(st.integers(0, len(groups) - 1))] += MINIMUM
        atoms.update({(r, g): n for g, n in zip(groups, counts) if n})
        if len(atoms) > 13:                                      # the oracle lists 2^atoms sets
            atoms = {k: n for k, n in atoms.items() if k[0] != r}
            break
    return atoms, region_area, parent_area


def _cells(atoms, region_area, parent_area):
    cells = set()
    for (region, group), n in atoms.items():
        area = region_area.get(region)
        while n and area is not None:
            cells.add((area, group))
            area = parent_area.get(area)
    return cells


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_lightest_cut_is_the_lightest_derivable_small_group(instance) -> None:
    atoms, region_area, parent_area = instance
    shown = _cells(atoms, region_area, parent_area)              # every cell shown, small ones too
    graph = edges(atoms, region_area, shown, parent_area)
    leak = find_leak(graph, MINIMUM)
    expected = lightest_derivable_small(atoms, region_area, parent_area, shown)
    assert (leak is None) == (expected is None)
    if leak is not None:
        assert sum(graph[e] for e in leak[1]) == expected


@settings(max_examples=200, deadline=None)
@given(instances())
def test_after_settling_no_small_group_can_be_derived(instance) -> None:
    atoms, region_area, parent_area = instance
    primary, secondary = settle(atoms, region_area, parent_area, MINIMUM)
    shown = _cells(atoms, region_area, parent_area) - primary - secondary
    assert lightest_derivable_small(atoms, region_area, parent_area, shown) is None


def test_a_job_group_that_lives_in_one_unit_reveals_that_units_others() -> None:
    """Area A, two units: a school (10 lærere, 2 pædagoger, 1 HK) and a daycare (8 pædagoger).
    The HK cell (1) is hidden, yet A's total less the lærer and pædagog cells is that one person;
    and as every lærer is at the school, the school's figure less the lærer cell is its other 3.
    So both cells must go, and the rule finds it."""
    atoms = {("school", "lærer"): 10, ("school", "pædagog"): 2, ("school", "HK"): 1, ("daycare", "pædagog"): 8}
    region_area, parent_area = {"school": "A", "daycare": "A"}, {"A": None}
    shown = {("A", "lærer"), ("A", "pædagog")}
    leak = find_leak(edges(atoms, region_area, shown, parent_area), MINIMUM)
    assert leak is not None and leak[1] == {("school", ("H",))}   # the HK person
    assert lightest_derivable_small(atoms, region_area, parent_area, shown) == 1
    assert lightest_derivable_small(atoms, region_area, parent_area, {("A", "lærer")}) == 3
    assert settle(atoms, region_area, parent_area, MINIMUM) == ({("A", "HK")}, {("A", "lærer"), ("A", "pædagog")})


def test_groups_spread_over_the_units_are_shown_but_for_the_complement() -> None:
    """lærer and pædagog are spread over the units; only the complement (A less both = the 2
    HK) must be covered, by hiding the smaller of the two."""
    atoms = {("school 1", "lærer"): 10, ("school 1", "pædagog"): 5, ("school 2", "lærer"): 8,
             ("school 2", "pædagog"): 6, ("daycare", "pædagog"): 8, ("daycare", "HK"): 2}
    region_area = {"school 1": "A", "school 2": "A", "daycare": "A"}
    assert settle(atoms, region_area, {"A": None}, MINIMUM) == ({("A", "HK")}, {("A", "lærer")})
    assert lightest_derivable_small(atoms, region_area, {"A": None}, {("A", "lærer"), ("A", "pædagog")}) == 2
    assert lightest_derivable_small(atoms, region_area, {"A": None}, {("A", "pædagog")}) is None
