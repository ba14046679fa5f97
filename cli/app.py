"""The `tradegame` command line: solve, explain, show, export and list trade-model games."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer

from cli.forms import FORM_MODULES, all_forms
from cli.request import Output, Request

app = typer.Typer(
    name="tradegame",
    help=(
        "US–China trade moves (chips against rare earths) as games: verified equilibria, "
        "explained in plain words.\n\n"
        "Examples:\n\n"
        "  tradegame solve                      # the baseline scenario\n\n"
        "  tradegame solve stockholm-2025 --set re_dependence=3\n\n"
        "  tradegame explain escalation-2025\n\n"
        "  tradegame solve game.nfg --format json"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FORMATS = ("text", "markdown", "json", "dot")

# ---------------------------------------------------------------- shared options
TargetArg = typer.Argument(
    None,
    help="Built-in scenario name, a scenario .toml, or a Gambit .nfg/.efg file. Default: baseline.",
    show_default=False,
)
SetOpt = typer.Option(
    None, "--set", metavar="NAME=VALUE",
    help="Change a parameter for this run (repeatable), e.g. --set re_dependence=8.",
)
GameOpt = typer.Option(
    "simultaneous", "--game", metavar="FORM",
    help="Game form: simultaneous, graded, or another form listed by `tradegame forms`.",
)
LevelsOpt = typer.Option(5, "--levels", help="Openness levels per side in the graded game (2–101).")
MethodOpt = typer.Option(
    "auto", "--method",
    help="Equilibrium method: auto, closed-form, vertex-enumeration, support-enumeration, "
    "nashpy-vertex-enumeration, lemke-howson, logit (quantal response path, any number of players), "
    "polynomial-support-enumeration (every equilibrium of a small game with 3+ players), pure, "
    "correlated (correlated equilibria by linear programming, with a mediator's explanation).",
)
FormatOpt = typer.Option("text", "--format", "-f", help="Output format: text, markdown or json (dot for trees).")
ExactOpt = typer.Option(False, "--exact", help="Solve in exact rational arithmetic (2-player games).")
RoundsOpt = typer.Option(None, "--rounds", help="Finite horizon for --game repeated or bargaining (number of rounds).")
ProposerOpt = typer.Option(None, "--proposer", help="Who proposes first in --game bargaining: us or china.")


def _fail(message: str, code: int) -> None:
    typer.echo(f"tradegame: error: {message}", err=True)
    raise typer.Exit(code)


def _check_format(fmt: str, allowed=FORMATS) -> str:
    from games.errors import InputError, clip

    if fmt not in allowed:
        raise InputError(f"option --format: expected one of {', '.join(allowed)}, got '{clip(fmt)}'")
    return fmt


def _target_kind(target: str | None) -> str:
    if target is None:
        return "scenario"
    suffix = Path(target).suffix.lower()
    return {".nfg": "nfg", ".efg": "efg"}.get(suffix, "scenario")


def _load_scenario(target: str | None, sets: list[str] | None):
    from games.scenarios import load, parse_assignments

    scenario = load(target)
    values = parse_assignments(sets or [])
    return scenario.with_values(values) if values else scenario


def _emit(output: Output, fmt: str) -> None:
    if fmt == "json":
        import json

        typer.echo(json.dumps(output.data, indent=2, ensure_ascii=False, default=_json_default))
    else:
        typer.echo(output.text.rstrip("\n"))


def _json_default(obj: Any):
    import numpy as np
    from fractions import Fraction

    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _run(
    command: str,
    target: str | None,
    sets: list[str] | None,
    game: str,
    levels: int,
    method: str,
    fmt: str,
    exact: bool,
    options: dict[str, Any],
) -> Output:
    from games.errors import InputError

    kind = _target_kind(target)
    full = command == "explain"
    if kind in ("nfg", "efg"):
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        if game != "simultaneous":
            raise InputError(f"option --game: a game file is solved as it is; drop --game for {target}")
        if kind == "efg":
            _check_format(fmt)
            module = importlib.import_module("cli.trees")
            return module.solve_efg_file(target, fmt, full)
        _check_format(fmt, ("text", "markdown", "json"))
        from games.nfg import read_nfg_exact

        from cli import normal_form_view

        game_nfg, exact_payoffs = read_nfg_exact(target)
        return normal_form_view.solve_and_render(
            game_nfg, None, fmt, full, method, exact, exact_payoffs=exact_payoffs
        )
    if game not in all_forms():
        from games.errors import clip

        raise InputError(f"option --game: expected one of {', '.join(all_forms())}, got '{clip(game)}'")
    scenario = _load_scenario(target, sets)
    if game in ("simultaneous", "graded"):
        _check_format(fmt, ("text", "markdown", "json"))
        from cli import normal_form_view

        built = normal_form_view.build(scenario, game, levels)
        return normal_form_view.solve_and_render(built, scenario, fmt, full, method, exact, form=game, levels=levels)
    _check_format(fmt)
    request = Request(
        target=target or scenario.name, scenario=scenario, game=game, fmt=fmt, full=full,
        levels=levels, method=method, exact=exact, options={k: v for k, v in options.items() if v is not None},
    )
    return importlib.import_module(FORM_MODULES[game]).run(request)


def guarded(fn):
    """Run fn, turning tradegame's errors into one stderr line and the documented exit code."""
    from games.errors import InputError, SolverError

    try:
        return fn()
    except InputError as exc:
        _fail(str(exc), 2)
    except SolverError as exc:
        _fail(str(exc), 1)


# ---------------------------------------------------------------- commands
@app.command()
def solve(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = GameOpt,
    levels: int = LevelsOpt,
    method: str = MethodOpt,
    fmt: str = FormatOpt,
    exact: bool = ExactOpt,
    rounds: Optional[int] = RoundsOpt,
    proposer: Optional[str] = ProposerOpt,
) -> None:
    """Solve a scenario or game file: every equilibrium, verified, with a short reason.

    Examples:

      tradegame solve

      tradegame solve escalation-2025

      tradegame solve stockholm-2025 --set re_dependence=3 --set hawk_cost=4

      tradegame solve baseline --game graded --levels 7

      tradegame solve mygame.nfg --format json
    """
    opts = {"rounds": rounds, "proposer": proposer}
    _emit(guarded(lambda: _run("solve", target, set_, game, levels, method, fmt, exact, opts)), fmt)


@app.command()
def explain(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = GameOpt,
    levels: int = LevelsOpt,
    method: str = MethodOpt,
    fmt: str = FormatOpt,
    exact: bool = ExactOpt,
    rounds: Optional[int] = RoundsOpt,
    proposer: Optional[str] = ProposerOpt,
) -> None:
    """Explain every outcome: why each equilibrium holds, what would break it, and where.

    Examples:

      tradegame explain stockholm-2025

      tradegame explain escalation-2025 --format markdown

      tradegame explain --set re_dependence=2
    """
    opts = {"rounds": rounds, "proposer": proposer}
    _emit(guarded(lambda: _run("explain", target, set_, game, levels, method, fmt, exact, opts)), fmt)


@app.command()
def show(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = typer.Option("simultaneous", "--game", help="simultaneous or graded."),
    levels: int = LevelsOpt,
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """Print a scenario's story, its parameters and its payoff matrix.

    Examples:

      tradegame show stockholm-2025

      tradegame show baseline --set leverage=6 --format markdown
    """
    from cli import normal_form_view

    def work() -> Output:
        _check_format(fmt, ("text", "markdown", "json"))
        if _target_kind(target) == "nfg":
            from games.nfg import read_nfg

            return normal_form_view.show_game(read_nfg(target), None, fmt)
        if game not in ("simultaneous", "graded"):
            from games.errors import InputError

            raise InputError(f"option --game: show prints normal forms: expected simultaneous or graded, got '{game}'")
        scenario = _load_scenario(target, set_)
        return normal_form_view.show_game(normal_form_view.build(scenario, game, levels), scenario, fmt)

    _emit(guarded(work), fmt)


@app.command()
def export(
    target: Optional[str] = TargetArg,
    to: str = typer.Option("nfg", "--to", help="File format: nfg (Gambit strategic form)."),
    set_: Optional[List[str]] = SetOpt,
    game: str = typer.Option("simultaneous", "--game", help="simultaneous or graded."),
    levels: int = LevelsOpt,
    outcome_form: bool = typer.Option(False, "--outcome-form", help="Write the .nfg outcome form instead of the payoff form."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
) -> None:
    """Write a scenario's game as a Gambit .nfg file, to open it in Gambit.

    Examples:

      tradegame export stockholm-2025 --to nfg -o stockholm.nfg

      tradegame export baseline --game graded --levels 4 --to nfg
    """
    from cli import normal_form_view

    def work() -> str:
        from games.errors import InputError
        from games.nfg import to_nfg

        if to != "nfg":
            raise InputError(f"option --to: expected nfg, got '{to}'")
        if game not in ("simultaneous", "graded"):
            raise InputError(f"option --game: export writes normal forms: expected simultaneous or graded, got '{game}'")
        if _target_kind(target) == "nfg":
            from games.nfg import read_nfg_exact

            g, exact = read_nfg_exact(target)
        else:
            scenario = _load_scenario(target, set_)
            g = normal_form_view.build(scenario, game, levels)
            exact = normal_form_view.scenario_exact_payoffs(scenario, game, levels)
        text = to_nfg(g, outcome_form=outcome_form, comment="written by tradegame", exact_payoffs=exact)
        if output is not None:
            write_atomic(output, text, force)
            return ""
        return text

    text = guarded(work)
    if text:
        typer.echo(text.rstrip("\n"))


@app.command()
def scenarios(
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List the built-in scenarios, one line each.

    Examples:

      tradegame scenarios
    """
    from games.scenarios import builtin, builtin_names

    def work() -> Output:
        _check_format(fmt, ("text", "markdown", "json"))
        items = [builtin(n) for n in builtin_names()]
        width = max(len(s.name) for s in items)
        if fmt == "markdown":
            text = "\n".join(f"- **{s.name}**: {s.summary}" for s in items)
        else:
            text = "\n".join(f"{s.name.ljust(width)}  {s.summary}" for s in items)
        data = {"scenarios": [{"name": s.name, "title": s.title, "summary": s.summary} for s in items]}
        return Output(text, data)

    _emit(guarded(work), fmt)


@app.command()
def parameters(
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List the model's parameters: meaning, unit, default, valid range and rationale.

    Examples:

      tradegame parameters --format markdown
    """
    from games.parameters import PARAMETERS

    def work() -> Output:
        _check_format(fmt, ("text", "markdown", "json"))
        data = {"parameters": [p.__dict__ for p in PARAMETERS.values()]}
        if fmt == "markdown":
            rows = ["| parameter | side | default | range | unit | meaning | rationale |", "|---|---|---|---|---|---|---|"]
            rows += [
                f"| `{p.name}` | {p.side} | {p.default:g} | {p.low:g}–{p.high:g} | {p.unit} | {p.meaning} | {p.rationale} |"
                for p in PARAMETERS.values()
            ]
            return Output("\n".join(rows), data)
        blocks = [
            f"{p.name} ({p.side}; default {p.default:g}; range {p.low:g}–{p.high:g} {p.unit})\n"
            f"    {p.meaning}\n    Why: {p.rationale}"
            for p in PARAMETERS.values()
        ]
        return Output("\n".join(blocks), data)

    _emit(guarded(work), fmt)


@app.command()
def forms() -> None:
    """List the game forms that --game accepts.

    Examples:

      tradegame forms
    """
    from cli.forms import FORM_DESCRIPTIONS

    for name in all_forms():
        typer.echo(f"{name.ljust(14)}{FORM_DESCRIPTIONS.get(name, '')}".rstrip())


def write_atomic(path: Path, text: str, force: bool) -> None:
    """Write text to path via a temporary file and rename, refusing to overwrite without force."""
    import tempfile

    from games.errors import InputError

    path = Path(path)
    if path.exists() and not force:
        raise InputError(f"option --output: {path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise InputError(f"option --output: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"option --output: cannot write {path} ({exc.strerror or exc})") from None


#: extra commands living in their own modules, each with register(app)
COMMAND_MODULES = ("cli.compare_cmd", "cli.sweep_cmd", "cli.plot_cmd", "cli.report_cmd")


def _register_extras() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that feature is not installed in this build
            raise
        module.register(app)


_register_extras()


def _click_exceptions():
    """The click exception module typer uses (typer vendors click in recent versions)."""
    try:
        from typer._click import exceptions
    except ImportError:  # older typer uses click itself
        from click import exceptions
    return exceptions


def main() -> None:
    """Console-script entry point: every error is one line on stderr with the documented code."""
    cexc = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except cexc.UsageError as exc:
        if not exc.format_message():  # bare `tradegame`: help was printed
            sys.exit(2)
        name = exc.ctx.command_path if exc.ctx is not None else "tradegame"
        typer.echo(f"tradegame: error: {exc.format_message()} (see '{name} --help')", err=True)
        sys.exit(2)
    except getattr(cexc, "Exit", typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except getattr(cexc, "Abort", typer.Abort):
        typer.echo("tradegame: aborted", err=True)
        sys.exit(1)
    except cexc.ClickException as exc:
        typer.echo(f"tradegame: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("tradegame: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, never a traceback (TRADEGAME_DEBUG=1 shows it)
        if os.environ.get("TRADEGAME_DEBUG"):
            raise
        typer.echo(f"tradegame: internal error: {type(exc).__name__}: {exc} (please report it)", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
