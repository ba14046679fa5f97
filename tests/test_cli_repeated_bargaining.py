"""The repeated and bargaining game forms through their run() handlers (the CLI contract)."""

from __future__ import annotations

import json

import pytest

from cli.forms import FORM_MODULES
from cli.request import Request
from games.errors import InputError
from games.model.scenarios import load


def request(form: str, scenario: str = "escalation-2025", fmt: str = "json", full: bool = False,
            sets: dict | None = None, **options) -> Request:
    s = load(scenario)
    if sets:
        s = s.with_values(sets)
    return Request(target=scenario, scenario=s, game=form, fmt=fmt, full=full, options=options)


def run(req: Request):
    import importlib

    return importlib.import_module(FORM_MODULES[req.game]).run(req)


def check_contract(data: dict) -> None:
    json.dumps(data)  # serializable as it is
    assert set(data["game"]) >= {"title", "players", "strategies"}
    for eq in data["equilibria"]:
        assert len(eq["profile"]) == len(data["game"]["players"])
        assert len(eq["payoffs"]) == len(data["game"]["players"])
        assert "explanation" in eq
        for p in eq["profile"]:
            assert abs(sum(p) - 1) < 1e-9 and min(p) >= 0


def test_repeated_is_registered():
    assert FORM_MODULES["repeated"] == "cli.repeated"


def test_repeated_json_keeps_the_contract_and_reports_the_deal():
    out = run(request("repeated"))
    data = out.data
    check_contract(data)
    kinds = [e["kind"] for e in data["equilibria"]]
    assert kinds.count("stage equilibrium") == 1
    [deal] = [e for e in data["equilibria"] if e["kind"] == "repeated-game equilibrium"]
    assert deal["outcome"] == "(Relax, Supply)" and deal["strategy"] == "grim trigger"
    assert deal["profile"] == [[0.0, 1.0], [0.0, 1.0]]
    # escalation-2025: US gains 1.3 by restricting, loses 4 a round in the spiral: 1.3 / 5.3
    assert deal["critical_discount"] == pytest.approx(1.3 / 5.3, abs=1e-9)
    assert deal["margin"] == pytest.approx(0.9 - 1.3 / 5.3, abs=1e-9)
    assert set(data) >= {"critical_discount", "minmax", "folk_theorem", "discount"}
    assert data["minmax"]["US"]["mixed"] == pytest.approx(-6.5)


def test_repeated_discount_below_the_threshold_drops_the_deal():
    critical = 1.3 / 5.3
    below = run(request("repeated", sets={"discount": critical - 1e-6})).data
    above = run(request("repeated", sets={"discount": critical + 1e-6})).data
    assert [e["kind"] for e in below["equilibria"]] == ["stage equilibrium"]
    assert "repeated-game equilibrium" in [e["kind"] for e in above["equilibria"]]
    grim = [c for c in below["critical_discount"] if c["strategy"] == "grim trigger"][0]
    assert grim["sustained"] is False and grim["binding"] == "US"


def test_repeated_rounds_option_unravels():
    out = run(request("repeated", fmt="text", full=True, rounds=4))
    assert out.data["finite_horizon"]["path"] == [[[1.0, 0.0], [1.0, 0.0]]] * 4
    assert "unravelling" in out.text
    assert "margin of 0.655" in out.text
    # the binding side's arithmetic, from the payoff matrix: gain 1.3, loss 4 per round
    assert "so it sticks if δ ≥ 1.3/(1.3 + 4) = 0.245" in out.text
    assert "China can hold the US to -6.5, by playing Restrict" in out.text


def test_repeated_rejects_unknown_options():
    with pytest.raises(InputError, match="--proposer"):
        run(request("repeated", proposer="us"))
    with pytest.raises(InputError, match="--rounds"):
        run(request("repeated", rounds=0))


def test_repeated_markdown_renders():
    out = run(request("repeated", scenario="stockholm-2025", fmt="markdown", full=True))
    assert out.text.startswith("# ")
    assert "already an equilibrium of the one-shot game" in out.text


# ------------------------------------------------------------------ bargaining
def test_bargaining_is_registered():
    assert FORM_MODULES["bargaining"] == "cli.bargaining"


def test_bargaining_json_keeps_the_contract_with_terms_as_profiles():
    data = run(request("bargaining", sets={"discount_us": 0.8})).data
    json.dumps(data)
    assert data["game"]["players"] == ["US", "China"]
    names = [e["name"] for e in data["equilibria"]]
    assert names == ["Nash bargaining", "Kalai–Smorodinsky", "Rubinstein"]
    for e in data["equilibria"]:
        (x,), (y,) = e["profile"]
        assert 0 <= x <= 1 and 0 <= y <= 1
        assert len(e["payoffs"]) == 2 and e["explanation"]
        assert e["payoffs"][0] >= data["disagreement"]["payoffs"][0] and e["payoffs"][1] >= data["disagreement"]["payoffs"][1]
    assert set(data) >= {"frontier", "solutions", "disagreement", "outside_options", "discounts"}
    assert data["discounts"] == {"US": 0.8, "China": 0.95}


def test_bargaining_proposer_and_deadline_options():
    us = run(request("bargaining", proposer="us")).data["solutions"]["Rubinstein"]["surplus_share"]["China"]
    cn = run(request("bargaining", proposer="china")).data["solutions"]["Rubinstein"]["surplus_share"]["China"]
    assert cn > us  # proposing first is worth something
    out = run(request("bargaining", fmt="text", rounds=6, sets={"discount_us": 0.8}))
    assert "Deadline (6 rounds)" in out.data["solutions"]
    assert out.data["finite_horizon"]["last_proposer"] == "China"
    assert "The US faces a deadline: after 6 rounds China makes the last, take-it-or-leave-it offer" in out.text
    # the reasons quote counterfactual shares; each equals a separate run changing that one thing
    rub = out.data["solutions"]["Rubinstein"]["surplus_share"]["China"]
    assert f"without a deadline China would get {100 * rub:.0f}%" in out.text
    same = run(request("bargaining", rounds=6, sets={"discount_us": 0.8, "discount_cn": 0.8})).data
    impatient = same["solutions"]["Deadline (6 rounds)"]["surplus_share"]["China"]
    assert f"only as patient as the US, it would get {100 * impatient:.0f}%" in out.text
    text = run(request("bargaining", fmt="text")).text
    assert f"proposing first, China would get {100 * cn:.0f}%" in text and "works against China" in text


def test_bargaining_explain_reports_signs_and_outside_options():
    sens = run(request("bargaining", full=True)).data["sensitivity"]["china_share_derivative"]
    assert sens["discount_cn"] > 0 and sens["discount_us"] < 0
    # with China's outside option binding, China gets exactly that: patience no longer matters
    out = run(request("bargaining", fmt="markdown", full=True, sets={"outside_option_cn": 2.6}))
    assert out.data["sensitivity"]["china_share_derivative"]["discount_cn"] == pytest.approx(0.0, abs=1e-9)
    assert out.data["solutions"]["Rubinstein"]["outside_option_binds"] == "China"
    assert "outside option binds" in out.text


def test_bargaining_rejects_bad_options():
    with pytest.raises(InputError, match="--proposer"):
        run(request("bargaining", proposer="eu"))
    with pytest.raises(InputError, match="--rounds"):
        run(request("bargaining", rounds=0))


def test_bargaining_without_a_deal_is_reported_not_refused():
    walk = run(request("bargaining", fmt="text", full=True, sets={"outside_option_us": 15, "outside_option_cn": 15}))
    assert walk.data["equilibria"] == [] and walk.data["no_deal"].startswith("No deal")
    assert "walking away beats every deal" in walk.text
    stay = run(request("bargaining", scenario="baseline", sets={"chip_value": 16.1, "re_revenue": 9.6,
                                                                "deal_value_cn": 17.9, "deal_value_us": 8.5}))
    assert stay.data["no_deal"] and all(e["profile"] == [[1.0], [1.0]] for e in stay.data["equilibria"])


def test_bargaining_over_a_single_best_deal_says_so_once():
    # stockholm-2025: x = y = 1 is best for both (US 1.5, China 6), so the frontier is one point
    out = run(request("bargaining", scenario="stockholm-2025", fmt="text", full=True, rounds=1))
    assert out.data["frontier"]["n_points"] == 1
    assert out.text.count("Every solution picks the same terms") == 1
    # surplus over the conflict (-6.5, 3): China gets 3 of 8 + 3 = 11, i.e. 27%, whoever is patient
    assert "China's 27% of the gains" in out.text
    assert "Deadline (1 round)" in out.data["solutions"]
