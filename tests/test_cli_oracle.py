"""`tradegame solve GAME.nfg --format json` against Gambit's enummixed on random games.

Sizes 2×2 to 6×6; small integer payoffs make many of them degenerate (ties, weakly
dominated strategies, continua). Every equilibrium Gambit lists must be reported, and
every reported profile must be an equilibrium (checked independently here).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app
from games.nfg import to_nfg
from games.normal_form import from_bimatrix

gbt = pytest.importorskip("pygambit")
runner = CliRunner()

CASES = [(m, n, seed) for m in range(2, 7) for n in range(2, 7) if abs(m - n) <= 1 for seed in range(3)]


def _gambit_equilibria(A, B):
    game = gbt.Game.from_arrays(A.astype(int), B.astype(int))
    result = gbt.nash.enummixed_solve(game, rational=True)
    return [
        tuple(tuple(float(eq[s]) for s in p.strategies) for p in game.players) for eq in result.equilibria
    ]


@pytest.mark.parametrize("m,n,seed", CASES)
def test_cli_finds_every_gambit_equilibrium(tmp_path, m, n, seed):
    rng = np.random.default_rng(1000 * m + 10 * n + seed)
    high = 3 if seed == 0 else 20  # seed 0: tiny payoff range, so ties and degeneracy
    A = rng.integers(0, high, size=(m, n)).astype(float)
    B = rng.integers(0, high, size=(m, n)).astype(float)
    path = tmp_path / "g.nfg"
    path.write_text(to_nfg(from_bimatrix(A, B)))
    result = runner.invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    ours = [tuple(tuple(p) for p in e["profile"]) for e in json.loads(result.stdout)["equilibria"]]
    for x, y in ours:  # nothing that is not an equilibrium
        x, y = np.array(x), np.array(y)
        assert np.max(A @ y) - x @ A @ y <= 1e-7 and np.max(x @ B) - x @ B @ y <= 1e-7
    for theirs in _gambit_equilibria(A, B):  # everything Gambit finds
        assert any(
            all(np.allclose(a, b, atol=1e-7) for a, b in zip(theirs, mine)) for mine in ours
        ), f"missing Gambit equilibrium {theirs}"
