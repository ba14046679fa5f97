"""Every bargaining solution gives each side at least what it can get alone.

The disagreement value the bargaining page defines is max(d_i, o_i): the stage game's
conflict payoff, or the outside option when walking away is worth more. Nash,
Kalai–Smorodinsky, Rubinstein and the finite deadline must each respect it, on random
terms (parameters drawn over their documented ranges) and on hand-derived cases.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from games.forms import bargaining as bg
from games.trade.parameters import PARAMETERS
from games.model.scenarios import load

LINE_U = np.linspace(0.0, 1.0, 11)
LINE_V = 1.0 - LINE_U


def test_kalai_smorodinsky_on_a_unit_line_moves_to_the_binding_option():
    # u + v = 1, d = 0: the ideal point is (1, 1), so KS splits equally ...
    assert bg.kalai_smorodinsky_on_polyline(LINE_U, LINE_V, (0, 0)) == pytest.approx((0.5, 0.5))
    # ... unless side 2 can walk away to 0.7: then it gets exactly 0.7 and side 1 the rest
    assert bg.kalai_smorodinsky_on_polyline(LINE_U, LINE_V, (0, 0), (0, 0.7)) == pytest.approx((0.3, 0.7))
    assert bg.kalai_smorodinsky_on_polyline(LINE_U, LINE_V, (0, 0), (0.6, 0)) == pytest.approx((0.6, 0.4))
    # an option below the unconstrained point changes nothing
    assert bg.kalai_smorodinsky_on_polyline(LINE_U, LINE_V, (0, 0), (0.2, 0.2)) == pytest.approx((0.5, 0.5))


def test_the_issue_example_gives_china_its_outside_option():
    s = load("escalation-2025").with_values({"outside_option_cn": 2.6})
    a = bg.analyse(s.parameters, first=1, n=61)
    assert a.outside[1] == pytest.approx(a.disagreement[1] + 2.6)
    ks = next(p for p in a.solutions if p.name == "Kalai–Smorodinsky")
    assert ks.v >= a.outside[1] - 1e-9
    assert ks.binding == "China"


def _params(draw_values: dict[str, float]) -> dict[str, float]:
    p = {name: spec.default for name, spec in PARAMETERS.items()}
    p.update(draw_values)
    return p


TERMS = st.fixed_dictionaries(
    {
        name: st.floats(min_value=PARAMETERS[name].low, max_value=PARAMETERS[name].high, allow_nan=False)
        for name in (
            "outside_option_us", "outside_option_cn", "discount_us", "discount_cn",
            "re_dependence", "hawk_cost", "leverage", "self_reliance",
        )
        if name in PARAMETERS
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TERMS, st.sampled_from([0, 1]), st.one_of(st.none(), st.integers(min_value=1, max_value=6)))
def test_no_solution_gives_a_side_less_than_it_can_get_alone(values, first, rounds):
    p = _params(values)
    a = bg.analyse(p, first=first, rounds=rounds, n=41)
    floor = (max(a.disagreement[0], a.outside[0]), max(a.disagreement[1], a.outside[1]))
    assert a.outside[0] == pytest.approx(max(a.disagreement[0], a.disagreement[0] + p["outside_option_us"]))
    assert a.outside[1] == pytest.approx(max(a.disagreement[1], a.disagreement[1] + p["outside_option_cn"]))
    names = {pt.name for pt in a.solutions}
    if a.no_deal == "walk away":
        assert not a.solutions
        return
    assert {"Nash bargaining", "Kalai–Smorodinsky", "Rubinstein"} <= names
    scale = 1e-7 * max(1.0, abs(floor[0]), abs(floor[1]))
    for pt in a.solutions:
        assert pt.u >= floor[0] - scale, (pt.name, pt.u, floor)
        assert pt.v >= floor[1] - scale, (pt.name, pt.v, floor)
