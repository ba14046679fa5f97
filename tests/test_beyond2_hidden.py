"""Games with three or more players, mediators, trembles and learning: inputs tradegame's
other tests do not use, against oracles written here (the logit fixed point evaluated
directly, scipy's LPs profile by profile, Gambit via pygambit, hand answers).
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


# --- helpers ---------------------------------------------------------------------------


def _text(v) -> str:
    v = Fraction(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _write_nfg(path, arrays) -> None:
    """An `.nfg` in payoff form, written here (not by tradegame): player 1 fastest."""
    shape = np.asarray(arrays[0]).shape
    players = " ".join(f'"P{i + 1}"' for i in range(len(shape)))
    values = []
    for rev in itertools.product(*[range(s) for s in reversed(shape)]):
        values += [_text(np.asarray(a)[tuple(reversed(rev))]) for a in arrays]
    counts = " ".join(map(str, shape))
    path.write_text(f'NFG 1 R "beyond2" {{ {players} }} {{ {counts} }}\n\n{" ".join(values)}\n')


def _cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def _json(*args) -> dict:
    result = _cli(*args, "--format", "json")
    assert result.exit_code == 0, (result.stderr, result.exception)
    return json.loads(result.stdout)


def _values(arrays, profile, i) -> np.ndarray:
    """Player i's payoff from each of its strategies against the others' mixtures."""
    t = np.asarray(arrays[i], dtype=float)
    for j in reversed(range(len(arrays))):
        if j != i:
            t = np.tensordot(t, np.asarray(profile[j], dtype=float), axes=([j], [0]))
    return t


# --- the logit path's λ ----------------------------------------------------------------


@pytest.mark.parametrize("shape,seed", [((2, 2, 2), 0), ((2, 3, 2), 1), ((3, 2, 2, 2), 2)])
def test_n_player_logit_points_are_quantal_responses_to_the_payoffs_as_given(tmp_path, shape, seed):
    # Payoffs with a spread of about 40: the tracer works on payoffs divided by one scale,
    # and reported λ in those units, so a reported point (λ, profile) was not a logit QRE
    # of the game in the file (residual 0.43 on a 2×2×2 game).
    rng = np.random.default_rng(seed)
    arrays = [rng.integers(-5, 10, size=shape) * 3 for _ in shape]
    path = tmp_path / "g.nfg"
    _write_nfg(path, arrays)
    qre = _json("solve", path, "--method", "logit")["qre"]
    checked = 0
    for pt in qre["path"]:
        if pt["lambda"] > 50:  # exp(λ·u) is too steep to compare probabilities there
            continue
        for i in range(len(shape)):
            v = _values(arrays, pt["profile"], i)
            q = np.exp(pt["lambda"] * (v - v.max()))
            assert np.allclose(q / q.sum(), pt["profile"][i], atol=1e-7), pt["lambda"]
        checked += 1
    assert checked >= 5


def test_n_player_logit_points_match_gambit_at_their_lambda(tmp_path):
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(7)
    shape = (2, 3, 2)
    arrays = [rng.integers(-5, 10, size=shape) * 3 for _ in shape]
    path = tmp_path / "g.nfg"
    _write_nfg(path, arrays)
    points = [pt for pt in _json("solve", path, "--method", "logit")["qre"]["path"] if 0.01 < pt["lambda"] < 1]
    assert points
    game = gbt.Game.from_arrays(*[np.asarray(a, dtype=float) for a in arrays])
    theirs = gbt.qre.logit_solve_lambda(game, lam=[pt["lambda"] for pt in points])
    for pt, t in zip(points, theirs):
        gam = [[float(t.profile[s]) for s in p.strategies] for p in game.players]
        for a, b in zip(gam, pt["profile"]):
            assert np.allclose(a, b, atol=1e-6), pt["lambda"]


# --- one player ---------------------------------------------------------------------------


def test_one_player_game_takes_the_logit_method_and_others_name_what_fits(tmp_path):
    # `--method logit` is documented for any number of players; a one-player game was
    # refused with "logit needs a two-player game, this one has 1 players".
    one = tmp_path / "one.nfg"
    one.write_text('NFG 1 R "alone" { "a" } { 3 }\n\n1 3 2\n')
    data = _json("solve", one, "--method", "logit")
    assert [e["profile"] for e in data["equilibria"]] == [[[0.0, 1.0, 0.0]]]
    for pt in data["qre"]["path"]:  # x ∝ exp(λ u) with u = (1, 3, 2)
        q = np.exp(pt["lambda"] * np.array([1.0, 3.0, 2.0]))
        assert np.allclose(q / q.sum(), pt["profile"][0], atol=1e-9)
    r = _cli("solve", one, "--method", "lemke-howson")
    assert r.exit_code == 2 and r.stdout == ""
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and "--method" in line
    assert "1 player;" in line and "1 players" not in line and "logit" in line


# --- every equilibrium: a root next to a smaller support's equilibrium --------------------


def _six_player_game(seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(2,) * 6) for _ in range(6)]


def _root_near(arrays, supports, start):
    """A root of the indifference system of `supports` (one strategy or both, per player)
    by scipy's fsolve: each mixing player's two strategies pay it the same."""
    from scipy.optimize import fsolve

    mixing = [i for i, s in enumerate(supports) if len(s) == 2]

    def profile(x):
        out = []
        for i, s in enumerate(supports):
            out.append(np.array([x[mixing.index(i)], 1 - x[mixing.index(i)]]) if len(s) == 2 else np.eye(2)[s[0]])
        return out

    def equations(x):
        prof = profile(x)
        return [(lambda v: v[0] - v[1])(_values(arrays, prof, i)) for i in mixing]

    x = fsolve(equations, start, xtol=1e-12)
    assert np.max(np.abs(equations(x))) < 1e-12
    return profile(x)


@pytest.mark.parametrize("seed,count", [(1013, 39), (1014, 21)])
def test_six_two_strategy_players_have_an_odd_number_of_equilibria(tmp_path, seed, count):
    # Generic games have an odd number of equilibria (Wilson 1971). These two had 38 and
    # 20 listed as complete: a root of a support profile 1/1300 from an equilibrium of a
    # smaller support (on the face of the search box) was taken as represented by it.
    arrays = _six_player_game(seed)
    path = tmp_path / "six.nfg"
    _write_nfg(path, [np.round(a * 2**20) / 2**20 for a in arrays])  # exact in the file
    arrays = [np.round(a * 2**20) / 2**20 for a in arrays]
    data = _json("solve", path)
    assert data["complete"] is True
    found = [eq["profile"] for eq in data["equilibria"]]
    for prof in found:
        for i in range(6):
            v = _values(arrays, prof, i)
            assert v.max() - np.dot(prof[i], v) <= 1e-9
    assert len(found) % 2 == 1 and len(found) == count
    if seed == 1013:
        # the one that was missing: players 1, 2, 4, 5, 6 mix, 3 plays its second strategy
        # (probabilities of first strategies: 0.9162, 0.4727, 0, 0.1100, 0.00078, 0.5453)
        root = _root_near(arrays, [(0, 1), (0, 1), (1,), (0, 1), (0, 1), (0, 1)], [0.916, 0.473, 0.110, 0.0008, 0.545])
        assert 0 < root[4][0] < 0.002
        assert any(all(np.allclose(p, q, atol=1e-7) for p, q in zip(prof, root)) for prof in found)


# --- explanations of N-player equilibria --------------------------------------------------


def test_a_weak_pareto_improvement_is_not_called_one_every_player_prefers(tmp_path):
    # Ann and Bob play a stag hunt; Cy's choice changes nothing and pays Cy 0. At
    # (Hare, Hare, ·) Ann and Bob would gain 1 each at (Stag, Stag, ·) and Cy nothing:
    # the explanation said "every player would prefer" / "yet all would prefer".
    path = tmp_path / "stag3.nfg"
    hunt = {(0, 0): (2, 2), (0, 1): (0, 1), (1, 0): (1, 0), (1, 1): (1, 1)}
    values = []
    for c in range(2):
        for b in range(2):
            for a in range(2):
                values += [*hunt[(a, b)], 0]
    path.write_text('NFG 1 R "stag hunt and a bystander" { "Ann" "Bob" "Cy" }\n'
                    '{ { "Stag" "Hare" } { "Stag" "Hare" } { "Left" "Right" } }\n\n'
                    + " ".join(map(str, values)) + "\n")
    data = _json("explain", path)
    hare = [k for k, eq in enumerate(data["equilibria"])
            if eq["profile"][0] == [0.0, 1.0] and eq["profile"][1] == [0.0, 1.0]]
    assert hare
    text = _cli("explain", path).stdout
    assert "every player would prefer" not in text and "all would prefer" not in text
    assert "Ann and Bob would prefer (Stag, Stag" in " ".join(text.split())
    assert "Cy would do no worse there" in " ".join(text.split())
