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

SUBTRACTABLE = {"own", "below", "unit"}    # parts whose pairs lie exactly inside the nodes above


def _children(parent: Mapping[Hashable, Hashable | None]) -> dict[Hashable, list[Hashable]]:
    kids: dict[Hashable, list[Hashable]] = {u: [] for u in parent}
    for u, p in parent.items():
        if p is not None and p in kids:
            kids[p].append(u)
    return kids


def _post_order(parent: Mapping[Hashable, Hashable | None], kids: dict[Hashable, list[Hashable]]) -> list[Hashable]:
    """Children before parents, in the order the nodes were given (deterministic for a given input)."""
    order, stack = [], [(r, False) for r in reversed([u for u, p in parent.items() if p is None or p not in parent])]
    while stack:
        unit, done = stack.pop()
        if done:
            order.append(unit)
        else:
            stack.append((unit, True))
            stack.extend((k, False) for k in reversed(kids[unit]))
    return order


def nearest_shown(node: Hashable, kids: dict[Hashable, list[Hashable]], hidden: set[Hashable],
                  subtractable: set[Hashable]) -> list[Hashable]:
    """The shown subtractable nodes below `node` with no such node in between."""
    out, stack = [], list(kids[node])
    while stack:
        k = stack.pop()
        if k in hidden or k not in subtractable:
            stack.extend(kids[k])
        else:
            out.append(k)
    return out


def suppress(parent: Mapping[Hashable, Hashable | None], n: Mapping[Hashable, int], minimum: int,
             measured: set[Hashable] | None = None, subtractable: Iterable[Hashable] | None = None,
             forced: Iterable[Hashable] = (),
             order: list[Hashable] | None = None) -> tuple[set[Hashable], set[Hashable]]:
    """Return (primary, secondary) hidden nodes of one family.

    parent: node -> the next node covering it (None at the top); n: respondents behind each
    node's figure; measured: nodes with a figure at all (default: all; one without covers
    nothing and counts as hidden); subtractable: nodes whose pairs lie exactly inside the
    nodes above them (default: all); forced: nodes already hidden by another rule; order: the
    nodes, each after every node below it (default: a depth-first walk). A node's decision
    depends only on the nodes below it, so any such order decides the same.
    """
    measured = set(parent) if measured is None else measured
    subtractable = set(parent) if subtractable is None else set(subtractable)
    kids = _children(parent)
    primary = {u for u in parent if u in measured and n.get(u, 0) < minimum}
    hidden = primary | (set(parent) - measured) | set(forced)
    secondary: set[Hashable] = set()
    # covered[u]: respondents of u's nearest shown subtractable nodes, kept up to date as nodes
    # are hidden, so a node's remainder is n - covered (one pass over the children, no search)
    covered: dict[Hashable, int] = {}

    def passed_up(k: Hashable) -> int:   # what k adds to the node above: itself if shown, else what it covers
        return n.get(k, 0) if k not in hidden and k in subtractable else covered[k]

    for node in order if order is not None else _post_order(parent, kids):
        covered[node] = sum(passed_up(k) for k in kids[node])
        while node not in hidden:
            gap = n.get(node, 0) - covered[node]
            if gap == 0 or gap >= minimum:
                break
            fillers = [k for k in nearest_shown(node, kids, hidden, subtractable) if n.get(k, 0) - covered[k] > 0]
            victim = min(fillers, key=lambda k: n.get(k, 0)) if fillers else node   # first of the smallest
            hidden.add(victim)
            secondary.add(victim)
            if victim != node:    # the nodes from it up to `node` now cover its remainder less
                less, up = n.get(victim, 0) - covered[victim], parent[victim]
                while True:
                    covered[up] -= less
                    if up == node:
                        break
                    up = parent[up]
    return primary, secondary
