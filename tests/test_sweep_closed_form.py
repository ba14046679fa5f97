"""The 2×2 sweep's equilibria against closed forms derived by hand, and the batched
verification against exact regrets.

Baseline scenario, leverage L varied (examples/models/trade.toml, defaults: chip_sales 4,
security_risk 3, hawk_cost 2, re_dependence 6, deal_value_us 1, escalation_cost_us 1,
chip_value 5, self_reliance 2, re_revenue 2, diversification 1, deal_value_cn 1,
escalation_cost_cn 1, both linkages 0.5). With x, y the US's and China's openness:

- US: U(0,0) = −7, U(1,0) = −7.5, U(0,1) = −3, U(1,1) = 0 (none depends on L): the US
  relaxes exactly when China supplies.
- China: V(0,0) = L − 2, V(0,1) = 1, V(1,0) = L + 0.5, V(1,1) = 6: its gain from supplying is
  3 − L when the US restricts and 5.5 − L when it relaxes.

So deal (Relax, Supply) is an equilibrium iff L ≤ 5.5, conflict (Restrict, Restrict) iff
L ≥ 3, and for 3 < L < 5.5 there is also the mixed equilibrium where China supplies with
q = 1/7 (the US indifferent: −0.5(1 − q) + 3q = 0) and the US relaxes with p = (L − 3)/2.5
(China indifferent), with payoffs −45/7 for the US and 1 + 5p for China.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from games.sweeps import batch_2x2, sweep
from games.solvers.equilibrium import TOLERANCE
from games.model.scenarios import load


def _expected(L: float) -> list[tuple[list[float], list[float], list[float]]]:
    """(x, y, payoffs) of each extreme equilibrium at leverage L (strictly off 3 and 5.5)."""
    out = []
    if L < 5.5:
        out.append(([0.0, 1.0], [0.0, 1.0], [0.0, 6.0]))
    if L > 3:
        out.append(([1.0, 0.0], [1.0, 0.0], [-7.0, L - 2]))
    if 3 < L < 5.5:
        p = (L - 3) / 2.5
        out.append(([1 - p, p], [6 / 7, 1 / 7], [-45 / 7, 1 + 5 * p]))
    return out


def _key(e):
    return tuple(round(v, 9) for v in (*e[0], *e[1]))


def test_sweep_equilibria_match_the_hand_derived_closed_form():
    rng = np.random.default_rng(8)
    values = np.sort(np.concatenate([rng.uniform(0, 10, 400), np.linspace(0, 10, 23)]))
    values = values[(np.abs(values - 3) > 1e-9) & (np.abs(values - 5.5) > 1e-9)]
    spec = sweep.SweepSpec(dict(load("baseline").parameters), axes=(sweep.Axis("leverage", values),))
    result = sweep.run(spec, keep_equilibria=True, block_size=37)
    eq = result.equilibria
    for k, L in enumerate(values):
        at = np.nonzero(eq.game == k)[0]
        got = sorted(((eq.x[e].tolist(), eq.y[e].tolist(), eq.payoffs[e].tolist()) for e in at), key=_key)
        want = sorted(_expected(float(L)), key=_key)
        assert len(got) == len(want), L
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.concatenate(g[:2]), np.concatenate(w[:2]), atol=1e-12)
            np.testing.assert_allclose(g[2], w[2], atol=1e-9)
        regime = "deal only" if L < 3 else ("conflict only" if L > 5.5 else "both")
        assert sweep.regime_label(int(result.codes[k])) == regime


def test_sweep_boundaries_are_the_hand_derived_ones():
    spec = sweep.make_spec(dict(load("baseline").parameters), vary=["leverage=0:10:1001"])
    found = [(b.value, b.below, b.above) for b in sweep.run(spec).boundaries]
    assert found == [(3.0, "deal only", "both"), (5.5, "both", "conflict only")]


def _exact_regret(A, B, p: float, q: float) -> Fraction:
    """Largest regret of the profile (p, q) — first-strategy probabilities — in exact arithmetic."""
    A = [[Fraction(v) for v in row] for row in A]
    B = [[Fraction(v) for v in row] for row in B]
    x, y = (Fraction(p), 1 - Fraction(p)), (Fraction(q), 1 - Fraction(q))
    rows = [sum(A[i][j] * y[j] for j in range(2)) for i in range(2)]
    cols = [sum(B[i][j] * x[i] for i in range(2)) for j in range(2)]
    return max(max(rows) - sum(r * xi for r, xi in zip(rows, x)), max(cols) - sum(c * yj for c, yj in zip(cols, y)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_verification_agrees_with_exact_regrets_at_every_candidate(seed):
    """Report each of the nine candidates alone, right or wrong: the batched check must
    pass exactly the games whose exact regret there is within tolerance."""
    rng = np.random.default_rng(seed)
    A = rng.integers(-3, 4, (300, 2, 2)).astype(float)
    B = rng.integers(-3, 4, (300, 2, 2)).astype(float)
    c = batch_2x2.candidates(A, B)
    for i in range(3):
        for j in range(3):
            mask = np.zeros_like(c.mask)
            mask[:, i, j] = True
            has = ~np.isnan(c.p[:, i]) & ~np.isnan(c.q[:, j])
            ok = batch_2x2.verify_candidates(A[has], B[has], batch_2x2.Candidates2x2(mask[has], c.p[has], c.q[has]))
            want = [
                _exact_regret(A[g], B[g], c.p[g, i], c.q[g, j]) <= TOLERANCE * max(1.0, np.abs(A[g]).max(), np.abs(B[g]).max())
                for g in np.nonzero(has)[0]
            ]
            assert ok.tolist() == want, (i, j)
            # every candidate the closed form reports passes
            assert ok[c.mask[has, i, j]].all()


def test_verification_rejects_a_perturbed_mixed_equilibrium():
    """Matching pennies scaled: the only equilibrium is p = q = 1/2; reported at 1/2 + 1e-3
    the regret is 2e-3 × 2 × scale, far above the tolerance, and must be refused."""
    scale = np.array([1.0, 10.0, 1000.0])
    A = np.array([[[1, -1], [-1, 1]]], float) * scale[:, None, None]
    B = -A
    c = batch_2x2.candidates(A, B)
    assert c.mask[:, 2, 2].all() and c.mask.sum() == 3
    np.testing.assert_allclose(c.p[:, 2], 0.5)
    assert batch_2x2.verify_candidates(A, B, c).all()
    off = batch_2x2.Candidates2x2(c.mask, c.p + [0, 0, 1e-3], c.q)
    assert not batch_2x2.verify_candidates(A, B, off).any()
    assert [_exact_regret(A[g], B[g], off.p[g, 2], off.q[g, 2]) > TOLERANCE * scale[g] for g in range(3)] == [True] * 3
