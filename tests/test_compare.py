"""Scenario comparison: escalation-2025 → stockholm-2025 against hand-derived numbers."""

from __future__ import annotations

import itertools
import json

import pytest
from typer.testing import CliRunner

from games import trade
from games.explanations.comparison import compare
from games.model.scenarios import load
from games.solvers.solver import solve

ESC, STO = "escalation-2025", "stockholm-2025"


def _deal_is_equilibrium(params) -> bool:
    sol = solve(trade.simultaneous_game(params))
    return any(e.is_pure and e.profile[0][1] == 1 and e.profile[1][1] == 1 for e in sol.equilibria)


@pytest.fixture(scope="module")
def comp():
    return compare(load(ESC), load(STO))


def test_changes_and_equilibria(comp):
    assert {c.name for c in comp.changes} == {
        "security_risk", "hawk_cost", "deal_value_us", "chip_linkage", "self_reliance", "deal_value_cn", "re_linkage",
    }
    assert comp.equilibria_a == ("mutual restriction (Restrict, Restrict)",)
    assert comp.class_a == "Prisoner's Dilemma" and comp.class_b == "Stag Hunt"
    assert [f.label for f in comp.flips] == ["the deal (Relax, Supply)"]
    assert comp.kept == ("mutual restriction (Restrict, Restrict)",)


def test_contributions_match_the_model_formulas(comp):
    # docs/model.md: US gain from Relax when China supplies
    #   (chip_sales − security_risk) − hawk_cost + re_linkage·re_dependence + deal_value_us
    # escalation: 0 − 3 + 0.2·6 + 0.5 = −1.3 ; stockholm: 1 − 1.5 + 3.6 + 2 = 5.1
    (flip,) = comp.flips
    us, cn = flip.conditions
    assert (us.player, us.stays, us.switch_to) == ("US", "Relax", "Restrict")
    assert us.margin_a == pytest.approx(-1.3) and us.margin_b == pytest.approx(5.1)
    assert us.contributions == pytest.approx(
        {"re_linkage": 0.4 * 6, "hawk_cost": 1.5, "deal_value_us": 1.5, "security_risk": 1.0}
    )
    assert us.interaction == pytest.approx(0.0, abs=1e-9)
    assert us.terms["rare-earth shortfall"] == pytest.approx((1.2, 3.6))
    # China gain from Supply when the US relaxes
    #   chip_linkage·(chip_value − self_reliance) + re_revenue − leverage + diversification + deal_value_cn
    # escalation: 0.2·3 + 2 − 4.5 + 1 + 0.5 = −0.4 ; stockholm: 0.6·2.5 + 0 + 1.5 = 1.5
    assert cn.margin_a == pytest.approx(-0.4) and cn.margin_b == pytest.approx(1.5)
    assert cn.contributions == pytest.approx({"chip_linkage": 0.4 * 3, "deal_value_cn": 1.0, "self_reliance": -0.1})
    assert cn.interaction == pytest.approx(1.9 - 1.2 - 1.0 + 0.1)


def test_decisive_changes_by_resolving(comp):
    (flip,) = comp.flips
    assert flip.singles == () and flip.necessary == ()
    a, b = dict(load(ESC).parameters), dict(load(STO).parameters)
    names = [c.name for c in comp.changes]
    expected = []
    for size in range(1, len(names) + 1):
        for subset in itertools.combinations(names, size):
            if any(set(e) <= set(subset) for e in expected):
                continue
            if _deal_is_equilibrium(a | {n: b[n] for n in subset}):
                expected.append(subset)
    assert set(flip.minimal_sets) == set(expected)
    # by hand: the US needs +1.3 (re_linkage +2.4, hawk_cost +1.5, deal_value_us +1.5 each suffice,
    # security_risk +1 does not); China needs +0.4 (chip_linkage +1.2, deal_value_cn +1 suffice)
    assert {frozenset(s) for s in flip.minimal_sets} == {
        frozenset({u, c}) for u in ("re_linkage", "hawk_cost", "deal_value_us") for c in ("chip_linkage", "deal_value_cn")
    }
    us, cn = flip.conditions
    assert set(us.fixed_by) == {"re_linkage", "hawk_cost", "deal_value_us"}
    assert set(cn.fixed_by) == {"chip_linkage", "deal_value_cn"}


def test_story_names_the_forces(comp):
    story = " ".join(comp.story)
    for word in ("re_linkage", "rare-earth dependence", "hawk_cost", "deal_value_us", "chip_linkage",
                 "self_reliance", "Counterpoint", "became an equilibrium", "Stag Hunt", "Prisoner's Dilemma"):
        assert word in story, word
    json.dumps(comp.to_dict())


def test_identical_and_graded():
    same = compare(load(STO), load(STO))
    assert same.changes == () and same.flips == ()
    graded = compare(load(ESC), load(STO), form="graded", levels=5)
    labels = {f.label for f in graded.flips}
    assert "(open 100%, supply 100%)" in labels


def test_cli_compare():
    from cli.app import app

    runner = CliRunner()
    r = runner.invoke(app, ["compare", ESC, STO])
    assert r.exit_code == 0 and "became an equilibrium" in r.output
    r = runner.invoke(app, ["compare", ESC, STO, "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)["flips"][0]["label"] == "the deal (Relax, Supply)"
    r = runner.invoke(app, ["compare", ESC, STO, "--format", "markdown"])
    assert r.exit_code == 0 and r.output.startswith("# From escalation-2025 to stockholm-2025")
    for bad in (["compare", ESC, "nope-2099"], ["compare", ESC, STO, "--game", "us-first"],
                ["compare", ESC, STO, "--levels", "1", "--game", "graded"], ["compare", ESC, STO, "--format", "dot"]):
        r = runner.invoke(app, bad)
        assert r.exit_code == 2, bad
    r = runner.invoke(app, ["compare", "--help"])
    assert r.exit_code == 0 and "tradegame compare escalation-2025 stockholm-2025" in r.output


def test_each_margin_gets_its_own_sides_reason():
    # controls-2023 -> escalation-2025: China's margin moves by +0.4 from re_linkage; the
    # reason given under it must be China's (rare-earth revenue), not the US's (its
    # dependence and chip policy), and no reason is printed twice.
    from games.explanations.comparison import WHY

    c = compare(load("controls-2023"), load("escalation-2025"))
    conditions = [cond for f in c.flips for cond in f.conditions]
    assert conditions, "the comparison should explain at least one flipped outcome"
    story = " ".join(c.story)
    for cond in conditions:
        for (name, side), reason in WHY.items():
            if side != cond.player:
                assert reason not in cond.sentence, (cond.player, name)
    for reason in WHY.values():
        assert story.count(reason) <= 1
    china = [cond for cond in conditions if cond.player == "China" and "re_linkage" in cond.contributions]
    if china:
        assert WHY["re_linkage", "US"] not in china[0].sentence
