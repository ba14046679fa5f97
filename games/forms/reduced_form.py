"""The reduced normal form of a tree, and mixed equilibria mapped back to behaviour.

A pure strategy names an action at every information set of a player; the *reduced*
strategy leaves out the information sets that the player's own earlier moves rule out
(two strategies differing only there always give the same payoffs). Solving the reduced
normal form with `games.solvers.solver.solve` finds the Nash equilibria of the tree. With perfect
recall, Kuhn's theorem turns each mixed strategy into an equivalent behaviour strategy:
the probability of action a at information set h is the weight of the strategies that
reach h and choose a there, divided by the weight of those that reach h.

Strategy labels read like plans: "Supply if Relax, Restrict if Restrict". An information
set with a single node is described by the actions leading to it; one with several
nodes by its name, or by its nodes' histories joined with "or".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from games.errors import InputError
from games.forms.normal_form import MAX_PROFILES, NormalFormGame
from games.forms.tree import (
    Chance,
    Decision,
    GameTree,
    InfoSet,
    Terminal,
    has_perfect_recall,
    history_labels,
    history_text,
    information_sets,
    infoset_key,
    per_tree,
    prefix_order,
    walk,
)

#: Most reduced strategies built for one player.
MAX_STRATEGIES = 5_000
#: Largest normal form solved for pure equilibria when complete enumeration is too costly.
MAX_PURE_FALLBACK = 2_000
#: Most strategies in all (two players) for the Lemke–Howson fallback, one path per strategy.
MAX_LEMKE_HOWSON_FALLBACK = 600

ReducedStrategy = tuple[tuple[tuple[int, str], int], ...]  # ((player, key), action) in tree order


@dataclass(frozen=True, eq=False)
class ReducedNormalForm:
    """The reduced normal form and, for each player, the plans behind its strategies."""

    tree: GameTree
    game: NormalFormGame
    plans: tuple[tuple[ReducedStrategy, ...], ...]

    def behaviour(self, profile) -> dict[tuple[int, str], tuple[float, ...] | None]:
        """Behaviour strategies equivalent (Kuhn) to a mixed profile over reduced strategies.

        Information sets that the player's own mixed strategy never reaches get None: any
        behaviour there is equivalent.
        """
        # only the strategies played with positive probability count: a pure equilibrium
        # of a form with thousands of strategies touches one plan per player, not all of them
        used = [
            [(float(profile[i][k]), dict(self.plans[i][k])) for k in np.flatnonzero(np.asarray(profile[i], dtype=float))]
            for i in range(self.tree.n_players)
        ]
        out: dict[tuple[int, str], tuple[float, ...] | None] = {}
        for h in information_sets(self.tree):
            weights = np.zeros(len(h.actions))
            for prob, plan in used[h.player]:
                choice = plan.get(h.ident)
                if choice is not None:
                    weights[choice] += prob
            total = weights.sum()
            out[h.ident] = tuple(float(w / total) for w in weights) if total > 1e-12 else None
        return out


def _player_plans(tree: GameTree, player: int) -> list[dict]:
    """The player's reduced strategies as dicts: information set → action index."""

    def plans(path, node) -> list[dict]:
        if isinstance(node, Terminal):
            return [{}]
        kids = [plans(path + (k,), c) for k, c in enumerate(node.children)]
        if isinstance(node, Decision) and node.player == player:
            ident = (player, infoset_key(node, path))
            out = []
            for k, lst in enumerate(kids):
                for p in lst:
                    if p.get(ident, k) != k:
                        continue
                    out.append({ident: k, **p})
            return _dedupe(out)
        out = [{}]
        for lst in kids:
            merged = []
            for a in out:
                for b in lst:
                    if all(a[k] == v for k, v in b.items() if k in a):
                        merged.append({**a, **b})
            out = _dedupe(merged)
            if len(out) > MAX_STRATEGIES:
                raise InputError(
                    f"game '{tree.title}': {tree.players[player]} has more than {MAX_STRATEGIES:,} "
                    "reduced strategies, too many for the normal form"
                )
        return out

    return plans((), tree.root)


def _dedupe(plans: list[dict]) -> list[dict]:
    seen, out = set(), []
    for p in plans:
        key = frozenset(p.items())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def describe_infoset(tree: GameTree, h: InfoSet) -> str:
    """Words for where an information set is: '' at the root, else 'Relax' or 'A or B'."""
    if h.name and len(h.paths) > 1:
        return h.name
    texts = []
    for p in h.paths:
        texts.append(history_text(history_labels(tree, p)))
    if texts == [""]:
        return ""
    if len(texts) > 3:
        return h.name or f"information set {h.key}"
    return " or ".join(t or "the start" for t in texts)


@per_tree
def infoset_places(tree: GameTree) -> dict[tuple[int, str], str]:
    """`describe_infoset` of every information set, kept: labels name each set once per plan."""
    return {h.ident: describe_infoset(tree, h) for h in information_sets(tree)}


def strategy_label(tree: GameTree, plan: ReducedStrategy, sets: dict) -> str:
    """'Relax' or 'Supply if Relax, Restrict if Restrict' for a reduced strategy."""
    if not plan:
        return "(no move)"
    parts = []
    places = infoset_places(tree)
    for ident, k in plan:
        h = sets[ident]
        where = places[ident]
        parts.append(h.actions[k] if not where else f"{h.actions[k]} if {where}")
    return ", ".join(parts)


def _unique(labels: list[str], plans: list[ReducedStrategy]) -> list[str]:
    if len(set(labels)) == len(labels):
        return labels
    # fall back to information-set keys to tell strategies apart
    return [
        "; ".join(f"{key}:{k + 1}" for (_, key), k in plan) or "(no move)" for plan in plans
    ]


def reduced_shape(tree: GameTree) -> tuple[int, ...]:
    """How many reduced strategies each player has, without building the normal form.

    With perfect information this is counted, not listed: at its own node a player's
    reduced strategies are those of the branch it picks (a sum over actions); elsewhere it
    must plan for every branch (a product). Other trees list the plans.
    """
    if any(len(h.paths) > 1 for h in information_sets(tree)):
        return tuple(len(_player_plans(tree, i)) for i in range(tree.n_players))
    counts: dict = {}
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            counts[path] = (1,) * tree.n_players
            continue
        kids = [counts.pop(path + (k,)) for k in range(len(node.children))]
        here = []
        for i in range(tree.n_players):
            if isinstance(node, Decision) and node.player == i:
                here.append(sum(c[i] for c in kids))
            else:
                total = 1
                for c in kids:
                    total *= c[i]
                here.append(total)
        counts[path] = tuple(here)
    return counts[()]


def reduced_normal_form(tree: GameTree) -> ReducedNormalForm:
    """Build the reduced normal form (players' strategies in tree order)."""
    if not has_perfect_recall(tree):
        raise InputError(
            f"game '{tree.title}': a player forgets its own earlier moves (imperfect recall); "
            "tradegame solves trees with perfect recall only"
        )
    sets = {h.ident: h for h in information_sets(tree)}
    order = {ident: i for i, ident in enumerate(sets)}
    all_plans: list[tuple[ReducedStrategy, ...]] = []
    labels: list[tuple[str, ...]] = []
    for i in range(tree.n_players):
        plans = [tuple(sorted(p.items(), key=lambda kv: order[kv[0]])) for p in _player_plans(tree, i)]
        plans.sort(key=lambda pl: [(order[ident], k) for ident, k in pl])
        all_plans.append(tuple(plans))
        labels.append(tuple(_unique([strategy_label(tree, p, sets) for p in plans], plans)))
    shape = tuple(len(p) for p in all_plans)
    if int(np.prod(shape, dtype=object)) > MAX_PROFILES:
        raise InputError(f"game '{tree.title}': the reduced normal form {shape} is too large to build")
    arrays = [np.zeros(shape) for _ in range(tree.n_players)]
    for idx in product(*(range(n) for n in shape)):
        choice = {}
        for i, k in enumerate(idx):
            choice.update(all_plans[i][k])
        pays = _play(tree, choice)
        for i in range(tree.n_players):
            arrays[i][idx] = pays[i]
    game = NormalFormGame(tree.title, tree.players, tuple(labels), tuple(arrays))
    return ReducedNormalForm(tree, game, tuple(all_plans))


@per_tree
def _flat_tree(tree: GameTree) -> list[tuple]:
    """The tree as a list of nodes, the root first, each one of ('t', payoffs as floats),
    ('c', ((probability, child index), ...)) or ('d', information set key, child indices):
    walked once, so each profile's play reads keys instead of rebuilding paths (a deep
    tree's paths cost its depth squared per play)."""
    flat: list = []
    stack = [((), tree.root, None, 0)]
    while stack:
        path, node, parent, k = stack.pop()
        index = len(flat)
        if parent is not None:
            flat[parent][-1][k] = index
        if isinstance(node, Terminal):
            flat.append(("t", tuple(float(v) for v in node.payoffs)))
            continue
        if isinstance(node, Chance):
            flat.append(("c", tuple(float(p) for p in node.probabilities), [None] * len(node.children)))
        else:
            flat.append(("d", (node.player, infoset_key(node, path)), [None] * len(node.children)))
        for j, child in enumerate(node.children):
            stack.append((path + (j,), child, index, j))
    return flat


def _play_flat(flat: list[tuple], choice: dict, n_players: int) -> list[float]:
    """Expected payoffs of a pure plan on `_flat_tree`'s list (chance averaged)."""
    total = [0.0] * n_players
    stack = [(0, 1.0)]
    while stack:
        index, prob = stack.pop()
        node = flat[index]
        if node[0] == "t":
            total = [t + prob * v for t, v in zip(total, node[1])]
        elif node[0] == "c":
            for p, c in zip(node[1], node[2]):
                if p:
                    stack.append((c, prob * p))
        else:
            stack.append((node[2][choice[node[1]]], prob))
    return total


def _play(tree: GameTree, choice: dict) -> list[float]:
    """Expected payoffs when every player follows its pure plan (chance averaged)."""
    return _play_flat(_flat_tree(tree), choice, tree.n_players)


def pure_profile(rnf: ReducedNormalForm, plan: dict) -> tuple[int, ...]:
    """Index of each player's reduced strategy that agrees with a full plan."""
    out = []
    for i, plans in enumerate(rnf.plans):
        match = [k for k, pl in enumerate(plans) if all(plan.get(ident) == a for ident, a in pl)]
        if not match:
            raise InputError(f"game '{rnf.tree.title}': the plan has no reduced strategy for {rnf.tree.players[i]}")
        out.append(match[0])
    return tuple(out)


@dataclass(frozen=True)
class TreeEquilibrium:
    """A verified Nash equilibrium of the reduced normal form with its behaviour strategies."""

    equilibrium: object  # games.solvers.equilibrium.Equilibrium
    behaviour: dict


def nash_equilibria(tree: GameTree, method: str = "auto"):
    """(reduced normal form, solution, behaviour strategies of each equilibrium).

    Solves the reduced normal form with `games.solvers.solver.solve` (every equilibrium verified
    there) and maps each equilibrium back to behaviour strategies. With ``method="auto"``
    a normal form too large for complete enumeration is solved for pure equilibria only
    (``solution.complete`` is then False and ``solution.note`` says so); a two-player one with
    no pure equilibrium, or too large to list them, by Lemke–Howson (some equilibria, at
    least one), so a finite game is never reported without an equilibrium.
    """
    from games.solvers.solver import solve

    from games.errors import InputError as _InputError

    rnf = reduced_normal_form(tree)
    try:  # three or more players beyond enumeration: solve's auto lists the pure equilibria itself
        solution = solve(rnf.game, method)
    except _InputError as too_large:
        if method != "auto":
            raise
        solution = _fallback(rnf.game, too_large)
    return rnf, solution, tuple(rnf.behaviour(eq.profile) for eq in solution.equilibria)


def _fallback(game, too_large: Exception):
    """The solution `auto` gives a normal form too large for complete enumeration.

    Pure equilibria when there are few profiles and some is pure; otherwise, for two
    players, the equilibria Lemke–Howson reaches from each strategy (mixed ones included).
    Raises ``too_large`` (the size error) when neither fits. (Three or more players never
    get here: `games.solvers.solver.solve`'s auto lists their pure equilibria.)
    """
    from dataclasses import replace

    from games.solvers.solver import solve

    def said(solution):
        size = "×".join(str(n) for n in game.shape)
        return replace(solution, note=f"the {size} normal form is too large to list every equilibrium: {solution.note}")

    pure_fits = int(np.prod(game.shape, dtype=object)) <= MAX_PURE_FALLBACK
    if pure_fits:
        pure = solve(game, "pure")
        if pure.equilibria:
            return said(pure)
    if game.n_players == 2 and sum(game.shape) <= MAX_LEMKE_HOWSON_FALLBACK:
        found = solve(game, "lemke-howson")
        return said(found if found.equilibria or not pure_fits else pure)
    raise too_large


def _play_exact(tree: GameTree, choice: dict) -> list:
    """`_play` in exact fractions: payoffs and chance probabilities as the tree holds them."""
    from fractions import Fraction

    from games.solvers.exact import to_fraction

    total = [Fraction(0)] * tree.n_players
    stack = [((), tree.root, Fraction(1))]
    while stack:
        path, node, prob = stack.pop()
        if isinstance(node, Terminal):
            total = [t + prob * to_fraction(v, "payoff") for t, v in zip(total, node.payoffs)]
        elif isinstance(node, Chance):
            for k, (p, c) in enumerate(zip(node.probabilities, node.children)):
                if p:
                    stack.append((path + (k,), c, prob * to_fraction(p, "chance probability")))
        else:
            k = choice[(node.player, infoset_key(node, path))]
            stack.append((path + (k,), node.children[k], prob))
    return total


def exact_payoff_arrays(rnf: ReducedNormalForm) -> list[np.ndarray]:
    """Each player's reduced-normal-form payoffs in exact fractions (object arrays).

    Payoffs and chance probabilities are taken as the tree holds them (a Gambit file's
    ``1/3`` stays one third; a float is read as the shortest decimal that prints it).
    """
    shape = rnf.game.shape
    arrays = [np.empty(shape, dtype=object) for _ in range(rnf.tree.n_players)]
    for idx in product(*(range(n) for n in shape)):
        choice = {}
        for i, k in enumerate(idx):
            choice.update(rnf.plans[i][k])
        for i, v in enumerate(_play_exact(rnf.tree, choice)):
            arrays[i][idx] = v
    return arrays


def exact_nash_equilibria(tree: GameTree):
    """(reduced normal form, solution, exact equilibria, behaviour strategies), all exact.

    Every extreme Nash equilibrium of a two-player tree's reduced normal form, by exact
    vertex enumeration (`games.solvers.exact.solve_exact`) on payoffs computed in fractions; the
    solution holds float copies for the renderers and the Kuhn mapping to behaviour
    strategies (each equilibrium is verified exactly by `solve_exact`).
    """
    from games.solvers.exact import solve_exact
    from games.solvers.solver import Solution

    from games.errors import clip

    if tree.n_players != 2:
        raise InputError(
            f"option --exact: needs a two-player game, '{clip(tree.title, 40)}' has {tree.n_players} players"
        )
    rnf = reduced_normal_form(tree)
    A, B = exact_payoff_arrays(rnf)
    exact_eqs = solve_exact(A.tolist(), B.tolist())
    floats = [e.to_equilibrium() for e in exact_eqs]
    solution = Solution(rnf.game, tuple(floats), "exact", True, 0.0, "payoffs computed in fractions from the tree")
    return rnf, solution, exact_eqs, tuple(rnf.behaviour(eq.profile) for eq in floats)
