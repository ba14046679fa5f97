"""Correlated and coarse correlated equilibria (games/solvers/correlated.py, games/explanations/correlated_explain.py).

Checked against hand answers (Aumann's Chicken, a traffic light) and against an
independent LP written here profile by profile, with dense constraints and HiGHS's
interior-point method instead of tradegame's sparse, scaled simplex formulation.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from games.solvers.correlated import (
    correlated_equilibria,
    optimize,
    correlated_vertices,
    verify_correlated,
    violations,
)
from games.explanations.correlated_explain import explain_correlated
from games.errors import InputError
from games.forms.normal_form import NormalFormGame, from_bimatrix
from games.solvers.solver import solve

pytest.importorskip("scipy")

# Aumann's Chicken: (Dare, Dare) 0,0; (Dare, Chicken) 7,2; (Chicken, Dare) 2,7; (Chicken, Chicken) 6,6.
CHICKEN = from_bimatrix(
    [[0, 7], [2, 6]], [[0, 2], [7, 6]], title="Chicken", players=("Row", "Column"),
    row_strategies=("Dare", "Chicken"), col_strategies=("Dare", "Chicken"),
)
# Profiles in C order: (D,D), (D,C), (C,D), (C,C).

# Two drivers at a crossing: going while the other stops is 1, both stop 0, both go −10.
TRAFFIC = from_bimatrix(
    [[-10, 1], [0, 0]], [[-10, 0], [1, 0]], title="Crossing", players=("Driver 1", "Driver 2"),
    row_strategies=("Go", "Stop"), col_strategies=("Go", "Stop"),
)


def test_aumann_mediator_is_a_correlated_equilibrium():
    # Told Chicken, Row believes (Dare, Chicken) 1/2-1/2 for the other: Chicken earns
    # (2 + 6)/2 = 4, Dare (7 + 0)/2 = 3.5; told Dare, the other surely plays Chicken: 7 > 6.
    eq = verify_correlated(CHICKEN, [0, 1 / 3, 1 / 3, 1 / 3])
    assert eq is not None
    assert eq.payoffs == pytest.approx((5, 5))
    # with μ = 1/2 (D,D) + 1/2 (C,C), Row told Dare knows the other dares too: Chicken (2)
    # beats Dare (0), a gain of 2 in the half of the draws where Dare is recommended
    assert verify_correlated(CHICKEN, [0.5, 0, 0, 0.5]) is None
    assert violations(CHICKEN, [0.5, 0, 0, 0.5])[0] == pytest.approx(0.5 * 2)


def test_chicken_welfare_maximizing_closed_form():
    # Hand: with μ(C,D) = μ(D,C) = q, μ(C,C) = r, μ(D,D) = 0, Row told Chicken obeys iff
    # r·(6 − 7) + q·(2 − 0) ≥ 0, i.e. r ≤ 2q; welfare 12r + 18q with 2q + r = 1 is largest
    # at r = 2q, 4q = 1: μ = (0, 1/4, 1/4, 1/2), payoffs 5.25 each (total 10.5 > 28/3 of the mixed Nash).
    sol = correlated_equilibria(CHICKEN)
    assert sol.welfare.distribution == pytest.approx((0, 0.25, 0.25, 0.5), abs=1e-9)
    assert sol.welfare.payoffs == pytest.approx((5.25, 5.25), abs=1e-9)
    # best for Row: its largest payoff, 7, only at (Dare, Chicken), a pure Nash equilibrium
    assert sol.best_for[0].distribution == pytest.approx((0, 1, 0, 0), abs=1e-9)
    assert sol.best_for[1].distribution == pytest.approx((0, 0, 1, 0), abs=1e-9)
    # a coarse correlated equilibrium cannot beat 10.5 here: deviating to Dare against μ(C,C) = 1 pays 7 > 6
    assert sol.coarse_welfare.welfare == pytest.approx(10.5, abs=1e-9)
    for eq in (sol.welfare, *sol.best_for, sol.coarse_welfare, *sol.coarse_best_for):
        assert max(eq.max_violation) <= 1e-8


def test_chicken_polytope_vertices_by_hand():
    # The three Nash equilibria — (D,C), (C,D) and the mixed (1/3 Dare each: μ = 1/9, 2/9, 2/9, 4/9) —
    # the welfare optimum (0, 1/4, 1/4, 1/2), and (1/5, 2/5, 2/5, 0), where Row told Dare is
    # indifferent (μ(D,C)·1 = μ(D,D)·2) and Chicken is never recommended to both.
    verts = correlated_vertices(CHICKEN)
    expected = [(0, 1, 0, 0), (0, 0, 1, 0), (1 / 9, 2 / 9, 2 / 9, 4 / 9), (0, 0.25, 0.25, 0.5), (0.2, 0.4, 0.4, 0)]
    assert len(verts) == len(expected)
    for e in expected:
        assert any(np.allclose(v, e, atol=1e-9) for v in verts), e


def test_traffic_light():
    # The light: Go/Stop or Stop/Go with probability 1/2 each. Told Go, a driver knows the
    # other stops (1 > 0); told Stop, the other goes (0 > −10). Each gets 1/2, while the
    # symmetric Nash equilibrium (Go with probability 1/11) gives each 0.
    light = verify_correlated(TRAFFIC, [0, 0.5, 0.5, 0])
    assert light is not None and light.payoffs == pytest.approx((0.5, 0.5))
    assert verify_correlated(TRAFFIC, [0.1, 0.4, 0.4, 0.1]) is None  # told Go, the other may go too
    sol = correlated_equilibria(TRAFFIC)
    # welfare 1 is reached by any mix of (Go, Stop) and (Stop, Go); the fairest is the light
    assert sol.welfare.distribution == pytest.approx((0, 0.5, 0.5, 0), abs=1e-9)
    assert sol.best_for[0].payoffs == pytest.approx((1, 0), abs=1e-9)
    nash = solve(TRAFFIC)
    mixed = [e for e in nash.equilibria if not e.is_pure][0]
    assert mixed.profile[0][0] == pytest.approx(1 / 11)
    expl = explain_correlated(sol, nash)
    assert expl.welfare_gain == pytest.approx(0.0, abs=1e-9)  # the pure equilibria already total 1
    assert "cannot beat" in expl.comparison  # but it shares: 1/2 each instead of 1 and 0


# ------------------------------------------------------------ an independent LP
def _independent_lp(game: NormalFormGame, weights, coarse: bool) -> float:
    """max Σ wᵢ uᵢ·μ over (coarse) correlated equilibria, written profile by profile."""
    from scipy.optimize import linprog

    profiles = list(itertools.product(*[range(k) for k in game.shape]))
    pos = {p: k for k, p in enumerate(profiles)}
    rows = []
    for i, k in enumerate(game.shape):
        u = game.payoffs[i]
        for b in range(k):
            for a in ([None] if coarse else [a for a in range(k) if a != b]):
                row = np.zeros(len(profiles))
                for p in profiles:
                    if a is not None and p[i] != a:
                        continue
                    q = list(p)
                    q[i] = b
                    row[pos[p]] = u[p] - u[tuple(q)]
                rows.append(-row)
    c = -np.array([sum(w * game.payoffs[i][p] for i, w in enumerate(weights)) for p in profiles])
    res = linprog(c, A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=np.ones((1, len(profiles))),
                  b_eq=[1], bounds=(0, None), method="highs-ipm")
    assert res.status == 0
    return -res.fun


def _random_game(shape, seed, ties=False):
    rng = np.random.default_rng(seed)
    pays = [rng.integers(0, 3, size=shape) if ties else rng.integers(-9, 10, size=shape) for _ in shape]
    names = tuple(f"P{i + 1}" for i in range(len(shape)))
    strats = tuple(tuple(f"s{j + 1}" for j in range(k)) for k in shape)
    return NormalFormGame("random", names, strats, tuple(pays))


@pytest.mark.parametrize("shape,seed,ties", [
    ((2, 2), 1, False), ((3, 3), 2, False), ((3, 4), 3, True), ((2, 2, 2), 4, False),
    ((3, 2, 2), 5, True), ((2, 2, 2, 2), 6, False), ((3, 3, 3), 7, True),
])
def test_optima_match_an_independent_lp(shape, seed, ties):
    game = _random_game(shape, seed, ties)
    sol = correlated_equilibria(game, vertex_limit=0)
    N = len(shape)
    assert sol.welfare.welfare == pytest.approx(_independent_lp(game, [1] * N, False), abs=1e-6)
    assert sol.coarse_welfare.welfare == pytest.approx(_independent_lp(game, [1] * N, True), abs=1e-6)
    for i in range(N):
        w = [1 if j == i else 0 for j in range(N)]
        assert sol.best_for[i].payoffs[i] == pytest.approx(_independent_lp(game, w, False), abs=1e-6)
        assert sol.coarse_best_for[i].payoffs[i] == pytest.approx(_independent_lp(game, w, True), abs=1e-6)
    # every correlated equilibrium is a coarse one, so the coarse optimum is at least as high
    assert sol.coarse_welfare.welfare >= sol.welfare.welfare - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_nash_products_are_correlated_equilibria(seed):
    # A Nash equilibrium, as the product of its mixtures, satisfies every obedience constraint.
    game = _random_game((3, 3), 100 + seed)
    for eq in solve(game).equilibria:
        mu = np.einsum("i,j->ij", *map(np.asarray, eq.profile)).ravel()
        assert verify_correlated(game, mu) is not None


def test_explanation_in_words():
    nash = solve(CHICKEN)
    expl = explain_correlated(correlated_equilibria(CHICKEN), nash, trade=True)
    assert "tells each side only its own part" in expl.mediator
    told = {(r.player, r.told): r for r in expl.recommendations}
    assert told[("Row", "Dare")].obey_value == pytest.approx(7)
    assert told[("Row", "Dare")].alternative_value == pytest.approx(6)
    assert told[("Row", "Chicken")].obey_value == pytest.approx(14 / 3)  # 2/3·6 + 1/3·2
    assert "indifferent" in told[("Row", "Chicken")].sentence
    # best Nash by total payoff is the mixed one, 14/3 each: the mediator adds 10.5 − 28/3
    assert expl.best_nash_welfare == pytest.approx(28 / 3)
    assert expl.welfare_gain == pytest.approx(10.5 - 28 / 3)
    assert "verifier" in expl.deal and "schedule" in expl.deal


def test_too_large_is_refused():
    game = NormalFormGame("big", ("a", "b", "c"), (tuple(f"s{i}" for i in range(60)),) * 3,
                          tuple(np.zeros((60, 60, 60)) for _ in range(3)))
    with pytest.raises(InputError, match="--method"):
        optimize(game, [1, 1, 1])
