"""Games tradegame has never seen, against independent oracles.

Seeded, generated games written as `.nfg` / `.efg` files and solved through the command
line (`tradegame solve FILE --format json`), compared with Gambit (pygambit: `enummixed`,
`enumpoly`, `enumpure` and its regret check) and with checks written here from the
definitions (regret of every reported profile, payoffs of every reported profile, the
JSON contract: one profile per player in strategy order, one payoff per player). Angles
the other oracle tests do not take: payoffs of order 10⁻⁹ and 10⁹ side by side, payoff
scales that leave every payoff inside the default float tolerance, and the Robinson–
Goforth class of a 2×2 game, which is ordinal and so may not change when one player's
payoffs are rescaled.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app
from games.explanations.topology import classify, classify_game
from games.forms.normal_form import from_bimatrix

gbt = pytest.importorskip("pygambit")
runner = CliRunner()


# --- helpers ---------------------------------------------------------------------------


def _text(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _write_nfg(path, arrays) -> None:
    """An `.nfg` in payoff form, written here (not by tradegame): player 1 fastest."""
    shape = arrays[0].shape
    players = " ".join(f'"P{i + 1}"' for i in range(len(shape)))
    values = []
    for rev in itertools.product(*[range(s) for s in reversed(shape)]):
        values += [_text(Fraction(a[tuple(reversed(rev))])) for a in arrays]
    counts = " ".join(map(str, shape))
    path.write_text(f'NFG 1 R "hidden" {{ {players} }} {{ {counts} }}\n\n{" ".join(values)}\n')


def _solve(path, *extra) -> dict:
    result = runner.invoke(app, ["solve", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, (result.stderr, result.exception)
    return json.loads(result.stdout)


def _expected(arrays, profile) -> list[np.ndarray]:
    """Each player's payoff from each of its pure strategies against the others' mixtures."""
    out = []
    for i, u in enumerate(arrays):
        t = np.asarray(u, dtype=float)
        for j in reversed(range(len(arrays))):
            if j != i:
                t = np.tensordot(t, np.asarray(profile[j], dtype=float), axes=([j], [0]))
        out.append(t)
    return out


def _check_contract_and_regret(arrays, data) -> None:
    """Every reported profile: right shape, on the simplex, a Nash equilibrium (regret at
    most 1e-8 of the player's own payoff spread), with the payoffs it states."""
    shape = arrays[0].shape
    for eq in data["equilibria"]:
        assert [len(p) for p in eq["profile"]] == list(shape)
        assert len(eq["payoffs"]) == len(shape)
        for i, values in enumerate(_expected(arrays, eq["profile"])):
            x = np.asarray(eq["profile"][i])
            spread = float(np.ptp(np.asarray(arrays[i], dtype=float))) or 1.0
            assert x.min() >= -1e-12 and abs(x.sum() - 1) <= 1e-9
            assert values.max() - x @ values <= 1e-8 * spread
            assert eq["payoffs"][i] == pytest.approx(x @ values, rel=1e-9, abs=1e-12 * spread)


def _gambit(arrays):
    return gbt.Game.from_arrays(*[np.array(a, dtype=object) for a in arrays])


def _gambit_extreme(arrays) -> set:
    game = _gambit(arrays)
    result = gbt.nash.enummixed_solve(game, rational=True)
    return {tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in game.players) for eq in result.equilibria}


def _same_float_set(ours, theirs, atol=1e-7) -> None:
    unmatched = list(ours)
    for t in theirs:
        hits = [o for o in unmatched if all(np.allclose(a, [float(v) for v in b], atol=atol) for a, b in zip(o, t))]
        assert len(hits) == 1, f"Gambit's {t} reported {len(hits)} times"
        unmatched.remove(hits[0])
    assert not unmatched, f"not Gambit's: {unmatched}"


def _fractions(a) -> np.ndarray:
    return np.vectorize(Fraction, otypes=[object])(a)


# --- 2×2 games at payoff scales far from 1 ---------------------------------------------

SCALES = [Fraction(1, 10**9), Fraction(1, 10**12), Fraction(10**9)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", SCALES, ids=str)
def test_tiny_and_huge_2x2_games_are_solved_as_gambit_solves_them(tmp_path, seed, scale):
    # Payoffs of order 1e-9 sit inside the game-wide tolerance max(1, |payoff|) · 1e-9;
    # the answer (and its explanation, which names the game's ordinal class) must not care.
    # Gambit is asked about the unscaled game (the same equilibria): its enummixed returns
    # no equilibrium at all for some games with integer payoffs near 10¹², e.g. this
    # seed-0 game at scale 10⁹ (pygambit 16.7).
    rng = np.random.default_rng(seed)
    A0 = _fractions(rng.integers(-999, 1000, (2, 2)))
    B0 = _fractions(rng.integers(-999, 1000, (2, 2)))
    A, B = A0 * scale, B0 * scale
    path = tmp_path / "g.nfg"
    _write_nfg(path, [A, B])
    data = _solve(path)
    _check_contract_and_regret([A, B], data)
    theirs = _gambit_extreme([A0, B0])
    _same_float_set([e["profile"] for e in data["equilibria"]], theirs)
    exact = {tuple(tuple(map(Fraction, p)) for p in e["profile_exact"]) for e in _solve(path, "--exact")["equilibria"]}
    assert exact == theirs


# --- the ordinal class of a 2×2 game is ordinal ---------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_2x2_class_does_not_change_when_one_player_is_rescaled(seed):
    # The Robinson–Goforth class depends only on the order of each player's own payoffs,
    # so multiplying one player's payoffs by 1e9 or 1e-9 must not change it (it used to:
    # one tolerance for the whole game made the small player "indifferent everywhere",
    # and at 1e-9 the near-ties fitted no pattern and `solve` ended in a KeyError).
    rng = np.random.default_rng(100 + seed)
    A = rng.integers(0, 4, (2, 2)).astype(float)
    B = rng.integers(0, 4, (2, 2)).astype(float)
    if seed < 3:  # strict games: a permutation of 1..4 for each player
        A = rng.permutation(4).reshape(2, 2).astype(float) + 1
        B = rng.permutation(4).reshape(2, 2).astype(float) + 1
    reference = classify(A, B).name
    for a, b in [(1e9, 1), (1, 1e9), (1e-9, 1), (1, 1e-9), (1e-9, 1e-9), (1e9, 1e-9)]:
        assert classify_game(from_bimatrix(a * A, b * B)).name == reference, (a, b)


# --- trees: a chance branch of probability 0 -------------------------------------------

ZERO_CHANCE_EFG = """EFG 2 R "zero-probability chance branch" { "P1" "P2" }
""

c "" 1 "" { "c0" 0 "c1" 1 } 0
p "" 1 1 "" { "A" "B" } 0
p "" 2 1 "" { "L" "R" } 0
t "" 1 "" { 0 0 }
t "" 2 "" { 0 1 }
t "" 1
p "" 1 1 "" { "A" "B" } 0
t "" 3 "" { 1 0 }
t "" 1
"""


def test_a_move_after_a_chance_branch_of_probability_zero_is_judged_in_its_subgame(tmp_path):
    # P1 cannot tell c0 from c1 and plays A (1 against 0 after c1). After c0 — which chance
    # never takes — P2 moves in a subgame of its own, where R pays it 1 and L 0. Both
    # (A, L) and (A, R) are Nash equilibria (Gambit's enummixed lists both), but only
    # (A, R) is subgame perfect, so (A, L) is not perfect in the agent form: it used to be
    # called perfect, the zero-probability branch being unreached under every tremble.
    path = tmp_path / "zero.efg"
    path.write_text(ZERO_CHANCE_EFG)
    theirs = {
        tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in game.players)
        for game in [gbt.read_efg(str(path))]
        for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria
    }
    assert theirs == {((1, 0), (1, 0)), ((1, 0), (0, 1))}
    data = _solve(path)
    verdicts = {tuple(map(tuple, e["profile"])): e["agent_form_perfect"] for e in data["equilibria"]}
    assert verdicts == {((1.0, 0.0), (1.0, 0.0)): False, ((1.0, 0.0), (0.0, 1.0)): True}


# --- correlated equilibria when players' payoffs differ by 18 orders of magnitude -------


def _obedience_rows(arrays) -> list[np.ndarray]:
    """Rows g with g·μ ≤ 0 for a correlated equilibrium, each divided by the player's spread:
    told a, switching to b gains Σ μ(a, s₋ᵢ)(uᵢ(b, s₋ᵢ) − uᵢ(a, s₋ᵢ))."""
    shape = arrays[0].shape
    profiles = list(itertools.product(*[range(k) for k in shape]))
    rows = []
    for i, u in enumerate(arrays):
        u = np.asarray(u, dtype=float)
        spread = float(np.ptp(u)) or 1.0
        for a, b in itertools.permutations(range(shape[i]), 2):
            row = np.zeros(len(profiles))
            for k, p in enumerate(profiles):
                if p[i] == a:
                    row[k] = (u[p[:i] + (b,) + p[i + 1:]] - u[p]) / spread
            rows.append(row)
    return rows


def _best_value(arrays, objective) -> float:
    from scipy.optimize import linprog

    rows = _obedience_rows(arrays)
    n = len(objective)
    top = float(np.max(np.abs(objective))) or 1.0
    res = linprog(-objective / top, A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=np.ones((1, n)),
                  b_eq=[1.0], bounds=[(0, None)] * n, method="highs-ipm")
    assert res.status == 0
    return -res.fun * top


@pytest.mark.parametrize("shape,seed", [((3, 3), 0), ((3, 3), 1), ((2, 2, 2), 2), ((3, 2, 2), 3)])
def test_correlated_optima_when_one_player_is_in_billions_and_another_in_billionths(tmp_path, shape, seed):
    # The obedience constraints do not change when a player's payoffs are rescaled, but
    # HiGHS failed on the welfare objective (coefficients near 1e9) with "Status 0: Not
    # Set", so `solve --method correlated` ended with exit 1.
    rng = np.random.default_rng(seed)
    arrays = [_fractions(rng.integers(-9, 10, shape)) * Fraction(10) ** (9 if i % 2 == 0 else -9)
              for i in range(len(shape))]
    path = tmp_path / "g.nfg"
    _write_nfg(path, arrays)
    found = _solve(path, "--method", "correlated")["correlated"]
    flat = [np.asarray(u, dtype=float).ravel() for u in arrays]
    rows = _obedience_rows(arrays)
    for entry in [found["welfare_maximizing"], *found["best_for"].values()]:
        mu = np.zeros(shape)
        for cell in entry["distribution"]:
            mu[tuple(cell["indices"])] += cell["probability"]
        mu = mu.ravel()
        assert mu.min() >= 0 and mu.sum() == pytest.approx(1, abs=1e-9)
        assert max(row @ mu for row in rows) <= 1e-8
        assert entry["payoffs"] == pytest.approx([u @ mu for u in flat], rel=1e-9)
    welfare = sum(found["welfare_maximizing"]["payoffs"])
    assert welfare == pytest.approx(_best_value(arrays, sum(flat)), rel=1e-7)
    for i, entry in enumerate(found["best_for"].values()):
        assert entry["payoffs"][i] == pytest.approx(_best_value(arrays, flat[i]), rel=1e-7)


# --- random trees: chance (some branches of probability 0), hidden moves, shared outcomes,
# --- payoffs at inner nodes and terminals without payoffs, two and three players ---------


class _Tree:
    """A random tree with perfect recall, kept as nested dicts and written as an `.efg`.

    A player's information set at a node is keyed by the depth, its own past (information
    sets and actions: perfect recall) and, at a level whose moves are not hidden, the whole
    history. Outcomes are reused between nodes and some are the null outcome 0.
    """

    def __init__(self, seed: int, players: int, depth: int = 3):
        import random

        self.r, self.n, self.depth = random.Random(seed), players, depth
        self.outcomes: list[tuple[Fraction, ...]] = []
        self.sets: dict = {}
        self.level: dict = {}
        self.chance = 0
        self.root = self._node(0, (), {}, ())

    def _outcome(self) -> int:
        r = self.r
        if self.outcomes and r.random() < 0.3:
            return r.randrange(len(self.outcomes)) + 1
        if r.random() < 0.1:
            return 0
        self.outcomes.append(tuple(Fraction(r.randint(-3, 3), r.choice([1, 1, 2, 3])) for _ in range(self.n)))
        return len(self.outcomes)

    def pay(self, o) -> tuple:
        return self.outcomes[o - 1] if o else (Fraction(0),) * self.n

    def _node(self, d, history, own, path):
        r = self.r
        if d == self.depth or (d and r.random() < 0.2):
            return {"kind": "t", "o": self._outcome(), "path": path}
        inner = self._outcome() if r.random() < 0.2 else 0
        if r.random() < 0.25:
            weights = [r.randint(1, 3) for _ in range(r.choice([2, 3]))]
            if r.random() < 0.4:
                weights[r.randrange(len(weights))] = 0  # a branch chance never takes
            self.chance += 1
            node = {"kind": "c", "id": self.chance, "probs": [Fraction(w, sum(weights)) for w in weights],
                    "inner": inner, "path": path}
            node["kids"] = [self._node(d + 1, history + (("c", j),), own, path + (j,)) for j in range(len(weights))]
            return node
        mover, hidden, k = self.level.setdefault(d, (r.randrange(self.n), r.random() < 0.5, r.choice([2, 2, 3])))
        key = (mover, d, own.get(mover, ()), None if hidden else history)
        ident = self.sets.setdefault(key, (mover, 1 + sum(1 for s in self.sets if s[0] == mover)))
        node = {"kind": "p", "set": ident, "k": k, "inner": inner, "path": path, "d": d}
        node["kids"] = [self._node(d + 1, history + ((mover, j),), {**own, mover: own.get(mover, ()) + ((ident, j),)},
                                   path + (j,)) for j in range(k)]
        return node

    def efg(self) -> str:
        written: set = set()
        lines: list[str] = []

        def out(o):
            if not o:
                return "0"
            if o in written:
                return str(o)
            written.add(o)
            return f'{o} "" {{ {" ".join(_text(v) for v in self.pay(o))} }}'

        def walk(node):
            if node["kind"] == "t":
                lines.append(f't "" {out(node["o"])}')
                return
            if node["kind"] == "c":
                moves = " ".join(f'"c{j}" {_text(p)}' for j, p in enumerate(node["probs"]))
                lines.append(f'c "" {node["id"]} "" {{ {moves} }} {out(node["inner"])}')
            else:
                player, number = node["set"]
                moves = " ".join(f'"a{node["d"]}{j}"' for j in range(node["k"]))
                lines.append(f'p "" {player + 1} {number} "" {{ {moves} }} {out(node["inner"])}')
            for kid in node["kids"]:
                walk(kid)

        walk(self.root)
        players = " ".join(f'"P{i + 1}"' for i in range(self.n))
        return f'EFG 2 R "hidden tree" {{ {players} }}\n""\n\n' + "\n".join(lines) + "\n"

    def decisions(self, node=None) -> list[dict]:
        node = node or self.root
        if node["kind"] == "t":
            return []
        return ([node] if node["kind"] == "p" else []) + [x for kid in node["kids"] for x in self.decisions(kid)]

    def value(self, node, behaviour) -> np.ndarray:
        if node["kind"] == "t":
            return np.array(self.pay(node["o"]), dtype=float)
        probs = node["probs"] if node["kind"] == "c" else behaviour[node["set"]]
        return np.array(self.pay(node["inner"]), dtype=float) + sum(
            float(p) * self.value(kid, behaviour) for p, kid in zip(probs, node["kids"]) if p)

    def regret(self, behaviour, root=None) -> float:
        """Largest gain any player gets from any pure strategy in the subtree at root."""
        root = root or self.root
        base, worst = self.value(root, behaviour), 0.0
        nodes = self.decisions(root)
        for i in range(self.n):
            sets = sorted({x["set"] for x in nodes if x["set"][0] == i})
            k = {x["set"]: x["k"] for x in nodes}
            for choice in itertools.product(*[range(k[s]) for s in sets]):
                pure = {**behaviour, **{s: np.eye(k[s])[c] for s, c in zip(sets, choice)}}
                worst = max(worst, self.value(root, pure)[i] - base[i])
        return worst

    def subgame_roots(self) -> list[dict]:
        every = self.decisions()
        roots = []
        for node in every:
            inside = {id(x) for x in self.decisions(node)}
            sets = {x["set"] for x in self.decisions(node)}
            if all(id(x) in inside for x in every if x["set"] in sets):
                roots.append(node)
        return roots

    def realization(self, own_probability) -> tuple:
        """Per player, per terminal: the probability of its own moves on the way (a
        realization plan; realization-equivalent profiles share it)."""
        plan = []

        def walk(node, steps):
            if node["kind"] == "t":
                plan.append(tuple(round(own_probability(i, [s for s in steps if s[0] == i]), 6) + 0.0
                                  for i in range(self.n)))
                return
            for j, kid in enumerate(node["kids"]):
                walk(kid, steps + ((node["set"][0], node["set"], j),) if node["kind"] == "p" else steps)

        walk(self.root, ())
        return tuple(plan)


def _from_json(tree: _Tree, entry) -> dict:
    at = {x["path"]: x for x in tree.decisions()}
    behaviour = {}
    for b in entry["behaviour"]:
        (ident,) = {at[tuple(p)]["set"] for p in b["nodes"]}
        k = at[tuple(b["nodes"][0])]["k"]
        behaviour[ident] = b["probabilities"] if b["probabilities"] is not None else [1 / k] * k
    return behaviour


def _gambit_plan(tree: _Tree, game, mixed) -> tuple:
    """Realization plan of a Gambit mixed profile (strategy labels: one action digit per
    information set, in Gambit's order for the player)."""
    position = {}

    def walk(node, gnode):
        if node["kind"] == "p":
            position[node["set"]] = list(gnode.player.infosets).index(gnode.infoset)
        for kid, gkid in zip(node.get("kids", []), gnode.children):
            walk(kid, gkid)

    walk(tree.root, game.root)
    players = list(game.players)
    return tree.realization(lambda i, steps: sum(
        float(mixed[s]) for s in players[i].strategies
        if all(s.label[position[ident]] == str(j + 1) for _, ident, j in steps)))


@pytest.mark.parametrize("players,seed", [(2, s) for s in (1, 4, 11, 13, 17, 20, 22, 33, 38)] + [(3, s) for s in (200, 203, 208)])
def test_random_trees_against_gambit_and_the_definitions(tmp_path, players, seed):
    tree = _Tree(seed, players)
    path = tmp_path / "tree.efg"
    path.write_text(tree.efg())
    game = gbt.read_efg(str(path))
    data = _solve(path)
    listed = data["nash_equilibria"] if data["perfect_information"] else data["equilibria"]
    for entry in data["equilibria"] + data.get("nash_equilibria", []):
        behaviour = _from_json(tree, entry)
        assert len(entry["profile"]) == players and len(entry["payoffs"]) == players
        assert entry["payoffs"] == pytest.approx(list(tree.value(tree.root, behaviour)), abs=1e-9)
        assert tree.regret(behaviour) <= 1e-9  # a Nash equilibrium of the tree
        full = all(b["probabilities"] is not None for b in entry["behaviour"])
        if full and (entry.get("subgame_perfect") or entry.get("agent_form_perfect")):
            for root in tree.subgame_roots():  # subgame perfect: Nash in every subgame
                assert tree.regret(behaviour, root) <= 1e-9, root["path"]
    ours = {tree.realization(lambda i, steps, b=_from_json(tree, e): float(np.prod([b[s][j] for _, s, j in steps])))
            for e in listed}
    if players == 2:  # every extreme equilibrium, as Gambit lists them
        theirs = {_gambit_plan(tree, game, eq) for eq in gbt.nash.enummixed_solve(game, rational=True).equilibria}
        assert ours == theirs
    else:  # every pure equilibrium Gambit finds is among ours
        assert {_gambit_plan(tree, game, eq) for eq in gbt.nash.enumpure_solve(game).equilibria} <= ours


# --- degenerate two-player games and N-player games at mixed scales ----------------------


def _degenerate(kind: str, seed: int):
    rng = np.random.default_rng(seed)
    m, n = {"zero": (3, 4), "duplicates": (4, 4), "indifferent row": (3, 3), "one row": (1, 5),
            "one column": (5, 1), "ties 6x5": (6, 5)}[kind]
    A, B = rng.integers(0, 3, (m, n)), rng.integers(0, 3, (m, n))
    if kind == "zero":
        A, B = np.zeros((m, n), int), np.zeros((m, n), int)
    elif kind == "duplicates":  # a duplicated row and column: continua for certain
        A[-1], B[-1] = A[0], B[0]
        A[:, -1], B[:, -1] = A[:, 0], B[:, 0]
    elif kind == "indifferent row":  # the row player's payoff ignores its own choice
        A = np.tile(A[0], (m, 1))
    return _fractions(A), _fractions(B)


@pytest.mark.parametrize("kind", ["zero", "duplicates", "indifferent row", "one row", "one column", "ties 6x5"])
def test_degenerate_games_list_gambits_extreme_equilibria_and_nothing_else(tmp_path, kind):
    A, B = _degenerate(kind, 7)
    path = tmp_path / "g.nfg"
    _write_nfg(path, [A, B])
    data = _solve(path)
    assert data["complete"]
    _check_contract_and_regret([A, B], data)
    theirs = _gambit_extreme([A, B])
    _same_float_set([e["profile"] for e in data["equilibria"]], theirs)
    exact = {tuple(tuple(map(Fraction, p)) for p in e["profile_exact"]) for e in _solve(path, "--exact")["equilibria"]}
    assert exact == theirs


@pytest.mark.parametrize("shape,seed", [((4, 3, 2), 1), ((2, 2, 2, 2, 2), 2), ((3, 2, 2, 2), 3)])
def test_n_player_games_at_mixed_scales_hold_gambits_equilibria(tmp_path, shape, seed):
    # Odd players' payoffs ×1e9, even players' ×1e-9. Gambit's enumpoly is asked about the
    # unscaled game (same equilibria; its regret test is absolute, so at 1e-9 it would take
    # anything): each of its equilibria must be ours, and each of ours an equilibrium.
    rng = np.random.default_rng(seed)
    base = [_fractions(rng.integers(-99, 100, shape)) for _ in shape]
    arrays = [b * Fraction(10) ** (9 if i % 2 == 0 else -9) for i, b in enumerate(base)]
    path = tmp_path / "g.nfg"
    _write_nfg(path, arrays)
    data = _solve(path)
    assert data["complete"]
    _check_contract_and_regret(arrays, data)
    game = _gambit(base)
    for eq in gbt.nash.enumpoly_solve(game).equilibria:
        theirs = [[float(eq[s]) for s in p.strategies] for p in game.players]
        assert any(all(np.allclose(a, b, atol=1e-6) for a, b in zip(e["profile"], theirs)) for e in data["equilibria"])
