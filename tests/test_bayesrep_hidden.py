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


# ------------------------------------------------------------------ Bayesian: exact thresholds
def test_entry_thresholds_exact_with_decimal_parameters():
    # In pays 0.3 − 0.1 = 0.2 against Accommodate and −0.1 − 0.1 = −0.2 against Fight, Out 0:
    # against (Fight if fighter, Accommodate if accommodator) the entrant enters iff
    # −0.2π + 0.2(1 − π) > 0, i.e. π < 1/2; at p_tough = 0.5 it is exactly indifferent.
    data = cli_json("solve", "entry-deterrence", "--game", "bayesian", "--set", "duopoly=0.3",
                    "--set", "war_loss=0.1", "--set", "entry_cost=0.1", "--set", "p_tough=0.5")
    assert data["belief_thresholds"]
    for th in data["belief_thresholds"]:
        assert th["prior"] == 0.5 and th["exact"] == "1/2"
        assert "exactly at it" in th["sentence"]


def test_informed_player_listed_first_thresholds_by_hand():
    # Entrant (uninformed, second in the file): In pays 0.3 against Accommodate, −0.1 against
    # Fight, −0.07 against Sue; Out 0. Best-reply plans of (tough, soft) give the priors at
    # which entering breaks even: (A, Sue) 0.07/0.37, (A, F) 1/4, (F, A) 3/4, (Sue, A) 0.3/0.37.
    data = cli_json("solve", DATA / "inf0.toml", "--game", "bayesian")
    got = sorted((th["exact"], th["plan"]["tough"], th["plan"]["soft"]) for th in data["belief_thresholds"])
    assert got == sorted([("7/37", "Accommodate", "Sue"), ("1/4", "Accommodate", "Fight"),
                          ("3/4", "Fight", "Accommodate"), ("30/37", "Sue", "Accommodate")])
    for th in data["belief_thresholds"]:
        num, den = th["exact"].split("/")
        assert th["prior"] == float(Fraction(int(num), int(den)))


def _pure_bne(prior, row, col):
    """Pure Bayesian Nash equilibria by brute force in fractions: (row move, plan)."""
    import itertools

    k, m, n = len(prior), len(row[0]), len(row[0][0])
    out = set()
    for i in range(m):
        for plan in itertools.product(range(n), repeat=k):
            if any(col[t][i][plan[t]] < max(col[t][i]) for t in range(k)):
                continue  # every type best-responds, a type of prior 0 too
            value = [sum(prior[t] * row[t][r][plan[t]] for t in range(k)) for r in range(m)]
            if value[i] == max(value):
                out.add((i, plan))
    return out


@pytest.mark.parametrize("p1, p2", [("0.2", "0.3"), ("1", "0"), ("0", "0"), ("0", "1"), ("0.4", "0.6")])
def test_three_types_pure_equilibria_match_brute_force(p1, p2):
    sets = ("--set", f"p1={p1}", "--set", f"p2={p2}")
    p1, p2 = Fraction(p1), Fraction(p2)
    prior = (p1, p2, 1 - p1 - p2)
    row = [[[0, 0], [3, -2]]] * 3  # Entrant: Out 0; In: 3 if accommodated, −2 in a war
    col = [[[10, 10], [4, war]] for war in (6, 3, 1)]  # tough, middle, soft
    data = cli_json("solve", DATA / "bay3.toml", "--game", "bayesian", *sets)
    assert data["types"]["prior"] == pytest.approx({"tough": float(prior[0]), "middle": float(prior[1]),
                                                     "soft": float(prior[2])})
    moves = ["Accommodate", "Fight"]
    got = set()
    for eq in data["equilibria"]:
        if eq["pure"]:
            row_move = max(range(2), key=lambda i: eq["Entrant"][["Out", "In"][i]])
            plan = tuple(max(range(2), key=lambda a: eq["types"][t][moves[a]]) for t in ("tough", "middle", "soft"))
            got.add((row_move, plan))
    assert got == _pure_bne(prior, row, col)


# ------------------------------------------------------------------ bargaining by hand
def _alternating(deltas, rounds, outside=(0, 0), first=0):
    """Unit pie, d = 0: backward induction in fractions; each round's split (A, B)."""
    nxt, path = None, []
    for t in range(rounds, 0, -1):
        p = first if (t - 1) % 2 == 0 else 1 - first
        r = 1 - p
        give = max(Fraction(outside[r]), Fraction(0) if nxt is None else deltas[r] * nxt[r])
        split = [Fraction(0), Fraction(0)]
        split[r], split[p] = give, 1 - give
        path.append(tuple(split))
        nxt = split
    return path[::-1]


@pytest.mark.parametrize("d1, d2, proposer", [("0.9", "0.8", "A"), ("0.5", "0.5", "B"), ("0", "0.9", "A"),
                                              ("0.99", "0.6", "B")])
def test_pie_rubinstein_share_closed_form(d1, d2, proposer):
    data = cli_json("solve", DATA / "pie.toml", "--game", "bargaining", "--set", f"discount_a={d1}",
                    "--set", f"discount_b={d2}", "--proposer", proposer)
    f1, f2 = Fraction(d1), Fraction(d2)
    first, second = (f1, f2) if proposer == "A" else (f2, f1)
    share = (1 - second) / (1 - first * second)  # the first proposer's share
    want = (share, 1 - share) if proposer == "A" else (1 - share, share)
    rub = data["solutions"]["Rubinstein"]
    assert rub["utilities"] == pytest.approx([float(w) for w in want], abs=1e-9)
    assert rub["payoffs"] == pytest.approx([float(w) for w in want], abs=1e-9)
    nash = data["solutions"]["Nash bargaining"]
    assert nash["payoffs"] == pytest.approx([0.5, 0.5], abs=1e-9)


@pytest.mark.parametrize("rounds, o1, o2, proposer", [(1, "0", "0", "A"), (2, "0", "0", "A"), (5, "0", "0", "B"),
                                                      (4, "0.3", "0.1", "B"), (7, "0", "0.2", "A")])
def test_pie_deadline_backward_induction(rounds, o1, o2, proposer):
    data = cli_json("solve", DATA / "pie.toml", "--game", "bargaining", "--rounds", str(rounds),
                    "--set", f"outside_option_a={o1}", "--set", f"outside_option_b={o2}", "--proposer", proposer)
    deltas = (Fraction("0.9"), Fraction("0.8"))
    want = _alternating(deltas, rounds, (Fraction(o1), Fraction(o2)), 0 if proposer == "A" else 1)
    got = data["finite_horizon"]["agreement_by_round"]
    assert np.allclose(got, [[float(a), float(b)] for a, b in want], atol=1e-9, rtol=0)
    assert data["finite_horizon"]["last_proposer"] == (proposer if rounds % 2 else {"A": "B", "B": "A"}[proposer])


def test_pie_outside_options_that_ask_too_much_end_in_no_deal():
    data = cli_json("solve", DATA / "pie.toml", "--game", "bargaining",
                    "--set", "outside_option_a=0.6", "--set", "outside_option_b=0.5")
    assert data["equilibria"] == [] and data["no_deal"]


def test_level_model_kinked_frontier_by_hand():
    # u = y − x/2, v = x − y/2 on [0, 1]²; d = (0, 0). Above d the frontier has a kink at
    # x = y = 1, (1/2, 1/2): v = 3/4 − u/2 for u ≤ 1/2, v = 3/2 − 2u for u ≥ 1/2. Nash and
    # Kalai–Smorodinsky (ideal (3/4, 3/4)) are the kink. Rubinstein (A first, δ = 0.9, 0.8):
    # 3/2 − 2a = 0.8(3/4 − 0.45a), a = 0.9/1.64 = 45/82, v = 3/2 − 2a = 33/82.
    data = cli_json("solve", DATA / "lev.toml", "--game", "bargaining", "--rounds", "3")
    sol = data["solutions"]
    for name in ("Nash bargaining", "Kalai–Smorodinsky"):
        assert sol[name]["utilities"] == pytest.approx([0.5, 0.5], abs=1e-6)
        assert sol[name]["profile"] == [[1.0], [1.0]]
    assert sol["Rubinstein"]["utilities"] == pytest.approx([45 / 82, 33 / 82], abs=1e-6)
    # three rounds, A last: (3/4, 0); B offers A 0.9·3/4 = 0.675, keeps 0.15; A offers B 0.12, keeps 0.69
    assert np.allclose(data["finite_horizon"]["agreement_by_round"], [[0.69, 0.12], [0.675, 0.15], [0.75, 0]],
                       atol=1e-6, rtol=0)
    assert data["frontier"]["columns"] == ["U_A", "U_B", "x", "y"]


# ------------------------------------------------------------------ Bayesian: bounded work
@pytest.mark.parametrize("name, expected", [
    ("big.toml", "20**6 type-contingent plans"),          # 64 million plans: refused before building them
    ("tie4.toml", "the Harsanyi game is 4×64"),           # beyond vertex enumeration's 40 strategies
])
def test_bayesian_too_large_is_one_line_exit_2(name, expected):
    code, out, err = cli("solve", DATA / name, "--game", "bayesian")
    assert code == 2 and not out.strip()
    assert err.count("\n") == 1 and expected in err and "--method" not in err


def test_move_first_with_millions_of_tie_breaks_gives_the_two_extremes():
    # five types indifferent between two replies after each of five row moves: 2**25 tie-breaks
    data = cli_json("solve", DATA / "tie5.toml", "--game", "bayesian")
    assert [u["tie_break"] for u in data["us_first"]] == ["for", "against"]
    assert "33,554,432 tie-breaks" in data["us_first"][0]["explanation"]


def test_extreme_tie_breaks_bound_every_tie_break():
    import itertools

    from games.forms.bayesian import MAX_TIE_BREAKS, BayesianGame, sequential_outcomes, tie_break_count

    rng = np.random.default_rng(7)
    row = tuple(rng.integers(-5, 6, size=(3, 3)).astype(float) for _ in range(2))
    col = tuple(np.zeros((3, 3)) for _ in range(2))  # both types indifferent everywhere
    game = BayesianGame("ties", ("R", "C"), ("a", "b", "c"), ("x", "y", "z"), ("s", "t"), (0.25, 0.75), row, col)
    assert tie_break_count(game) == 9 ** 3 > MAX_TIE_BREAKS
    fav, adv = sequential_outcomes(game)
    prior = (Fraction(1, 4), Fraction(3, 4))
    for i in range(3):  # brute force over every pair of replies to row move i
        values = [sum(prior[t] * Fraction(int(row[t][i, a])) for t, a in enumerate(plan))
                  for plan in itertools.product(range(3), repeat=2)]
        assert fav.values[i] == pytest.approx(float(max(values)))
        assert adv.values[i] == pytest.approx(float(min(values)))


def test_model_file_frontier_is_drawn_with_its_players():
    pytest.importorskip("matplotlib")
    from cli import form_plots

    data = cli_json("solve", DATA / "lev.toml", "--game", "bargaining")
    fig = form_plots.frontier_figure(data)
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("A payoff", "B payoff")
    assert any("Rubinstein" in t.get_text() for t in ax.get_legend().get_texts())


def test_symmetric_prisoners_dilemma_names_no_side_as_needing_less():
    # T = 5, R = 3, P = 1 for both: each needs δ ≥ 1/2, so neither 'alone would need only' less
    code, out, err = cli("solve", DATA / "pd.toml", "--game", "repeated")
    assert code == 0, err
    text = " ".join(out.split())
    assert "alone would need only" not in text
    assert "Row is a binding side" in text and "(Col needs the same δ)" in text
