"""Hostile input at the library level: every reader returns a valid value or raises InputError.

Property-based (hypothesis): random text, binary junk, deep nesting, huge counts, NaN and
infinity, wrong types, unknown keys, out-of-range values and very long strings, for
`games.formats.nfg.parse_nfg`, `games.formats.efg.parse_efg`, `games.model.scenarios.parse_scenario`,
`games.model.scenarios.parse_assignments` and `games.solvers.exact.to_fraction`. Any other exception (a traceback for the user) fails.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from games.errors import InputError
from games.solvers.exact import to_fraction
from games.formats.nfg import parse_nfg, to_nfg
from games.trade.parameters import PARAMETERS
from games.model.scenarios import parse_assignments, parse_scenario

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _either_valid_or_input_error(fn, *args):
    """Run fn; InputError is fine, anything else propagates (and fails the test)."""
    try:
        return fn(*args)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message, f"error message must be one line: {message!r}"
        assert len(message) < 2000, "error message is unreasonably long"
        return None


# --- .nfg ------------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e-999", "1/0", "0/0", "3/4",
                     "1e400", "9" * 500, "1." * 3, "+-1", ".", "e5", "1e", "--1", "0x10", "1_000"]),
)
WORDS = st.one_of(NUMBERS, st.sampled_from(["{", "}", ",", '""', '"x"', '"', "NFG", "1", "R", "D", "\\"]),
                  st.text(max_size=8))


@st.composite
def nfg_like(draw) -> str:
    """Text that starts like an .nfg file and goes wrong somewhere."""
    n_players = draw(st.integers(0, 4))
    players = " ".join(f'"P{i}"' for i in range(n_players))
    counts = " ".join(draw(st.lists(NUMBERS, min_size=0, max_size=4)))
    body = " ".join(draw(st.lists(WORDS, max_size=40)))
    version = draw(st.sampled_from(["1", "2", "x", ""]))
    return f'NFG {version} R "t" {{ {players} }} {{ {counts} }} {body}'


@st.composite
def nfg_payoff_form(draw) -> str:
    """A well-formed header with random payoff tokens (some NaN, inf, huge)."""
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    count = 2 * m * n + draw(st.integers(-2, 2))
    payoffs = " ".join(draw(st.lists(NUMBERS, min_size=max(count, 0), max_size=max(count, 0))))
    return f'NFG 1 R "g" {{ "a" "b" }} {{ {m} {n} }}\n{payoffs}\n'


@FAST
@given(st.text(max_size=300))
def test_nfg_random_text(text):
    _check_nfg(text)


@FAST
@given(st.binary(max_size=300))
def test_nfg_binary_bytes(data):
    _check_nfg(data.decode("latin-1"))


@FAST
@given(nfg_like())
def test_nfg_almost_files(text):
    _check_nfg(text)


@FAST
@given(nfg_payoff_form())
def test_nfg_payoff_tokens(text):
    _check_nfg(text)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200_000), st.sampled_from(["{", "}", '{ "', "{ {", '"\\', "1 "]))
def test_nfg_deep_nesting_and_repetition(depth, piece):
    _check_nfg('NFG 1 R "t" { "a" "b" } ' + piece * depth)
    _check_nfg(piece * depth)


def test_nfg_huge_counts_are_refused_quickly():
    for counts in ["100000 100000", "99999999999999999999 2", "3 -1", "2.5 2", "0 2", "1e5 1e5", "2/1 2"]:
        _check_nfg(f'NFG 1 R "t" {{ "a" "b" }} {{ {counts} }} 1 2 3 4')


@FAST
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_nfg_round_trip_of_valid_games(m, n, data):
    """Sanity: valid files parse to the payoffs they hold (so the fuzzers above can pass)."""
    from games.forms.normal_form import from_bimatrix

    vals = st.integers(-1000, 1000)
    A = np.array(data.draw(st.lists(vals, min_size=m * n, max_size=m * n))).reshape(m, n)
    B = np.array(data.draw(st.lists(vals, min_size=m * n, max_size=m * n))).reshape(m, n)
    game, _ = parse_nfg(to_nfg(from_bimatrix(A, B)))
    assert np.array_equal(game.payoffs[0], A) and np.array_equal(game.payoffs[1], B)


def _check_nfg(text: str) -> None:
    result = _either_valid_or_input_error(parse_nfg, text, "fuzz.nfg")
    if result is None:
        return
    game, exact = result
    assert len(exact) == game.n_players >= 1
    for floats, fractions in zip(game.payoffs, exact):
        assert floats.shape == game.shape == fractions.shape
        assert np.all(np.isfinite(floats))


# --- .efg ------------------------------------------------------------------------------

EFG_WORDS = st.one_of(
    WORDS,
    st.sampled_from(["p", "c", "t", '""', '"n"', "0", "1", "2", "3", "-1", "1/2", "{ 1, 2 }", '{ "a" "b" }',
                     '{ "a" 1/2 "b" 1/2 }', '{ "a" 2 "b" -1 }', "EFG", "2"]),
)


@st.composite
def efg_like(draw) -> str:
    """Text that starts like an .efg file: a valid header, then node-shaped junk."""
    n_players = draw(st.integers(0, 3))
    players = " ".join(f'"P{i}"' for i in range(n_players))
    version = draw(st.sampled_from(["2", "1", "x", ""]))
    body = " ".join(draw(st.lists(EFG_WORDS, max_size=60)))
    return f'EFG {version} R "t" {{ {players} }} "" {body}'


@st.composite
def efg_tree(draw) -> str:
    """A small, mostly valid tree (decision, chance and terminal nodes) with random numbers."""

    def node(depth: int) -> list[str]:
        kind = draw(st.sampled_from(["t", "t", "p", "c"])) if depth < 3 else "t"
        outcome = draw(st.sampled_from([1, 2, 3, 1, 2, 3, 0]))
        numbers = st.one_of(st.integers(-9, 9).map(str), st.integers(-9, 9).map(str), NUMBERS)
        pays = " ".join(draw(st.lists(numbers, min_size=2, max_size=2)))
        if kind == "t":
            return [f't "" {outcome} "" {{ {pays} }}']
        if kind == "p":
            player = draw(st.sampled_from([1, 2, 1, 2, 0, 3]))
            infoset = draw(st.sampled_from([1, 2, 1, 2, 0]))
            lines = [f'p "" {player} {infoset} "" {{ "a" "b" }} 0']
        else:
            probs = draw(st.sampled_from([("1/2", "1/2"), ("1/3", "2/3"), ("0.25", "0.75"), ("1", "0")])
                         | st.lists(NUMBERS, min_size=2, max_size=2))
            lines = [f'c "" {draw(st.sampled_from([1, 1, 2, 0]))} "" {{ "x" {probs[0]} "y" {probs[1]} }} 0']
        return lines + node(depth + 1) + node(depth + 1)

    return 'EFG 2 R "t" { "A" "B" } ""\n' + "\n".join(node(0)) + "\n"


def _check_efg(text: str) -> None:
    from games.formats.efg import parse_efg

    tree = _either_valid_or_input_error(parse_efg, text, "fuzz.efg")
    if tree is not None:
        assert len(tree.players) >= 1


@FAST
@given(st.text(max_size=300))
def test_efg_random_text(text):
    _check_efg(text)
    _check_efg("EFG 2 R " + text)


@FAST
@given(st.binary(max_size=300))
def test_efg_binary_bytes(data):
    _check_efg(data.decode("latin-1"))


@FAST
@given(efg_like())
def test_efg_almost_files(text):
    _check_efg(text)


@FAST
@given(efg_tree())
def test_efg_random_trees(text):
    _check_efg(text)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 100_000), st.sampled_from(['p "" 1 1 "" { "a" } 0 ', 'c "" 1 "" { "a" 1 } 0 ', "{ ", '"']))
def test_efg_deep_trees_and_repetition(depth, piece):
    _check_efg('EFG 2 R "t" { "A" "B" } "" ' + piece * depth)


# --- scenario TOML ---------------------------------------------------------------------

TOML_VALUES = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace("inf", "inf").replace("nan", "nan")),
    st.sampled_from(["nan", "+inf", "-inf", "true", "false", '"text"', "[]", "[1, 2]", "{}", "{ a = 1 }",
                     "1979-05-27", "0x1F", "1_000", "'lit'", '"""multi\nline"""', "1e400", "-0.0"]),
    st.text(max_size=30).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'),
)
KEYS = st.one_of(st.sampled_from(list(PARAMETERS) + ["title", "summary", "story", "sources", "parameters"]),
                 st.from_regex(r"[a-z_]{1,12}", fullmatch=True))


@st.composite
def scenario_like(draw) -> str:
    top = [f"{draw(KEYS)} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 4)))]
    params = [f"{draw(KEYS)} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 6)))]
    table = draw(st.sampled_from(["[parameters]", "[params]", "[[parameters]]", "[parameters.x]", ""]))
    return "\n".join(top + [table] + params)


@FAST
@given(st.text(max_size=300))
def test_scenario_random_text(text):
    _check_scenario(text)


@FAST
@given(scenario_like())
def test_scenario_tomlish(text):
    _check_scenario(text)


@FAST
@given(st.sampled_from(list(PARAMETERS)), TOML_VALUES)
def test_scenario_each_parameter_any_value(name, value):
    _check_scenario(f'title = "t"\n[parameters]\n{name} = {value}\n')


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 500_000))
def test_scenario_very_long_strings(length):
    _check_scenario(f'title = "{"x" * length}"\nstory = """{"y" * length}"""\n')
    _check_scenario("[parameters]\n" + "a" * length + " = 1\n")
    _check_scenario("sources = [" + '"s", ' * min(length, 50_000) + "]\n")


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 100_000))
def test_scenario_deep_nesting(depth):
    _check_scenario("sources = " + "[" * depth + "]" * depth)
    _check_scenario("parameters = " + "{ a = " * depth + "1" + " }" * depth)


def _check_scenario(text: str) -> None:
    result = _either_valid_or_input_error(parse_scenario, text, "fuzz.toml", "fuzz")
    if result is None:
        return
    assert isinstance(result.title, str) and isinstance(result.story, str)
    assert all(isinstance(s, str) for s in result.sources)
    assert set(result.parameters) == set(PARAMETERS)
    for name, value in result.parameters.items():
        p = PARAMETERS[name]
        assert isinstance(value, float) and math.isfinite(value) and p.low <= value <= p.high


# --- --set name=value ------------------------------------------------------------------

ASSIGNMENT = st.one_of(
    st.text(max_size=40),
    st.builds(lambda k, v: f"{k}={v}", KEYS, st.one_of(NUMBERS, st.text(max_size=20))),
    st.builds(lambda k, v: f" {k} = {v} ", st.sampled_from(list(PARAMETERS)), NUMBERS),
)


@FAST
@given(st.lists(ASSIGNMENT, max_size=5))
def test_assignments(items):
    result = _either_valid_or_input_error(parse_assignments, items)
    if result is None:
        return
    for name, value in result.items():
        p = PARAMETERS[name]
        assert isinstance(value, float) and math.isfinite(value) and p.low <= value <= p.high


def test_assignments_reject_nan_inf_and_overflow():
    for text in ["hawk_cost=nan", "hawk_cost=inf", "hawk_cost=-inf", "hawk_cost=1e400", "hawk_cost=" + "9" * 5000]:
        assert _either_valid_or_input_error(parse_assignments, [text]) is None


# --- exact numbers ---------------------------------------------------------------------


@FAST
@given(st.one_of(st.text(max_size=50), NUMBERS, st.floats(), st.integers(), st.none(), st.booleans()))
def test_to_fraction(value):
    result = _either_valid_or_input_error(to_fraction, value, "value")
    if result is not None:
        assert abs(result) <= 10**400


def test_scenario_names_with_nul_bytes_and_control_characters():
    from games.model.scenarios import load

    for target in ["abc\x00", "x\x00.toml", "dir/\x00", "line\nbreak", "a" * 5000]:
        assert _either_valid_or_input_error(load, target) is None
