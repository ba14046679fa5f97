"""Perfect and proper equilibria of two-player games (games/refinements.py), on textbook
examples with the answers derived by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from games.normal_form import from_bimatrix
from games.refinements import dominating_strategy, refine
from games.solver import solve


def _verdicts(game):
    return {tuple(tuple(round(v, 6) for v in p) for p in eq.profile): refine(game, eq) for eq in solve(game).equilibria}


def test_myerson_1978():
    # Myerson's example: adding the costly strategies D and R to a coordination game.
    # (U, L) is strict; (M, M) is perfect (M is never weakly dominated: it beats U against R)
    # but not proper: trembles to R (costing −7 or −9) must be far rarer than to L, and
    # then U beats M; (D, R) uses weakly dominated strategies (D by M), so it is not perfect.
    A = [[1, 0, -9], [0, 0, -7], [-9, -7, -7]]
    game = from_bimatrix(A, np.array(A).T, row_strategies=("U", "M", "D"), col_strategies=("L", "M", "R"))
    v = _verdicts(game)
    UL, MM, DR = ((1, 0, 0), (1, 0, 0)), ((0, 1, 0), (0, 1, 0)), ((0, 0, 1), (0, 0, 1))
    assert set(v) == {UL, MM, DR}
    assert v[UL].perfect and v[UL].proper
    assert v[MM].perfect and v[MM].proper is False
    assert not v[DR].perfect and v[DR].proper is False
    assert "D is weakly dominated by M" in v[DR].reason


def test_weakly_dominated_equilibrium_is_not_perfect():
    # The textbook weakly dominated equilibrium (as in van Damme 1991): in [[1, 0], [0, 0]] for both players, (r2, c2) is a Nash
    # equilibrium, but r2 is weakly dominated by r1 (equal against c2, better against c1):
    # any tremble of the other player to c1 makes r1 strictly better.
    game = from_bimatrix([[1, 0], [0, 0]], [[1, 0], [0, 0]])
    v = _verdicts(game)
    assert v[((1, 0), (1, 0))].perfect and v[((1, 0), (1, 0))].proper
    bad = v[((0, 1), (0, 1))]
    assert not bad.perfect and bad.dominated_by[0] == pytest.approx((1.0, 0.0))
    assert "r2 is weakly dominated by r1" in bad.reason


def test_completely_mixed_equilibrium_is_proper():
    # every strategy is a best response at a completely mixed equilibrium: no tremble is costly
    game = from_bimatrix([[1, -1], [-1, 1]])
    (eq,) = solve(game).equilibria
    r = refine(game, eq)
    assert r.perfect and r.proper


def test_von_stengel_degenerate_game():
    # A = [[3,3],[2,5],[0,6]], B = [[3,3],[2,6],[3,1]]: (r1, c1) and (r1, (2/3, 1/3)) are the
    # ends of a segment; both perfect (nothing weakly dominated) but not proper: with r3 far
    # rarer than r2 (it is worse against any column mixture near them), c2 beats c1, so
    # the column cannot keep playing c1 with probability ≥ 2/3. The mixed equilibrium with
    # rows r2, r3 is proper (every game has one).
    game = from_bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
    v = _verdicts(game)
    assert v[((1, 0, 0), (1, 0))].perfect and v[((1, 0, 0), (1, 0))].proper is False
    assert v[((1, 0, 0), (0.666667, 0.333333))].proper is False
    assert v[((0, 0.333333, 0.666667), (0.333333, 0.666667))].proper is True


def test_dominating_strategy_by_a_mixture():
    # r3 = (1, 1) is dominated by no pure row but by the mix 1/2 r1 + 1/2 r2 = (1.5, 1.5)
    M = np.array([[3.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    z = dominating_strategy(M, np.array([0, 0, 1.0]), 1e-9)
    assert z is not None and np.all(z @ M >= 1 - 1e-9) and np.max(z @ M) > 1 and z[2] < 1
    assert dominating_strategy(M, np.array([1.0, 0, 0]), 1e-9) is None


def test_explain_reports_trembles():
    from typer.testing import CliRunner

    from cli.app import app

    r = CliRunner().invoke(app, ["explain", str(Path(__file__).parent / "data" / "chicken.nfg"), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [x["perfect"] for x in data["refinements"]] == [True, True, True]
