"""Complementary (secondary) suppression for nested groups (design/scoring.md §4).

Units nest, and a unit's figure covers its own respondents and everyone below it. For a
shown unit P, subtracting the shown figures of the nearest shown units below it reveals
the *remainder*: P's own respondents plus everyone in hidden units that no shown unit in
between accounts for. The rule: every remainder is 0 or at least the minimum.

Counts stand for respondent sets: N(P) = P's own respondents + N of its children, so a
subtraction of shown counts is the size of the group it isolates.

Greedy, bottom-up: each shown unit is settled after everything below it, by hiding the
smallest shown unit below it whose own remainder would fill the gap, or, if there is
none, P itself. Hiding below P never disturbs a unit above P (P still covers the same
respondents), and hiding P only adds P's remainder to the next shown unit above, which is
settled later — so one pass settles every unit.
"""
from __future__ import annotations

from collections.abc import Mapping


def _children(parent: Mapping[str, str | None]) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {u: [] for u in parent}
    for u, p in parent.items():
        if p is not None and p in kids:
            kids[p].append(u)
    return kids


def _post_order(parent: Mapping[str, str | None], kids: dict[str, list[str]]) -> list[str]:
    order, stack = [], [(r, False) for r in sorted(u for u, p in parent.items() if p not in parent or p is None)]
    while stack:
        unit, done = stack.pop()
        if done:
            order.append(unit)
        else:
            stack.append((unit, True))
            stack.extend((k, False) for k in sorted(kids[unit]))
    return order


def nearest_shown(unit: str, kids: dict[str, list[str]], hidden: set[str]) -> list[str]:
    """The shown units below `unit` with no shown unit in between."""
    out, stack = [], list(kids[unit])
    while stack:
        k = stack.pop()
        if k in hidden:
            stack.extend(kids[k])
        else:
            out.append(k)
    return out


def remainder(unit: str, n: Mapping[str, int], kids: dict[str, list[str]], hidden: set[str]) -> int:
    return n.get(unit, 0) - sum(n.get(k, 0) for k in nearest_shown(unit, kids, hidden))


def suppress(parent: Mapping[str, str | None], n: Mapping[str, int], minimum: int,
             measured: set[str] | None = None) -> tuple[set[str], set[str]]:
    """Return (primary, secondary) hidden units.

    parent: unit -> parent (None at the top); n: respondents behind each unit's figure;
    measured: units that have a figure at all (default: all). A unit without a figure
    covers nothing and counts as hidden.
    """
    measured = set(parent) if measured is None else measured
    kids = _children(parent)
    primary = {u for u in parent if u in measured and n.get(u, 0) < minimum}
    hidden = primary | (set(parent) - measured)
    secondary: set[str] = set()
    for unit in _post_order(parent, kids):
        while unit not in hidden:
            gap = remainder(unit, n, kids, hidden)
            if gap == 0 or gap >= minimum:
                break
            fillers = [k for k in nearest_shown(unit, kids, hidden) if remainder(k, n, kids, hidden) > 0]
            victim = min(fillers, key=lambda k: (n.get(k, 0), k)) if fillers else unit
            hidden.add(victim)
            secondary.add(victim)
    return primary, secondary
