"""Subgame-perfect equilibria of perfect-information trees by backward induction.

Working from the end of the game back to the root, each mover picks an action that is best
for it given what will happen afterwards. When a mover is indifferent between actions
(a tie), each choice starts a different subgame-perfect equilibrium, and which one the
others face changes what *they* find best earlier on.

Ties can multiply equilibria beyond any list, so the set is first *counted* without being
enumerated: for every subgame, a table maps each payoff vector that its pure
subgame-perfect equilibria can reach to how many plans reach it (`spe_table`). The count
at the root is exact however large; the first plans are then listed lazily.

One arithmetic per tree: when every payoff and probability is an int or a Fraction, all
comparisons are exact; with any float in the tree, every number is a float and two values
tie when they differ by at most ``TOLERANCE × max(1, largest |payoff|)`` (the tolerance of
`games.solvers.equilibrium`). Each listed plan is checked by `is_subgame_perfect` (no profitable
one-shot deviation at any node, which by the one-shot deviation principle is subgame
perfection in a finite game) before it is returned.

Mixed behaviour: where a mover is indifferent, mixing between its best actions is also
subgame perfect, so a tree with a tie has a continuum of mixed subgame-perfect equilibria
besides its pure ones. `SubgamePerfectSet.complete` is True only when the pure list is
the whole set: no ties, or (for the listing) every pure plan listed and no mixing possible.
"""

from __future__ import annotations

import bisect
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from itertools import islice
from typing import Iterator

from games.solvers.equilibrium import TOLERANCE
from games.errors import InputError, SolverError
from games.forms.tree import (
    Chance,
    Decision,
    GameTree,
    Path,
    Terminal,
    information_sets,
    infoset_key,
    max_abs_payoff,
    node_values,
    per_tree,
    pure_behaviour,
    reach_probabilities,
    prefix_order,
    walk,
)

#: Most subgame-perfect equilibria `subgame_perfect_equilibria` returns before refusing.
MAX_EQUILIBRIA = 10_000
#: Most plans `subgame_perfect` lists when the set is larger (the count stays exact).
MAX_LISTED = 20
#: Most distinct payoff vectors kept for one subgame (chance nodes can multiply them).
MAX_DISTINCT_VALUES = 100_000

Plan = dict  # information set (player, key) -> action index
Values = tuple  # one number per player, all Fraction or all float


@dataclass(frozen=True)
class SubgamePerfectEquilibrium:
    """A pure subgame-perfect equilibrium: an action at every decision node, and the payoffs."""

    choices: tuple[tuple[tuple[int, str], int], ...]  # ((player, infoset key), action index)
    payoffs: tuple[float, ...]

    @property
    def plan(self) -> Plan:
        return dict(self.choices)

    def action(self, tree: GameTree, path: Path) -> int:
        """The action index chosen at the decision node at path."""
        node = tree.node(path)
        return self.plan[(node.player, infoset_key(node, path))]  # type: ignore[union-attr]


@dataclass(frozen=True)
class SubgamePerfectSet:
    """The pure subgame-perfect equilibria of a tree: counted exactly, the first few listed.

    ``count`` is the exact number of pure subgame-perfect plans; ``equilibria`` lists the
    first ``min(count, limit)`` of them, each verified; ``outcomes`` are the distinct payoff
    vectors they reach; ``tie_paths`` are the decision nodes where, in some subgame-perfect
    continuation, the mover has two or more best actions (so mixing there is also subgame
    perfect).
    """

    equilibria: tuple[SubgamePerfectEquilibrium, ...]
    count: int
    outcomes: tuple[tuple[float, ...], ...]
    tie_paths: tuple[Path, ...]
    exact: bool

    @property
    def all_pure_listed(self) -> bool:
        return len(self.equilibria) == self.count

    @property
    def has_mixed(self) -> bool:
        """True when mixed (non-pure) subgame-perfect equilibria exist as well: some tie."""
        return bool(self.tie_paths)

    @property
    def complete(self) -> bool:
        """True when the listed equilibria are every subgame-perfect equilibrium, mixed included."""
        return self.all_pure_listed and not self.has_mixed


@per_tree
def exact_tree(tree: GameTree) -> bool:
    """True when every payoff and probability is an int or a Fraction (exact comparisons)."""
    for _, node in walk(tree.root):
        numbers = node.payoffs if isinstance(node, Terminal) else getattr(node, "probabilities", ())
        if any(isinstance(v, float) for v in numbers):
            return False
    return True


@per_tree
def tie_tolerances(tree: GameTree) -> tuple:
    """Each player's tie tolerance: Fraction 0 for exact trees; otherwise TOLERANCE scaled by
    that player's own largest |payoff| (a float), so a player paid in units is not flattened
    into ties by another paid in billions. Adding it never changes the arithmetic."""
    if exact_tree(tree):
        return (Fraction(0),) * tree.n_players
    largest = [0.0] * tree.n_players
    for _, node in walk(tree.root):
        if isinstance(node, Terminal):
            for i, v in enumerate(node.payoffs):
                largest[i] = max(largest[i], abs(float(v)))
    return tuple(TOLERANCE * max(1.0, m) for m in largest)


def tie_tolerance(tree: GameTree, player: int | None = None) -> Fraction | float:
    """One player's tie tolerance (see `tie_tolerances`), or the largest when player is None."""
    tols = tie_tolerances(tree)
    return tols[player] if player is not None else max(tols)


def tree_number(exact: bool):
    """The conversion used for every payoff and probability: Fraction or float, never a mix."""
    return Fraction if exact else float


def _require_perfect_information(tree: GameTree) -> None:
    for h in information_sets(tree):
        if len(h.paths) > 1:
            raise InputError(
                f"game '{tree.title}': backward induction needs perfect information, but an "
                f"information set of {tree.players[h.player]} holds {len(h.paths)} nodes; "
                "solve its reduced normal form instead"
            )


# ------------------------------------------------------------------ counting
@dataclass(frozen=True)
class _Table:
    """A subgame's pure SPE: payoff vector -> number of plans reaching it."""

    counts: dict  # Values -> int
    total: int


def _mover_index(table: _Table, me: int) -> tuple[list, list[int]]:
    """Sorted values of the mover and cumulative plan counts, for 'how many plans pay me <= v'."""
    pairs = sorted((v[me], c) for v, c in table.counts.items())
    keys = [p[0] for p in pairs]
    cumulative, running = [], 0
    for _, c in pairs:
        running += c
        cumulative.append(running)
    return keys, cumulative


def _at_most(index: tuple[list, list[int]], bound) -> int:
    keys, cumulative = index
    k = bisect.bisect_right(keys, bound)
    return cumulative[k - 1] if k else 0


def spe_table(tree: GameTree) -> tuple[dict[Path, _Table], tuple[Path, ...], bool]:
    """Count the pure subgame-perfect plans of every subgame, bottom-up, without listing them.

    Returns the table of every node, the paths of decision nodes with a tie in some
    subgame-perfect continuation, and whether the arithmetic is exact.
    """
    _require_perfect_information(tree)
    exact = exact_tree(tree)
    num = tree_number(exact)
    tols = tie_tolerances(tree)
    tables: dict[Path, _Table] = {}
    ties: list[Path] = []
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            tables[path] = _Table({tuple(num(v) for v in node.payoffs): 1}, 1)
            continue
        kids = [tables[path + (k,)] for k in range(len(node.children))]
        if isinstance(node, Chance):
            tables[path] = _chance_table(tree, path, [num(p) for p in node.probabilities], kids)
            continue
        me = node.player
        indexes = [_mover_index(t, me) for t in kids]
        # plans of all children together that pay the mover at most b, by bound b: the
        # product over every child is taken once per distinct bound, and the child's own
        # factor divided out (it is at least c > 0), so a node of W tied actions costs
        # O(W) per distinct payoff of the mover, not O(W²)
        below: dict = {}
        counts: dict = {}
        for k, table in enumerate(kids):
            for v, c in table.counts.items():
                bound = v[me] + tols[me]
                everyone = below.get(bound)
                if everyone is None:
                    everyone = 1
                    for index in indexes:
                        everyone *= _at_most(index, bound)
                        if not everyone:
                            break
                    below[bound] = everyone
                if everyone:
                    ways = c * (everyone // _at_most(indexes[k], bound))
                    counts[v] = counts.get(v, 0) + ways
        total = sum(counts.values())
        product = 1
        for t in kids:
            product *= t.total
        if total > product:  # some combination of continuations leaves two best actions
            ties.append(path)
        tables[path] = _Table(counts, total)
    return tables, tuple(sorted(ties)), exact


def _chance_table(tree: GameTree, path: Path, probs: list, kids: list[_Table]) -> _Table:
    """Nature averages its children's values: every combination of their payoff vectors."""
    size = 1
    for t in kids:
        size *= len(t.counts)
    if size > MAX_DISTINCT_VALUES:
        raise InputError(
            f"game '{tree.title}': the chance node at {_where(path)} combines more than "
            f"{MAX_DISTINCT_VALUES:,} distinct subgame-perfect continuations; "
            "break some ties in the payoffs or solve a smaller tree"
        )
    counts: dict = {}
    combos: list[tuple[Values, int]] = [(None, 1)]  # (weighted sum so far, ways)
    for p, table in zip(probs, kids):
        nxt = []
        for acc, ways in combos:
            for v, c in table.counts.items():
                add = tuple(p * x for x in v)
                nxt.append((add if acc is None else tuple(a + b for a, b in zip(acc, add)), ways * c))
        combos = nxt
    for v, ways in combos:
        counts[v] = counts.get(v, 0) + ways
    total = 1
    for t in kids:
        total *= t.total
    return _Table(counts, total)


def _where(path: Path) -> str:
    return "the root" if not path else "node " + "/".join(str(k + 1) for k in path)


# ------------------------------------------------------------------ listing
def _plans(tree: GameTree, path: Path, num, tols) -> Iterator[tuple[tuple, Values]]:
    """The pure SPE plans of the subgame at path, lazily: (choices below and at it, values)."""
    node = tree.node(path)
    if isinstance(node, Terminal):
        yield (), tuple(num(v) for v in node.payoffs)
        return
    makers = [lambda k=k: _plans(tree, path + (k,), num, tols) for k in range(len(node.children))]
    if isinstance(node, Chance):
        probs = [num(p) for p in node.probabilities]
        for combo in _lazy_product(makers):
            acc = None
            for p, (_, v) in zip(probs, combo):
                add = tuple(p * x for x in v)
                acc = add if acc is None else tuple(a + b for a, b in zip(acc, add))
            yield tuple(c for choices, _ in combo for c in choices), acc
        return
    me = node.player
    ident = (me, infoset_key(node, path))
    for combo in _lazy_product(makers):
        best = max(v[me] for _, v in combo)
        below = tuple(c for choices, _ in combo for c in choices)
        for k, (_, v) in enumerate(combo):
            if best <= v[me] + tols[me]:  # the same test as the count's
                yield ((ident, k),) + below, v


@contextmanager
def _deep_enough(tree: GameTree):
    """Room on Python's stack for the listing: three nested generator frames per level of the
    tree (trees are at most MAX_DEPTH deep, so this stays bounded)."""
    depth = max((len(path) for path, _ in walk(tree.root)), default=0)
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 4 * depth + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _lazy_product(makers) -> Iterator[tuple]:
    """Cartesian product of re-startable iterators (an odometer), without materializing them."""
    iters = [make() for make in makers]
    current = [next(it) for it in iters]  # every subgame has a subgame-perfect equilibrium
    while True:
        yield tuple(current)
        i = len(iters) - 1
        while i >= 0:
            try:
                current[i] = next(iters[i])
                break
            except StopIteration:
                i -= 1
        if i < 0:
            return
        for j in range(i + 1, len(iters)):
            iters[j] = makers[j]()
            current[j] = next(iters[j])


def subgame_perfect(tree: GameTree, limit: int = MAX_LISTED) -> SubgamePerfectSet:
    """The pure subgame-perfect equilibria of a perfect-information tree: counted, first few listed.

    The count is exact however many ties multiply it; at most ``limit`` plans are listed,
    each verified by the one-shot deviation check.
    """
    tables, ties, exact = spe_table(tree)
    num, tols = tree_number(exact), tie_tolerances(tree)
    root = tables[()]
    found = []
    order = _order(tree)
    with _deep_enough(tree):
        listed = list(islice(_plans(tree, (), num, tols), limit))
    for choices, values in listed:
        eq = SubgamePerfectEquilibrium(tuple(sorted(choices, key=order)), tuple(float(v) for v in values))
        if not is_subgame_perfect(tree, eq.plan):
            raise SolverError(f"game '{tree.title}': a backward-induction result failed the one-shot deviation check")
        found.append(eq)
    if len(found) != min(root.total, limit):
        raise SolverError(f"game '{tree.title}': backward induction listed {len(found)} plans but counted {root.total}")
    outcomes = tuple(sorted({tuple(float(x) for x in v) for v in root.counts}))
    return SubgamePerfectSet(tuple(found), root.total, outcomes, ties, exact)


def subgame_perfect_equilibria(tree: GameTree, limit: int = MAX_EQUILIBRIA) -> tuple[SubgamePerfectEquilibrium, ...]:
    """Every pure subgame-perfect equilibrium of a perfect-information tree, each verified.

    Raises InputError when the tree has imperfect information or when ties produce more
    than ``limit`` equilibria (counted first, so the refusal is immediate).
    """
    tables, _, _ = spe_table(tree)
    if tables[()].total > limit:
        raise _too_many(tree, limit, tables[()].total)
    return subgame_perfect(tree, limit).equilibria


def _order(tree: GameTree):
    position = {h.ident: i for i, h in enumerate(information_sets(tree))}
    return lambda item: position[item[0]]


def _too_many(tree: GameTree, limit: int, count: int) -> InputError:
    return InputError(
        f"game '{tree.title}': ties give {count:,} subgame-perfect equilibria, more than {limit:,} to list; "
        "break some ties in the payoffs or solve a smaller tree"
    )


def one_shot_gains(tree: GameTree, plan: Plan) -> dict[Path, float]:
    """At each decision node: how much its mover would gain by changing only that move.

    The plan must name an action at every information set. A gain above the tolerance
    means the plan is not subgame perfect at that node.
    """
    behaviour = pure_behaviour(tree, plan)
    values = node_values(tree, behaviour)
    gains: dict[Path, float] = {}
    for path, node in walk(tree.root):
        if not isinstance(node, Decision):
            continue
        me = node.player
        chosen = plan[(me, infoset_key(node, path))]
        options = [float(values[path + (k,)][me]) for k in range(len(node.children))]
        gains[path] = max(options) - options[chosen]
    return gains


def is_subgame_perfect(tree: GameTree, plan: Plan) -> bool:
    """No mover gains by a one-shot deviation at any decision node (perfect information)."""
    tol = TOLERANCE * max(1.0, max_abs_payoff(tree))
    if any(h.ident not in plan for h in information_sets(tree)):
        return False
    return all(g <= tol for g in one_shot_gains(tree, plan).values())


def equilibrium_path(tree: GameTree, plan: Plan) -> tuple[Path, ...]:
    """Decision and chance nodes reached with positive probability, in prefix order."""
    reach = reach_probabilities(tree, pure_behaviour(tree, plan))
    return tuple(
        path for path, node in walk(tree.root) if not isinstance(node, Terminal) and reach.get(path, 0) > 0
    )


def behaviour_one_shot_gains(tree: GameTree, behaviour: dict) -> dict[Path, float]:
    """One-shot deviation gains of a (possibly mixed, possibly partial) behaviour profile.

    Information sets missing from the profile, or mapped to None (never reached by the
    player's own strategy), are completed by a best action there (the first maximal one),
    bottom-up; the gain at every other decision node is the mover's best action value minus
    the value of its prescribed mixture. All gains within tolerance means the profile is
    (or completes to) a subgame-perfect equilibrium of a perfect-information tree.
    """
    values: dict[Path, tuple] = {}
    gains: dict[Path, float] = {}
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            values[path] = tuple(float(v) for v in node.payoffs)
            continue
        kids = [values[path + (k,)] for k in range(len(node.children))]
        if isinstance(node, Chance):
            probs = [float(p) for p in node.probabilities]
        else:
            me = node.player
            probs = behaviour.get((me, infoset_key(node, path)))
            options = [v[me] for v in kids]
            if probs is None:
                best = max(range(len(options)), key=lambda k: options[k])
                probs = [1.0 if k == best else 0.0 for k in range(len(options))]
            else:
                probs = [float(p) for p in probs]
                gains[path] = max(options) - sum(p * o for p, o in zip(probs, options))
        values[path] = tuple(sum(p * v[i] for p, v in zip(probs, kids)) for i in range(tree.n_players))
    return gains


def complete_plan(tree: GameTree, partial: Plan) -> Plan:
    """A full pure plan agreeing with ``partial``, with best actions (bottom-up) elsewhere."""
    values: dict[Path, tuple] = {}
    plan = dict(partial)
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            values[path] = tuple(float(v) for v in node.payoffs)
            continue
        kids = [values[path + (k,)] for k in range(len(node.children))]
        if isinstance(node, Chance):
            values[path] = tuple(
                sum(float(p) * v[i] for p, v in zip(node.probabilities, kids)) for i in range(tree.n_players)
            )
            continue
        ident = (node.player, infoset_key(node, path))
        if ident not in plan:
            plan[ident] = max(range(len(kids)), key=lambda k: kids[k][node.player])
        values[path] = kids[plan[ident]]
    return plan
