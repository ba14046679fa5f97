"""`tradegame solve GAME.nfg --format json [--exact]` against Gambit's enummixed on random games.

Sizes 2×2 to 6×6; small integer payoffs make many of them degenerate (ties, weakly
dominated strategies, continua); some are decimals, some pit a player in ±10⁹ against one
in {0, 1, 2}. Files are written by tradegame (payoff form) or by Gambit itself (outcome
form). Float mode must list Gambit's extreme equilibria one for one within 1e-7, each an
equilibrium by an independent check; exact mode must list exactly Gambit's fractions.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.app import app
from games.formats.nfg import to_nfg
from games.forms.normal_form import from_bimatrix

gbt = pytest.importorskip("pygambit")
runner = CliRunner()

CASES = [(m, n, seed) for m in range(2, 7) for n in range(2, 7) if abs(m - n) <= 1 for seed in range(4)]


def _payoffs(m: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact payoffs (Fractions): seed 0 ties, 1 integers to 20, 2 decimals, 3 mixed scale."""
    rng = np.random.default_rng(1000 * m + 10 * n + seed)
    high = {0: 3, 1: 20, 2: 400, 3: 3}[seed]
    A = rng.integers(0, high, size=(m, n))
    B = rng.integers(0, high, size=(m, n))
    if seed == 3:
        A = rng.integers(-10**9, 10**9, size=(m, n))
    scale = 100 if seed == 2 else 1  # 0.01 steps: 1.25, 0.1, ...
    to_frac = np.vectorize(lambda v: Fraction(int(v), scale), otypes=[object])
    return to_frac(A), to_frac(B)


def _gambit_equilibria(game) -> set:
    result = gbt.nash.enummixed_solve(game, rational=True)
    return {
        tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in game.players) for eq in result.equilibria
    }


def _solve(path, *extra):
    result = runner.invoke(app, ["solve", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("m,n,seed", CASES)
def test_cli_lists_exactly_gambits_equilibria(tmp_path, m, n, seed):
    A, B = _payoffs(m, n, seed)
    game = gbt.Game.from_arrays(A, B)
    path = tmp_path / "g.nfg"
    if (m + seed) % 2:
        path.write_text(game.to_nfg())  # Gambit's own file: outcome form
    else:
        path.write_text(to_nfg(from_bimatrix(A.astype(float), B.astype(float))))  # payoff form
    theirs = _gambit_equilibria(game)

    ours = [e["profile"] for e in _solve(path)["equilibria"]]
    Af, Bf = A.astype(float), B.astype(float)
    for x, y in map(lambda p: map(np.array, p), ours):  # nothing that is not an equilibrium
        assert np.max(Af @ y) - x @ Af @ y <= 1e-7 * np.ptp(Af) and np.max(x @ Bf) - x @ Bf @ y <= 1e-7 * np.ptp(Bf)
    unmatched = list(ours)
    for t in theirs:  # everything Gambit finds, once
        hits = [o for o in unmatched if all(np.allclose(a, [float(v) for v in b], atol=1e-7) for a, b in zip(o, t))]
        assert len(hits) == 1, f"Gambit's equilibrium {t} reported {len(hits)} times"
        unmatched.remove(hits[0])
    assert not unmatched, f"equilibria Gambit does not list: {unmatched}"

    exact = {
        tuple(tuple(Fraction(v) for v in p) for p in e["profile_exact"])
        for e in _solve(path, "--exact")["equilibria"]
    }
    assert exact == theirs
