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

`find_leak` finds such a cut: nodes no small cut can separate are merged first; then minimum
directed cuts (a region -> group arc has the atom's weight, the reverse arc no limit) over the
few merged nodes that are left, by augmenting paths stopped at the minimum. `settle` hides the
smallest cell at such a cut, until there is none. Hiding every
cell leaves only the regions (0 or at least the minimum), so it always ends safe.

Two background variables published for the same respondents are no longer a graph (x = a_R +
beta + gamma over three partitions); deciding them exactly is a harder problem, left out here.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Mapping

H = ("H",)   # the group node of everything no shown cell covers
INF = float("inf")


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
    """A derivable small group, as (U, the atoms it consists of), or None if every derivable set
    of atoms is empty or has at least `minimum` respondents (see the module doc).

    Nodes no cut below the minimum can separate are merged: the ends of an edge of at least the
    minimum, and neighbours with at least the minimum both ways (a cut with one inside and the
    other outside crosses one of the two). A merged node left with a single neighbour is then a
    small cut by itself. Else two neighbours are either separated by a small cut (minimum s-t
    cuts both ways) or merged too, until each connected part is one node."""
    names: dict[tuple, int] = {}   # ("r", region) and ("g", group node) as integers: hashed far faster than nested tuples
    numbered = {(names.setdefault(("r", region), len(names)), names.setdefault(("g", node), len(names))): n
                for (region, node), n in graph.items()}
    g = _Contracted(numbered, minimum)
    for start in list(g.arcs):
        while True:
            s = g.merged.find(start)
            part = g.part(s)
            if len(part) == 1:
                break
            side = g.leaf_cut(part)
            t = next(iter(g.arcs[s]))
            for a, b in ((s, t), (t, s)):
                if side is None:
                    value, cut_side = _min_cut(g.arcs, a, b, minimum)
                    side = cut_side if value < minimum else None
            if side is not None:
                inside = {name for name, i in names.items() if g.merged.find(i) in side}
                return inside, {(r, n) for r, n in graph if ("r", r) in inside and ("g", n) not in inside}
            g.merge(s, t)
    return None


class _Contracted:
    """Merged nodes (union-find over the numbered regions and group nodes) and the arcs between
    them: x -> y weighs the edges from a region in x to a group node in y (cut when x is inside
    U and y is not); the reverse arc has no limit (a group node in U brings its regions)."""
    def __init__(self, graph: Mapping[tuple[int, int], int], minimum: int) -> None:
        self.minimum, self.merged = minimum, _Merge()
        for (region, node), n in graph.items():
            if n >= minimum:
                self.merged.union(region, node)
        self.arcs: dict[Hashable, dict[Hashable, float]] = {}
        for (region, node), n in graph.items():
            x, y = self.merged.find(region), self.merged.find(node)
            if x != y:
                self.arcs.setdefault(x, {})[y] = self.arcs.setdefault(x, {}).get(y, 0.0) + n
                self.arcs.setdefault(y, {})[x] = INF
        self._merge_pairs(list(self.arcs))

    def merge(self, a: Hashable, b: Hashable) -> None:
        """b into a (both merged nodes), then every pair this makes inseparable."""
        self._join(a, b)
        self._merge_pairs([a])

    def _join(self, a: Hashable, b: Hashable) -> None:
        self.merged.up[b] = a
        for z, cap in self.arcs.pop(b).items():
            if z != a:
                self.arcs[a][z] = self.arcs[a].get(z, 0.0) + cap
                self.arcs[z][a] = self.arcs[z].get(a, 0.0) + self.arcs[z].pop(b)
        self.arcs[a].pop(b, None)

    def _merge_pairs(self, todo: list) -> None:
        while todo:
            x = todo.pop()
            for y in list(self.arcs.get(x, ())):
                if self.arcs[x][y] >= self.minimum and self.arcs[y][x] >= self.minimum:
                    self._join(x, y)
                    todo.append(x)     # x's arcs changed: look at its neighbours again
                    break

    def part(self, start: Hashable) -> list:
        """The merged nodes connected to `start`, in breadth-first order (a rebuild decides alike)."""
        seen, order, queue = {start}, [start], deque([start])
        while queue:
            for y in self.arcs.get(queue.popleft(), ()):
                if y not in seen:
                    seen.add(y)
                    order.append(y)
                    queue.append(y)
        return order

    def leaf_cut(self, part: list) -> set | None:
        for x in part:
            if len(self.arcs[x]) == 1:
                (y,) = self.arcs[x]
                return {x} if self.arcs[x][y] < self.minimum else set(part) - {x}
        return None


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
    cells that may close a small derivable group (`_candidates`), until there is none.

    A small cut lies within one connected part of the graph, and hiding a cell only moves its
    atoms to the cell above (or H): parts only ever join. So each part is checked once, and again
    only when a hidden cell changed it."""
    n = cells(atoms, parent_area)
    primary = {cell for cell, count in n.items() if count < minimum}
    shown = set(n) - primary
    secondary: set = set()
    graph = _Parts()
    at: dict[tuple, list] = defaultdict(list)          # group node -> its atoms
    for atom, count in atoms.items():
        if count > 0:
            node = group_node(atom[1], atom[2], shown, parent_area)
            at[node].append(atom)
            graph.add((atom[0], node), count)
    queue = deque(list(graph.parts))
    while queue:
        root = queue.popleft()
        if root not in graph.parts or (leak := find_leak(graph.parts[root], minimum)) is None:
            continue                                   # merged into a part still queued, or safe
        victim = min(_candidates(*leak, shown), key=lambda c: (n[c], str(c)))
        shown.discard(victim)
        secondary.add(victim)
        graph.drop_node(victim)
        above = group_node(parent_area.get(victim[0]), victim[1], shown, parent_area)
        moved = at.pop(victim)                         # a cell at a leak has atoms: it is a node of the graph
        for atom in moved:
            at[above].append(atom)
            graph.add((atom[0], above), atoms[atom])
        queue.append(graph.root((moved[-1][0], above)))
    return primary, secondary


def _candidates(inside: set, cut: set, shown: set) -> set:
    """The cells whose hiding may close a leak: those at its cut's edges, else those inside U.
    There is always one (module doc)."""
    return ({node for _, node in cut} & shown) or ({node for kind, node in inside if kind == "g"} & shown)


class _Parts:
    """The graph's edges, grouped by connected part (union-find; parts only join)."""
    def __init__(self) -> None:
        self.merged, self.parts = _Merge(), {}         # root -> {(region, node): respondents}
        self.regions_at: dict[tuple, set] = defaultdict(set)
        self.ids: dict[tuple, int] = {}               # ("r", region), ("g", group node) -> its integer in `merged`

    def _id(self, kind: str, x: Hashable) -> int:
        return self.ids.setdefault((kind, x), len(self.ids))

    def root(self, edge: tuple) -> Hashable:
        return self.merged.find(self._id("r", edge[0]))

    def add(self, edge: tuple, count: int) -> Hashable:
        a, b = self.merged.find(self._id("r", edge[0])), self.merged.find(self._id("g", edge[1]))
        if a != b:
            pa, pb = self.parts.pop(a, {}), self.parts.pop(b, {})
            if len(pa) < len(pb):
                a, b, pa, pb = b, a, pb, pa
            self.merged.up[b] = a
            pa.update(pb)
            self.parts[a] = pa
        part = self.parts.setdefault(a, {})
        part[edge] = part.get(edge, 0) + count
        self.regions_at[edge[1]].add(edge[0])
        return a

    def drop_node(self, node: tuple) -> None:
        part = self.parts[self.merged.find(self._id("g", node))]
        for region in self.regions_at.pop(node, ()):
            del part[(region, node)]


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
