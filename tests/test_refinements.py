"""Perfect and proper equilibria of two-player games (games/solvers/refinements.py), on textbook
examples with the answers derived by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from games.forms.normal_form import from_bimatrix
from games.solvers.refinements import dominating_strategy, refine
from games.solvers.solver import solve


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


# ------------------------------------------------------------------ three or more players
def _with_bystander(A, B, rows, cols):
    """A two-player game with a third player whose two strategies change nothing for anyone
    (its payoff is 0): perfection of the first two players' strategies is unchanged."""
    from games.forms.normal_form import NormalFormGame

    A, B = np.asarray(A, float), np.asarray(B, float)
    arrays = (np.stack([A, A], axis=2), np.stack([B, B], axis=2), np.zeros(A.shape + (2,)))
    return NormalFormGame("with bystander", ("Row", "Column", "Bystander"), (rows, cols, ("x", "y")), arrays)


def test_three_players_myerson_with_a_bystander():
    # Myerson's example with an idle third player: (U, L) and (M, M) perfect, (D, R) not
    # (D weakly dominated by M) — as in the two-player game; properness is not determined.
    from games.solvers.equilibrium import verify

    A = [[1, 0, -9], [0, 0, -7], [-9, -7, -7]]
    game = _with_bystander(A, np.array(A).T, ("U", "M", "D"), ("L", "M", "R"))
    e = lambda r, c: verify(game, [np.eye(3)[r], np.eye(3)[c], [1, 0]])  # noqa: E731
    assert refine(game, e(0, 0)).perfect is True
    mm = refine(game, e(1, 1))
    assert mm.perfect is True and mm.proper is None and "numerical" in mm.reason
    dr = refine(game, e(2, 2))
    assert dr.perfect is False and dr.proper is False and "D is weakly dominated by M" in dr.reason


def test_three_players_undominated_but_not_perfect():
    # Selten's horse as a normal form (1: C, D; 2: c, d; 3: L, R; Selten 1975, Figure 1):
    # in (D, c, L) nothing is weakly dominated (c beats d against (C, ·, R)), yet 2's c is not
    # a best reply to any small trembles: with 3 near L and 1 slipping to C, d pays 4 > 1.
    # (C, c, R) is perfect: 3's R is a best reply once 2's slip is twice 1's.
    from games.solvers.equilibrium import verify
    from games.forms.reduced_form import reduced_normal_form
    from tests.tree_games import seltens_horse_1975

    game = reduced_normal_form(seltens_horse_1975()).game
    bad = refine(game, verify(game, [[0, 1], [1, 0], [1, 0]]))
    assert bad.perfect is False and bad.proper is False and bad.dominated_by == (None, None, None)
    assert "if 1 mistakenly plays D" not in bad.reason and "mistakenly plays C" in bad.reason
    good = refine(game, verify(game, [[1, 0], [1, 0], [0, 1]]))
    assert good.perfect is True and good.trembles is not None
    assert all(min(p) > 0 for p in good.trembles)


def test_three_players_completely_mixed_and_indifferent_bystander():
    # pennies with a bystander: the matchers mix ½–½ (every strategy a best reply) and the
    # bystander is indifferent whatever happens: every equilibrium is perfect.
    from games.formats.nfg import read_nfg

    game = read_nfg(Path(__file__).parent / "data" / "pennies_bystander.nfg")
    for eq in solve(game).equilibria:
        assert refine(game, eq).perfect is True


def test_explain_json_reports_three_player_refinements():
    from typer.testing import CliRunner

    from cli.app import app

    path = str(Path(__file__).parent / "data" / "pennies_bystander.nfg")
    result = CliRunner().invoke(app, ["explain", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["refinements"]) == len(data["equilibria"])
    assert all(r["perfect"] is True and r["numerical"] is True and r["proper"] is None for r in data["refinements"])
