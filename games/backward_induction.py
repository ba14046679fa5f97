"""Subgame-perfect equilibria of perfect-information trees by backward induction.

Working from the end of the game back to the root, each mover picks an action that is best
for it given what will happen afterwards. When a mover is indifferent between actions
(a tie), each choice starts a different subgame-perfect equilibrium, and which one the
others face changes what *they* find best earlier on; so ties are enumerated branch by
branch and every subgame-perfect equilibrium in pure strategies is returned.

Payoffs given as ints or Fractions are compared exactly; with any float in the tree, two
values tie when they differ by at most ``TOLERANCE × max(1, largest |payoff|)`` (the same
tolerance as `games.equilibrium`). Each result is checked by `is_subgame_perfect` (no
profitable one-shot deviation at any node, which by the one-shot deviation principle is
subgame perfection in a finite game) before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from games.equilibrium import TOLERANCE
from games.errors import InputError, SolverError
from games.tree import (
    Chance,
    Decision,
    GameTree,
    Path,
    Terminal,
    information_sets,
    infoset_key,
    max_abs_payoff,
    node_values,
    pure_behaviour,
    reach_probabilities,
    walk,
)

#: Most subgame-perfect equilibria enumerated before giving up (ties multiply them).
MAX_EQUILIBRIA = 10_000

Plan = dict  # information set (player, key) -> action index


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


def exact_tree(tree: GameTree) -> bool:
    """True when every payoff and probability is an int or a Fraction (exact comparisons)."""
    for _, node in walk(tree.root):
        numbers = node.payoffs if isinstance(node, Terminal) else getattr(node, "probabilities", ())
        if any(isinstance(v, float) for v in numbers):
            return False
    return True


def tie_tolerance(tree: GameTree) -> float:
    """0 for exact trees; otherwise TOLERANCE scaled by the largest payoff."""
    return 0.0 if exact_tree(tree) else TOLERANCE * max(1.0, max_abs_payoff(tree))


def _require_perfect_information(tree: GameTree) -> None:
    for h in information_sets(tree):
        if len(h.paths) > 1:
            raise InputError(
                f"game '{tree.title}': backward induction needs perfect information, but an "
                f"information set of {tree.players[h.player]} holds {len(h.paths)} nodes; "
                "solve its reduced normal form instead"
            )


def _num(v):
    return Fraction(v) if isinstance(v, int) else v


def subgame_perfect_equilibria(tree: GameTree, limit: int = MAX_EQUILIBRIA) -> tuple[SubgamePerfectEquilibrium, ...]:
    """Every pure subgame-perfect equilibrium of a perfect-information tree, each verified.

    Raises InputError when the tree has imperfect information or when ties produce more
    than ``limit`` equilibria.
    """
    _require_perfect_information(tree)
    tol = tie_tolerance(tree)
    # bottom-up: for each node, the list of (choices below it, values) of its subgame's SPE
    results: dict[Path, list[tuple[tuple, tuple]]] = {}
    for path, node in reversed(list(walk(tree.root))):
        if isinstance(node, Terminal):
            results[path] = [((), tuple(_num(v) for v in node.payoffs))]
            continue
        kids = [results.pop(path + (k,)) for k in range(len(node.children))]
        size = 1
        for lst in kids:
            size *= len(lst)
        if size > limit:
            raise _too_many(tree, limit)
        here: list[tuple[tuple, tuple]] = []
        for combo in product(*kids):
            below = tuple(c for choices, _ in combo for c in choices)
            if isinstance(node, Chance):
                vals = [0] * tree.n_players
                for p, (_, v) in zip(node.probabilities, combo):
                    vals = [a + _num(p) * b for a, b in zip(vals, v)]
                here.append((below, tuple(vals)))
                continue
            me = node.player
            best = max(v[me] for _, v in combo)
            ident = (me, infoset_key(node, path))
            for k, (_, v) in enumerate(combo):
                if v[me] >= best - tol:
                    here.append((((ident, k),) + below, v))
            if len(here) > limit:
                raise _too_many(tree, limit)
        results[path] = here
    found = []
    for choices, values in results[()]:
        eq = SubgamePerfectEquilibrium(tuple(sorted(choices, key=_order(tree))), tuple(float(v) for v in values))
        if not is_subgame_perfect(tree, eq.plan):
            raise SolverError(f"game '{tree.title}': a backward-induction result failed the one-shot deviation check")
        found.append(eq)
    return tuple(found)


def _order(tree: GameTree):
    position = {h.ident: i for i, h in enumerate(information_sets(tree))}
    return lambda item: position[item[0]]


def _too_many(tree: GameTree, limit: int) -> InputError:
    return InputError(
        f"game '{tree.title}': ties give more than {limit:,} subgame-perfect equilibria; "
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
    for path, node in reversed(list(walk(tree.root))):
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
    for path, node in reversed(list(walk(tree.root))):
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
