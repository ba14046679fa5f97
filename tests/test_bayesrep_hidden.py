"""Hidden-input checks of the Bayesian, repeated and bargaining forms against independent oracles.

Oracles: closed forms derived by hand in exact fractions (grim trigger δ* = (T − R)/(T − P),
Rubinstein's first-proposer share (1 − δ₂)/(1 − δ₁δ₂), backward induction of alternating
offers on a unit pie), a linear program (scipy) for minmax values and the individually
rational set, and brute force over pure profiles for Bayesian Nash equilibria. Model files
live in tests/data/bayesrep/.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from games.forms import repeated as rp
from games.forms.normal_form import from_bimatrix
from tests.test_hostile_cli import _run_main

DATA = Path(__file__).parent / "data" / "bayesrep"


def cli(*args: str) -> tuple[int, str, str]:
    r = _run_main([str(a) for a in args])
    assert "Traceback" not in r.stdout + r.stderr
    return r.exit_code, r.stdout, r.stderr


def cli_json(*args: str) -> dict:
    code, out, err = cli(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------ repeated: at the threshold
def pd(T: Fraction, R: Fraction, P: Fraction, S: Fraction):
    A = np.array([[float(R), float(S)], [float(T), float(P)]])
    return from_bimatrix(A, A.T.copy())


@pytest.mark.parametrize("T, R, P, S", [
    ("47", "0.17", "-2.2", "-4.7"),      # δ* = 1561/1640
    ("2", "1.9", "-0.02", "-1.3"),       # δ* = 5/101
    ("0.27", "0.15", "-13", "-34"),      # δ* = 12/1327
    ("48", "18", "0.12", "-20"),         # δ* = 250/399
])
def test_grim_trigger_sustains_at_exactly_the_critical_discount(T, R, P, S):
    T, R, P, S = (Fraction(v) for v in (T, R, P, S))
    crit = (T - R) / (T - P)  # by hand: (1 − δ)T + δP ≤ R
    delta = float(crit)
    outcome = next(o for o in rp.analyse(pd(T, R, P, S), delta).outcomes if o.profile == (0, 0))
    grim = outcome.strategies[0]
    assert grim.strategy == rp.GRIM
    assert grim.critical == pytest.approx(float(crit), abs=1e-12)
    assert grim.sustained and grim.margin == 0.0
    below = next(o for o in rp.analyse(pd(T, R, P, S), delta - 1e-6).outcomes if o.profile == (0, 0))
    assert not below.strategies[0].sustained


def test_cli_escalation_deal_sustained_at_13_53():
    # escalation-2025: R = −2.5, T = −1.2, P = −6.5 for the US: δ* = 1.3/5.3 = 13/53
    data = cli_json("solve", "escalation-2025", "--game", "repeated", "--set", f"discount={13 / 53!r}")
    grim = next(c for c in data["critical_discount"] if c["strategy"] == "grim trigger")
    assert grim["critical"] == pytest.approx(13 / 53, abs=1e-12)
    assert grim["sustained"] is True and grim["margin"] == 0
    sustained = [e for e in data["equilibria"] if e.get("kind") != "stage equilibrium"]
    assert [e["profile"] for e in sustained] == [[[0.0, 1.0], [0.0, 1.0]]]  # (Relax, Supply)


def test_pd_model_file_thresholds_by_hand():
    # T = 5, R = 3, P = 1, S = 0: grim (T−R)/(T−P) = 1/2, tit-for-tat max(2/3, 1/2),
    # 2-round punishment δ² + δ = 1 (golden ratio conjugate); tit-for-tat never subgame
    # perfect since 2/3 > (P − S)/(T − P) = 1/4.
    data = cli_json("solve", DATA / "pd.toml", "--game", "repeated", "--set", "discount=0.5")
    by = {c["strategy"]: c for c in data["critical_discount"]}
    assert by["grim trigger"]["critical"] == pytest.approx(0.5)
    assert by["grim trigger"]["sustained"] is True
    assert by["tit-for-tat"]["critical"] == pytest.approx(2 / 3)
    assert by["tit-for-tat"]["subgame_perfect"] == []
    assert by["2-round punishment"]["critical"] == pytest.approx((5 ** 0.5 - 1) / 2)
    data0 = cli_json("solve", DATA / "pd.toml", "--game", "repeated", "--set", "discount=0")
    assert not any(c["sustained"] for c in data0["critical_discount"])


# ------------------------------------------------------------------ folk theorem: degenerate sets
def _lp_minmax(U: np.ndarray) -> float:
    from scipy.optimize import linprog

    m, n = U.shape
    res = linprog(np.r_[np.zeros(n), 1.0], A_ub=np.c_[U, -np.ones(m)], b_ub=np.zeros(m),
                  A_eq=np.r_[np.ones(n), 0.0][None], b_eq=[1.0], bounds=[(0, None)] * n + [(None, None)])
    return float(res.fun)


@pytest.mark.parametrize("A, B", [
    ([[0.4], [0.5], [0.2]], [[0.4], [-0.1], [0.2]]),   # one column: IR set is the point (0.5, −0.1)
    ([[-0.4, 0.1, 0.3]], [[0.2, -0.3, 0.2]]),          # one row
    ([[0.3, -0.3], [-0.3, 0.3]], [[-0.3, 0.3], [0.3, -0.3]]),  # matching pennies: the value (0, 0)
])
def test_individually_rational_set_keeps_a_single_corner(A, B):
    A, B = np.array(A, float), np.array(B, float)
    folk = rp.folk_theorem(from_bimatrix(A, B))
    v = (_lp_minmax(A), _lp_minmax(B.T))
    assert folk.minmax == pytest.approx(v, abs=1e-9)
    assert len(folk.individually_rational) >= 1  # the Nash payoffs are always in it
    for p in folk.individually_rational:
        assert p[0] >= v[0] - 1e-12 and p[1] >= v[1] - 1e-12


def test_zero_sum_folk_sentence_promises_nothing():
    code, out, err = cli("explain", DATA / "mp.toml", "--game", "repeated")
    assert code == 0, err
    text = " ".join(out.split())
    assert "no feasible payoff pair gives each side strictly more than its minmax" in text
    assert "single pair (0, 0)" in text
