"""The numerical tremble search (games/solvers/trembling_hand.py) against an independent exact oracle.

The oracle tries *lexicographic* trembles: each action off the equilibrium is played with
probability ε^r for an integer order r (1 to 4), every combination of orders, evaluated in
exact fractions at ε = 10⁻⁶, and asks Selten's condition directly: is every equilibrium
choice a best reply against that completely mixed profile? A combination that works proves
perfection; when none does, the oracle says "not perfect" (within trembles of those
orders — enough for these small games). It shares no code with the search: its own tree
recursion and its own payoff sums, no floats, no linear programs.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np

from games.solvers.agent_form_perfection import agent_form_perfect
from games.solvers.backward_induction import subgame_perfect
from games.forms.tree import Decision, GameTree, Terminal, infoset_key, pure_behaviour, walk

EPS = Fraction(1, 10**6)
ORDERS = (1, 2, 3, 4)


def _random_tree(rng: random.Random, players: int, depth: int):
    if depth == 0 or (depth < 3 and rng.random() < 0.3):
        return Terminal(tuple(rng.randint(0, 2) for _ in range(players)))
    return Decision(rng.randrange(players), ("a", "b"), tuple(_random_tree(rng, players, depth - 1) for _ in range(2)))


def _tree_oracle(tree: GameTree, plan: dict) -> bool:
    nodes = [(p, n) for p, n in walk(tree.root) if isinstance(n, Decision)]
    chosen = {p: plan[(n.player, infoset_key(n, p))] for p, n in nodes}
    off = [(p, k) for p, n in nodes for k in range(len(n.actions)) if k != chosen[p]]

    def value(path, node, order):
        if isinstance(node, Terminal):
            return [Fraction(v) for v in node.payoffs]
        kids = [value(path + (k,), c, order) for k, c in enumerate(node.children)]
        probs = [EPS ** order[(path, k)] if k != chosen[path] else None for k in range(len(kids))]
        probs[chosen[path]] = 1 - sum(q for q in probs if q is not None)
        return [sum(q * kid[i] for q, kid in zip(probs, kids)) for i in range(tree.n_players)]

    for combo in itertools.product(ORDERS, repeat=len(off)):
        order = dict(zip(off, combo))
        # perfect information: each agent's payoff is its node's reach (> 0) times the values below
        if all(
            max(v[n.player] for v in (value(p + (k,), c, order) for k, c in enumerate(n.children)))
            <= value(p + (chosen[p],), n.children[chosen[p]], order)[n.player]
            for p, n in nodes
        ):
            return True
    return False


def test_agent_form_search_agrees_with_the_exact_oracle_on_random_trees():
    rng = random.Random(2026)
    checked = 0
    while checked < 40:
        players = rng.choice((2, 3))
        tree = GameTree("random", tuple("ABC"[:players]), _random_tree(rng, players, 3))
        if sum(isinstance(n, Decision) for _, n in walk(tree.root)) > 5:
            continue
        for spe in subgame_perfect(tree, limit=8).equilibria:
            expected = _tree_oracle(tree, spe.plan)
            assert agent_form_perfect(tree, pure_behaviour(tree, spe.plan)).perfect is expected, spe.plan
            checked += 1


def _game_oracle(payoffs: list[np.ndarray], pure: tuple[int, ...]) -> bool:
    n = len(payoffs)
    shape = payoffs[0].shape
    off = [(i, k) for i in range(n) for k in range(shape[i]) if k != pure[i]]
    P = [[[Fraction(int(v)) for v in np.ravel(a)]] for a in payoffs]  # exact copies
    profiles = list(itertools.product(*(range(m) for m in shape)))
    for combo in itertools.product(ORDERS[:3], repeat=len(off)):
        order = dict(zip(off, combo))
        mix = []
        for i in range(n):
            q = [EPS ** order[(i, k)] if k != pure[i] else None for k in range(shape[i])]
            q[pure[i]] = 1 - sum(x for x in q if x is not None)
            mix.append(q)

        def value(i, k):
            total = Fraction(0)
            for idx, prof in enumerate(profiles):
                if prof[i] != k:
                    continue
                w = Fraction(1)
                for j in range(n):
                    if j != i:
                        w *= mix[j][prof[j]]
                total += w * P[i][0][idx]
            return total

        if all(value(i, pure[i]) >= max(value(i, k) for k in range(shape[i])) for i in range(n)):
            return True
    return False


def test_three_player_search_agrees_with_the_exact_oracle_on_random_games():
    from games.solvers.equilibrium import verify
    from games.forms.normal_form import NormalFormGame
    from games.solvers.refinements import refine

    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(60):
        arrays = [rng.integers(0, 3, size=(2, 2, 2)) for _ in range(3)]
        game = NormalFormGame("random", ("1", "2", "3"), (("x", "y"),) * 3, tuple(a.astype(float) for a in arrays))
        for pure in itertools.product(range(2), repeat=3):
            eq = verify(game, [np.eye(2)[k] for k in pure])
            if eq is None:
                continue
            assert refine(game, eq).perfect is _game_oracle(arrays, pure), (arrays, pure)
            checked += 1
    assert checked >= 40
