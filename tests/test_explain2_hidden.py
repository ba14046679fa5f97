"""Hidden-input checks of explanations, thresholds and comparisons against oracles written here.

The oracle for the trade model is its 2×2 game written from the formulas of
examples/models/trade.toml (docs/model.md gives the four gains), evaluated in exact
fractions: an outcome is an equilibrium when neither side's deviation gain is positive, and
a threshold is the exact root of an affine gain. Every number a sentence states is checked
against it, or against a hand computation for the small games written here.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from games import trade
from games.explanations.comparison import compare
from games.explanations.explanation import explain
from games.forms.normal_form import NormalFormGame
from games.model.scenarios import load
from games.solvers.solver import solve
from tests.test_hostile_cli import _run_main

# ----------------------------------------------------------------- the oracle
RANGES = {
    name: (F(0), F(20))
    for name in (
        "chip_sales", "security_risk", "hawk_cost", "re_dependence", "deal_value_us", "escalation_cost_us",
        "chip_value", "self_reliance", "re_revenue", "leverage", "diversification", "deal_value_cn",
        "escalation_cost_cn",
    )
}
RANGES["chip_linkage"] = RANGES["re_linkage"] = (F(0), F(1))
DEFAULTS = dict(
    chip_sales=F(4), security_risk=F(3), hawk_cost=F(2), re_dependence=F(6), deal_value_us=F(1),
    escalation_cost_us=F(1), chip_linkage=F(1, 2), chip_value=F(5), self_reliance=F(2), re_revenue=F(2),
    leverage=F(7, 2), diversification=F(1), deal_value_cn=F(1), escalation_cost_cn=F(1), re_linkage=F(1, 2),
)


def _payoffs(p):
    """US and China payoffs [x][y] (x: US Relax, y: China Supply), exact."""
    U = [[F(0)] * 2 for _ in range(2)]
    C = [[F(0)] * 2 for _ in range(2)]
    for x, y in itertools.product((0, 1), (0, 1)):
        chips = x * (1 - p["chip_linkage"] * (1 - y))
        rare = y * (1 - p["re_linkage"] * (1 - x))
        U[x][y] = (chips * p["chip_sales"] - x * chips * p["security_risk"] - x * p["hawk_cost"]
                   - (1 - rare) * p["re_dependence"] + x * y * p["deal_value_us"]
                   - (1 - x) * (1 - y) * p["escalation_cost_us"])
        C[x][y] = (chips * (p["chip_value"] - p["self_reliance"]) + rare * p["re_revenue"]
                   + (1 - y) * p["leverage"] - (1 - y) ** 2 * p["diversification"]
                   + x * y * p["deal_value_cn"] - (1 - x) * (1 - y) * p["escalation_cost_cn"])
    return U, C


def _gains(p, prof):
    """Each side's gain from switching alone at a pure profile."""
    U, C = _payoffs(p)
    x, y = prof
    return U[1 - x][y] - U[x][y], C[x][1 - y] - C[x][y]


def _is_equilibrium(p, prof) -> bool:
    return all(g <= 0 for g in _gains(p, prof))


def _interval(p, name, prof, players=(0, 1)):
    """The exact values of `name` (others fixed) where no listed player gains by switching."""
    lo, hi = RANGES[name]
    for pl in players:
        at = lambda v: _gains({**p, name: v}, prof)[pl]
        a, slope = at(F(0)), at(F(1)) - at(F(0))
        assert at(F(7)) == a + 7 * slope  # affine, as docs/explain.md says
        if slope == 0:
            if a > 0:
                return None
            continue
        root = -a / slope
        hi, lo = (min(hi, root), lo) if slope > 0 else (hi, max(lo, root))
    return (lo, hi) if lo <= hi else None


def _moves_game(name) -> bool:
    p0, p1 = {**DEFAULTS, name: F(0)}, {**DEFAULTS, name: F(1)}
    return _payoffs(p0) != _payoffs(p1)


def _close(x: float, exact: F) -> bool:
    return abs(F(x) - exact) <= F(1, 10**9) * max(1, abs(exact))


def _profile(eq):
    return tuple(int(np.argmax(q)) for q in eq.profile)


def _check_pure_thresholds(p):
    """Every pure equilibrium's reported thresholds, whole-range list and breaches, exactly."""
    floats = {k: float(v) for k, v in p.items()}
    sol = solve(trade.simultaneous_game(floats))
    e = explain(sol, params=floats, form="simultaneous")
    pure = sorted(_profile(eq) for eq in sol.equilibria if eq.is_pure)
    assert pure == [q for q in itertools.product((0, 1), (0, 1)) if _is_equilibrium(p, q)]
    for rep in e.thresholds:
        if not rep.pure:
            continue
        prof = _profile(sol.equilibria[rep.equilibrium])
        listed = {t.parameter: t for t in rep.thresholds}
        for name, (lo, hi) in RANGES.items():
            iv = _interval(p, name, prof)
            assert iv is not None
            if iv == (lo, hi):
                assert name in rep.whole_range and name not in listed, (rep.label, name)
                continue
            t = listed[name]
            assert _close(t.low, iv[0]) and _close(t.high, iv[1]), (rep.label, name, t.low, t.high, iv)
            for end, breach, side in ((iv[0], t.below, -1), (iv[1], t.above, 1)):
                if end == (lo if side < 0 else hi):
                    assert breach is None, (rep.label, name)
                    continue
                beyond = {**p, name: end + side * (hi - lo) / 10**6}
                who = 0 if breach.player == "US" else 1
                assert _gains(beyond, prof)[who] > 0, (rep.label, name, side)
    return e


# ----------------------------------------------------------------- thresholds
def test_a_root_at_the_end_of_the_range_is_no_threshold():
    """(Restrict, Supply) with re_linkage = 1/40: the US's gain from relaxing is
    re_dependence/40 − 1/2, zero exactly at re_dependence = 20, the top of its range.

    Rounded in floats the root came out 19.999999999999982, and the explanation said the
    outcome holds while re_dependence "stays below 20" and breaks above it — no valid
    value is above 20: it holds over the whole range."""
    p = {**DEFAULTS, "chip_sales": F(7, 2), "escalation_cost_us": F(17, 4), "chip_value": F(20),
         "escalation_cost_cn": F(11), "re_linkage": F(1, 40)}
    assert _interval(p, "re_dependence", (0, 1)) == (F(0), F(20))
    e = _check_pure_thresholds(p)
    rep = next(r for r in e.thresholds if r.pure and "(Restrict, Supply)" in r.label)
    assert "re_dependence" in rep.whole_range


@pytest.mark.parametrize("changes", [
    {},
    {"re_dependence": F(0), "escalation_cost_us": F(1, 4)},  # the US indifferent at (Relax, Supply)
    {"hawk_cost": F(5)},  # gain exactly 0: a tie at the deal
    {"chip_linkage": F(1), "re_linkage": F(0)},  # both linkages at their bounds
    {"chip_sales": F(20), "security_risk": F(0), "leverage": F(0)},
    {"self_reliance": F(20), "chip_value": F(0), "deal_value_cn": F(20), "escalation_cost_cn": F(0)},
])
def test_pure_thresholds_agree_with_exact_roots(changes):
    _check_pure_thresholds({**DEFAULTS, **changes})


# ----------------------------------------------------------------- explanations of small games
def _bimatrix(A, B, rows=("A", "B"), cols=("A", "B")):
    return NormalFormGame("t", ("Row", "Col"), (rows, cols),
                          (np.array(A, dtype=float), np.array(B, dtype=float)))


def _sentences(e) -> str:
    out = [s for q in e.equilibria for s in q.sentences] + list(e.equilibrium_summaries)
    out += list(e.selection.sentences) if e.selection else []
    return "\n".join(out)


def test_a_weak_pareto_improvement_is_not_said_to_be_preferred_by_both():
    """Baseline with re_dependence = 0, escalation_cost_us = 1/4: the US gets 0 at (Relax,
    Supply) and 0 in the mixed equilibrium where China supplies for sure (it is indifferent);
    China gets 6 against 2. (Relax, Supply) is a Pareto improvement, but the US does not
    prefer it: "both sides would prefer" was false."""
    p = {**DEFAULTS, "re_dependence": F(0), "escalation_cost_us": F(1, 4)}
    U, C = _payoffs(p)
    assert U[1][1] == U[0][1] == 0 and C[1][1] == 6  # the US indifferent when China supplies
    floats = {k: float(v) for k, v in p.items()}
    e = explain(solve(trade.simultaneous_game(floats)), params=floats, form="simultaneous")
    mixed = next(q for q in e.equilibria if not q.pure)
    text = " ".join(mixed.sentences)
    assert "both sides would prefer" not in text and "yet both would prefer" not in mixed.summary
    assert "China would prefer (Relax, Supply), and the US would do no worse there" in text


def test_payoff_dominance_with_an_indifferent_player_is_called_weak():
    """(A, A) pays (2, 2), (B, B) pays (2, 1): Row gets 2 at both, so not every player
    prefers (A, A); no player gets less there and Col gets more."""
    g = _bimatrix([[2, 0], [0, 2]], [[2, 0], [0, 1]])
    e = explain(solve(g))
    sel = " ".join(e.selection.sentences)
    assert e.selection.payoff_dominant == "(A, A)"
    assert "every player prefers it" not in sel and "weak sense" in sel
    bb = next(q for q in e.equilibria if q.label == "(B, B)")
    assert "Col would prefer (A, A), and Row would do no worse there" in " ".join(bb.sentences)


def test_a_strict_improvement_keeps_its_sentence():
    """Stockholm: (Relax, Supply) pays (1.5, 6) against (-6.5, 3) at mutual restriction."""
    s = load("stockholm-2025")
    e = explain(solve(trade.simultaneous_game(s.parameters)), params=s.parameters, form="simultaneous")
    rr = next(q for q in e.equilibria if q.label == "(Restrict, Restrict)")
    assert "both sides would prefer (Relax, Supply) (the US 1.5 instead of -6.5, China 6 instead of 3)" in " ".join(rr.sentences)
    assert "every player prefers it" in " ".join(e.selection.sentences)


def test_risk_dominance_in_millionths():
    """A Stag Hunt in millionths: losses 1e-6 each at (Stag, Stag), 2e-6 each at (Hare, Hare),
    so the products are 1e-12 and 4e-12 and (Hare, Hare) risk-dominates. The products were
    compared with the payoff tie tolerance (1e-9) and called a tie, printed as '0 × 0 = 0'."""
    m = 1e-6
    g = _bimatrix([[4 * m, 0], [3 * m, 2 * m]], [[4 * m, 3 * m], [0, 2 * m]], ("Stag", "Hare"), ("Stag", "Hare"))
    e = explain(solve(g))
    (rc,) = e.selection.risk
    assert rc.risk_dominant == "(Hare, Hare)"
    assert "1e-06 × 1e-06 = 1e-12" in rc.sentence and "2e-06 × 2e-06 = 4e-12" in rc.sentence
    # the mixed equilibrium pays each 8/3 millionths: not "0"
    mixed = next(q for q in e.equilibria if not q.pure)
    assert "each pays it 2.7e-06" in " ".join(mixed.sentences)
    assert "Expected payoffs: Row 2.7e-06, Col 2.7e-06" in " ".join(mixed.sentences)
    # the same game in units and in billions: the same verdict
    for scale in (1.0, 1e9):
        big = _bimatrix(np.asarray(g.payoffs[0]) / m * scale, np.asarray(g.payoffs[1]) / m * scale,
                        ("Stag", "Hare"), ("Stag", "Hare"))
        assert explain(solve(big)).selection.risk[0].risk_dominant == "(Hare, Hare)"


def test_risk_products_that_differ_do_not_read_alike():
    """(A, A) = (1.001, 1.001), (B, B) = (1, 1): products 1.002001 and 1; it said
    '1 × 1 = 1 at (A, A) against 1 × 1 = 1 at (B, B)' and then that (A, A) risk-dominates."""
    g = _bimatrix([[1.001, 0], [0, 1]], [[1.001, 0], [0, 1]])
    rc = explain(solve(g)).selection.risk[0]
    assert rc.risk_dominant == "(A, A)"
    assert "1.001 × 1.001 = 1.002 at (A, A) against 1 × 1 = 1 at (B, B)" in rc.sentence
    bb = next(q for q in explain(solve(g)).equilibria if q.label == "(B, B)")
    assert "(Row 1.001 instead of 1, Col 1.001 instead of 1)" in " ".join(bb.sentences)


def test_a_tie_in_risk_is_a_tie():
    """Losses 1 and 1 at both equilibria (a symmetric coordination game): neither dominates."""
    g = _bimatrix([[4, 0], [3, 1]], [[4, 3], [0, 1]])
    rc = explain(solve(g)).selection.risk[0]
    assert rc.risk_dominant is None and "Neither" in rc.sentence


# ----------------------------------------------------------------- compare
DATA = Path(__file__).parent / "data" / "explain2"


def _scenario(tmp_path, name, values):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'title = "{name}"\n\n[parameters]\n' + "".join(f"{k} = {float(v)!r}\n" for k, v in values.items()))
    return load(str(path))


def _margin(p, prof, who):
    return -_gains(p, prof)[who]


def test_compare_agrees_with_exact_margins_and_searches(tmp_path):
    """escalation-2025 → stockholm-2025 with a few values moved: every flip, margin,
    one-at-a-time contribution, single decisive change, minimal set and indispensable change
    against the oracle."""
    base = {**DEFAULTS, "chip_linkage": F(4, 5)}
    after = {**base, "chip_sales": F(8), "chip_linkage": F(5, 8), "leverage": F(6), "re_linkage": F(11, 20),
             "hawk_cost": F(1)}
    c = compare(_scenario(tmp_path, "a", base), _scenario(tmp_path, "b", after))
    names = [k for k in RANGES if base[k] != after[k]]
    assert sorted(ch.name for ch in c.changes) == sorted(names)
    flips = {f.indices: f for f in c.flips}
    status = lambda p, prof: _is_equilibrium(p, prof)
    expected = [q for q in itertools.product((0, 1), (0, 1)) if status(base, q) != status(after, q)]
    assert sorted(flips) == expected and expected
    for prof, f in flips.items():
        ib = status(after, prof)
        assert sorted(f.singles) == sorted(n for n in names if status({**base, n: after[n]}, prof) == ib)
        assert sorted(f.necessary) == sorted(n for n in names if status({**after, n: base[n]}, prof) != ib)
        minimal = []
        for size in range(1, len(names) + 1):
            for sub in itertools.combinations(names, size):
                if not any(set(m) <= set(sub) for m in minimal) and status({**base, **{n: after[n] for n in sub}}, prof) == ib:
                    minimal.append(sub)
        assert sorted(tuple(sorted(m)) for m in f.minimal_sets) == sorted(tuple(sorted(m)) for m in minimal)
        for cond in f.conditions:
            who = 0 if cond.player == "US" else 1
            ma, mb = _margin(base, prof, who), _margin(after, prof, who)
            assert _close(cond.margin_a, ma) and _close(cond.margin_b, mb)
            for n in names:
                d = _margin({**base, n: after[n]}, prof, who) - ma
                assert (n in cond.contributions) == (d != 0)
                if d:
                    assert _close(cond.contributions[n], d)


def test_compare_of_a_pure_interaction_names_no_change_as_the_main_one():
    """(R, R) pays each side a·b − 1/2: it becomes an equilibrium only when a and b are both
    switched on, neither alone moves a margin. The summary said 'margin rose by 1 (mainly )'."""
    c = compare(load(str(DATA / "inter.toml")), load(str(DATA / "inter-b.toml")))
    rr = next(f for f in c.flips if f.indices == (1, 1))
    assert rr.singles == () and [tuple(sorted(m)) for m in rr.minimal_sets] == [("a", "b")]
    for cond in rr.conditions:
        assert cond.contributions == {} and cond.margin_a == -0.5 and cond.margin_b == 0.5
    text = " ".join(rr.sentences)
    assert "(mainly )" not in text
    assert "P's margin rose by 1 (through the changes together, none on its own)" in text


def test_compare_never_rounds_a_real_margin_to_zero(tmp_path):
    """hawk_cost 5.001 → 4.9999 at the defaults: the US's margin at the deal, 5 − hawk_cost,
    goes from −0.001 to 0.0001 and the deal becomes an equilibrium. It read 'went from 0 to 0:
    0 from hawk_cost 5.001 → 4.9999. By payoff term: hawkish domestic cost -5 → -5'."""
    a, b = {**DEFAULTS, "hawk_cost": F(5001, 1000)}, {**DEFAULTS, "hawk_cost": F(49999, 10000)}
    assert _margin(a, (1, 1), 0) == F(-1, 1000) and _margin(b, (1, 1), 0) == F(1, 10000)
    c = compare(_scenario(tmp_path, "a", a), _scenario(tmp_path, "b", b))
    deal = next(f for f in c.flips if f.indices == (1, 1))
    (cond,) = deal.conditions
    assert "went from -0.001 to 0.0001: +0.0011 from hawk_cost 5.001 → 4.9999" in cond.sentence
    assert "hawkish domestic cost -5.001 → -4.9999" in cond.sentence
    # China supplies for sure in b's mixed equilibrium but with 1 − 1/5000·…: never "Restrict 0.00"
    assert not any("0.00," in e or "1.00)" in e for e in c.equilibria_b), c.equilibria_b


def test_compare_cli_prints_values_as_written(tmp_path):
    a = tmp_path / "a.toml"
    b = tmp_path / "b.toml"
    a.write_text('title = "a"\n[parameters]\nhawk_cost = 4.001\n')
    b.write_text('title = "b"\n[parameters]\nhawk_cost = 3.9999999\n')
    run = _run_main(["compare", str(a), str(b)])
    assert run.exit_code == 0, run.stderr
    assert "hawk_cost: 4.001 → 3.9999999 (the domestic political cost to the US of relaxing)" in " ".join(run.stdout.split())
    # a parameter without a label is not repeated in parentheses
    run = _run_main(["compare", str(DATA / "inter.toml"), str(DATA / "inter-b.toml")])
    assert run.exit_code == 0, run.stderr
    assert "- a: 0 → 1\n" in run.stdout


# ----------------------------------------------------------------- parameters that enter non-linearly
def _model_explanation(path, **values):
    from games.model.catalog import load_model

    model = load_model(str(path))
    params = model.validated(dict(values))
    from games.model.evaluate import build_game

    sol = solve(build_game(model, params, "simultaneous", 5))
    return explain(sol, params=params, form="simultaneous", model=model)


def test_a_curve_that_comes_back_is_reported_where_it_comes_back():
    """bent.toml: A's gain from Go over Stay is (t − 3)² − 1 (+ w when B goes). With w = 0.5,
    (Go, Go) holds where (t − 3)² ≥ 1/2: t ≤ 3 − √½ or t ≥ 3 + √½. It said "holds while t
    stays below 2.29; above it, A would rather play Stay" — and nothing of t ≥ 3.71."""
    e = _model_explanation(DATA / "bent.toml")
    gg = next(r for r in e.thresholds if r.label == "(Go, Go)")
    t = next(x for x in gg.thresholds if x.parameter == "t")
    root = 2 ** -0.5
    assert not t.exact and abs(t.high - (3 - root)) < 1e-6 and t.low == 0
    ((a, b),) = t.again
    assert abs(a - (3 + root)) < 1e-6 and b == 10
    assert "it holds again for t between 3.71 and 10 (found numerically)" in t.sentence


def test_a_window_away_from_the_current_value_is_found():
    """bent.toml at t = 0: (Stay, Stay) fails only because A gains (t − 3)² − 1 by going;
    for t in [2, 4] A stays (B, with 1 − w = 1/2 > 0, still goes). It said "No single
    parameter removes A's wish to leave it". (Stay, Go): A stays where (t − 3)² ≤ 1/2."""
    e = _model_explanation(DATA / "bent.toml")
    ss = next(s for s in e.starts if s.indices == (0, 0))
    (fix,) = [w for w in ss.player_fixes["A"] if w.parameter == "t"]
    assert abs(fix.low - 2) < 1e-6 and abs(fix.high - 4) < 1e-6
    sg = next(s for s in e.starts if s.indices == (0, 1))
    (win,) = [w for w in sg.windows if w.parameter == "t"]
    assert abs(win.low - (3 - 2 ** -0.5)) < 1e-6 and abs(win.high - (3 + 2 ** -0.5)) < 1e-6


def test_no_more_than_one_change_is_promised_where_none_can_help():
    """bent2.toml: B's payoff B.Go·(A.Go − ½) has no parameter, A's gain from Go is
    (t − 3)² + 1 > 0 for every t. No change of t makes (Stay, Stay), (Stay, Go) or (Go, Stay)
    an equilibrium, and with one parameter "it takes more than one change" was false."""
    e = _model_explanation(DATA / "bent2.toml")
    text = " ".join(s for st in e.starts for s in st.sentences)
    assert "more than one change" not in text
    assert "No single parameter changes B's gain from leaving it" in text
    assert "searched numerically" in text


def test_an_equilibrium_at_exactly_one_value_is_named():
    """Baseline with re_revenue = 3/2: at (Restrict, Supply) the US's gain from relaxing is
    re_linkage·6 − 0 ≤ 0 only at re_linkage = 0, and China's from restricting is
    3/2·re_linkage ≤ 0 likewise: both indifferent exactly at re_linkage = 0, and no parameter
    gives a wider window. It said "No single parameter ... makes it an equilibrium; it takes
    more than one change" — yet re_linkage = 0 alone does it."""
    p = {**DEFAULTS, "re_revenue": F(3, 2)}
    assert _interval(p, "re_linkage", (0, 1)) == (F(0), F(0))
    assert all(_interval(p, n, (0, 1)) in (None, (F(0), F(0))) for n in RANGES)
    e = _check_pure_thresholds(p)
    rs = next(s for s in e.starts if s.indices == (0, 1))
    (w,) = rs.windows
    assert w.parameter == "re_linkage" and w.low == w.high == 0
    text = " ".join(" ".join(rs.sentences).split())
    assert "(re_linkage) were exactly 0 (now 0.5)" in text and "No single parameter" not in text


def test_a_parameter_name_is_not_capitalized_in_the_text():
    run = _run_main(["explain", str(DATA / "bent.toml")])
    assert run.exit_code == 0, run.stderr
    assert "- t stays below 2.29 (now 0)" in run.stdout and "- T stays" not in run.stdout


# ----------------------------------------------------------------- degenerate games
def test_equilibria_that_pay_the_same_are_not_a_disagreement():
    """Every payoff 1 (a game of ties), and the two pure equilibria of a game paying (3, 1)
    each: "the sides disagree on which to reach" was false — neither side prefers either."""
    zero = _bimatrix([[1, 1], [1, 1]], [[1, 1], [1, 1]])
    text = " ".join(explain(solve(zero)).selection.sentences)
    assert "disagree" not in text and "pay each player the same" in text
    twins = _bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [1, 0]], ("T", "M", "B"), ("L", "R"))
    text = " ".join(explain(solve(twins)).selection.sentences)
    assert "disagree" not in text and "(T, L) and (M, R) pay each player the same" in text
    # a real disagreement keeps its sentence: Battle of the Sexes
    bos = _bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert "the sides disagree" in " ".join(explain(solve(bos)).selection.sentences)


def test_a_strategy_beaten_only_by_a_mixture_is_dominated():
    """Row's B pays (1, 1) against T's (3, 0) and M's (0, 3): no pure strategy beats it, but
    ½T + ½M pays (1.5, 1.5), so B is never a best response (against Col's L with probability
    q, max(3q, 3 − 3q) ≥ 1.5 > 1). It said "No strategy is dominated: each choice is best
    against something"."""
    g = _bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [1, 0]], ("T", "M", "B"), ("L", "R"))
    d = explain(solve(g)).dominance
    text = " ".join(d.sentences)
    assert "No strategy is dominated" not in text
    (m,) = d.mixture_dominated
    assert m["player"] == "Row" and m["strategy"] == "B"
    mix = m["by"]
    assert set(mix) == {"T", "M"} and abs(sum(mix.values()) - 1) < 1e-9
    assert 3 * mix["T"] > 1 and 3 * mix["M"] > 1  # it does beat B in both columns
    assert d.strict_elimination == {"Row": ["T", "M"], "Col": ["L", "R"]}


def test_elimination_by_mixtures_can_solve_the_game():
    """Col's R pays only against B (5); once B goes (beaten by ½T + ½M), L beats R, then T
    beats M against L: (T, L) is all that survives, the game's only equilibrium."""
    g = _bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [1, 0], [0, 5]], ("T", "M", "B"), ("L", "R"))
    sol = solve(g)
    assert [_profile(eq) for eq in sol.equilibria] == [(0, 0)]
    d = explain(sol).dominance
    assert d.dominance_solvable and d.strict_elimination == {"Row": ["T"], "Col": ["L"]}
    assert "leaves only (T, L): the game is dominance-solvable" in " ".join(d.sentences)


def test_compare_does_not_repeat_a_bare_parameter_name(tmp_path):
    """A model whose parameters have no label: '-2 from k 1 → -1 (k)' and 'Counterpoint: m (m)'."""
    three = DATA / "three.toml"
    (tmp_path / "b.toml").write_text(f'title = "k low"\nmodel = "{three}"\n[parameters]\nk = -1\nm = 0.7\n')
    c = compare(load(str(three)), load(str(tmp_path / "b.toml")))
    text = " ".join(c.story)
    assert "(k)" not in text and "(m)" not in text
    # (Y, X, Z): A's margin Y minus X is k + m·[C plays Z]: 1.5 → -0.3, by -2 from k and +0.2 from m
    yxz = next(f for f in c.flips if f.indices == (1, 0, 2))
    a = next(cond for cond in yxz.conditions if cond.player == "A")
    assert abs(a.margin_a - 1.5) < 1e-12 and abs(a.margin_b + 0.3) < 1e-12
    assert abs(a.contributions["k"] + 2) < 1e-12 and abs(a.contributions["m"] - 0.2) < 1e-12
    assert "-2 from k 1 → -1; +0.2 from m 0.5 → 0.7." in a.sentence
    assert "Counterpoint: m pushed the other way, changing A's margin by +0.2." in text


def test_a_continuum_is_not_counted_as_a_few_equilibria():
    """Row's T weakly dominates, Col is indifferent against T: (T, L), (T, R) and every
    mixture of L and R against T are equilibria. 'The game has 2 equilibria' was false."""
    g = _bimatrix([[1, 1], [0, 0], [1, 0]], [[1, 1], [0, 0], [0, 1]], ("T", "M", "B"), ("L", "R"))
    sol = solve(g)
    # by hand: Col mixing q on L against T is an equilibrium for every q (Row gets 1 from T,
    # at most max(0, q) ≤ 1 from M or B; Col gets 1 either way)
    for q in (0.0, 0.3, 1.0):
        row = np.array([1.0, 0.0, q])
        assert row.max() == row[0]
    e = explain(sol)
    text = " ".join(e.overview)
    assert "infinitely many equilibria" in text and "The game has 2 equilibria" not in text
    zero = explain(solve(_bimatrix([[1, 1], [1, 1]], [[1, 1], [1, 1]])))
    assert "infinitely many equilibria; these 4 are its extreme ones" in " ".join(zero.overview)


def test_thresholds_of_a_game_in_billionths_are_those_of_the_game_in_units():
    """Brinkmanship with stake 4e-9 and war 1e-8: at (Hold, Hold) escalating gains the stake,
    so (Hold, Hold) is an equilibrium only at stake = 0 — as in units (stake 4, war 10). The
    solver's absolute tolerance (1e-8) made every gain a tie: '(Hold, Hold) would become an
    equilibrium if war were anywhere in its range'."""
    tiny = _model_explanation(DATA / "brink-billionths.toml")
    hh = next(s for s in tiny.starts if s.indices == (0, 0))
    assert [(w.parameter, w.low, w.high) for w in hh.windows] == [("stake", 0.0, 0.0)]
    ee = next(s for s in tiny.starts if s.indices == (1, 1))
    got = {w.parameter: (w.low, w.high) for w in ee.windows}
    assert abs(got["stake"][0] - 1e-8) < 1e-20 and abs(got["war"][1] - 4e-9) < 1e-20
    he = next(r for r in tiny.thresholds if r.label == "(Hold, Escalate)")
    stake = next(t for t in he.thresholds if t.parameter == "stake")
    assert abs(stake.high - 1e-8) < 1e-20  # A escalates once the stake exceeds the war


def test_compare_of_a_game_in_billionths(tmp_path):
    """Stake 4e-9 → 1.5e-8 with war 1e-8: a Chicken becomes a Prisoner's Dilemma, exactly as
    stake 4 → 15 with war 10 would. Under the solver's absolute tolerance (1e-8) every gain was
    a tie: it said (Hold, Hold) 'stopped being an equilibrium' (it never was one) and
    (Hold, Escalate) 'is an equilibrium in both'."""
    (tmp_path / "b.toml").write_text(
        f'title = "high stake"\nmodel = "{DATA / "brink-billionths.toml"}"\n[parameters]\nstake = 1.5e-8\n'
    )
    c = compare(load(str(DATA / "brink-billionths.toml")), load(str(tmp_path / "b.toml")))
    # by hand: a = Chicken, equilibria (H, E), (E, H); b: escalating beats holding whatever
    assert sorted(f.indices for f in c.flips) == [(0, 1), (1, 0), (1, 1)]
    assert c.kept == ()
    he = next(f for f in c.flips if f.indices == (0, 1))
    (cond,) = he.conditions
    assert abs(cond.margin_a - 6e-9) < 1e-20 and abs(cond.margin_b + 5e-9) < 1e-20
