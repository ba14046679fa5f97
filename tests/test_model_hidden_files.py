"""A second round of model files written from docs/models.md and README.md alone, of other
kinds than tests/test_model_outside_files.py's: three and four players with unequal menus
and mixed equilibria (h-triad, h-four), regime boundaries at irrational points (φ − 1,
ln 3: h-golden) and on a hyperbola (h-hyperbola), a three-player tree form with a revision
and its .efg (h-relay), the package form with two instruments for one player and an
optional one (h-package), three hidden types with a list of priors (h-types), a scenario
in another folder (h-episodes/pressure), a 3×3 game in tenths for --exact (h-exact), an
asymmetric prisoner's dilemma for repeated play and bargaining with a form that adds a
third player (h-pd), worksheets, correlated equilibria, refinements, and bad files.

Every expected answer is computed here without tradegame: payoff tables by the formula
evaluator of tests/test_model_outside_files.py (Python's ``ast``, never tradegame's
parser) or this file's own evaluator in fractions, equilibria by Gambit (pygambit, in
rational arithmetic where ties matter) together with this file's decomposition into
bimatrix games, backward induction and brute force of its own, correlated equilibria by
its own linear program, thresholds and boundaries by hand (closed forms in the comments).
"""

from __future__ import annotations

import itertools
import json
import math
import tomllib
from fractions import Fraction
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
def _rational(table: np.ndarray) -> np.ndarray:
    """The table in fractions (denominators up to 10⁹): payoffs that tie on paper but not in
    floating point (1.6 − 1 − 0.4 against 0.8 − 0.5 − 0.1) tie again, as the model means."""
    return np.vectorize(lambda v: Fraction(float(v)).limit_denominator(10**9), otypes=[object])(table)


def _two_player_equilibria(A, B) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every extreme equilibrium of a bimatrix game by Gambit's enummixed, in exact
    rational arithmetic on the table in fractions."""
    gbt = pytest.importorskip("pygambit")
    game = gbt.Game.from_arrays(_rational(A), _rational(B))
    out = []
    for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria:
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


# ------------------------------------------------------------------ a three-player tree form with a revision, and its .efg
def _spe(order, strategies, pay, revision=None):
    """Every pure subgame-perfect equilibrium of the tree in which the players of ``order``
    move in turn, each seeing the earlier moves, and (with ``revision`` = (mover, after,
    {move: strategy})) the mover may finally change a move of ``after``. ``pay(chosen)``
    gives the payoffs at a dict player -> strategy. Returns [(plan, payoffs)], where plan
    maps each decision node (the tuple of moves leading to it) to the move chosen there."""
    def solve(history: tuple, chosen: dict):
        depth = len(history)
        if depth == len(order):
            if revision and chosen[revision[0]] == revision[1]:
                return node(history, chosen, revision[0], list(revision[2]),
                            lambda move: {**chosen, revision[0]: revision[2][move]}, lambda h, c: [({}, pay(c))])
            return [({}, pay(chosen))]
        player = order[depth]
        return node(history, chosen, player, strategies[player], lambda move: {**chosen, player: move}, solve)

    def node(history, chosen, player, moves, after, below):
        i = list(strategies).index(player)
        children = [below(history + (m,), after(m)) for m in moves]
        out = []
        for combo in itertools.product(*children):
            values = [c[1][i] for c in combo]
            best = max(values)
            for m, (plan, payoffs), v in zip(moves, combo, values):
                if v >= best - 1e-12:
                    merged = {history: m}
                    for p, _ in combo:
                        merged.update(p)
                    out.append((merged, payoffs))
        return out

    return solve((), {})


def _relay_pay(params=None):
    players, strategies, tables = payoff_table(DATA / "h-relay.toml", params)
    index = {p: {s: k for k, s in enumerate(ss)} for p, ss in zip(players, strategies)}
    pay = lambda c: tuple(float(t[tuple(index[p][c[p]] for p in players)]) for t in tables)  # noqa: E731
    return players, dict(zip(players, strategies)), pay


def _path(plan, order, revision=None):
    moves, history = [], ()
    for _ in range(len(order) + (1 if revision else 0)):
        if history not in plan:
            break
        moves.append(plan[history])
        history = history + (plan[history],)
    return moves


def test_own_tree_form_with_three_players_and_a_revision():
    """[forms.chain]: Foreign, then Trade, then Finance; after Walk, Foreign may Return
    (play as if it had talked). Walking and returning pays what talking pays, so Foreign
    is indifferent at the root: two subgame-perfect equilibria, one path each."""
    players, strategies, pay = _relay_pay()
    revision = ("Foreign", "Walk", {"Stay out": "Walk", "Return": "Talk"})
    mine = _spe(["Foreign", "Trade", "Finance"], strategies, pay, revision)
    data = _json(["solve", str(DATA / "h-relay.toml"), "--game", "chain", "--format", "json"])
    got = sorted((tuple(p["action"] for p in e["path"]), tuple(e["payoffs"])) for e in data["equilibria"])
    want = sorted((tuple(_path(plan, players, revision)), payoffs) for plan, payoffs in mine)
    assert [(g[0], pytest.approx(g[1])) for g in got] == [(w[0], w[1]) for w in want]
    assert got[0][0] == ("Talk", "Open", "Loose") and got[1][0] == ("Walk", "Open", "Loose", "Return")
    # every information set's move in tradegame's plan is the one in the hand-solved plan
    for e in data["equilibria"]:
        plan = {_history(b): b["actions"][int(np.argmax(b["probabilities"]))]
                for b in e["behaviour"]}
        assert any(all(plan.get(h) == m for h, m in p.items()) for p, _ in mine)


def _history(behaviour) -> tuple:
    """The moves leading to an information set from its 'where' ('the start', 'Talk → Open')."""
    where = behaviour["where"]
    return () if where == "the start" else tuple(where.split(" → "))


@pytest.mark.parametrize("order", [["Trade", "Finance", "Foreign"], ["Finance", "Foreign", "Trade"],
                                   ["Foreign", "Finance", "Trade"]])
def test_sequential_play_of_three_players_in_any_order(order):
    players, strategies, pay = _relay_pay()
    mine = _spe(order, strategies, pay)
    args = ["solve", str(DATA / "h-relay.toml"), "--game", "sequential", "--format", "json"]
    data = _json(args + ["--order", ",".join(order)])
    got = sorted((tuple(p["action"] for p in e["path"]), tuple(round(v, 9) for v in e["payoffs"])) for e in data["equilibria"])
    want = sorted({(tuple(_path(plan, order)), tuple(round(v, 9) for v in payoffs)) for plan, payoffs in mine})
    assert sorted(set(got)) == want
    assert data["count"] == len(mine)


def test_tree_form_exported_to_gambit_has_the_same_subgame_perfect_play():
    """export --to efg of [forms.chain]: Gambit reads it; backward induction on Gambit's own
    tree (this test's, over pygambit's nodes) gives the same subgame-perfect payoffs."""
    gbt = pytest.importorskip("pygambit")
    text = _invoke(["export", str(DATA / "h-relay.toml"), "--game", "chain", "--to", "efg"], codes=(0,)).stdout
    game = gbt.read_efg(__import__("io").StringIO(text))
    players = [p.label for p in game.players]

    def values(node) -> set[tuple]:
        if node.is_terminal:
            return {tuple(float(node.outcome[p]) for p in game.players)}
        i = players.index(node.player.label)
        out = set()
        for combo in itertools.product(*(values(c) for c in node.children)):
            best = max(v[i] for v in combo)
            out |= {v for v in combo if v[i] >= best - 1e-12}
        return out

    _, _, pay = _relay_pay()
    assert values(game.root) == {(1.7, 2.0, 1.0)}
    assert pay({"Finance": "Loose", "Trade": "Open", "Foreign": "Talk"}) == pytest.approx((1.7, 2.0, 1.0))
    assert len(game.terminal_nodes if hasattr(game, "terminal_nodes") else [n for n in game.nodes if n.is_terminal]) == 2 * 3 + 2 * 3 * 2  # Talk: Trade × Finance; Walk: × the revision


# ------------------------------------------------------------------ the package form: two instruments for one player, an optional one
@pytest.mark.parametrize("args, how", [
    ([], {}),
    (["--game", "package"], {"package": True}),
    (["--game", "package", "--with", "duty"], {"package": True, "with_": ("duty",)}),
    (["--game", "package", "--with", "duty", "--set", "duty_rate=1.8", "--set", "aid_boost=0.5"],
     {"package": True, "with_": ("duty",), "params": {"duty_rate": 1.8, "aid_boost": 0.5}}),
])
def test_package_form_extreme_equilibria_match_gambit(args, how):
    """Seoul's strategies are its export setting × its subsidy setting (2 × 3, first
    instrument first); the subsidy's half and full settings tie once Seoul ships (0.6·0.5 −
    0.1 = 1.6 − 1 − 0.4), so the game is degenerate and its equilibria form segments: the
    extreme points are compared with Gambit's enummixed."""
    how = dict(how)
    params = how.pop("params", None)
    data = _check_solve("h-package.toml", args, params, **how)
    _, strategies, tables = payoff_table(DATA / "h-package.toml", params, **how)
    if how:
        assert strategies[0] == [f"{e} + {a}" for e in ("Hold", "Ship") for a in ("no aid", "half aid", "full aid")]
    want = {_key([x, y]) for x, y in _two_player_equilibria(*tables)}
    assert {_key(e["profile"]) for e in data["equilibria"]} == want


def test_package_explanation_splits_by_instrument_and_adds_up():
    data = _json(["explain", str(DATA / "h-package.toml"), "--game", "package", "--format", "json"])
    _, strategies, (A, B) = payoff_table(DATA / "h-package.toml", package=True)
    tables = (A, B)
    for entry in data["instruments"]:
        profile = tuple(entry["profile"])
        for i, part in enumerate(entry["payoffs"]):
            assert sum(b["amount"] for b in part["by_instrument"]) == pytest.approx(tables[i][profile])
        for dev in entry["deviations"]:
            i = ["Seoul", "Tokyo"].index(dev["player"])
            to = list(profile)
            to[i] = strategies[i].index(dev["switch_to"])
            assert dev["gain"] == pytest.approx(tables[i][tuple(to)] - tables[i][profile])
            assert sum(b["amount"] for b in dev["by_instrument"]) == pytest.approx(dev["gain"])
            if dev["player"] == "Seoul" and dev["stays"] == "Hold + no aid" and dev["switch_to"] == "Hold + half aid":
                # the subsidy alone: −0.5·aid_cost − 0.4·0.25, nothing shipped to boost
                assert [(b["instrument"], b["amount"]) for b in dev["by_instrument"]] == [("subsidy", pytest.approx(-0.6))]


def test_package_only_parameters_are_refused_outside_the_package_form():
    for args, words in [(["--set", "aid_cost=2"], "add --game package"),
                        (["--game", "package", "--set", "duty_rate=1"], "--with duty")]:
        run = _invoke(["solve", str(DATA / "h-package.toml"), *args], codes=(2,))
        assert words in run.stderr


# ------------------------------------------------------------------ hidden types: three of them, a list of priors
TYPES = {"honest": {"gain": 0.0}, "opportunist": {}, "smuggler": {"gain": 2 * 2 + 1, "fine": 3 / 3}}


def _harsanyi(prior=(0.3, 0.5, 0.2)):
    """The Harsanyi game of h-types.toml, built here: the Exporter's strategies are its
    move for each type (honest first, Comply before Cheat), payoffs ex ante."""
    tables = [payoff_table(DATA / "h-types.toml", over)[2] for over in TYPES.values()]
    plans = list(itertools.product(range(2), repeat=3))
    A = np.array([[sum(q * t[0][i, plan[k]] for k, (q, t) in enumerate(zip(prior, tables))) for plan in plans] for i in range(2)])
    B = np.array([[sum(q * t[1][i, plan[k]] for k, (q, t) in enumerate(zip(prior, tables))) for plan in plans] for i in range(2)])
    return A, B


def test_three_hidden_types_against_the_harsanyi_game_and_by_hand():
    """By hand: with the Inspector waving with probability w, cheating pays the honest type
    −3(1 − w), the opportunist 5w − 3, the smuggler 6w − 1; checking beats waving iff the
    chance of cheating exceeds 1/5. So only the smuggler (prior 0.2) cheats, and every w in
    [1/6, 3/5] is an equilibrium: a segment whose ends are the extreme equilibria."""
    data = _json(["solve", str(DATA / "h-types.toml"), "--game", "bayesian", "--format", "json"])
    assert data["types"]["names"] == list(TYPES)
    assert data["types"]["parameters"] == {"fine": {"honest": 3.0, "opportunist": 3.0, "smuggler": 1.0},
                                           "gain": {"honest": 0.0, "opportunist": 2.0, "smuggler": 5.0}}
    A, B = _harsanyi()
    assert {_key(e["profile"]) for e in data["equilibria"]} == {_key([x, y]) for x, y in _two_player_equilibria(A, B)}
    waves = sorted(e["Inspector"]["Wave"] for e in data["equilibria"])
    assert waves == [pytest.approx(1 / 6), pytest.approx(3 / 5)]
    for e in data["equilibria"]:
        assert {t: max(m, key=m.get) for t, m in e["types"].items()} == {"honest": "Comply", "opportunist": "Comply", "smuggler": "Cheat"}
        w = e["Inspector"]["Wave"]
        assert e["type_payoffs"]["smuggler"] == pytest.approx(6 * w - 1)
        assert e["payoffs"][0] == pytest.approx(-0.8)


def test_three_types_payoff_table_prints_every_row():
    """At 80 columns the table by type is too wide twice over; every row (Wave, Check) and
    every cell must still be printed (the Check row was lost and cells printed unlabelled)."""
    text = _invoke(["solve", str(DATA / "h-types.toml"), "--game", "bayesian"], codes=(0,)).stdout
    table = text[text.index("by Exporter's type:"): text.index("Bayesian Nash equilibria")]
    assert "\nWave " in table and "\nCheck " in table
    for typ, over in TYPES.items():
        A, B = payoff_table(DATA / "h-types.toml", over)[2]
        for j, move in enumerate(["Comply", "Cheat"]):
            cells = [f"{A[i, j]:g}, {B[i, j]:g}" for i in range(2)]
            header = f"{move} ({typ})"
            if f"{header}:" in table:  # stacked under each row, labelled
                assert [line.split(": ")[1] for line in table.split("\n") if line.strip().startswith(f"{header}:")] == cells
            else:
                assert header in table.split("\n")[2]
    entry = _invoke(["solve", "entry-deterrence", "--game", "bayesian"], codes=(0,)).stdout
    assert "\nIn " in entry[: entry.index("Bayesian Nash equilibria")]


def test_three_type_priors_that_do_not_add_up_are_refused():
    run = _invoke(["solve", str(DATA / "h-types.toml"), "--game", "bayesian", "--set", "p_honest=0.6", "--set", "p_opp=0.6"], codes=(2,))
    assert "h-types.toml" in run.stderr and "[types.Exporter] prior" in run.stderr


# ------------------------------------------------------------------ a scenario of a model file, in another folder
def test_scenario_in_another_folder_names_its_model_by_a_relative_path():
    """h-episodes/pressure.toml sets t = 1.2 and s = 1.7 in ../h-golden.toml. There Row's
    gain from High against Left is 1.44 + 1.2 − 1 = 1.64 and Col's from Right against High
    is 1.7 − 1.8 = −0.1: (High, Left) alone."""
    scenario = DATA / "h-episodes" / "pressure.toml"
    data = _json(["solve", str(scenario), "--format", "json"])
    _, _, tables = payoff_table(DATA / "h-golden.toml", {"t": 1.2, "s": 1.7})
    assert [e["profile"] for e in data["equilibria"]] == [[[0.0, 1.0], [1.0, 0.0]]]
    assert data["equilibria"][0]["payoffs"] == pytest.approx([tables[0][1, 0], tables[1][1, 0]])
    assert tables[0][1, 0] == pytest.approx(1.64)


def test_compare_a_model_with_its_scenario_by_hand():
    """From the defaults (t = 0.3, s = 2: (Low, Left)) to the scenario ((High, Left)):
    t alone breaks (Low, Left) (Row's margin 0.61 → −1.64); (High, Left) needs both t
    (Row: −0.61 → 1.64) and s (Col's Left over Right against High: 1.5t − s, −1.55 → 0.1;
    t alone leaves 1.8 − 2 = −0.2, s alone 0.45 − 1.7 < 0 on Row's side)."""
    data = _json(["compare", str(DATA / "h-golden.toml"), str(DATA / "h-episodes" / "pressure.toml"), "--format", "json"])
    assert [(c["name"], c["a"], c["b"]) for c in data["changes"]] == [("t", 0.3, 1.2), ("s", 2.0, 1.7)]
    assert data["equilibria_a"] == ["(Low, Left)"] and data["equilibria_b"] == ["(High, Left)"]
    flips = {f["label"]: f for f in data["flips"]}
    (row,) = flips["(Low, Left)"]["conditions"]
    assert (row["margin_a"], row["margin_b"]) == (pytest.approx(1 - 0.09 - 0.3), pytest.approx(1 - 1.44 - 1.2))
    assert row["fixed_by"] == ["t"]
    margins = {c["player"]: (c["margin_a"], c["margin_b"]) for c in flips["(High, Left)"]["conditions"]}
    assert margins["Col"] == (pytest.approx(0.45 - 2), pytest.approx(1.8 - 1.7))
    assert margins["Row"] == (pytest.approx(0.09 + 0.3 - 1), pytest.approx(1.44 + 1.2 - 1))


# ------------------------------------------------------------------ the graded game of a model with levels
def _graded_copy(name: str, levels: int, tmp_path: Path) -> Path:
    """The model with each player's strategies replaced by `levels` evenly spaced values of
    its level between its smallest and largest (what docs/models.md says graded does),
    written as a new file for this test's evaluator."""
    import re

    text = (DATA / name).read_text(encoding="utf-8")
    model = tomllib.loads(text)
    for player, spec in model["players"].items():
        if "level" not in spec:
            continue  # a player without a level keeps its strategies
        values = np.linspace(min(spec["levels"]), max(spec["levels"]), levels)
        names = ", ".join(f'"{spec["level"]}={v:g}"' for v in values)
        start = text.index(f"[players.{player}]")
        end = text.index("\n[", start + 1)
        block = text[start:end]
        block = re.sub(r"strategies = \[.*\]", f"strategies = [{names}]", block)
        block = re.sub(r"levels = \[.*\]", f"levels = [{', '.join(repr(float(v)) for v in values)}]", block)
        text = text[:start] + block + text[end:]
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    return out


def test_graded_game_with_linear_payoffs_has_the_extreme_equilibria_gambit_finds(tmp_path):
    """Each payoff of h-package's simultaneous game is linear in the player's own level, so
    every intermediate level is a mixture of the two ends: the 5×5 graded game is
    degenerate, with segments of equilibria; their extreme points against Gambit."""
    data = _json(["solve", str(DATA / "h-package.toml"), "--game", "graded", "--levels", "5", "--format", "json"])
    copy = _graded_copy("h-package.toml", 5, tmp_path)
    _, strategies, tables = payoff_table(copy)
    assert data["game"]["strategies"] == strategies
    for eq in data["equilibria"]:
        assert _regret(tables, eq["profile"]) <= 1e-7
    assert {_key(e["profile"]) for e in data["equilibria"]} == {_key([x, y]) for x, y in _two_player_equilibria(*tables)}


def test_graded_game_of_four_players_lists_its_pure_equilibria(tmp_path):
    """3×3×2×3 (Gamma has no level and keeps its strategies) is beyond polynomial support
    enumeration, so every pure equilibrium is listed: checked by brute force here."""
    data = _json(["solve", str(DATA / "h-four.toml"), "--game", "graded", "--levels", "3", "--format", "json"])
    copy = _graded_copy("h-four.toml", 3, tmp_path)
    _, strategies, tables = payoff_table(copy)
    assert data["game"]["strategies"] == strategies
    pure = set()
    for profile in itertools.product(*(range(n) for n in tables[0].shape)):
        mixed = [np.eye(n)[k] for n, k in zip(tables[0].shape, profile)]
        if _regret(tables, mixed) <= 1e-12:
            pure.add(_key(mixed))
    assert {_key(e["profile"]) for e in data["equilibria"]} == pure and pure
    assert data["complete"] is False


# ------------------------------------------------------------------ repeated play of an asymmetric prisoner's dilemma
def test_repeated_critical_discount_factors_by_hand():
    """Stage payoffs: A gets R = 3, T = 5.5, S = 0, P = 1; B gets R = 2, T = 5, S = −1, P =
    0.5. Grim trigger: δ ≥ (T − R)/(T − P): A 2.5/4.5, B 3/4.5 = 2/3 (binding). Tit-for-tat
    also needs δ ≥ (T − R)/(R − S): A 2.5/3, B 3/3 = 1, so never below 1. Two rounds of
    punishment: T − R ≤ (R − P)(δ + δ²): A at δ = (−1 + √6)/2, B only at δ = 1."""
    data = _json(["solve", str(DATA / "h-pd.toml"), "--game", "repeated", "--format", "json"])
    assert data["discount"] == 0.55
    by = {c["strategy"]: c for c in data["critical_discount"]}
    grim = by["grim trigger"]
    assert grim["per_player"] == {"Producer A": pytest.approx(5 / 9), "Producer B": pytest.approx(2 / 3)}
    assert grim["critical"] == pytest.approx(2 / 3) and grim["binding"] == "Producer B" and grim["sustained"] is False
    assert by["tit-for-tat"]["critical"] is None and by["tit-for-tat"]["per_player"]["Producer A"] == pytest.approx(2.5 / 3)
    assert by["2-round punishment"]["per_player"]["Producer A"] == pytest.approx((math.sqrt(6) - 1) / 2)
    assert data["minmax"]["Producer A"]["mixed"] == pytest.approx(1) and data["minmax"]["Producer B"]["mixed"] == pytest.approx(0.5)
    corners = {tuple(round(v, 9) for v in c) for c in data["folk_theorem"]["individually_rational"]}
    assert corners == {(1, 0.5), (4.25, 0.5), (3, 2), (1, 4)}
    sustained = _json(["solve", str(DATA / "h-pd.toml"), "--game", "repeated", "--set", "discount=0.7", "--format", "json"])
    assert {c["strategy"]: c["sustained"] for c in sustained["critical_discount"]}["grim trigger"] is True


# ------------------------------------------------------------------ bad model files: exit 2, one line naming the file and the field
BAD_BASE = '''title = "Base"

[players.Row]
strategies = ["Up", "Down"]
level = "x"
levels = [0, 1]

[players.Col]
strategies = ["Left", "Right"]

[parameters.a]
default = 2
range = [0, 5]

[parameters.p]
default = 0.4
range = [0, 1]

[define]
both = "x * Col.Right"

[payoffs.Row]
"gain" = "both * a - x"

[payoffs.Col]
"gain" = "Col.Right * (1 - x) + both"
'''

BAD = [
    ('misspelled_strategies', 'strategies = ["Left", "Right"]', 'stratgies = ["Left", "Right"]', "[players.Col]: unknown key 'stratgies' (did you mean 'strategies'?)"),
    ('default_string', 'default = 2\n', 'default = "2"\n', '[parameters.a]: default must be a finite number'),
    ('default_bool', 'default = 2\n', 'default = true\n', '[parameters.a]: default must be a finite number'),
    ('range_one', 'range = [0, 5]', 'range = [0]', '[parameters.a]: range must be two finite numbers'),
    ('range_reversed', 'range = [0, 5]', 'range = [5, 0]', '[parameters.a]: range must have low < high'),
    ('default_outside', 'default = 2\n', 'default = 7\n', '[parameters.a]: default 7 is outside its range [0, 5]'),
    ('default_nan', 'default = 2\n', 'default = nan\n', '[parameters.a]: default must be a finite number'),
    ('range_inf', 'range = [0, 5]', 'range = [0, inf]', '[parameters.a]: range must be two finite numbers'),
    ('unknown_name', '"gain" = "both * a - x"', '"gain" = "both * aa - x"', "[payoffs.Row] 'gain': column 8: unknown name 'aa' (did you mean 'a'?)"),
    ('unknown_strategy', '"gain" = "both * a - x"', '"gain" = "both * a - x + Col.Rihgt"', "player Col has no strategy 'Rihgt' (did you mean 'Right'?)"),
    ('unknown_player_ind', '"gain" = "both * a - x"', '"gain" = "both * a - x + Coll.Right"', "unknown player 'Coll' in Coll.Right (did you mean 'Col'?)"),
    ('cycle', 'both = "x * Col.Right"', 'both = "x * Col.Right * loop"\nloop = "both + 1"', "[define] 'both' is defined in a cycle: both → loop → both"),
    ('self_cycle', 'both = "x * Col.Right"', 'both = "both * x"', "[define] 'both' is defined in a cycle"),
    ('log_negative', '"gain" = "both * a - x"', '"gain" = "log(x - 0.5)"', "[payoffs.Row] 'gain' is not finite at (Up, Left)"),
    ('divide_zero', '"gain" = "both * a - x"', '"gain" = "a / x"', "[payoffs.Row] 'gain' is not finite at (Up, Left)"),
    ('sqrt_negative', '"gain" = "both * a - x"', '"gain" = "sqrt(-1 - x)"', "[payoffs.Row] 'gain' is not finite at (Up, Left)"),
    ('exp_overflow', '"gain" = "both * a - x"', '"gain" = "exp(1000 * a)"', "[payoffs.Row] 'gain' is not finite"),
    ('empty_strategies', 'strategies = ["Left", "Right"]', 'strategies = []', "[players.Col]: player 'Col' has no strategies"),
    ('duplicate_strategy', 'strategies = ["Left", "Right"]', 'strategies = ["Left", "Left"]', "[players.Col]: strategy 'Left' is listed twice"),
    ('param_define_clash', 'both = "x * Col.Right"', 'both = "x * Col.Right"\na = "1"', "[define] 'a' is defined twice"),
    ('level_param_clash', 'level = "x"', 'level = "a"', "level 'a' is defined twice"),
    ('define_function_name', 'both = "x * Col.Right"', 'both = "x * Col.Right"\nmax = "1"', "[define]: defined quantity 'max' is the name of a function"),
    ('levels_length', 'levels = [0, 1]', 'levels = [0, 1, 2]', '[players.Row]: levels has 3 value(s) but there are 2 strategies'),
    ('level_without_levels', 'levels = [0, 1]\n', '', '[players.Row]: level and levels go together'),
    ('levels_string', 'levels = [0, 1]', 'levels = [0, "1"]', '[players.Row]: levels must be an array of finite numbers'),
    ('caret', '"gain" = "both * a - x"', '"gain" = "a ^ 2"', "[payoffs.Row] 'gain': column 1: ^"),
    ('comparison', '"gain" = "both * a - x"', '"gain" = "a > 1"', "[payoffs.Row] 'gain': column 1: comparisons"),
    ('conditional', '"gain" = "both * a - x"', '"gain" = "a if x else 1"', "[payoffs.Row] 'gain': column 1:"),
    ('name_exponent', '"gain" = "both * a - x"', '"gain" = "x ** a"', 'the exponent of ** must be a number'),
    ('big_exponent', '"gain" = "both * a - x"', '"gain" = "x ** 1000"', 'exponent 1000 is larger than 100'),
    ('syntax', '"gain" = "both * a - x"', '"gain" = "both * (a - x"', "[payoffs.Row] 'gain': syntax error at column 8"),
    ('lambda', '"gain" = "both * a - x"', '"gain" = "(lambda: 1)()"', "[payoffs.Row] 'gain': column 1:"),
    ('attribute_call', '"gain" = "both * a - x"', '"gain" = "a.__class__"', "[payoffs.Row] 'gain': column 1:"),
    ('unknown_function', '"gain" = "both * a - x"', '"gain" = "sin(a)"', "unknown function 'sin'"),
    ('min_no_args', '"gain" = "both * a - x"', '"gain" = "min()"', 'min takes 1 to 16 argument(s), got 0'),
    ('log_two_args', '"gain" = "both * a - x"', '"gain" = "log(a, 2)"', 'log takes 1 argument(s), got 2'),
    ('payoff_unknown_player', '[payoffs.Col]', '[payoffs.Coll]', "[payoffs.Coll]: unknown player (did you mean 'Col'?)"),
    ('payoff_missing', '[payoffs.Col]\n"gain" = "Col.Right * (1 - x) + both"\n', '', 'missing [payoffs.Col]'),
    ('one_player', '[players.Col]\nstrategies = ["Left", "Right"]\n', '', '[players] has 1 player(s); expected 2 to 8'),
    ('strategies_string', 'strategies = ["Left", "Right"]', 'strategies = "Left, Right"', '[players.Col]: strategies must be an array of names'),
    ('order_unknown', 'title = "Base"', 'title = "Base"\norder = ["Row", "Column"]', "order: unknown player 'Column' (did you mean 'Col'?)"),
    ('order_twice', 'title = "Base"', 'title = "Base"\norder = ["Row", "Row"]', 'order must name every player exactly once'),
    ('unknown_top', 'title = "Base"', 'title = "Base"\ndescriptoin = "x"', "unknown key 'descriptoin' (did you mean 'description'?)"),
    ('title_number', 'title = "Base"', 'title = 3', 'title: expected a string'),
    ('form_reserved', 'title = "Base"', 'title = "Base"\n[forms.sequential]\ndescription = "x"\ntitle = "y"\norder = ["Row", "Col"]', "[forms.sequential]: 'sequential' is a form every model has"),
    ('form_tree_missing', 'title = "Base"', 'title = "Base"\n[forms.tree]\ndescription = "x"\ntitle = "y"\norder = ["Row"]', '[forms.tree]: order must name every player exactly once'),
    ('form_revision_bad', 'title = "Base"', 'title = "Base"\n[forms.tree]\ndescription = "x"\ntitle = "y"\norder = ["Row", "Col"]\nrevision = { player = "Row", after = "Upp", moves = { "Keep" = "Up" } }', "[forms.tree] revision: after: player Row has no strategy 'Upp'"),
    ('types_unknown_param', 'title = "Base"', 'title = "Base"\n[types.Col]\nprior = "p"\n[types.Col.hard]\nb = "1"\n[types.Col.soft]', "[types.Col.hard] 'b': unknown parameter"),
    ('types_one_type', 'title = "Base"', 'title = "Base"\n[types.Col]\nprior = "p"\n[types.Col.hard]\na = "1"', '[types.Col]: expected at least two types'),
    ('outcomes_unknown', 'title = "Base"', 'title = "Base"\n[outcomes]\n"Up, Lfet" = "x"', "[outcomes] 'Up, Lfet': player Col has no strategy 'Lfet'"),
    ('outcomes_short', 'title = "Base"', 'title = "Base"\n[outcomes]\n"Up" = "x"', "[outcomes] 'Up': expected one strategy per player"),
    ('wording_unknown', 'title = "Base"', 'title = "Base"\n[wording]\ngraded = ["a {level}"]', '[wording]: graded must be an array of 2 names'),
    ('instrument_unknown_player', 'title = "Base"', 'title = "Base"\n[instruments.tool]\nplayer = "Rwo"', "[instruments.tool]: player: unknown player 'Rwo' (did you mean 'Row'?)"),
    ('instrument_term_unknown', '"gain" = "both * a - x"', '"gain" = { formula = "both * a - x", instrument = "tol" }', "[payoffs.Row] 'gain': unknown instrument 'tol'"),
    ('instrument_levels_len', 'title = "Base"', 'title = "Base"\n[instruments.tool]\nplayer = "Row"\nsettings = ["a", "b"]\nlevel = "x"\nlevels = [0]', '[instruments.tool]: levels has 1 value(s) but there are 2 settings'),
    ('param_name_digit', '[parameters.p]', '[parameters.1p]', "parameter '1p' must be a name"),
    ('param_unknown_key', 'default = 0.4', 'default = 0.4\nunits = "x"', "[parameters.p]: unknown key 'units' (did you mean 'unit'?)"),
    ('label_number', 'default = 0.4', 'default = 0.4\nlabel = 3', '[parameters.p]: label: expected a string'),
    ('side_long', 'default = 0.4', 'default = 0.4\nside = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"', '[parameters.p]: side:'),
    ('key_bad', 'level = "x"', 'level = "x"\nkey = 3', "[players.Row]: key '3' must be a name"),
    ('plays_unknown', '"gain" = "both * a - x"', '"gain" = "plays(\\"Row\\", \\"Upp\\")"', "player Row has no strategy 'Upp' (did you mean 'Up'?)"),
    ('plays_name_arg', '"gain" = "both * a - x"', '"gain" = "plays(Row, Up)"', 'expected plays(PLAYER, "STRATEGY")'),
    ('toml_error', 'title = "Base"', 'title = "Base', 'not valid TOML'),
]


@pytest.mark.parametrize("case, old, new, words", BAD, ids=[b[0] for b in BAD])
def test_bad_model_files_get_one_line_naming_file_and_field(case, old, new, words, tmp_path):
    assert old in BAD_BASE
    path = tmp_path / f"{case}.toml"
    path.write_text(BAD_BASE.replace(old, new, 1), encoding="utf-8")
    run = _invoke(["solve", str(path)], codes=(2,))
    assert run.stderr.startswith(f"tradegame: error: {path}: ") and words in run.stderr, run.stderr


def test_bad_prior_is_refused_where_types_are_used(tmp_path):
    """A prior of 2 at the defaults: the simultaneous game does not use the types, the
    Bayesian form refuses it in one line."""
    path = tmp_path / "prior.toml"
    path.write_text(BAD_BASE.replace('title = "Base"', 'title = "Base"\n[types.Col]\nprior = "a"\n[types.Col.hard]\na = "1"\n[types.Col.soft]'),
                    encoding="utf-8")
    run = _invoke(["solve", str(path), "--game", "bayesian"], codes=(2,))
    assert "[types.Col] prior" in run.stderr and "got [2.0, -1.0]" in run.stderr


def test_compare_keeps_a_player_name_that_starts_a_parameter_meaning():
    """s has no label; compare names it by its meaning, "Col's stake in Right against High."
    — with Col, a player, left capitalized (it printed "col's stake ...")."""
    data = _json(["compare", str(DATA / "h-golden.toml"), str(DATA / "h-episodes" / "pressure.toml"), "--format", "json"])
    labels = {c["name"]: c["label"] for c in data["changes"]}
    assert labels == {"t": "the pressure", "s": "Col's stake in Right against High"}


# ------------------------------------------------------------------ --exact: payoffs in tenths, equilibria in fractions
def _exact_table(name: str):
    """The two payoff tables of a model whose formulas use only + − × ÷, integer powers,
    min, max and abs, computed here in fractions from the file's text (a parameter
    written 0.7 is exactly 7/10)."""
    import ast

    model = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
    players = list(model["players"])
    env0 = {k: Fraction(str(v["default"])) for k, v in model["parameters"].items()}
    define = model.get("define", {})

    def value(node, env, chosen, cache):
        rec = lambda n: value(n, env, chosen, cache)  # noqa: E731
        if isinstance(node, ast.Expression):
            return rec(node.body)
        if isinstance(node, ast.Constant):
            return Fraction(str(node.value))
        if isinstance(node, ast.Name):
            if node.id in define:
                if node.id not in cache:
                    cache[node.id] = rec(ast.parse(define[node.id], mode="eval"))
                return cache[node.id]
            return env[node.id]
        if isinstance(node, ast.Attribute):
            return Fraction(int(chosen[node.value.id] == node.attr))
        if isinstance(node, ast.UnaryOp):
            return -rec(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = rec(node.left), rec(node.right)
            op = type(node.op)
            return {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                    ast.Div: lambda: a / b, ast.Pow: lambda: a ** int(b)}[op]()
        if isinstance(node, ast.Call):
            return {"min": min, "max": max, "abs": abs}[node.func.id](*(rec(a) for a in node.args))
        raise AssertionError(ast.dump(node))

    specs = [model["players"][p] for p in players]
    shape = tuple(len(s["strategies"]) for s in specs)
    tables = [np.empty(shape, dtype=object) for _ in players]
    for profile in itertools.product(*(range(n) for n in shape)):
        env, chosen = dict(env0), {}
        for p, s, k in zip(players, specs, profile):
            chosen[p] = s["strategies"][k]
            env[s["level"]] = Fraction(str(s["levels"][k]))
        cache: dict = {}
        for i, p in enumerate(players):
            tables[i][profile] = sum(value(ast.parse(f, mode="eval"), env, chosen, cache) for f in model["payoffs"][p].values())
    return tables


def test_exact_equilibria_are_the_fractions_gambit_finds_in_rational_arithmetic():
    """h-exact.toml: South's Mid and High pay it exactly the same against North's High
    (0.695 + 1.7 = 1.045 + 1.35 = 2.395), so the game is degenerate and (High, High) lies
    on a segment; every extreme equilibrium and its payoffs must be the exact fractions."""
    gbt = pytest.importorskip("pygambit")
    A, B = _exact_table("h-exact.toml")
    assert A[2, 1] == Fraction(199, 100) and B[2, 1] == B[2, 2] == Fraction(479, 200)
    game = gbt.Game.from_arrays(A, B)
    want = set()
    for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria:
        x = [Fraction(str(eq[s])) for s in list(game.players)[0].strategies]
        y = [Fraction(str(eq[s])) for s in list(game.players)[1].strategies]
        pays = (sum(x[i] * y[j] * A[i, j] for i in range(3) for j in range(3)),
                sum(x[i] * y[j] * B[i, j] for i in range(3) for j in range(3)))
        want.add((tuple(x), tuple(y), pays))
    data = _json(["solve", str(DATA / "h-exact.toml"), "--exact", "--format", "json"])
    got = {(tuple(Fraction(v) for v in e["profile_exact"][0]), tuple(Fraction(v) for v in e["profile_exact"][1]),
            tuple(Fraction(v) for v in e["payoffs_exact"])) for e in data["equilibria"]}
    assert got == want
    assert (tuple(map(Fraction, (0, 0, 1))), (Fraction(0), Fraction(83, 110), Fraction(27, 110)),
            (Fraction(4709, 2000), Fraction(479, 200))) in got


def test_exact_thresholds_of_a_three_by_three_model_by_hand():
    """At (Mid, Mid) North's High over Mid is 2.2 − 0.7c − 1.25(2 − c) = 0.55c − 0.3 (zero
    at c = 6/11) and, in loyal L, (3 − c)L + 0.1 − (2 − c)(L + 0.55): zero at L = 0.835;
    above either, High beats Mid whatever South does. (High, High) needs South's High over
    Mid against High: (2.7L/2 + 1.35) − (1.7L/2 + 1.7) ≥ 0, i.e. L ≥ 0.7, or in c,
    (3 − c)(0.35 + 0.5) − (2 − c)(0.35 + 1) ≥ 0, i.e. c ≥ 0.3."""
    data = _json(["explain", str(DATA / "h-exact.toml"), "--format", "json"])
    got = {(e["label"], t["parameter"]): (t["low"], t["high"], t["exact"])
           for e in data["explanation"]["thresholds"] for t in e["thresholds"]}
    assert got[("(Mid, Mid)", "cost")] == (0.0, pytest.approx(6 / 11, rel=1e-12), True)
    assert got[("(Mid, Mid)", "loyal")] == (0.0, pytest.approx(0.835, rel=1e-12), True)
    assert got[("(High, High)", "loyal")] == (pytest.approx(0.7, rel=1e-12), 3.0, True)
    assert got[("(High, High)", "cost")] == (pytest.approx(0.3, rel=1e-12), 1.0, True)


def _pure_equilibria(tables) -> set[tuple[int, ...]]:
    out = set()
    for profile in itertools.product(*(range(n) for n in tables[0].shape)):
        mixed = [np.eye(n)[k] for n, k in zip(tables[0].shape, profile)]
        if _regret(tables, mixed) <= 1e-12:
            out.add(profile)
    return out


@pytest.mark.parametrize("vary, boundaries", [
    ("congestion=0:5:11", [1 / 16, 14 / 3]),   # Le Havre North over West: 1.2 − 1.6c ≥ 1.1; Hamburg Truck over Rail: 1.6 ≥ 3 − 0.3c
    ("subsidy=-2:3:11", [0.4]),                 # Hamburg Rail over Barge against Feeder and West: 1 + s ≥ 1.4
])
def test_three_player_sweep_regimes_and_boundaries_by_hand(vary, boundaries):
    data = _json(["sweep", str(DATA / "h-triad.toml"), "--vary", vary, "--format", "json"])
    name = vary.split("=")[0]
    assert [b["value"] for b in data["sweep"]["boundaries"]] == [pytest.approx(v, rel=1e-9) for v in boundaries]
    _, strategies, _ = payoff_table(DATA / "h-triad.toml")
    for point in data["points"]:
        _, _, tables = payoff_table(DATA / "h-triad.toml", point["values"])
        want = _pure_equilibria(tables)
        got = {tuple(int(np.argmax(m)) for m in e["profile"]) for e in point["equilibria"]}
        assert got == want, point["values"]
    assert name in data["sweep"]["design"]["grid"][0]["parameter"]


# ------------------------------------------------------------------ bargaining over lotteries of outcomes
def test_bargaining_over_lotteries_by_hand():
    """h-pd.toml's outcomes: (3, 2), (0, 5), (5.5, −1) and the stage equilibrium (1, 0.5),
    the disagreement point. The frontier is v = 5 − u up to (3, 2), then v = 5.6 − 1.2u.
    Nash: max (u − 1)(4.5 − u) at u = 2.75 ((Keep, Keep) with probability 11/12).
    Kalai–Smorodinsky: ideal point (4.25, 4); the line from (1, 0.5) towards it meets
    u + v = 5 at t = 14/27. Rubinstein (δ = 0.55 each, A first): A's offer on the second
    piece, B's on the first, each leaving the other indifferent with waiting a round:
    5.1 − 1.2u = 0.55(4.05 − 0.55u), u = 2.8725/0.8975."""
    data = _json(["solve", str(DATA / "h-pd.toml"), "--game", "bargaining", "--format", "json"])
    by = {e["name"]: e for e in data["equilibria"]}
    assert data["disagreement"]["payoffs"] == [1.0, 0.5]
    assert by["Nash bargaining"]["payoffs"] == [pytest.approx(2.75, abs=1e-6), pytest.approx(2.25, abs=1e-6)]
    assert {x["outcome"]: x["probability"] for x in by["Nash bargaining"]["lottery"]}["(Keep, Keep)"] == pytest.approx(11 / 12, abs=1e-6)
    t = 14 / 27
    assert by["Kalai–Smorodinsky"]["payoffs"] == [pytest.approx(1 + 3.25 * t, abs=1e-6), pytest.approx(0.5 + 3.5 * t, abs=1e-6)]
    u = 2.8725 / 0.8975
    assert by["Rubinstein"]["payoffs"] == [pytest.approx(u, abs=1e-6), pytest.approx(5.6 - 1.2 * u, abs=1e-6)]


def test_bisected_boundaries_of_a_three_by_three_sweep_are_within_their_stated_precision():
    """h-exact.toml swept in loyal L: (Low, Low) ends where North's High beats Low against
    Low (2.7L + 0.1 = 0.7L + 0.485, L = 0.1925); (High, High) begins at L = 0.7; (Mid, Mid)
    ends at 0.835 (see the thresholds test). Near 0.835 the mixed equilibrium between the
    two pure ones comes within 2e-7 of South's Mid (the batched solver used to merge it:
    see the next test); that is no change of the regime '(Mid, Mid) + (High, High)', yet
    the bisection stopped there and reported 0.8349998 (wrong in the seventh digit). The fourth boundary, where the mixed
    equilibrium beside (Mid, Mid) vanishes, is checked with Gambit on both sides."""
    gbt = pytest.importorskip("pygambit")
    data = _json(["sweep", str(DATA / "h-exact.toml"), "--vary", "loyal=0:3:13", "--format", "json"])
    values = [b["value"] for b in data["sweep"]["boundaries"]]
    assert len(values) == 4
    for got, want in zip([values[0], values[2], values[3]], [0.1925, 0.7, 0.835]):
        assert got == pytest.approx(want, abs=1e-7)  # the bisection stops at a width of 1e-7
    text = _invoke(["sweep", str(DATA / "h-exact.toml"), "--vary", "loyal=0:3:13"], codes=(0,)).stdout
    assert "loyal = 0.835:" in text

    def mixed_count(L):
        _, _, (A, B) = payoff_table(DATA / "h-exact.toml", {"loyal": L})
        return sum(1 for x, y in _two_player_equilibria(A, B) if max(x) < 1 or max(y) < 1)
    assert mixed_count(values[1] - 1e-5) >= 1 and mixed_count(values[1] + 1e-5) == 0


def test_a_sweep_a_hair_from_a_boundary_keeps_every_equilibrium():
    """At loyal = 0.835 - 2e-7 the mixed equilibrium puts 3.6e-7 on South's High: its vertex
    lies 3.6e-7 from the vertex of South's pure Mid. The batched solver merged the two
    (rounding coordinates to 1e-6) and lost the mixed equilibrium; every point of a sweep
    across the boundary now lists what Gambit's enummixed finds in exact arithmetic."""
    data = _json(["sweep", str(DATA / "h-exact.toml"), "--vary", "loyal=0.834999:0.835001:21", "--format", "json"])
    assert len(data["points"]) == 21
    for point in data["points"]:
        L = point["values"]["loyal"]
        _, _, (A, B) = payoff_table(DATA / "h-exact.toml", {"loyal": L})
        want = sorted(_key([x, y]) for x, y in _two_player_equilibria(A, B))
        got = sorted(_key(e["profile"]) for e in point["equilibria"])
        assert got == want, L


# ------------------------------------------------------------------ export --to nfg: what Gambit reads is the test's own table
@pytest.mark.parametrize("name, args, how", [
    ("h-triad.toml", ["--set", "congestion=3.3"], {"params": {"congestion": 3.3}}),
    ("h-four.toml", [], {}),
    ("h-package.toml", ["--game", "package", "--with", "duty"], {"package": True, "with_": ("duty",)}),
])
def test_exported_nfg_is_the_payoff_table_and_gambit_agrees(name, args, how):
    gbt = pytest.importorskip("pygambit")
    import io

    how = dict(how)
    params = how.pop("params", None)
    text = _invoke(["export", str(DATA / name), "--to", "nfg", *args], codes=(0,)).stdout
    game = gbt.read_nfg(io.StringIO(text))
    players, strategies, tables = payoff_table(DATA / name, params, **how)
    assert [p.label for p in game.players] == players
    assert [[s.label for s in p.strategies] for p in game.players] == strategies
    for profile in itertools.product(*(range(n) for n in tables[0].shape)):
        cell = game[tuple(list(p.strategies)[k] for p, k in zip(game.players, profile))]
        for i, p in enumerate(game.players):
            assert float(cell[p]) == pytest.approx(tables[i][profile], abs=1e-12)
    solved = _json(["solve", str(DATA / name), "--format", "json", *args])
    if len(players) > 2:
        assert {_key(e["profile"]) for e in solved["equilibria"]} == _oracle(tables)
    else:
        assert {_key(e["profile"]) for e in solved["equilibria"]} == {_key([x, y]) for x, y in _two_player_equilibria(*tables)}


# ------------------------------------------------------------------ worksheets and the notebook panel of a model file
@pytest.mark.parametrize("target, words", [
    ("brinkmanship", "stake"),                       # a built-in model
    (str(DATA / "h-golden.toml"), "0.618"),          # (Low, Left) holds while t stays below φ − 1
])
def test_worksheet_of_a_model_file_asks_and_answers_its_own_threshold(target, words, tmp_path):
    """The worksheet refused every model file with 'unknown parameter' (its threshold
    question looked the parameters up in the trade model)."""
    import re

    out = tmp_path / "sheet.html"
    _invoke(["worksheet", target, "-o", str(out)], codes=(0,))
    sheet, key = out.read_text(encoding="utf-8"), (tmp_path / "sheet-key.html").read_text(encoding="utf-8")
    assert "Hold every other parameter fixed" in sheet
    assert words in re.sub("<[^>]+>", " ", key)
    graded = tmp_path / "graded.html"
    _invoke(["worksheet", str(DATA / "h-package.toml"), "--game", "graded", "-o", str(graded)], codes=(0,))
    text = graded.read_text(encoding="utf-8")
    assert "China" not in text and "which level is Seoul's best response" in text


def test_notebook_panel_of_a_model_file_has_its_thresholds():
    from cli.widgets import panel_html

    html = panel_html(str(DATA / "h-golden.toml"), {"t": 2.0}, thresholds=True)
    assert "holds while" in html and "1.33" in html  # (High, Left) holds while t stays above 4/3


# ------------------------------------------------------------------ a form that adds a third player with three strategies
@pytest.mark.parametrize("sets", [[], ["grab=7"], ["grab=10"]])
def test_added_player_form_matches_the_oracle(sets):
    """[forms.regulated] adds a Regulator (Out / Light / Hard, a level) whose fines are
    terms appended to the producers' payoffs, using the model's own defined quantities.
    With grab = 7 or 10 one equilibrium has all three players mixing (Gambit's enumpoly
    alone finds those)."""
    params = {k: float(v) for k, v in (s.split("=") for s in sets)}
    args = ["--game", "regulated", *[a for s in sets for a in ("--set", s)]]
    data = _check_solve("h-pd.toml", args, params, form="regulated")
    _, _, tables = payoff_table(DATA / "h-pd.toml", params, form="regulated")
    assert data["game"]["players"][2] == "Regulator" and data["complete"] is True
    assert {_key(e["profile"]) for e in data["equilibria"]} == _oracle(tables)
    if sets:
        assert any(all(max(m) < 1 for m in e["profile"]) for e in data["equilibria"])


def test_an_equilibrium_where_all_three_mix_is_perfect():
    """With grab = 7, one equilibrium of [forms.regulated] has both producers mixing and the
    Regulator mixing Light and Hard, Out unused and strictly worse. No strategy is tied
    outside a support, and the indifference equations have a nonsingular Jacobian, so
    letting the Regulator tremble to Out with probability δ and re-solving the three
    indifference equations gives completely mixed profiles converging to it against
    which every player's strategy stays a best reply: it is perfect (by hand: Light − Hard
    for the Regulator is 1.575 − 0.9·E[floods], unchanged by its own tremble; the producers'
    indifference needs only its expected fine rate, which the Light/Hard split restores).
    The block search alone could not move two agents' indifferences at once and said 'Not
    perfect'."""
    data = _json(["explain", str(DATA / "h-pd.toml"), "--game", "regulated", "--set", "grab=7", "--format", "json"])
    (full,) = [k for k, e in enumerate(data["equilibria"]) if all(max(m) < 1 for m in e["profile"])]
    assert data["refinements"][full]["perfect"] is True, data["refinements"][full]
    assert data["refinements"][full]["reason"].startswith("Perfect")


def test_export_of_a_form_that_adds_a_player(tmp_path):
    """export --game regulated --to nfg writes the three-player game solve --game regulated
    plays (it was refused: 'export --to nfg writes normal forms'); Gambit reads the test's
    own table from it."""
    gbt = pytest.importorskip("pygambit")
    import io

    text = _invoke(["export", str(DATA / "h-pd.toml"), "--game", "regulated", "--set", "grab=7", "--to", "nfg"], codes=(0,)).stdout
    game = gbt.read_nfg(io.StringIO(text))
    players, strategies, tables = payoff_table(DATA / "h-pd.toml", {"grab": 7.0}, form="regulated")
    assert [p.label for p in game.players] == players
    assert [[s.label for s in p.strategies] for p in game.players] == strategies
    for profile in itertools.product(*(range(n) for n in tables[0].shape)):
        cell = game[tuple(list(p.strategies)[k] for p, k in zip(game.players, profile))]
        assert [float(cell[p]) for p in game.players] == pytest.approx([t[profile] for t in tables], abs=1e-12)
    run = _invoke(["export", str(DATA / "h-relay.toml"), "--game", "chain", "--to", "nfg"], codes=(2,))
    assert "trees: --to efg" in run.stderr


def test_type_difference_sentence_computes_its_fields_at_the_what_if_values():
    """difference = "... {gain} to the opportunist and {gain * 2 + 1} to the smuggler, whose
    fine is {fine / 3}": with --set gain=1.5, 1.5, 2·1.5 + 1 = 4 and 3/3 = 1."""
    text = _invoke(["solve", str(DATA / "h-types.toml"), "--game", "bayesian", "--set", "gain=1.5"], codes=(0,)).stdout
    assert "1.5 to the opportunist and 4 to the smuggler, whose fine is 1" in " ".join(text.split())


def test_agent_form_perfection_of_both_subgame_perfect_plays_of_the_chain():
    """Both subgame-perfect equilibria of [forms.chain] are checked in the agent form. The
    second (Foreign walks out, then returns) was reported 'not checked: ... not an
    equilibrium of the agent form': the tremble search's linear program for Finance (three
    moves) dropped the rows that do not depend on its tremble but kept their count, and the
    resulting shape error was read as 'not an equilibrium'. Foreign is indifferent at the
    root (returning restores talking's payoffs), and walking does at least as well against
    trembles that make the revision matter; talking does against trembles of the revision
    itself: both are perfect in the agent form."""
    data = _json(["explain", str(DATA / "h-relay.toml"), "--game", "chain", "--format", "json"])
    assert [e["agent_form_perfect"] for e in data["equilibria"]] == [True, True]


def test_an_unknown_form_lists_only_the_forms_this_model_can_be_played_in():
    """A three-player model with a level but no types or instruments: simultaneous, graded,
    sequential and its own tree; not repeated, bargaining (two players), bayesian (no
    [types]) or package (no instruments), which the message used to offer."""
    run = _invoke(["solve", str(DATA / "h-relay.toml"), "--game", "bayesain"], codes=(2,))
    assert run.stderr.strip().endswith("expected one of simultaneous, graded, sequential, chain")
    run = _invoke(["solve", str(DATA / "h-relay.toml"), "--game", "us-first"], codes=(2,))
    assert "can be played as simultaneous, graded, sequential, chain" in run.stderr
    run = _invoke(["solve", str(DATA / "h-types.toml"), "--game", "bayesain"], codes=(2,))
    assert "(did you mean bayesian?)" in run.stderr and "graded" not in run.stderr


# ------------------------------------------------------------------ a two-parameter sweep whose boundary is a hyperbola
def test_two_parameter_sweep_with_a_hyperbola_boundary():
    """Beta joins against a joiner while scale·margin − 0.5 − 0.6 ≥ 0 and Alpha while
    scale·margin − 1 ≥ 0; (Out, Out) is always an equilibrium (joining alone costs each).
    So the regime is both pure equilibria where scale·margin ≥ 1.1, (Out, Out) only
    elsewhere, and the one boundary is the hyperbola scale = 1.1 / margin (the text read
    'scale = −(-1.1) / (margin)')."""
    args = ["sweep", str(DATA / "h-hyperbola.toml"), "--vary", "scale=0.25:4:16", "--vary", "margin=0.25:2:8"]
    data = _json([*args, "--format", "json"])
    (curve,) = data["sweep"]["boundary_curves"]
    assert curve["coefficients"] == [pytest.approx(-1.1), 0.0, 0.0, pytest.approx(1.0)]
    assert curve["equation"] == "scale = 1.1 / margin"
    both = sum(1 for s in np.linspace(0.25, 4, 16) for m in np.linspace(0.25, 2, 8) if s * m >= 1.1 - 1e-12)
    regimes = {r["regime"]: r["count"] for r in data["sweep"]["regimes"]}
    assert regimes == {"(Out, Out) + (Join, Join)": both, "(Out, Out) only": 128 - both}
    assert "scale = 1.1 / margin:" in _invoke(args, codes=(0,)).stdout


# ------------------------------------------------------------------ correlated equilibria of a three-player model, by an independent LP
def _ce_lp(tables, weights, coarse=False):
    """The best value of Σ weights·payoffs over (coarse) correlated equilibria, by this
    test's own linear program (SciPy's HiGHS): one variable per pure profile; for each
    player i and each pair (recommended s, deviation t), Σ over profiles recommending s of
    p·(u_i(s, ·) − u_i(t, ·)) ≥ 0 (coarse: for each t, Σ over all profiles)."""
    from scipy.optimize import linprog

    shape = tables[0].shape
    profiles = list(itertools.product(*(range(n) for n in shape)))
    rows = []
    for i, table in enumerate(tables):
        for t in range(shape[i]):
            recommended = [None] if coarse else range(shape[i])
            for s in recommended:
                if s == t:
                    continue
                row = []
                for prof in profiles:
                    if s is not None and prof[i] != s:
                        row.append(0.0)
                        continue
                    dev = list(prof)
                    dev[i] = t
                    row.append(-(table[prof] - table[tuple(dev)]))
                rows.append(row)
    c = [-sum(w * t[prof] for w, t in zip(weights, tables)) for prof in profiles]
    res = linprog(c, A_ub=rows, b_ub=np.zeros(len(rows)), A_eq=[np.ones(len(profiles))], b_eq=[1.0],
                  bounds=[(0, None)] * len(profiles), method="highs")
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("name, args, how", [
    ("h-triad.toml", [], {}),
    ("h-pd.toml", ["--game", "regulated", "--set", "grab=7"], {"params": {"grab": 7.0}, "form": "regulated"}),
])
def test_correlated_equilibria_of_a_three_player_model_match_an_independent_lp(name, args, how):
    """The welfare-maximizing and each player's best correlated equilibrium against this
    test's LP. On a model's own form (--game regulated) --method was refused ('applies to
    --game simultaneous, ... with-ally ...'), though the form is solved like any model."""
    how = dict(how)
    params = how.pop("params", None)
    data = _json(["solve", str(DATA / name), "--method", "correlated", "--format", "json", *args])
    players, _, tables = payoff_table(DATA / name, params, **how)
    ce = data["correlated"]
    assert ce["welfare_maximizing"]["welfare"] == pytest.approx(_ce_lp(tables, [1.0] * len(tables)), abs=1e-7)
    for i, p in enumerate(players):
        weights = [1.0 if j == i else 0.0 for j in range(len(players))]
        assert ce["best_for"][p]["payoffs"][i] == pytest.approx(_ce_lp(tables, weights), abs=1e-7)
        # every distribution reported obeys the incentive constraints (checked here)
    for dist in [ce["welfare_maximizing"], *ce["best_for"].values()]:
        p = np.zeros(tables[0].shape)
        for entry in dist["distribution"]:
            p[tuple(entry["indices"])] = entry["probability"]
        assert p.sum() == pytest.approx(1.0)
        for i, table in enumerate(tables):
            for s in range(table.shape[i]):
                for t in range(table.shape[i]):
                    gain = np.take(table, t, axis=i) - np.take(table, s, axis=i)
                    assert float((np.take(p, s, axis=i) * gain).sum()) <= 1e-7


def test_sweep_of_a_form_that_adds_a_player():
    """sweep --game regulated sweeps the three-player game solve --game regulated plays
    (it was refused: 'sweeps support simultaneous, graded, package, package-graded');
    every grid point's pure equilibria by brute force on the test's own table."""
    data = _json(["sweep", str(DATA / "h-pd.toml"), "--game", "regulated", "--vary", "grab=0:10:11", "--format", "json"])
    assert data["game"]["players"] == ["Producer A", "Producer B", "Regulator"]
    for point in data["points"]:
        _, _, tables = payoff_table(DATA / "h-pd.toml", point["values"], form="regulated")
        got = {tuple(int(np.argmax(m)) for m in e["profile"]) for e in point["equilibria"]}
        assert got == _pure_equilibria(tables)


def test_level_bargaining_takes_the_pure_equilibrium_worst_for_the_sum_as_disagreement():
    """h-package's two players both have a level (0 to 1): they bargain over the levels.
    The stage game's pure equilibria pay (0.5, 1.8) and (1.5, 0.5); the disagreement point
    is the pure one worst for the sum, (1.5, 0.5) (the mixed one, (0.3, 0.36), is worse
    but not pure). Seoul's payoff 1.5s − 2st + 0.5(1 − s)t is at most 1.5 (at s = 1,
    t = 0), so no terms are better for both: every solution is that point."""
    data = _json(["solve", str(DATA / "h-package.toml"), "--game", "bargaining", "--format", "json"])
    assert data["disagreement"]["payoffs"] == [1.5, 0.5]
    for e in data["equilibria"]:
        assert e["payoffs"] == [pytest.approx(1.5), pytest.approx(0.5)] and e["profile"] == [[1.0], [0.0]]


def test_explain_of_a_large_model_does_not_list_every_profile(tmp_path):
    """A three-player Cournot model with 8 quantities each (512 profiles, more than explain
    lists one by one): the equilibria are explained, and what would make each of the other
    511 profiles an equilibrium is not listed (it was, one paragraph each: half a million
    lines for 50 quantities each). By hand: with q ∈ {0, 1/7, ..., 1}, the best reply to
    the others' total Q maximizes q(1 − Q − q), at q = (1 − Q)/2 rounded to the grid."""
    n = 8
    levels = ", ".join(f"{k / (n - 1)!r}" for k in range(n))
    names = ", ".join(f'"q{k}"' for k in range(n))
    text = "".join(f'[players.{p}]\nstrategies = [{names}]\nlevel = "{p.lower()}"\nlevels = [{levels}]\n' for p in "ABC")
    text += "".join(f'[payoffs.{p}]\n"profit" = "{p.lower()} * (1 - a - b - c)"\n' for p in "ABC")
    path = tmp_path / "cournot3.toml"
    path.write_text(text, encoding="utf-8")
    run = _invoke(["explain", str(path)], codes=(0,))
    assert "moved alone within its range" not in run.stdout and len(run.stdout.splitlines()) < 400
    data = _json(["explain", str(path), "--format", "json"])
    _, _, tables = payoff_table(path)
    assert {tuple(int(np.argmax(m)) for m in e["profile"]) for e in data["equilibria"] if e["pure"]} == _pure_equilibria(tables)
