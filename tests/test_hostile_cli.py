"""Hostile input through the command line: `tradegame solve` on random files and options.

Runs go through the real entry point (`cli.app.main`, what the `tradegame` command calls).
Each run must end in exit 0 with a verified answer (checked here independently of the
solver) or exit 2 with exactly one line on stderr — never a traceback, never exit 1.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.app import main
from games.errors import InputError
from games.formats.nfg import parse_nfg
from tests.test_hostile_library import (
    ASSIGNMENT,
    NUMBERS,
    efg_like,
    efg_tree,
    nfg_like,
    nfg_payoff_form,
    scenario_like,
)

CLI = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def _run_main(args: list[str]) -> Run:
    """Run the real console entry point (`cli.app.main`) in-process, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["tradegame", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return Run(code, out.getvalue(), err.getvalue())


def _invoke(args: list[str], codes: tuple[int, ...] = (0, 2)) -> Run:
    result = _run_main(args)
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in codes, f"exit {result.exit_code}: {result.stderr.strip()[:300]}"
    if result.exit_code != 0:
        lines = result.stderr.strip().split("\n")  # what a terminal shows as lines
        assert len(lines) == 1, f"expected one stderr line, got {lines[:5]}"
        assert not result.stdout.strip(), "no partial output on error"
    return result


def _check_equilibria(text: str, stdout: str) -> None:
    """Every reported profile is an equilibrium of the game in the file (checked here)."""
    try:
        game, _ = parse_nfg(text, "x")
    except InputError:
        raise AssertionError("tradegame solved a file its own parser rejects") from None
    data = json.loads(stdout)
    assert data["equilibria"], "a finite game has at least one equilibrium"
    scale = max(1.0, max(float(np.max(np.abs(a))) for a in game.payoffs))
    for eq in data["equilibria"]:
        profile = [np.asarray(p, dtype=float) for p in eq["profile"]]
        for i, p in enumerate(profile):
            assert p.shape == (game.shape[i],) and np.all(p >= -1e-9) and abs(p.sum() - 1) < 1e-9
            values = np.asarray(game.payoffs[i], dtype=float)
            for j in reversed(range(game.n_players)):
                if j != i:
                    values = np.tensordot(values, profile[j], axes=([j], [0]))
            assert values.max() - values @ p <= 1e-7 * scale


def _solve_file(tmp_path, name: str, content: bytes | str, extra: list[str] | None = None, codes=(0, 2)):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return _invoke(["solve", str(path), "--format", "json", *(extra or [])], codes)


@CLI
@given(st.one_of(nfg_like(), nfg_payoff_form(), st.text(max_size=200)))
def test_solve_random_nfg_files(tmp_path_factory, text):
    result = _solve_file(tmp_path_factory.mktemp("nfg"), "g.nfg", text)
    if result.exit_code == 0:
        _check_equilibria(text, result.stdout)


METHODS = ["auto", "vertex-enumeration", "support-enumeration", "nashpy-vertex-enumeration",
           "lemke-howson", "logit", "pure", "closed-form"]


@CLI
@given(st.integers(1, 7), st.integers(1, 7), st.lists(st.integers(-3, 3), min_size=98, max_size=98),
       st.sampled_from(METHODS), st.booleans())
def test_solve_valid_nfg_files_are_answered_and_verified(tmp_path_factory, m, n, values, method, exact):
    """Small-integer games (ties everywhere) with every method, and --exact: exit 0 with
    verified equilibria, exit 2 only when the method does not apply to the game, exit 1
    only when nashpy's methods fail on a degenerate game (saying which method works)."""
    body = " ".join(str(v) for v in values[: 2 * m * n])
    text = f'NFG 1 R "g" {{ "a" "b" }} {{ {m} {n} }}\n{body}\n'
    extra = ["--method", method] + (["--exact"] if exact else [])
    nashpy = method in ("support-enumeration", "nashpy-vertex-enumeration") and not exact
    result = _solve_file(tmp_path_factory.mktemp("nfg"), "g.nfg", text, extra, (0, 1, 2) if nashpy else (0, 2))
    if result.exit_code == 1:  # nashpy's methods assume non-degenerate games: a clear failure
        assert "--method vertex-enumeration" in result.stderr
        return
    if result.exit_code == 2:
        if exact:  # --exact is exact vertex enumeration: another method is refused, not ignored
            assert method not in ("auto", "vertex-enumeration") and "--exact" in result.stderr, result.stderr
        else:
            assert method == "closed-form" and (m, n) != (2, 2), result.stderr
        return
    if method in ("lemke-howson", "logit", "pure") and not exact and not json.loads(result.stdout)["equilibria"]:
        return  # partial methods may find nothing (pure: no pure equilibrium)
    _check_equilibria(text, result.stdout)


@CLI
@given(st.binary(max_size=300))
def test_solve_binary_files(tmp_path_factory, data):
    _solve_file(tmp_path_factory.mktemp("bin"), "g.nfg", data)
    _solve_file(tmp_path_factory.mktemp("bin"), "s.toml", data)


@CLI
@given(st.one_of(scenario_like(), st.text(max_size=200)))
def test_solve_random_scenario_files(tmp_path_factory, text):
    result = _solve_file(tmp_path_factory.mktemp("toml"), "s.toml", text)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["equilibria"]


@CLI
@given(st.lists(ASSIGNMENT, min_size=1, max_size=3))
def test_solve_random_set_options(items):
    args = ["solve", "baseline", "--format", "json"]
    for item in items:
        if item.startswith("-") or "\x00" in item:
            continue  # would be read as an option, or cannot be an argv string
        args += ["--set", item]
    result = _invoke(args)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["equilibria"]


@CLI
@given(
    st.sampled_from(["--levels", "--method", "--format", "--game", "--set"]),
    st.one_of(NUMBERS, st.text(max_size=20).filter(lambda s: not s.startswith("-") and "\x00" not in s)),
)
def test_solve_random_option_values(option, value):
    _invoke(["solve", "baseline", option, value, "--format", "json"] if option != "--format" else ["solve", "baseline", option, value])


def test_missing_directories_and_huge_games(tmp_path):
    _invoke(["solve", str(tmp_path / "nope.nfg")])
    _invoke(["solve", str(tmp_path / "nope.toml")])
    _invoke(["solve", str(tmp_path)])
    (tmp_path / "dir.nfg").mkdir()
    _invoke(["solve", str(tmp_path / "dir.nfg")])
    # too large for complete enumeration: a clear refusal, not hours of work
    big = 'NFG 1 R "big" { "a" "b" } { 30 30 }\n' + " ".join(["1", "2"] * 900) + "\n"
    result = _solve_file(tmp_path, "big.nfg", big)
    assert result.exit_code == 2 and "too large" in result.stderr
    empty = _solve_file(tmp_path, "empty.nfg", "")
    assert empty.exit_code == 2


@CLI
@given(st.sampled_from(["baseline", "stockholm-2025", "escalation-2025"]), st.lists(ASSIGNMENT, max_size=2))
def test_exact_mode_on_scenarios_with_random_sets(name, items):
    args = ["solve", name, "--exact", "--format", "json"]
    for item in items:
        if not item.startswith("-") and "\x00" not in item:
            args += ["--set", item]
    result = _invoke(args)
    if result.exit_code == 0:
        from fractions import Fraction

        for eq in json.loads(result.stdout)["equilibria"]:
            for p in eq["profile_exact"]:
                assert sum(Fraction(v) for v in p) == 1


@CLI
@given(st.one_of(efg_tree(), efg_like(), st.text(max_size=200)))
def test_solve_random_efg_files(tmp_path_factory, text):
    result = _solve_file(tmp_path_factory.mktemp("efg"), "g.efg", text)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["equilibria"]


SWEEP_RANGE = st.one_of(
    st.builds(
        lambda k, a, b, n: f"{k}={a}:{b}:{n}",
        st.sampled_from(["re_dependence", "hawk_cost", "leverage", "nope", ""]),
        NUMBERS, NUMBERS,
        st.one_of(st.integers(-3, 40).map(str), st.sampled_from(["1e9", "nan", "x", "", "2.5"])),
    ),
    st.text(max_size=30).filter(lambda s: not s.startswith("-") and "\x00" not in s),
)
SWEEP_DIST = st.one_of(
    st.builds(
        lambda k, kind, args: f"{k}={kind}:" + ":".join(args),
        st.sampled_from(["re_dependence", "leverage", "nope"]),
        st.sampled_from(["uniform", "normal", "triangular", "weird", ""]),
        st.lists(NUMBERS, max_size=4),
    ),
    st.text(max_size=30).filter(lambda s: not s.startswith("-") and "\x00" not in s),
)


@CLI
@given(st.lists(SWEEP_RANGE, min_size=1, max_size=3))
def test_sweep_random_ranges(ranges):
    args = ["sweep", "--format", "json"]
    for r in ranges:
        args += ["--vary", r]
    result = _invoke(args)
    if result.exit_code == 0:
        assert json.loads(result.stdout)


@CLI
@given(st.one_of(st.integers(-5, 300).map(str), NUMBERS), st.lists(SWEEP_DIST, min_size=1, max_size=2))
def test_sweep_random_samples(n, dists):
    args = ["sweep", "--format", "json", "--seed", "1", "--sample", n]
    for d in dists:
        args += ["--dist", d]
    if not n.lstrip("+").isdigit() or int(n) <= 300:  # a valid huge N is work, not an error
        result = _invoke(args)
        if result.exit_code == 0:
            assert json.loads(result.stdout)


def test_output_files_never_overwritten_or_left_half_written(tmp_path):
    """`-o` to an existing file (without --force), a folder, or a missing folder: exit 2,
    one line, the existing file untouched and no temporary file left behind."""
    existing = tmp_path / "game.nfg"
    existing.write_text("keep me")
    (tmp_path / "folder.nfg").mkdir()
    for target, force in [(existing, False), (tmp_path / "folder.nfg", False), (tmp_path / "folder.nfg", True),
                          (tmp_path / "missing" / "x.nfg", False), (tmp_path / "missing" / "x.nfg", True)]:
        result = _invoke(["export", "baseline", "-o", str(target)] + (["--force"] if force else []))
        assert result.exit_code == 2, (target, force)
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.nfg", "game.nfg"]
    assert _invoke(["export", "baseline", "-o", str(existing), "--force"]).exit_code == 0
    assert existing.read_text().startswith("NFG 1 R")
