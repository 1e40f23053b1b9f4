"""The anonymity rule for breakdowns by a background variable (aldersgruppe, anciennitet,
stillingsgruppe), as pure functions: which breakdown cells must be hidden so that no
combination of cells, their complements and the unit figures reveals a small group.

Why the tree rule (pipeline/anonymity.py) is not enough: a cell "area A, group g" cuts across
the units below A, whose figures are published too. Within one measure's family and wave, the
published sets are the *regions* — each shown unit figure less the shown figures below it,
which the tree rule keeps at 0 or at least the minimum — and the shown cells. An atom is the
respondents of one region in one group. Someone who knows who works where and in which group
(a colleague does) can combine the published sums into the sum of any set of atoms x with

    x(R, g) = a_R + beta(R, g)   for every non-empty atom, all values 0 or 1,

where a_R is any multiple of region R's figure and beta(R, g) the sum of multiples of the shown
cells that contain the atom. With one background variable, beta(R, g) depends only on the atom's
*group node*: the innermost shown cell of group g whose area contains R, or H (nothing: the
hidden groups and everything outside the areas, all worth 0). So the atoms are the edges of a
bipartite graph between regions and group nodes, and x is derivable iff some potentials on the
nodes make every edge's difference 0 or 1 (the pin of H is free: shifting all potentials of a
connected part changes nothing). Cutting the potentials at any level shows: the smallest
derivable sets are exactly the edges leaving a set U of nodes that is *closed* — a group node in
U has all its regions in U — from a region in U to a group node outside it. So:

    a small group can be derived  iff  some closed U has 0 < weight(edges out of U) < minimum.

`find_leak` finds the lightest such cut: edges of at least the minimum can never be cut, so
their ends are merged first; then a minimum directed cut (a region -> group arc has the atom's
weight, the reverse arc no limit) over the few merged nodes that are left, by augmenting paths
stopped at the minimum. `settle` hides cells, smallest first, until there is none. Hiding every
cell leaves only the regions (0 or at least the minimum), so it always ends safe.

Two background variables published for the same respondents are no longer a graph (x = a_R +
beta + gamma over three partitions); deciding them exactly is a harder problem, left out here.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Mapping

H = ("H",)   # the group node of everything no shown cell covers


def group_node(area: Hashable | None, group: Hashable, shown: set[tuple[Hashable, Hashable]],
               parent_area: Mapping[Hashable, Hashable | None]) -> tuple:
    """The innermost shown cell of `group` whose area contains `area` (itself or above), or H."""
    while area is not None:
        if (area, group) in shown:
            return (area, group)
        area = parent_area.get(area)
    return H


Atoms = Mapping[tuple[Hashable, Hashable | None, Hashable], int]   # (region, innermost area or None, group) -> n


def edges(atoms: Atoms, shown: set[tuple[Hashable, Hashable]], parent_area: Mapping[Hashable, Hashable | None]
          ) -> dict[tuple[Hashable, tuple], int]:
    """The bipartite graph: (region, group node) -> respondents. An atom is the respondents of a
    region in a group *and* in the same innermost breakdown area (None: outside every area), as a
    region may reach beyond an area (when the area's own figure is hidden)."""
    out: dict[tuple[Hashable, tuple], int] = defaultdict(int)
    for (region, area, group), n in atoms.items():
        if n > 0:
            out[(region, group_node(area, group, shown, parent_area))] += n
    return dict(out)


def find_leak(graph: Mapping[tuple[Hashable, tuple], int], minimum: int) -> tuple[set, set] | None:
    """The lightest derivable small group, as (U, the atoms it consists of), or None if every
    derivable set of atoms is empty or has at least `minimum` respondents (see the module doc)."""
    merged = _Merge()
    for (region, node), n in graph.items():
        merged.find(("r", region)), merged.find(("g", node))
        if n >= minimum:                             # never cut: both ends on the same side
            merged.union(("r", region), ("g", node))
    arcs: dict[tuple, dict[tuple, float]] = defaultdict(lambda: defaultdict(float))
    for (region, node), n in graph.items():
        x, y = merged.find(("r", region)), merged.find(("g", node))
        if x != y:
            arcs[x][y] += n                          # cut when the region's side is in U, the group's not
            arcs[y][x] = float("inf")                # a group node in U brings its regions
    best: tuple[float, set] | None = None
    for part in _parts(arcs):
        s = part[0]
        for t in part[1:]:
            for a, b in ((s, t), (t, s)):
                value, side = _min_cut(arcs, a, b, minimum)
                if value < minimum and (best is None or value < best[0]):
                    best = (value, side)
    if best is None:
        return None
    inside = {node for node in merged.members() if merged.find(node) in best[1]}
    cut = {(region, node) for (region, node) in graph
           if ("r", region) in inside and ("g", node) not in inside}
    return inside, cut


def cells(atoms: Atoms, parent_area: Mapping[Hashable, Hashable | None]) -> dict[tuple, int]:
    """Every cell (area, group) with respondents, and how many: its atoms in the area or below."""
    n: dict[tuple, int] = defaultdict(int)
    for (_, area, group), count in atoms.items():
        while area is not None and count > 0:
            n[(area, group)] += count
            area = parent_area.get(area)
    return dict(n)


def settle(atoms: Atoms, parent_area: Mapping[Hashable, Hashable | None], minimum: int) -> tuple[set, set]:
    """Which cells (area, group) to hide: (primary, secondary). Cells are every (area, group)
    with respondents; primary: fewer than `minimum`; secondary: hidden, smallest first among the
    cells a small derivable group depends on, until there is none."""
    n = cells(atoms, parent_area)
    primary = {cell for cell, count in n.items() if count < minimum}
    shown = set(n) - primary
    secondary: set = set()
    while (leak := find_leak(edges(atoms, shown, parent_area), minimum)) is not None:
        inside, cut = leak
        touching = {node for _, node in cut} | {node for kind, node in inside if kind == "g"}
        victim = min((c for c in shown if c in touching), key=lambda c: (n[c], str(c)))
        shown.discard(victim)
        secondary.add(victim)
    return primary, secondary


class _Merge:
    """Union-find over hashable nodes."""
    def __init__(self) -> None:
        self.up: dict = {}

    def find(self, x: Hashable) -> Hashable:
        self.up.setdefault(x, x)
        while self.up[x] != x:
            self.up[x] = self.up[self.up[x]]
            x = self.up[x]
        return x

    def union(self, a: Hashable, b: Hashable) -> None:
        self.up[self.find(a)] = self.find(b)

    def members(self) -> list:
        return list(self.up)


def _parts(arcs: Mapping[tuple, Mapping[tuple, float]]) -> list[list]:
    """The connected parts of the merged graph with more than one node (arcs go both ways)."""
    seen, parts = set(), []
    for start in sorted(arcs, key=str):
        if start in seen:
            continue
        part, queue = [], deque([start])
        seen.add(start)
        while queue:
            x = queue.popleft()
            part.append(x)
            for y in arcs[x]:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        if len(part) > 1:
            parts.append(part)
    return parts


def _min_cut(arcs: Mapping[tuple, Mapping[tuple, float]], s: Hashable, t: Hashable, cap: int) -> tuple[float, set]:
    """Minimum s-t cut by augmenting paths, stopped once the flow reaches `cap` (only cuts below
    the minimum matter). Returns (value, the nodes on s's side)."""
    flow: dict = defaultdict(float)

    def residual(x, y):
        return arcs[x].get(y, 0.0) - flow[(x, y)] + flow[(y, x)]

    total = 0.0
    while total < cap:
        before, queue = {s: None}, deque([s])
        while queue and t not in before:
            x = queue.popleft()
            for y in arcs[x]:
                if y not in before and residual(x, y) > 0:
                    before[y] = x
                    queue.append(y)
        if t not in before:
            return total, set(before)
        path, y = [], t
        while before[y] is not None:
            path.append((before[y], y))
            y = before[y]
        push = min(min(residual(x, y) for x, y in path), cap - total)
        for x, y in path:
            back = min(flow[(y, x)], push)           # cancel reverse flow first
            flow[(y, x)] -= back
            flow[(x, y)] += push - back
        total += push
    return total, set()
