"""Random valid model files: every reported equilibrium checked here, and against Gambit.

Each generated model has two players with random strategies, a parameter, a defined
quantity and payoff terms made of indicators, levels and the parameter. tradegame solves
it through the command line; each profile it reports is checked to be an equilibrium of
the payoff table it prints (independently of the solver), and the exported .nfg is
solved by Gambit's enummixed, whose equilibria must match tradegame's one for one.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import same_profiles
from tests.test_hostile_cli import _invoke

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def model_text(draw) -> str:
    m = draw(st.integers(2, 3))
    n = draw(st.integers(2, 3))
    coef = lambda: draw(st.integers(-5, 5))
    lines = [
        "[players.P]", f"strategies = {json.dumps([f'p{i}' for i in range(m)])}", 'level = "x"',
        f"levels = {list(range(m))}",
        "[players.Q]", f"strategies = {json.dumps([f'q{j}' for j in range(n)])}",
        "[parameters.k]", f"default = {draw(st.integers(0, 4))}", "range = [0, 10]",
        "[define]", f'mix = "x * Q.q0 * {coef()} + k"',
        "[payoffs.P]",
    ]
    lines += [f'"t{i}" = "P.p{i} * ({coef()} * Q.q{draw(st.integers(0, n - 1))} + {coef()} * mix)"' for i in range(m)]
    lines += ["[payoffs.Q]"]
    lines += [f'"t{j}" = "Q.q{j} * ({coef()} * x + {coef()} * k + {coef()} * P.p0)"' for j in range(n)]
    return "\n".join(lines) + "\n"


def _check_equilibria(data) -> None:
    A, B = (np.array(a, dtype=float) for a in data["payoff_matrices"])
    for eq in data["equilibria"]:
        x, y = (np.array(p, dtype=float) for p in eq["profile"])
        assert (A @ y).max() - x @ A @ y <= 1e-7 * max(1.0, np.abs(A).max())
        assert (x @ B).max() - x @ B @ y <= 1e-7 * max(1.0, np.abs(B).max())


@SETTINGS
@given(model_text())
def test_random_models_verified_and_match_gambit(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("m")
    path = folder / "m.toml"
    path.write_text(text, encoding="utf-8")
    data = json.loads(_invoke(["solve", str(path), "--format", "json"], codes=(0,)).stdout)
    _check_equilibria(data)
    pygambit = pytest.importorskip("pygambit")
    nfg = folder / "m.nfg"
    _invoke(["export", str(path), "--to", "nfg", "-o", str(nfg)], codes=(0,))
    game = pygambit.read_nfg(str(nfg))
    theirs = [
        [[float(eq[s]) for s in p.strategies] for p in game.players]
        for eq in pygambit.nash.enummixed_solve(game, rational=True).equilibria
    ]
    if data["complete"]:  # every extreme equilibrium, as enummixed lists them
        assert same_profiles([e["profile"] for e in data["equilibria"]], theirs, atol=1e-6)
