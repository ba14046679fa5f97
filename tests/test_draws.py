"""A sample drawn a block at a time (games.sweeps.draws) is numpy's whole-column sample.

The oracle is numpy itself: ``default_rng(seed)`` drawing each parameter's whole column in
turn, which is what a seed has always named in tradegame.
"""

import pickle

import numpy as np
import pytest

from games.model.scenarios import load
from games.sweeps import sweep
from games.sweeps.draws import SeededDraws, seeded_draws
from games.sweeps.sweep import Distribution


def _numpy_columns(dists, n, seed):
    rng = np.random.default_rng(seed)
    return {d.name: getattr(rng, d.kind)(*d.args, n) for d in dists}


DISTS = (
    Distribution("re_dependence", "uniform", (3.0, 8.0)),
    Distribution("hawk_cost", "triangular", (0.0, 1.0, 5.0)),
    Distribution("leverage", "triangular", (2.0, 2.0, 9.0)),  # mode at the left end
    Distribution("deal_value", "triangular", (0.0, 4.0, 4.0)),  # mode at the right end
    Distribution("war_cost", "uniform", (-1.0, 1.0)),
)


@pytest.mark.parametrize("count", [1, 2, 5])
def test_blocks_are_numpys_whole_columns(count):
    dists, n, seed = DISTS[:count], 1_003, 11
    lazy = seeded_draws(dists, n, seed)
    truth = _numpy_columns(dists, n, seed)
    cuts = [0, 1, 2, 17, 500, 501, 999, 1_003]
    for start, stop in zip(cuts, cuts[1:]):
        got = lazy.block(start, stop)
        assert list(got) == [d.name for d in dists]
        for d in dists:
            assert np.array_equal(got[d.name], truth[d.name][start:stop]), (d.name, start, stop)
    for d in dists:
        assert np.array_equal(lazy[d.name], truth[d.name])


def test_random_partitions_match():
    rng = np.random.default_rng(0)
    for trial in range(20):
        n = int(rng.integers(1, 3_000))
        seed = int(rng.integers(0, 2**63))
        dists = tuple(DISTS[i] for i in sorted(rng.choice(len(DISTS), size=int(rng.integers(1, 4)), replace=False)))
        lazy, truth = seeded_draws(dists, n, seed), _numpy_columns(dists, n, seed)
        cuts = np.unique(np.concatenate([[0, n], rng.integers(0, n, 5)]))
        for start, stop in zip(cuts[:-1], cuts[1:]):
            got = lazy.block(int(start), int(stop))
            for d in dists:
                assert np.array_equal(got[d.name], truth[d.name][start:stop])


def test_unseeded_sample_agrees_with_itself():
    lazy = seeded_draws(DISTS[:2], 400, None)
    whole = lazy["hawk_cost"]
    parts = np.concatenate([lazy.block(a, a + 100)["hawk_cost"] for a in range(0, 400, 100)])
    assert np.array_equal(whole, parts)
    assert not np.array_equal(whole, seeded_draws(DISTS[:2], 400, None)["hawk_cost"])  # fresh entropy each time


def test_normal_draws_are_drawn_whole():
    dists = (DISTS[0], Distribution("hawk_cost", "normal", (3.0, 2.0)))
    assert seeded_draws(dists, 10, 1) is None
    with pytest.raises(ValueError, match="normal"):
        SeededDraws(dists, 10, 1)


def test_mapping_behaviour():
    lazy = seeded_draws(DISTS[:2], 50, 4)
    assert len(lazy) == 2 and list(lazy) == ["re_dependence", "hawk_cost"] and "hawk_cost" in lazy
    with pytest.raises(KeyError):
        lazy["leverage"]
    assert lazy == seeded_draws(DISTS[:2], 50, 4) and lazy != seeded_draws(DISTS[:2], 50, 5)


def test_sweep_spec_holds_no_values():
    """A sample sweep's spec carries its distributions and seed, not its values: 1 M draws of
    two parameters would be 16 MB pickled to every worker and held in memory."""
    params = load("stockholm-2025").parameters
    spec = sweep.make_spec(params, sample=1_000_000, dists=["re_dependence=uniform:3:8", "hawk_cost=triangular:0:1:5"], seed=9)
    assert len(pickle.dumps(spec)) < 100_000
    assert spec.n_points == 1_000_000 and spec.names == ("re_dependence", "hawk_cost")
    truth = _numpy_columns((DISTS[0], DISTS[1]), 1_000_000, 9)
    got = spec.values(250_000, 250_100)
    for name in truth:
        assert np.array_equal(got[name], truth[name][250_000:250_100])


def test_sweep_with_a_normal_parameter_is_drawn_as_before():
    params = load("stockholm-2025").parameters
    dists = ["re_dependence=uniform:3:8", "hawk_cost=normal:3:2"]
    spec = sweep.make_spec(params, sample=500, dists=dists, seed=2)
    expected = sweep.draw(tuple(sweep.parse_distribution(d) for d in dists), 500, 2)
    assert isinstance(spec.samples, dict)
    for name, v in expected.items():
        assert np.array_equal(spec.samples[name], v)
