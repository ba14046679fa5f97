"""A second round of model files written from docs/models.md and README.md alone, of other
kinds than tests/test_model_outside_files.py's: three and four players with unequal menus
and mixed equilibria, regime boundaries at irrational points (φ − 1, ln 3), a three-player
tree form with a revision and its .efg export, the package form with two instruments for
one player, hidden types with three types, a scenario in another folder with provenance,
the graded game, repeated play, and bad files.

Every expected answer is computed here without tradegame: payoff tables by the formula
evaluator of tests/test_model_outside_files.py (Python's ``ast``, never tradegame's
parser), equilibria by Gambit (pygambit) and by this file's own support enumeration and
backward induction, thresholds and boundaries by hand (closed forms in the comments).
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from tests.test_hostile_cli import _invoke
from tests.test_model_outside_files import _regret, payoff_table

DATA = Path(__file__).parent / "data" / "models"


def _json(args: list[str]) -> dict:
    return json.loads(_invoke(args, codes=(0,)).stdout)


def _key(profile) -> tuple:
    return tuple(round(float(v), 4) + 0.0 for mix in profile for v in mix)


def _expected_payoffs(tables, profile) -> list[float]:
    out = []
    for table in tables:
        v = table
        for j in reversed(range(len(tables))):
            v = np.tensordot(v, np.asarray(profile[j], dtype=float), axes=([j], [0]))
        out.append(float(v))
    return out


# ------------------------------------------------------------------ an independent oracle for N players
def _two_player_equilibria(A, B) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every extreme equilibrium of a bimatrix game by Gambit's enummixed."""
    gbt = pytest.importorskip("pygambit")
    game = gbt.Game.from_arrays(A, B)
    out = []
    for eq in gbt.nash.enummixed_solve(game).equilibria:
        out.append(tuple(np.array([float(eq[s]) for s in pl.strategies]) for pl in game.players))
    return out


def _oracle(tables) -> set[tuple]:
    """Every equilibrium of an N-player game, from two independent routes: Gambit's
    enumpoly (which can miss some), and for every choice of N − 2 players and pure
    strategies for them, the other two players' bimatrix game solved by enummixed, kept
    where each fixed strategy is a best response. Equilibria in which three or more
    players mix come from enumpoly alone."""
    gbt = pytest.importorskip("pygambit")
    n = len(tables)
    found = set()
    game = gbt.Game.from_arrays(*tables)
    for eq in gbt.nash.enumpoly_solve(game).equilibria:
        found.add(_key([[float(eq[s]) for s in pl.strategies] for pl in game.players]))
    shape = tables[0].shape
    for j, k in itertools.combinations(range(n), 2):
        fixed = [p for p in range(n) if p not in (j, k)]
        for pure in itertools.product(*(range(shape[p]) for p in fixed)):
            index = [slice(None)] * n
            for p, s in zip(fixed, pure):
                index[p] = s
            A, B = tables[j][tuple(index)], tables[k][tuple(index)]
            for x, y in _two_player_equilibria(A, B):
                profile = [None] * n
                for p, s in zip(fixed, pure):
                    profile[p] = np.eye(shape[p])[s]
                profile[j], profile[k] = x, y
                if _regret(tables, profile) <= 1e-9:
                    found.add(_key(profile))
    return found


def _check_solve(name: str, args: list[str], params=None, **how) -> dict:
    data = _json(["solve", str(DATA / name), "--format", "json", *args])
    players, strategies, tables = payoff_table(DATA / name, params, **how)
    assert data["game"]["players"] == players and data["game"]["strategies"] == strategies
    for eq in data["equilibria"]:
        assert _regret(tables, eq["profile"]) <= 1e-7
        assert eq["payoffs"] == pytest.approx(_expected_payoffs(tables, eq["profile"]), abs=1e-7)
    return data


# ------------------------------------------------------------------ three ports: 2×3×4, a mixed equilibrium enumpoly misses
def test_three_players_with_two_three_and_four_strategies():
    data = _check_solve("h-triad.toml", [])
    _, _, tables = payoff_table(DATA / "h-triad.toml")
    assert data["complete"] is True
    assert {_key(e["profile"]) for e in data["equilibria"]} == _oracle(tables)
    # one equilibrium has Rotterdam at Hub and the other two mixing: Hamburg mixes Rail,
    # Barge and Truck 0.3/0.3/0.4 (Le Havre's North, South and West must pay it the same)
    assert _key([[1, 0], [0.3, 0.3, 0.4], [0.3271, 0.3649, 0, 0.308]]) in _oracle(tables)


@pytest.mark.parametrize("sets", [["congestion=0"], ["congestion=3.3", "subsidy=-1.5"], ["subsidy=2.4"]])
def test_three_ports_what_ifs(sets):
    params = {k: float(v) for k, v in (s.split("=") for s in sets)}
    data = _check_solve("h-triad.toml", [a for s in sets for a in ("--set", s)], params)
    _, _, tables = payoff_table(DATA / "h-triad.toml", params)
    assert {_key(e["profile"]) for e in data["equilibria"]} == _oracle(tables)


# ------------------------------------------------------------------ four labs: 2×3×2×2, levels out of order, exp/log/sqrt, x ** 1.5
@pytest.mark.parametrize("sets", [[], ["prize=6", "curv=0.3"], ["prize=2"]])
def test_four_players_with_unordered_levels(sets):
    params = {k: float(v) for k, v in (s.split("=") for s in sets)}
    data = _check_solve("h-four.toml", [a for s in sets for a in ("--set", s)], params)
    _, _, tables = payoff_table(DATA / "h-four.toml", params)
    assert data["complete"] is True
    assert {_key(e["profile"]) for e in data["equilibria"]} == _oracle(tables)
    if not sets:  # at the defaults: two pure equilibria and one where Beta and Delta mix
        assert sum(not e["pure"] for e in data["equilibria"]) == 1 and len(data["equilibria"]) == 3


def test_four_players_thresholds_by_hand():
    """(Lazy, High, Join, Lazy): Alpha's effort 0.5, Beta's 2, Gamma joins (1), Delta's 0.
    Beta's High over Mid: P·(2/3.5 − 1/2.5) − 0.9·c·(2^1.5 − 1); Delta's Keen over Lazy:
    P·1.5/5.5 − 1.1·c·1.5² − 0.2·1.5 + 0.1/5 − 0.1/3.5. Both affine in P and in c."""
    data = _json(["explain", str(DATA / "h-four.toml"), "--format", "json"])
    (entry,) = [t for t in data["explanation"]["thresholds"] if t["label"] == "(Lazy, High, Join, Lazy)"]
    by = {t["parameter"]: t for t in entry["thresholds"]}
    beta = lambda P, c: P * (2 / 3.5 - 1 / 2.5) - 0.9 * c * (2**1.5 - 1)  # noqa: E731
    delta = lambda P, c: P * 1.5 / 5.5 - 1.1 * c * 2.25 - 0.3 + 0.02 - 0.1 / 3.5  # noqa: E731
    assert by["prize"]["low"] == pytest.approx(0.9 * (2**1.5 - 1) / (2 / 3.5 - 0.4), rel=1e-12)
    assert by["prize"]["high"] == pytest.approx((2.475 + 0.3 - 0.02 + 0.1 / 3.5) / (1.5 / 5.5), rel=1e-12)
    assert by["curv"]["low"] == pytest.approx((15 / 5.5 - 0.3 + 0.02 - 0.1 / 3.5) / 2.475, rel=1e-12)
    assert by["curv"]["high"] == pytest.approx(10 * (2 / 3.5 - 0.4) / (0.9 * (2**1.5 - 1)), rel=1e-12)
    assert beta(by["prize"]["low"], 1) == pytest.approx(0, abs=1e-9)
    assert delta(by["prize"]["high"], 1) == pytest.approx(0, abs=1e-9)
    assert by["prize"]["exact"] and by["curv"]["exact"]


# ------------------------------------------------------------------ golden thresholds: boundaries at φ − 1, ln 3 and 2s/3
PHI = (math.sqrt(5) - 1) / 2


def test_sweep_finds_irrational_boundaries_between_grid_points():
    """Row's gain from High is t² + t − 1 against Left (zero at φ − 1) and eᵗ − 3 against
    Right (zero at ln 3); Col's gain from Right is s − 1.5t against High (zero at 4/3 for
    s = 2) and −1 against Low. So (Low, Left) below φ − 1, only a mixed equilibrium up to
    ln 3, (High, Right) up to 4/3 and (High, Left) above."""
    data = _json(["sweep", str(DATA / "h-golden.toml"), "--vary", "t=0:3:13", "--format", "json"])
    sweep = data["sweep"]
    got = [(b["value"], b["below"], b["above"]) for b in sweep["boundaries"]]
    assert [b[1:] for b in got] == [("(Low, Left) only", "mixed only"), ("mixed only", "(High, Right) only"),
                                    ("(High, Right) only", "(High, Left) only")]
    for (value, _, _), exact in zip(got, [PHI, math.log(3), 4 / 3]):
        assert value == pytest.approx(exact, rel=2e-7)
    # every grid point's regime, by hand from the signs of the four gains
    def regime(t):
        if t < PHI:
            return "(Low, Left) only"
        if t < math.log(3):
            return "mixed only"
        return "(High, Right) only" if t < 4 / 3 else "(High, Left) only"
    for point in data["points"]:
        assert point["regime"] == regime(point["values"]["t"])


@pytest.mark.parametrize("t, label, low, high", [
    (0.3, "(Low, Left)", 0.0, PHI),
    (0.8, "the mixed equilibrium", PHI, math.log(3)),
    (1.2, "(High, Right)", math.log(3), 4 / 3),
    (2.0, "(High, Left)", 4 / 3, 3.0),
])
def test_explain_thresholds_at_irrational_points(t, label, low, high):
    data = _json(["explain", str(DATA / "h-golden.toml"), "--set", f"t={t}", "--format", "json"])
    (entry,) = [e for e in data["explanation"]["thresholds"] if e["label"] == label]
    (th,) = [x for x in entry["thresholds"] if x["parameter"] == "t"]
    assert th["low"] == pytest.approx(low, rel=1e-6, abs=1e-9) and th["high"] == pytest.approx(high, rel=1e-6)
    assert th["exact"] is False  # t² and eᵗ: not affine, searched numerically


def test_explain_thresholds_in_the_affine_parameter():
    """s enters affinely: (High, Left) at t = 2 holds while s ≤ 1.5·2 = 3; (High, Right) at
    t = 1.2 while s ≥ 1.8; the mixed one at t = 0.8 while s > 1.2 (Row's mix must make Col
    indifferent: p·(s − 1.5t) = 1 − p needs s > 1.5t)."""
    for t, label, low, high in [(2.0, "(High, Left)", 0.5, 3.0), (1.2, "(High, Right)", 1.8, 4.0),
                                (0.8, "the mixed equilibrium", 1.2, 4.0)]:
        data = _json(["explain", str(DATA / "h-golden.toml"), "--set", f"t={t}", "--format", "json"])
        (entry,) = [e for e in data["explanation"]["thresholds"] if e["label"] == label]
        (th,) = [x for x in entry["thresholds"] if x["parameter"] == "s"]
        assert (th["low"], th["high"]) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))


def test_two_parameter_sweep_of_non_affine_payoffs_does_not_claim_one_regime():
    """t² and eᵗ are not affine in t, so the 2×2 sweep has no exact lines to give; the
    regimes still differ across the grid (counted by hand below), and the text must not say
    the regime is the same everywhere (it did)."""
    args = ["sweep", str(DATA / "h-golden.toml"), "--vary", "t=0:3:7", "--vary", "s=0.5:4:8"]
    text = _invoke(args, codes=(0,)).stdout
    assert "the regime is the same everywhere" not in text
    assert "not computed" in text
    data = _json([*args, "--format", "json"])
    counts: dict[str, int] = {}
    for point in data["points"]:
        t, s = point["values"]["t"], point["values"]["s"]
        rows, cols = [t * t + t - 1, math.exp(t) - 3], [-1.0, s - 1.5 * t]  # Row's gains vs Left/Right; Col's vs Low/High
        pure = [(r, c) for r in (0, 1) for c in (0, 1)
                if (rows[c] >= -1e-12 if r else rows[c] <= 1e-12) and (cols[r] >= -1e-12 if c else cols[r] <= 1e-12)]
        names = [f"({'High' if r else 'Low'}, {'Right' if c else 'Left'})" for r, c in pure]
        if len(names) == 1 and abs(cols[1]) > 1e-12:
            counts[names[0]] = counts.get(names[0], 0) + 1
        elif not names:
            counts["mixed"] = counts.get("mixed", 0) + 1
    regimes = {r["regime"]: r["count"] for r in data["sweep"]["regimes"]}
    assert regimes["mixed only"] == counts["mixed"]
    for name in ("(Low, Left)", "(High, Left)", "(High, Right)"):
        assert regimes[f"{name} only"] == counts[name]
