"""Learning dynamics against known behaviour: convergence, cycling, and nashpy's own integrator."""

from __future__ import annotations

import numpy as np
import pytest

from games.errors import InputError
from games.solvers.learning import fictitious_play_path, replicator_path, replicator_paths, scaled_payoffs
from games.forms.normal_form import from_bimatrix

PD = from_bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
PENNIES = from_bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
STAG = from_bimatrix([[4, 0], [3, 3]], [[4, 3], [0, 3]])


def test_replicator_reaches_the_dominant_strategy_equilibrium():
    _, xs, ys = replicator_path(PD, [0.9, 0.1], [0.9, 0.1], horizon=30)
    assert xs[-1][1] > 0.999 and ys[-1][1] > 0.999  # both defect


def test_replicator_cycles_in_matching_pennies():
    """Matching pennies: the replicator flow conserves log x1 + log(1−x1) + log y1 + log(1−y1)."""
    _, xs, ys = replicator_path(PENNIES, [0.7, 0.3], [0.5, 0.5], horizon=20, points=2000)
    h = np.log(xs[:, 0]) + np.log(xs[:, 1]) + np.log(ys[:, 0]) + np.log(ys[:, 1])
    assert np.ptp(h) < 1e-6
    assert xs[:, 0].max() > 0.69 and xs[:, 0].min() < 0.31  # it goes round, not in


def test_replicator_agrees_with_nashpy_where_odeint_is_reliable():
    import nashpy

    times, xs, ys = replicator_path(STAG, [0.6, 0.4], [0.3, 0.7], horizon=2, points=50)
    nx, ny = nashpy.Game(np.array(STAG.payoffs[0]), np.array(STAG.payoffs[1])).asymmetric_replicator_dynamics(
        x0=np.array([0.6, 0.4]), y0=np.array([0.3, 0.7]), timepoints=times)
    assert np.allclose(xs, nx, atol=1e-5) and np.allclose(ys, ny, atol=1e-5)


def test_many_paths_at_once_are_the_paths_one_by_one():
    starts = [([0.85, 0.15], [0.6, 0.4]), ([0.3, 0.7], [0.9, 0.1]), ([0.5, 0.5], [0.5, 0.5])]
    times, xs, ys = replicator_paths(STAG, [x for x, _ in starts], [y for _, y in starts], horizon=12, points=60)
    assert xs.shape == (3, 60, 2) and ys.shape == (3, 60, 2)
    for k, (x0, y0) in enumerate(starts):
        t1, x1, y1 = replicator_path(STAG, x0, y0, horizon=12, points=60)
        assert np.array_equal(times, t1) and np.allclose(xs[k], x1, atol=1e-12) and np.allclose(ys[k], y1, atol=1e-12)


def test_stag_hunt_basins_follow_the_mixed_equilibrium():
    """Mixed equilibrium of the Stag Hunt: Stag with probability 3/4."""
    _, xs, _ = replicator_path(STAG, [0.85, 0.15], [0.85, 0.15], horizon=40)
    assert xs[-1][0] > 0.99  # above 3/4: stag
    _, xs, _ = replicator_path(STAG, [0.65, 0.35], [0.65, 0.35], horizon=40)
    assert xs[-1][0] < 0.01  # below 3/4: hare


def test_fictitious_play_converges_to_mixed_equilibrium_in_matching_pennies():
    """Robinson (1951): in zero-sum games the empirical frequencies converge to equilibrium."""
    rows, cols = fictitious_play_path(PENNIES, [[1, 0], [0, 1]], 4000)
    assert abs(rows[-1][0] - 0.5) < 0.03 and abs(cols[-1][0] - 0.5) < 0.03
    assert rows.shape == (4001, 2) and np.allclose(rows.sum(axis=1), 1)


def test_fictitious_play_is_reproducible():
    a = fictitious_play_path(STAG, [[1, 1], [1, 1]], 50, seed=3)
    b = fictitious_play_path(STAG, [[1, 1], [1, 1]], 50, seed=3)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_scaling_keeps_best_responses():
    g = from_bimatrix([[10, 0], [30, 20]], [[-5, 5], [0, 10]])
    s = scaled_payoffs(g)
    assert np.allclose(s.payoffs[0], np.array([[10, 0], [30, 20]]) / 30)
    assert np.allclose(s.payoffs[1], np.array([[-5, 5], [0, 10]]) / 15)


@pytest.mark.parametrize(
    "call",
    [
        lambda: replicator_path(PD, [1.0, 0.0], [0.5, 0.5]),  # not interior
        lambda: replicator_path(PD, [0.5, 0.5, 0.0], [0.5, 0.5]),
        lambda: replicator_path(PD, [0.5, 0.5], [0.5, 0.5], horizon=-1),
        lambda: fictitious_play_path(PD, [[0, 0], [1, 1]], 10),
        lambda: fictitious_play_path(PD, [[1, 1], [1, 1]], 0),
        lambda: replicator_paths(PD, [[0.5, 0.5]], [[0.5, 0.5], [0.4, 0.6]]),  # unpaired starts
    ],
)
def test_bad_input(call):
    with pytest.raises(InputError):
        call()
