"""Subgame-perfect equilibria of trees with imperfect information, subgame by subgame.

A *proper subgame* starts at a node (other than the root) whose subtree cuts no
information set: every information set with a node below it has all its nodes below it.
Generalized backward induction (Selten 1965; Osborne and Rubinstein 1994, §6.2 and
Proposition 99.2 for perfect information) solves the subgames that hold no other first,
replaces each by the payoffs of one of its Nash equilibria, and goes on up to the root;
every profile it assembles is subgame perfect. The Nash equilibria of each piece are those
of its reduced normal form (`games.forms.reduced_form.nash_equilibria`: the extreme ones
for two players), so the list is those subgame-perfect equilibria built from extreme
equilibria of the pieces (at most `MAX_LISTED`), not the whole set, which can be a
continuum.

Each equilibrium is checked afterwards without the construction: in every subgame, every
player's best reply (computed information set by information set, deepest first, which
perfect recall allows) gains at most the tolerance over what the profile pays it there.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import islice, product

from games.errors import InputError
from games.forms.tree import (
    Chance,
    Decision,
    GameTree,
    Node,
    Path,
    Terminal,
    information_sets,
    infoset_key,
    max_abs_payoff,
    node_values,
    prefix_order,
)

#: Most subgame-perfect equilibria assembled (and most combinations tried at each subgame).
MAX_LISTED = 20
#: Largest tree solved subgame by subgame (each piece is solved for every combination of
#: the equilibria below it, so the work grows with nodes × subgames).
MAX_NODES = 2_000
#: Most proper subgames (a perfect-information stretch makes every node one).
MAX_SUBGAMES = 1_000
#: Most pieces solved through their reduced normal form (a piece is solved once for each
#: combination below it); a single move over payoffs is solved directly and not counted.
MAX_PIECES = 300
#: A deviation gaining at most this share of the largest payoff is not a gain (rounding).
RELATIVE_TOLERANCE = 1e-8


@dataclass(frozen=True)
class SubgamePerfect:
    """One subgame-perfect equilibrium: a behaviour strategy at every information set."""

    behaviour: dict  # (player, information-set key) -> probability of each action
    payoffs: tuple[float, ...]
    max_gain: float  # the largest gain of any player's deviation in any subgame (checked)


@dataclass(frozen=True)
class SubgameSolution:
    """The proper subgames' roots and the subgame-perfect equilibria assembled from them."""

    roots: tuple[Path, ...]
    equilibria: tuple[SubgamePerfect, ...]
    complete: bool  # False when combinations were left out at MAX_LISTED
    tolerance: float


def proper_subgame_roots(tree: GameTree) -> tuple[Path, ...]:
    """Roots of the proper subgames (the whole tree left out), in prefix order.

    A node is cut by an information set when some, not all, of the set's nodes lie below
    it: exactly the nodes on a path from the set's deepest common ancestor (excluded) down
    to one of its nodes (included).
    """
    cut: set[Path] = set()
    for h in information_sets(tree):
        if len(h.paths) < 2:
            continue
        common = len(_common_prefix(h.paths))
        for p in h.paths:
            for length in range(common + 1, len(p) + 1):
                cut.add(p[:length])
    return tuple(
        path for path, node in prefix_order(tree)
        if path and not isinstance(node, Terminal) and path not in cut
    )


def _common_prefix(paths) -> Path:
    first = paths[0]
    n = min(len(p) for p in paths)
    for k in range(n):
        if any(p[k] != first[k] for p in paths):
            return first[:k]
    return first[:n]


def subgame_perfect_by_subgames(tree: GameTree, method: str = "auto") -> SubgameSolution:
    """Subgame-perfect equilibria by generalized backward induction, each one checked.

    Refused (InputError) above `MAX_NODES` nodes or `MAX_SUBGAMES` proper subgames.
    """
    order = prefix_order(tree)
    if len(order) > MAX_NODES:
        raise InputError(f"subgame by subgame: the tree has {len(order):,} nodes, more than {MAX_NODES:,}")
    roots = proper_subgame_roots(tree)
    if len(roots) > MAX_SUBGAMES:
        raise InputError(f"subgame by subgame: the tree has {len(roots)} proper subgames, more than {MAX_SUBGAMES}")
    starts = set(roots) | {()}
    cut = [False]
    before = sys.getrecursionlimit()  # one level of recursion per nested subgame, a few frames each
    sys.setrecursionlimit(max(before, 4 * max((len(p) for p, _ in order), default=0) + 1000))
    try:
        found = _solve_at(tree, (), tree.root, starts, method, cut, [0])
        tolerance = RELATIVE_TOLERANCE * max(1.0, max_abs_payoff(tree))
        checked = []
        for behaviour, value in found:
            gain = max_deviation_gain(tree, behaviour, roots)
            if gain <= tolerance:
                checked.append(SubgamePerfect(behaviour, tuple(float(v) for v in value), gain))
    finally:
        sys.setrecursionlimit(before)
    return SubgameSolution(roots, tuple(checked), not cut[0], tolerance)


def _solve_at(tree, path: Path, node: Node, starts: set, method: str, cut: list, pieces: list) -> list[tuple[dict, tuple]]:
    """(behaviour in the subgame at path, its payoffs) for the equilibria assembled there;
    cut[0] is set when some are left out, pieces[0] counts the pieces solved."""
    from games.forms.reduced_form import nash_equilibria

    below = _child_subgames(path, node, starts)
    options = [_solve_at(tree, p, n, starts, method, cut, pieces) for p, n in below]
    combos = list(islice(product(*options), MAX_LISTED + 1))
    if len(combos) > MAX_LISTED:
        combos, cut[0] = combos[:MAX_LISTED], True
    out: list[tuple[dict, tuple]] = []
    for combo in combos:
        values = {p: value for (p, _), (_, value) in zip(below, combo)}
        single = _single_move(tree, path, node, values)
        if single is not None:
            for b, value in single:
                if len(out) == MAX_LISTED:
                    cut[0] = True
                    return out
                merged = {}
                for behaviour, _ in combo:
                    merged.update(behaviour)
                merged.update(b)
                out.append((merged, value))
            continue
        pieces[0] += 1
        if pieces[0] > MAX_PIECES:
            raise InputError(f"subgame by subgame: more than {MAX_PIECES} pieces to solve")
        piece = GameTree(tree.title, tree.players, _truncate(node, path, values))
        _, solution, behaviours = nash_equilibria(piece, method)
        for eq, b in zip(solution.equilibria, behaviours):
            if len(out) == MAX_LISTED:
                cut[0] = True
                return out
            merged: dict = {}
            for behaviour, _ in combo:
                merged.update(behaviour)
            merged.update(_completed(piece, b))
            out.append((merged, tuple(eq.payoffs)))
    return out


def _single_move(tree, path: Path, node: Node, values: dict) -> list[tuple[dict, tuple]] | None:
    """A piece that is one move over payoffs, solved directly: a chance move gives its
    expectation; a player's move, each best action (ties within the tolerance below, as
    the reduced normal form's pure equilibria would be). None for any other piece."""
    kids = [(path + (k,), c) for k, c in enumerate(node.children)]  # type: ignore[union-attr]
    if not all(p in values or isinstance(c, Terminal) for p, c in kids):
        return None
    pays = [tuple(float(v) for v in (values[p] if p in values else c.payoffs)) for p, c in kids]
    if isinstance(node, Chance):
        total = tuple(sum(float(q) * v[i] for q, v in zip(node.probabilities, pays)) for i in range(tree.n_players))
        return [({}, total)]
    i = node.player  # type: ignore[union-attr]
    best = max(v[i] for v in pays)
    slack = RELATIVE_TOLERANCE * max(1.0, max_abs_payoff(tree))
    ident = (i, infoset_key(node, path))  # type: ignore[arg-type]
    return [({ident: tuple(1.0 if j == k else 0.0 for j in range(len(pays)))}, pays[k])
            for k in range(len(pays)) if pays[k][i] >= best - slack]


def _child_subgames(path: Path, node: Node, starts: set) -> list[tuple[Path, Node]]:
    """The nearest proper subgames strictly below the node, in prefix order."""
    found = []
    stack = [(path + (k,), child) for k, child in reversed(list(enumerate(getattr(node, "children", ()))))]
    while stack:
        p, n = stack.pop()
        if isinstance(n, Terminal):
            continue
        if p in starts:
            found.append((p, n))
            continue
        stack.extend((p + (k,), c) for k, c in reversed(list(enumerate(n.children))))
    return found


def _truncate(node: Node, path: Path, values: dict) -> Node:
    """The subtree at path with each subgame below replaced by its payoffs; decision nodes
    keep the whole tree's information-set keys, so behaviours of the pieces fit together."""
    if path in values:
        return Terminal(tuple(values[path]))
    if isinstance(node, Terminal):
        return node
    kids = tuple(_truncate(c, path + (k,), values) for k, c in enumerate(node.children))
    if isinstance(node, Chance):
        return Chance(node.actions, node.probabilities, kids, name=node.name)
    return Decision(node.player, node.actions, kids, infoset=infoset_key(node, path), name=node.name,
                    infoset_name=node.infoset_name)


def _completed(piece: GameTree, behaviour: dict) -> dict:
    """The behaviour with each open information set (None: ruled out by the player's own
    moves) given its first action: inside a piece without proper subgames, a move there
    never changes a payoff, so the profile stays an equilibrium of the piece."""
    out = {}
    for h in information_sets(piece):
        probs = behaviour.get(h.ident)
        out[h.ident] = tuple(probs) if probs is not None else tuple(1.0 if k == 0 else 0.0 for k in range(len(h.actions)))
    return out


def max_deviation_gain(tree: GameTree, behaviour: dict, roots) -> float:
    """The most any player gains by a best reply in any of the subgames at roots (the
    tree's root among them)."""
    values = node_values(tree, behaviour)
    best = [_best_reply_values(tree, behaviour, set(roots) | {()}, i) for i in range(tree.n_players)]
    return max(
        (best[i][root] - float(values[root][i]) for root in set(roots) | {()} for i in range(tree.n_players)),
        default=0.0,
    )


def _best_reply_values(tree: GameTree, behaviour: dict, roots: set, player: int) -> dict[Path, float]:
    """Player's best payoff in each subgame at roots against the others' behaviour.

    With perfect recall, an information set of the player that follows another lies wholly
    below it, so deciding the sets deepest first (by their shallowest node), each node
    weighted by the chance that the others' and chance's moves lead to it, gives a best
    reply. The weights are taken from the nearest subgame root above the set: every larger
    subgame weighs the set's nodes by the same factor times these (or by zero, when the
    set's choice does not matter there), so one pass serves every subgame at once.
    """
    order = prefix_order(tree)
    reach: dict[Path, float] = {}
    mine: dict[str, list[tuple[Path, Node]]] = {}
    for p, n in order:
        if not p or p in roots:
            reach[p] = 1.0
        if isinstance(n, Terminal):
            continue
        if isinstance(n, Decision) and n.player == player:
            mine.setdefault(infoset_key(n, p), []).append((p, n))
            probs = (1.0,) * len(n.children)
        elif isinstance(n, Chance):
            probs = n.probabilities
        else:
            probs = behaviour[(n.player, infoset_key(n, p))]
        for k in range(len(n.children)):
            reach[p + (k,)] = reach[p] * float(probs[k])  # reset to 1 below if a root
    choice: dict[str, int] = {}
    memo: dict[Path, float] = {}

    def value(p: Path, n: Node) -> float:
        hit = memo.get(p)
        if hit is not None:
            return hit
        if isinstance(n, Terminal):
            v = float(n.payoffs[player])
        elif isinstance(n, Decision) and n.player == player:
            k = choice[infoset_key(n, p)]
            v = value(p + (k,), n.children[k])
        else:
            probs = n.probabilities if isinstance(n, Chance) else behaviour[(n.player, infoset_key(n, p))]
            v = 0.0
            for k, (q, c) in enumerate(zip(probs, n.children)):
                if q:
                    v += float(q) * value(p + (k,), c)
        memo[p] = v
        return v

    for key, nodes in sorted(mine.items(), key=lambda item: -min(len(p) for p, _ in item[1])):
        best, best_total = 0, None
        for k in range(len(nodes[0][1].children)):
            total = sum(reach[p] * value(p + (k,), n.children[k]) for p, n in nodes)
            if best_total is None or total > best_total:
                best, best_total = k, total
        choice[key] = best
    nodes_at = dict(order)
    return {root: value(root, nodes_at[root]) for root in roots}
