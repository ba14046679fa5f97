"""Formulas of model files: parsed into trees (never eval'd), evaluated in floats and fractions."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from games.model import formula as fm


def ev(text, env=None, exact=False, ind=None):
    env = dict(env or {})
    return fm.calculate(fm.parse(text), env, ind or (lambda p, s: 0), exact=exact)


@pytest.mark.parametrize(
    "text, value",
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ** 3 ** 2", 512),  # right-associative, as in Python and mathematics
        ("-2 ** 2", -4),  # unary minus binds looser than **
        ("10 / 4", 2.5),
        ("min(3, 1, 2) + max(1, 5)", 6),
        ("abs(-3.5)", 3.5),
        ("sqrt(16) + exp(0) + log(1)", 5),
        ("-(1 - 0.25) * 4", -3),
        ("+3", 3),
        (" 1.5e1 ", 15),
    ],
)
def test_arithmetic_as_written(text, value):
    assert ev(text) == pytest.approx(value)


def test_exact_arithmetic_keeps_decimals_exact():
    assert ev("0.1 + 0.2", exact=True) == Fraction(3, 10)
    assert ev("x / 3", {"x": Fraction(1)}, exact=True) == Fraction(1, 3)
    assert ev("2 ** -2", exact=True) == Fraction(1, 4)
    assert ev("sqrt(9 / 4)", exact=True) == Fraction(3, 2)
    assert ev("min(x, 1/3)", {"x": Fraction(1, 2)}, exact=True) == Fraction(1, 3)


@pytest.mark.parametrize("text", ["exp(1)", "log(2)", "sqrt(2)", "4 ** 0.5"])
def test_exact_refuses_what_has_no_exact_value(text):
    with pytest.raises(fm.NotExact):
        ev(text, exact=True)


def test_arrays_broadcast():
    x = np.array([0.0, 1.0])[:, None]
    y = np.array([0.0, 0.5, 1.0])[None, :]
    out = ev("x * (1 - y) * s", {"x": x, "y": y, "s": 4.0})
    assert out.shape == (2, 3)
    assert out[1].tolist() == [4.0, 2.0, 0.0]


def test_indicators_both_spellings():
    seen = []
    ind = lambda p, s: seen.append((p, s)) or 1.0
    assert ev('US.Escalate + plays(US, "Walk away") + plays("Player 1", "L")', ind=ind) == 3
    assert seen == [("US", "Escalate"), ("US", "Walk away"), ("Player 1", "L")]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("x +", "syntax error at column"),
        ("x ^ 2", "write powers as **"),
        ("__import__('os')", "unknown function"),
        ("x.y.z", "PLAYER.STRATEGY"),
        ("x if y else z", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("[1, 2]", "not allowed"),
        ("x < y", "comparisons"),
        ("x and y", "comparisons"),
        ("'text'", "quoted string"),
        ("f(x)", "unknown function"),
        ("mx(1, 2)", "did you mean max"),
        ("abs(1, 2)", "takes 1"),
        ("max()", "takes 1 to 16"),
        ("max(*xs)", "takes"),
        ("min(x, key=y)", "function call"),
        ("x ** y", "exponent of ** must be a number"),
        ("10 ** 10 ** 10", "exponent"),
        ("2 ** 1000", "larger than 100"),
        ("1e400", "larger than"),
        ("9" * 30, "larger than"),
        ("", "empty"),
        ("   ", "empty"),
        ("x\ny", "one line"),
        ("(" * 300 + "1" + ")" * 300, "nested"),
        ("-" * 100 + "1", "nested"),
        ("a" * 100, "longer than 64"),
        ("1" + "+1" * 1500, "characters long"),
        ("x = 1", "syntax error"),
        ("x; y", "syntax error"),
        ("x @ y", "not allowed"),
        ("x // y", "not allowed"),
        ("not x", "not allowed"),
        ("True", "expected a number"),
        ("1j", "expected a number"),
        ("x[0]", "not allowed"),
        ('plays(US)', "plays(PLAYER"),
    ],
)
def test_refusals_are_one_line(text, fragment):
    with pytest.raises(fm.FormulaError) as exc:
        fm.parse(text)
    msg = str(exc.value)
    assert fragment in msg
    assert "\n" not in msg and len(msg) < 400


def test_syntax_error_names_the_column():
    with pytest.raises(fm.FormulaError, match="column 8"):
        fm.parse("x * y +* 2")


def test_non_string_formula_refused_but_numbers_allowed():
    assert ev(3) == 3
    with pytest.raises(fm.FormulaError):
        fm.parse([1, 2])
    with pytest.raises(fm.FormulaError):
        fm.parse(float("inf"))


def test_degree():
    of = {"t": 1, "x": 0}.get
    deg = lambda s: fm.degree(fm.parse(s), lambda n: of(n, 0))
    assert deg("3 * t + x") == 1
    assert deg("t * t") == 2
    assert deg("t ** 3 * x") == 3
    assert deg("x / 2 + t") == 1
    assert deg("1 / t") == math.inf
    assert deg("max(0, t)") == math.inf
    assert deg("max(0, x) * t") == 1
    assert deg("t ** 0.5") == math.inf


def test_unparse_round_trips():
    for text in ["x * (1 - y) * stake", "-(1 - x) * y * s", "max(0, a - b * (q1 + q2))", 'US.Escalate * 2']:
        once = fm.unparse(fm.parse(text))
        assert fm.unparse(fm.parse(once)) == once
        env = {"x": 0.3, "y": 0.6, "stake": 4.0, "s": 2.0, "a": 12.0, "b": 1.0, "q1": 2.0, "q2": 5.0}
        assert ev(once, env, ind=lambda p, s: 1.0) == ev(text, env, ind=lambda p, s: 1.0)


def test_constant_power_bombs_refused_before_evaluation():
    for text in ["(10 ** 100) ** 100", "1e15 ** 100", "(2 ** 100) ** 100 ** 1"]:
        with pytest.raises(fm.FormulaError):
            fm.parse(text)
    assert ev("(2 ** 3) ** 2", exact=True) == 64


def test_a_number_run_into_a_keyword_is_a_syntax_error_without_a_warning():
    """'1or 2' is accepted by Python's parser with a SyntaxWarning; here it is one clean error
    (a warning would be a second line on stderr)."""
    import warnings

    from games.model.formula import FormulaError, parse

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in ("1or 2", "3if x else 1"):
            with pytest.raises(FormulaError, match="syntax error at column 1"):
                parse(text)
