"""Components of the equilibrium set of a bimatrix game: which equilibria form a continuum.

A degenerate game (ties, weakly dominated strategies) can have infinitely many equilibria;
a complete solver lists the *extreme* ones. Following Avis, Rosenberg, Savani and von
Stengel (2010, "Enumeration of Nash equilibria for two-player games", §5):

- Each extreme equilibrium (x, y) is an edge between the row mixture x and the column
  mixture y in a bipartite graph (x and y are vertices of the best-response polytopes).
- A *maximal Nash subset* is a maximal biclique X × Y of that graph: every pair in X × Y
  is an equilibrium, hence so is every point of conv(X) × conv(Y), a convex set.
- Two maximal Nash subsets meet iff they share a vertex (their parts are faces of the
  polytopes, and faces that meet share a vertex), so a *component* — a connected union of
  maximal Nash subsets — is a connected component of the bipartite graph.

A component with one extreme equilibrium is an isolated point; with two or more it is a
continuum (a connected set with two points has infinitely many). The cliques are found by
a Bron–Kerbosch-style closure search: the column sides of maximal bicliques are exactly
the nonempty intersections of neighbourhoods of row vertices.

The input must be the *complete* list of extreme equilibria; with a partial list the
components would be wrong, so that is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from games.errors import InputError, clip

#: Two float mixtures closer than this (max-norm) are the same polytope vertex.
SAME_VERTEX_TOL = 1e-7


@dataclass(frozen=True)
class MaximalNashSubset:
    """conv(rows) × conv(columns): a convex set of equilibria, maximal among such products."""

    rows: tuple[tuple, ...]  # the row player's extreme mixtures X
    columns: tuple[tuple, ...]  # the column player's extreme mixtures Y
    extreme_equilibria: tuple[int, ...]  # indices of the pairs X × Y in the input list

    @property
    def dimension(self) -> int:
        """Dimension of the convex set (0 for a point, 1 for a segment, ...)."""
        return _affine_dimension(self.rows) + _affine_dimension(self.columns)


@dataclass(frozen=True)
class Component:
    """A connected component of the equilibrium set, given by its extreme equilibria."""

    extreme_equilibria: tuple[int, ...]  # indices into the solution's equilibria, ascending
    maximal_subsets: tuple[MaximalNashSubset, ...]

    @property
    def is_continuum(self) -> bool:
        """True when the component holds infinitely many equilibria (two or more extreme ones)."""
        return len(self.extreme_equilibria) > 1

    @property
    def dimension(self) -> int:
        """Largest dimension of its maximal Nash subsets (0 for an isolated equilibrium)."""
        return max(s.dimension for s in self.maximal_subsets)

    def summary(self) -> str:
        """One line for reports: 'isolated equilibrium' or what the continuum is made of."""
        if not self.is_continuum:
            return "isolated equilibrium"
        shape = {1: "segment", 2: "polygon"}.get(self.dimension, f"{self.dimension}-dimensional polytope")
        parts = len(self.maximal_subsets)
        joined = f"a {shape}" if parts == 1 else f"{parts} convex pieces joined together (largest: a {shape})"
        return (
            f"a continuum of equilibria: {joined}, with {len(self.extreme_equilibria)} extreme points; "
            "every mixture of the extreme points within a piece is also an equilibrium"
        )


def components(solution: object) -> tuple[Component, ...]:
    """The components of the equilibrium set, from a complete list of extreme equilibria.

    ``solution`` is a `games.solvers.solver.Solution` (it must be ``complete`` and two-player) or a
    plain sequence of equilibria with ``.profile`` (float `Equilibrium` or exact
    `ExactEquilibrium`), assumed complete. Components are ordered by their first extreme
    equilibrium.
    """
    equilibria = _extreme_equilibria(solution)
    if not equilibria:
        return ()
    rows = _vertex_ids([eq.profile[0] for eq in equilibria])
    cols = _vertex_ids([eq.profile[1] for eq in equilibria])
    edges = {(r, c): k for k, (r, c) in enumerate(zip(rows, cols))}
    row_vertex = {r: equilibria[k].profile[0] for k, r in enumerate(rows)}
    col_vertex = {c: equilibria[k].profile[1] for k, c in enumerate(cols)}
    out = []
    for rs in _connected_row_sets(edges):
        subsets = []
        for X, Y in maximal_bicliques({r: {c for (r2, c) in edges if r2 == r} for r in rs}):
            subsets.append(
                MaximalNashSubset(
                    rows=tuple(row_vertex[r] for r in X),
                    columns=tuple(col_vertex[c] for c in Y),
                    extreme_equilibria=tuple(sorted(edges[r, c] for r in X for c in Y)),
                )
            )
        members = tuple(sorted(k for (r, c), k in edges.items() if r in rs))
        subsets.sort(key=lambda s: s.extreme_equilibria)
        out.append(Component(members, tuple(subsets)))
    return tuple(sorted(out, key=lambda comp: comp.extreme_equilibria[0]))


def maximal_bicliques(neighbours: dict[int, set[int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """All maximal bicliques (X, Y) with X, Y nonempty of a bipartite graph.

    ``neighbours`` maps each left vertex to its set of right vertices. The right sides of
    maximal bicliques are the nonempty intersections of neighbourhoods; each is found by
    intersecting a known one with one more neighbourhood until nothing new appears, and
    its left side is every vertex adjacent to all of it.
    """
    closed: set[frozenset[int]] = set()
    frontier = [frozenset(n) for n in neighbours.values() if n]
    while frontier:
        Y = frontier.pop()
        if Y in closed:
            continue
        closed.add(Y)
        for n in neighbours.values():
            Z = Y & n
            if Z and Z not in closed:
                frontier.append(Z)
    out = []
    for Y in closed:
        X = tuple(sorted(r for r, n in neighbours.items() if Y <= n))
        out.append((X, tuple(sorted(Y))))
    return sorted(out)


# --- helpers ----------------------------------------------------------------------------


def _extreme_equilibria(solution: object) -> list:
    if hasattr(solution, "equilibria"):
        game = getattr(solution, "game", None)
        if game is not None and game.n_players != 2:
            raise InputError(
                f"components: game '{clip(game.title, 40)}' has {game.n_players} players; components need a two-player game"
            )
        if not getattr(solution, "complete", True):
            raise InputError(
                f"components: method '{getattr(solution, 'method', '?')}' may miss equilibria; "
                "components need a complete method (vertex-enumeration, closed-form or exact)"
            )
        return list(solution.equilibria)
    equilibria = list(solution)  # type: ignore[call-overload]
    if any(len(eq.profile) != 2 for eq in equilibria):
        raise InputError("components: need equilibria of a two-player game")
    return equilibria


def _same(a: Sequence, b: Sequence) -> bool:
    if all(isinstance(v, (Fraction, int)) for v in list(a) + list(b)):
        return tuple(a) == tuple(b)
    return len(a) == len(b) and float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float)))) <= SAME_VERTEX_TOL


def _vertex_ids(mixtures: list[Sequence]) -> list[int]:
    """Give equal mixtures (exactly, or within SAME_VERTEX_TOL for floats) the same id."""
    reps: list[Sequence] = []
    ids = []
    for mix in mixtures:
        for i, rep in enumerate(reps):
            if _same(mix, rep):
                ids.append(i)
                break
        else:
            reps.append(mix)
            ids.append(len(reps) - 1)
    return ids


def _connected_row_sets(edges: dict[tuple[int, int], int]) -> list[set[int]]:
    """Row vertices of each connected component of the bipartite graph (union–find)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(v):
        parent.setdefault(v, v)
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for r, c in edges:
        parent[find(("r", r))] = find(("c", c))
    groups: dict[tuple[str, int], set[int]] = {}
    for r, _ in edges:
        groups.setdefault(find(("r", r)), set()).add(r)
    return list(groups.values())


def _affine_dimension(points: Sequence[Sequence]) -> int:
    if len(points) < 2:
        return 0
    P = np.asarray([[float(v) for v in p] for p in points])
    return int(np.linalg.matrix_rank(P[1:] - P[0], tol=1e-9))
