"""The anonymity rule of docs/method.md §4, as pure functions: which figures are the same
measure, how they nest, and which must be hidden so that no subtraction reveals a small group.

A published figure is a sum over (respondent, value) pairs: a mean, its n and SD. Subtracting
figure X from figure P isolates a group exactly when every pair of X is also a pair of P —
the same respondent *and the same function of their answers*. So figures are grouped into
families by measure: the per-respondent function, written as a signature (the normalised
(item, weight) set of a competency score, one item for an item mean, "#respondents" for a
respondent count). The competency does not matter, nor the role: two role levels scored on
the same items are one measure.

A figure at unit U has up to two parts: U's own respondents valued by `own_measure` (direct
and area items) and the respondents below U valued by `below_measure` (area items). Inside
a family f, a figure sits at one *part* of its unit:
- "unit":  own and below parts, both measured by f — covers U's own respondents and the subtree;
- "own":   only own respondents (nothing below is measured) — covers U's own respondents;
- "below": only respondents below U — covers the subtree under U;
- "mixed": the subtree by f, but U's own respondents by another function. It can be
  subtracted *from* (it is checked), but it is never exactly subtracted from anything.
  Its own respondents' part is a node twice, coupled by pipeline/disclosure.py: inside it (a
  tagged own node) and in the family of its own measure (the unit's own node there).
Each node's parent is the next node that covers it: at U, own < unit and below < mixed < unit;
then the parent unit's nodes (below, mixed, unit) — placed and nested in pipeline/disclosure.py.
Subtracting a node's nearest shown subtractable nodes below it isolates its *remainder*; the
rule: every remainder is 0 or at least the minimum (complementary suppression).

Greedy, bottom-up: each shown node is settled after everything below it, by hiding the
smallest shown subtractable node below it whose own remainder fills the gap, or, if there
is none, the node itself. Hiding a settled node adds its remainder (0 or >= minimum) to the
nodes above it, which keeps them settled — so one pass settles every node.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numba
import numpy as np

SUBTRACTABLE = {"own", "below", "unit"}    # parts whose pairs lie exactly inside the nodes above


def settle(parent: np.ndarray, n: np.ndarray, minimum: np.ndarray, subtractable: np.ndarray,
           hidden: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The greedy over a forest of nodes 0..N-1 (any number of families at once): returns which
    nodes it hides (secondary). parent: each node's parent, -1 at a top; n: respondents;
    minimum: per node; subtractable: bool; hidden: bool, hidden already (primary, forced, not
    measured); order: every node after every node below it. A node's children are taken in
    index order.

    First, with nothing more hidden, every node's `covered` is summed up the forest one level at
    a time, vectorised. The greedy can only act at a node whose remainder is then too small, and
    only that node and the nodes above it can see the effect; the rest are settled as they
    stand, so the loop (`_greedy`, compiled) visits only those — and decides exactly as visiting
    all would."""
    shown_up = ~hidden & subtractable
    depth = _depth(parent)
    at = np.argsort(-depth, kind="stable")
    deep = -depth[at]
    covered = np.zeros(len(parent), dtype=np.int64)
    for d in range(int(depth.max(initial=0)), 0, -1):    # deepest level first: its covered is complete
        level = at[np.searchsorted(deep, -d, "left"):np.searchsorted(deep, -d, "right")]
        np.add.at(covered, parent[level], np.where(shown_up[level], n[level], covered[level]))
    gap = n - covered
    dirty = _with_ancestors(~hidden & (gap != 0) & (gap < minimum), parent)
    if not dirty.any():
        return np.zeros(len(parent), dtype=bool)
    kid_at = np.argsort(parent, kind="stable")       # children grouped by parent, in index order
    first = np.searchsorted(parent[kid_at], np.arange(len(parent)), side="left")
    last = np.searchsorted(parent[kid_at], np.arange(len(parent)), side="right")
    hid, secondary = hidden.copy(), np.empty(len(parent), dtype=np.int64)
    found = _greedy(order[dirty[order]].astype(np.int64), kid_at.astype(np.int64), first.astype(np.int64),
                    last.astype(np.int64), parent.astype(np.int64), n.astype(np.int64), minimum.astype(np.int64),
                    subtractable.astype(np.bool_), hid, covered, secondary)
    out = np.zeros(len(parent), dtype=bool)
    out[secondary[:found]] = True
    return out


@numba.njit(cache=True)
def _greedy(todo, kid_at, first, last, up, size, least, sub, hid, cov, secondary):
    """The greedy's loop over the nodes `todo` (children before parents), compiled: a sequential
    walk over up to millions of nodes that no array operation expresses. kid_at[first[u]:last[u]]
    are u's children in index order; hid and cov are updated in place; the hidden nodes go into
    `secondary`, and their count is returned. Ties are broken as the Python it replaced did: the
    victim is the first of the smallest in the order a stack walk (last child first) finds them."""
    found = 0
    stack = np.empty(len(up), dtype=np.int64)
    for node in todo:
        covered = 0
        for j in range(first[node], last[node]):
            k = kid_at[j]
            covered += size[k] if (not hid[k] and sub[k]) else cov[k]
        cov[node] = covered
        while not hid[node]:
            gap = size[node] - cov[node]
            if gap == 0 or gap >= least[node]:
                break
            victim, top = -1, 0          # the smallest shown subtractable node below with a remainder
            for j in range(first[node], last[node]):
                stack[top] = kid_at[j]
                top += 1
            while top > 0:
                top -= 1
                k = stack[top]
                if hid[k] or not sub[k]:
                    for j in range(first[k], last[k]):
                        stack[top] = kid_at[j]
                        top += 1
                elif size[k] - cov[k] > 0 and (victim < 0 or size[k] < size[victim]):
                    victim = k
            if victim < 0:
                victim = node
            hid[victim] = True
            secondary[found] = victim
            found += 1
            if victim != node:    # the nodes from it up to `node` now cover its remainder less
                less, at = size[victim] - cov[victim], up[victim]
                while True:
                    cov[at] -= less
                    if at == node:
                        break
                    at = up[at]
    return found


def _depth(parent: np.ndarray) -> np.ndarray:
    """How many nodes above each node (0 at a top)."""
    depth, above = np.zeros(len(parent), dtype=np.int64), parent.copy()
    while (has := above >= 0).any():
        depth[has] += 1
        above[has] = parent[above[has]]
    return depth


def _with_ancestors(mask: np.ndarray, parent: np.ndarray) -> np.ndarray:
    out, frontier = mask.copy(), np.flatnonzero(mask)
    while frontier.size:
        frontier = parent[frontier]
        frontier = np.unique(frontier[frontier >= 0])
        frontier = frontier[~out[frontier]]
        out[frontier] = True
    return out


def suppress(parent: Mapping[Hashable, Hashable | None], n: Mapping[Hashable, int], minimum: int,
             measured: set[Hashable] | None = None, subtractable: Iterable[Hashable] | None = None,
             forced: Iterable[Hashable] = ()) -> tuple[set[Hashable], set[Hashable]]:
    """Return (primary, secondary) hidden nodes of one family, named by any hashable ids.

    parent: node -> the next node covering it (None at the top); n: respondents behind each
    node's figure; measured: nodes with a figure at all (default: all; one without covers
    nothing and counts as hidden); subtractable: nodes whose pairs lie exactly inside the
    nodes above them (default: all); forced: nodes already hidden by another rule.
    """
    ids = list(parent)
    index = {u: i for i, u in enumerate(ids)}
    up = np.array([index.get(parent[u], -1) if parent[u] is not None else -1 for u in ids], dtype=np.int64)
    size = np.array([n.get(u, 0) for u in ids], dtype=np.int64)
    measured = set(parent) if measured is None else measured
    sub = set(parent) if subtractable is None else set(subtractable)
    primary = {u for u in ids if u in measured and n.get(u, 0) < minimum}
    hidden = np.array([u in primary or u not in measured for u in ids]) if ids else np.zeros(0, dtype=bool)
    hidden[[index[u] for u in forced if u in index]] = True
    found = settle(up, size, np.full(len(ids), minimum, dtype=np.int64), np.array([u in sub for u in ids], dtype=bool),
                   hidden, post_order(up))
    return primary, {ids[i] for i in np.flatnonzero(found)}


def post_order(parent: np.ndarray) -> np.ndarray:
    """Every node after every node below it: deepest first (stable, so deterministic)."""
    return np.argsort(-_depth(parent), kind="stable")
