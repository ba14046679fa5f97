"""Model files written from docs/models.md alone, by someone outside the project, solved
through the command line and checked against an independent evaluation and Gambit.

The files in tests/data/models/ use what the reference allows and the shipped models do
not: three and four players, one to five strategies, a player with one strategy, unicode
and hyphenated names, strategies named like each other's prefixes ("Go", "Go slow",
"Go.fast"), a player named like a parameter, bare ``[payoffs]``, defined quantities that
use each other, every function of the formula grammar, negative exponents, scientific
notation, model forms (a tree with a revision, a player added), hidden types, and
instruments with their own terms and an optional one.

Each file's payoff table is rebuilt here from the TOML text by a small evaluator of the
formula grammar written for this test (Python's ``ast`` on the formula, indicators and
``plays`` by hand), never by tradegame's evaluator; every reported equilibrium must be
one of that table, and the set must equal Gambit's (enummixed for two players,
enumpoly for more).
"""

from __future__ import annotations

import ast
import itertools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from tests.test_hostile_cli import _invoke

DATA = Path(__file__).parent / "data" / "models"
FUNCTIONS = {"min": min, "max": max, "abs": abs, "exp": math.exp, "log": math.log, "sqrt": math.sqrt}


def _value(node, env, players, chosen, define, cache):
    """A formula's value at one profile: env holds parameters and levels."""
    rec = lambda n: _value(n, env, players, chosen, define, cache)  # noqa: E731
    if isinstance(node, ast.Expression):
        return rec(node.body)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in define:
            if node.id not in cache:
                cache[node.id] = rec(ast.parse(define[node.id], mode="eval"))
            return cache[node.id]
        return env[node.id]
    if isinstance(node, ast.Attribute):  # PLAYER.STRATEGY, possibly with dots in the strategy
        parts = [node.attr]
        while isinstance(node.value, ast.Attribute):
            node = node.value
            parts.insert(0, node.attr)
        return 1.0 if chosen[node.value.id] == ".".join(parts) else 0.0
    if isinstance(node, ast.UnaryOp):
        return -rec(node.operand) if isinstance(node.op, ast.USub) else rec(node.operand)
    if isinstance(node, ast.BinOp):
        a, b = rec(node.left), rec(node.right)
        ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
        if type(node.op) in ops:
            return ops[type(node.op)]
        return a / b if isinstance(node.op, ast.Div) else a ** b
    if isinstance(node, ast.Call):
        if node.func.id == "plays":
            player, strategy = (a.value for a in node.args)
            return 1.0 if chosen[player] == strategy else 0.0
        return FUNCTIONS[node.func.id](*(rec(a) for a in node.args))
    raise AssertionError(f"not in the formula grammar: {ast.dump(node)}")


def payoff_table(path: Path, params=None, form=None, package=False, with_=()):
    """(players, strategies, one payoff array per player), rebuilt from the file's text."""
    model = tomllib.loads(path.read_text(encoding="utf-8"))
    players = dict(model["players"])
    define = dict(model.get("define", {}))
    raw = model["payoffs"]
    payoffs = {p: (t if isinstance(t, dict) else {"payoff": t}) for p, t in raw.items()}
    payoffs = {p: dict(t) for p, t in payoffs.items()}
    if form is not None:
        extra = model["forms"][form]
        players.update(extra.get("players", {}))
        define.update(extra.get("define", {}))
        for p, terms in extra.get("payoffs", {}).items():
            payoffs.setdefault(p, {}).update(terms)
    env0 = {k: float(v["default"]) for k, v in model.get("parameters", {}).items()}
    env0.update(params or {})
    moves = {}  # player -> [(strategy name, {level: value})]
    for p, spec in players.items():
        moves[p] = [(s, {spec["level"]: float(spec["levels"][i])} if "level" in spec else {})
                    for i, s in enumerate(spec["strategies"])]
    if package:
        instruments = {n: d for n, d in model.get("instruments", {}).items() if not d.get("optional") or n in with_}
        for p in players:
            own = [d for d in instruments.values() if d["player"] == p and "settings" in d]
            if own:
                moves[p] = [(" + ".join(d["settings"][c] for d, c in zip(own, combo)),
                             {d["level"]: float(d["levels"][c]) for d, c in zip(own, combo)})
                            for combo in itertools.product(*(range(len(d["settings"])) for d in own))]
        for name, d in instruments.items():
            for p, terms in d.get("payoffs", {}).items():
                payoffs[p].update({f"{name}: {k}": v for k, v in terms.items()})
    names = list(players)
    shape = tuple(len(moves[p]) for p in names)
    tables = [np.zeros(shape) for _ in names]
    for profile in itertools.product(*(range(n) for n in shape)):
        env, chosen = dict(env0), {}
        for p, k in zip(names, profile):
            chosen[p] = moves[p][k][0]
            env.update(moves[p][k][1])
        cache: dict[str, float] = {}
        for i, p in enumerate(names):
            for formula in payoffs[p].values():
                text = formula["formula"] if isinstance(formula, dict) else formula
                tables[i][profile] += _value(ast.parse(text, mode="eval"), env, players, chosen, define, cache)
    return names, [[s for s, _ in moves[p]] for p in names], tables


def _regret(tables, profile) -> float:
    worst = 0.0
    for i, table in enumerate(tables):
        v = table
        for j in reversed(range(len(tables))):  # contract every other player's mixture
            if j != i:
                v = np.tensordot(v, np.asarray(profile[j]), axes=([j], [0]))
        worst = max(worst, float(v.max() - v @ np.asarray(profile[i])))
    return worst


def _gambit(tables):
    gbt = pytest.importorskip("pygambit")
    game = gbt.Game.from_arrays(*tables)
    solve = gbt.nash.enummixed_solve if len(tables) == 2 else gbt.nash.enumpoly_solve
    return [[[float(eq[s]) for s in pl.strategies] for pl in game.players] for eq in solve(game).equilibria]


def _key(profile):
    return tuple(round(float(v), 4) + 0.0 for mix in profile for v in mix)


CASES = [
    ("unicode.toml", [], {}, {}),                                  # 3×3, unicode and hyphens, every function
    ("unicode.toml", ["--set", "fuel=0.2"], {"fuel": 0.2}, {}),
    ("trio.toml", [], {}, {}),                                     # 2×3×2 with levels and chained quantities
    ("quartet.toml", [], {}, {}),                                  # four players, bare [payoffs]
    ("quartet.toml", ["--set", "fine=0.5", "--set", "bonus=1"], {"fine": 0.5, "bonus": 1.0}, {}),
    ("prefix.toml", [], {}, {}),                                   # 5×4, prefix strategy names, a continuum
    ("prefix.toml", ["--set", "k=-3"], {"k": -3.0}, {}),
    ("forms.toml", [], {}, {}),                                    # 2×3
    ("forms.toml", ["--game", "mediated"], {}, {"form": "mediated"}),
    ("instr.toml", [], {}, {}),
    ("instr.toml", ["--game", "package", "--with", "aid"], {}, {"package": True, "with_": ("aid",)}),
    ("instr.toml", ["--game", "package", "--set", "duty_high=0.9", "--set", "duty_gain=9"],
     {"duty_high": 0.9, "duty_gain": 9.0}, {"package": True}),
    ("wording.toml", [], {}, {}),
    ("edge.toml", [], {}, {}),                                     # a one-strategy player named like a parameter
]


@pytest.mark.parametrize("name, args, params, how", CASES, ids=[f"{c[0]}{''.join(c[1])}" for c in CASES])
def test_outside_model_files_solve_like_gambit(name, args, params, how):
    data = json.loads(_invoke(["solve", str(DATA / name), "--format", "json", *args], codes=(0,)).stdout)
    players, strategies, tables = payoff_table(DATA / name, params, **how)
    assert data["game"]["players"] == players and data["game"]["strategies"] == strategies
    for eq in data["equilibria"]:
        assert _regret(tables, eq["profile"]) <= 1e-7
        expected = []
        for table in tables:
            v = table
            for j in reversed(range(len(tables))):
                v = np.tensordot(v, np.asarray(eq["profile"][j]), axes=([j], [0]))
            expected.append(float(v))
        assert eq["payoffs"] == pytest.approx(expected, abs=1e-7)
    assert sorted({_key(e["profile"]) for e in data["equilibria"]}) == sorted({_key(p) for p in _gambit(tables)})


def test_a_scenario_of_an_outside_model_file():
    # wording-cheap.toml sets doses 0.5 and spread 0.2 in wording.toml (a stag hunt):
    # sharing against a hoarder gains spread − doses = −0.3, against a sharer goodwill −
    # doses = 1.5, so each shares with probability 0.3/1.8 = 1/6 in the mixed equilibrium
    data = json.loads(_invoke(["solve", str(DATA / "wording-cheap.toml"), "--format", "json"], codes=(0,)).stdout)
    (mixed,) = [e["profile"] for e in data["equilibria"] if not e["pure"]]
    assert mixed[0] == pytest.approx([5 / 6, 1 / 6]) and mixed[1] == pytest.approx([5 / 6, 1 / 6])
