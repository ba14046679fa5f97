"""The `tradegame` command line: solve, explain, show, export and list trade-model games."""

from __future__ import annotations

import importlib
import re
import os
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer

from cli.forms import FORM_MODULES, all_forms
from cli.help_text import keep_examples
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
    # plain help: no markup, so `uniform:A:B` is not read as an emoji code nor [x] as a style
    rich_markup_mode=None,
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
ProposerOpt = typer.Option(None, "--proposer", help="Who proposes first in --game bargaining: us or china (a model file: a player's name).")
OrderOpt = typer.Option(None, "--order", help="Who moves when in --game sequential: player names separated by commas, e.g. China,US.")
WithOpt = typer.Option(
    None, "--with", metavar="INSTRUMENT",
    help="Put an optional instrument in the package form (repeatable or comma-separated), e.g. --game package --with purchases.",
)


def _fail(message: str, code: int) -> None:
    _say_error(message)
    raise typer.Exit(code)


def _say_error(message: str, prefix: str = "tradegame: error: ") -> None:
    """One line on stderr; control characters from files or options shown as \\xNN."""
    from cli.safe_text import visible

    typer.echo(prefix + visible(message, keep=""), err=True)


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


def _refuse_tree_file(command: str, target: str | None) -> None:
    """show and export take scenarios and .nfg games: say so for an .efg file (not a TOML error)."""
    from games.errors import InputError, clip

    if _target_kind(target) == "efg":
        also = "; export --to efg writes a tree" if command == "export" else ""
        raise InputError(
            f"argument TARGET: {clip(target)} is a game tree (.efg); {command} takes a scenario or an "
            f".nfg file (tradegame solve {clip(target)} solves and draws the tree{also})"
        )


def _load_scenario(target: str | None, sets: list[str] | None, game: str = "simultaneous"):
    from games.model.scenarios import load, parse_assignments

    scenario = load(target)
    values = parse_assignments(sets or [], model=scenario.model, package=game in ("package", "package-graded"))
    return scenario.with_values(values) if values else scenario


def _emit(output: Output, fmt: str) -> None:
    if fmt == "json":
        import json

        from cli.safe_text import json_visible

        for chunk in _json_chunks(output.data):
            sys.stdout.write(chunk)
        sys.stdout.write("\n")
        sys.stdout.flush()
    elif fmt == "text":
        from cli import layout
        from cli.safe_text import visible

        typer.echo(layout.fit(visible(output.text.rstrip("\n"))))
    else:
        from cli.safe_text import visible

        typer.echo(visible(output.text.rstrip("\n")))


#: Arrays with more entries than this are written compactly, a row at a time (see `_json_chunks`).
LARGE_ARRAY = 10_000
_ARRAY_MARK = re.compile(r'"@@tradegame-array-(\d+)@@"')


def _json_chunks(data: Any):
    """The JSON text of ``data`` in pieces, so a large game's payoff arrays are streamed.

    Indented JSON of a 2,560,000-profile four-player game's payoffs took 1.4 GB as one
    string of Python floats; here each large array is written one innermost row per line
    (same values, still valid JSON) while the rest keeps the indented layout."""
    import json

    from cli.safe_text import json_visible

    arrays: list[Any] = []

    def default(obj: Any):
        import numpy as np

        if isinstance(obj, np.ndarray) and obj.size > LARGE_ARRAY:
            arrays.append(obj)
            return f"@@tradegame-array-{len(arrays) - 1}@@"
        return _json_default(obj)

    text = json_visible(json.dumps(data, indent=2, ensure_ascii=False, default=default))
    start = 0
    for m in _ARRAY_MARK.finditer(text):
        yield text[start:m.start()]
        yield from _array_json(arrays[int(m.group(1))])
        start = m.end()
    yield text[start:]


def _array_json(a):
    """A NumPy array as nested JSON lists, innermost rows written by `json.dumps`."""
    import json

    if a.ndim <= 1:
        yield json.dumps(a.tolist(), default=_json_default)
        return
    yield "["
    for k in range(a.shape[0]):
        yield "\n" if k == 0 else ",\n"
        yield from _array_json(a[k])
    yield "]"


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


#: forms every model file can be played in, besides its own [forms.NAME]
MODEL_FORMS = ("simultaneous", "graded", "sequential", "repeated", "bargaining", "bayesian",
               "package", "package-graded")


def playable_forms(model) -> tuple[str, ...]:
    """The forms this model file can be played in: `MODEL_FORMS` it qualifies for (graded
    needs a player with a level, repeated and bargaining two players, bayesian two players
    and [types], package instruments with settings), then its own [forms.NAME]."""
    two = len(model.players) == 2
    able = {
        "graded": any(p.level for p in model.players),
        "repeated": two,
        "bargaining": two,
        "bayesian": two and model.types is not None,
        "package": model.has_package,
        "package-graded": model.has_package,
    }
    return tuple(f for f in MODEL_FORMS if able.get(f, True)) + tuple(model.forms)


def _check_form(target: str | None, game: str) -> None:
    """Refuse a --game that is neither a form tradegame knows nor one the target's model
    file declares ([forms.NAME]), naming the forms that target can be played in.

    A .toml target that cannot be read is the first error: the form may be one the broken
    file declares, so calling --game unknown would point the user at the wrong thing."""
    from games.errors import InputError, clip
    from games.suggestions import did_you_mean

    try:
        model = _load_scenario(target, None).model  # --set is checked when the scenario is loaded
    except InputError:
        if target is not None and target.lower().endswith(".toml"):
            raise
        model = None  # an unknown built-in name: the --game error comes first
    if model is not None and game in model.forms:
        return
    if model is not None:  # a model file: its forms, not the trade model's
        forms = playable_forms(model)
        raise InputError(
            f"option --game: model '{clip(model.name)}' has no form '{clip(game)}'"
            f"{did_you_mean(game, forms)}; expected one of {', '.join(forms)}"
        )
    raise InputError(
        f"option --game: expected one of {', '.join(all_forms())}, got '{clip(game)}'{did_you_mean(game, all_forms())}"
    )


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
    brief: bool = False,
    instruments: tuple[str, ...] = (),
) -> Output:
    from games.errors import InputError

    from cli.option_rules import check_command, check_exact_method
    from cli.package_view import check_with

    kind = _target_kind(target)
    full = command == "explain" and not brief
    if kind == "scenario" and game not in all_forms():
        _check_form(target, game)
    check_command(command, target, game)
    check_exact_method(exact, method)
    check_with(instruments, game)
    if kind in ("nfg", "efg"):
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        if game != "simultaneous":
            raise InputError(f"option --game: a game file is solved as it is; drop --game for {target}")
        if kind == "efg":
            _check_format(fmt)
            module = importlib.import_module("cli.trees")
            return module.solve_efg_file(target, fmt, full, method, exact)
        _check_format(fmt, ("text", "markdown", "json"))
        from games.formats.nfg import read_nfg_exact

        from cli import normal_form_view

        game_nfg, exact_payoffs = read_nfg_exact(target)
        return normal_form_view.solve_and_render(
            game_nfg, None, fmt, full, method, exact, exact_payoffs=exact_payoffs, gist=brief
        )
    scenario = _load_scenario(target, sets, game)
    if game in ("simultaneous", "graded"):
        _check_format(fmt, ("text", "markdown", "json"))
        from cli import normal_form_view

        built = normal_form_view.build(scenario, game, levels)
        return normal_form_view.solve_and_render(
            built, scenario, fmt, full, method, exact, form=game, levels=levels, gist=brief
        )
    _check_format(fmt)
    request = Request(
        target=target or scenario.name, scenario=scenario, game=game, fmt=fmt, full=full,
        levels=levels, method=method, exact=exact, options={k: v for k, v in options.items() if v is not None},
        instruments=instruments,
    )
    module = FORM_MODULES[game] if scenario.model is None or game.startswith("package") else "cli.model_forms"  # a model file's forms
    return importlib.import_module(module).run(request)


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
@app.command("solve", short_help="Solve a scenario or game file: every equilibrium, verified.")
def solve_command(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = GameOpt,
    levels: int = LevelsOpt,
    method: str = MethodOpt,
    fmt: str = FormatOpt,
    exact: bool = ExactOpt,
    rounds: Optional[int] = RoundsOpt,
    proposer: Optional[str] = ProposerOpt,
    order: Optional[str] = OrderOpt,
    with_: Optional[List[str]] = WithOpt,
) -> None:
    """Solve a scenario or game file: every equilibrium, verified, with a short reason.

    Examples:

      tradegame solve

      tradegame solve escalation-2025

      tradegame solve stockholm-2025 --set re_dependence=3 --set hawk_cost=4

      tradegame solve baseline --game graded --levels 7

      tradegame solve record-2025-10-30-busan --game package --with purchases

      tradegame solve mygame.nfg --format json
    """
    from cli.package_view import parse_with

    opts = {"rounds": rounds, "proposer": proposer, "order": order}
    _emit(guarded(lambda: _run("solve", target, set_, game, levels, method, fmt, exact, opts,
                               instruments=parse_with(with_))), fmt)


@app.command("explain", short_help="Explain why each equilibrium holds and what would break it.")
def explain_command(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = GameOpt,
    levels: int = LevelsOpt,
    method: str = MethodOpt,
    fmt: str = FormatOpt,
    exact: bool = ExactOpt,
    rounds: Optional[int] = RoundsOpt,
    proposer: Optional[str] = ProposerOpt,
    order: Optional[str] = OrderOpt,
    brief: bool = typer.Option(False, "--brief", help="One screen (about 30 lines at 80 columns): the equilibria, a reason each, and the gist."),
    with_: Optional[List[str]] = WithOpt,
) -> None:
    """Explain every outcome: why each equilibrium holds, what would break it, and where.

    Examples:

      tradegame explain stockholm-2025

      tradegame explain stockholm-2025 --brief

      tradegame explain escalation-2025 --format markdown

      tradegame explain --set re_dependence=2

      tradegame explain record-2025-10-30-busan --game package --with purchases
    """
    from cli.package_view import parse_with

    opts = {"rounds": rounds, "proposer": proposer, "order": order}

    def work() -> Output:
        if brief and fmt not in ("text", "markdown"):
            from games.errors import InputError, clip

            raise InputError(f"option --brief: applies to --format text or markdown, not to --format {clip(fmt)}")
        return _run("explain", target, set_, game, levels, method, fmt, exact, opts, brief=brief,
                    instruments=parse_with(with_))

    output = guarded(work)
    if brief and fmt in ("text", "markdown"):
        from cli import layout

        output = Output(layout.brief(output.text), output.data)
    _emit(output, fmt)


@app.command(short_help="Print a scenario's story, parameters and payoff matrix.")
def show(
    target: Optional[str] = TargetArg,
    set_: Optional[List[str]] = SetOpt,
    game: str = typer.Option("simultaneous", "--game", help="simultaneous, graded, package or package-graded."),
    levels: int = LevelsOpt,
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
    with_: Optional[List[str]] = WithOpt,
) -> None:
    """Print a scenario's story, its parameters and its payoff matrix.

    Examples:

      tradegame show stockholm-2025

      tradegame show baseline --set leverage=6 --format markdown

      tradegame show record-2025-10-30-busan --game package --with purchases
    """
    from cli import normal_form_view

    def work() -> Output:
        from cli.option_rules import check_command
        from cli.package_view import PACKAGE_FORMS, check_with, package_scenario, parse_with

        _check_format(fmt, ("text", "markdown", "json"))
        check_command("show", target, game)
        _refuse_tree_file("show", target)
        instruments = parse_with(with_)
        check_with(instruments, game)
        if _target_kind(target) == "nfg":
            from games.formats.nfg import read_nfg

            return normal_form_view.show_game(read_nfg(target), None, fmt)
        forms = ("simultaneous", "graded", *PACKAGE_FORMS)
        if game not in forms:
            from games.errors import InputError, clip
            from games.suggestions import did_you_mean

            raise InputError(
                f"option --game: show prints normal forms: expected simultaneous, graded, package or package-graded, "
                f"got '{clip(game)}'{did_you_mean(game, forms)}"
            )
        if game in PACKAGE_FORMS:  # the model file's package form, as solve --game package plays it
            scenario = package_scenario(_load_scenario(target, set_, game), instruments)
            return normal_form_view.show_game(normal_form_view.model_game(scenario, game, levels), scenario, fmt, package=True)
        scenario = _load_scenario(target, set_)
        output = normal_form_view.show_game(normal_form_view.build(scenario, game, levels), scenario, fmt)
        if target == "trade":  # the trade model by name: print its model file too
            from cli import model_view
            from games.trade import model_file

            model = model_file()
            text = output.text + "\n\n" + model_view.model_text(model, fmt)
            return Output(text, output.data | {"model": model_view.model_data(model)})
        return output

    _emit(guarded(work), fmt)


@app.command(short_help="Write a scenario's game as a Gambit .nfg or .efg file.")
def export(
    target: Optional[str] = TargetArg,
    to: str = typer.Option("nfg", "--to", help="File format: nfg (Gambit strategic form) or efg (Gambit extensive form: a game tree)."),
    set_: Optional[List[str]] = SetOpt,
    game: Optional[str] = typer.Option(
        None, "--game", show_default=False,
        help="The form to write. --to nfg: simultaneous (the default), graded, package or package-graded, "
             "or a model file's own form that adds players. "
             "--to efg: us-first (the default), china-first or snapback; for a model file sequential (the default) or one of its own tree forms."),
    levels: int = LevelsOpt,
    outcome_form: bool = typer.Option(False, "--outcome-form", help="Write the .nfg outcome form instead of the payoff form."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
    with_: Optional[List[str]] = WithOpt,
) -> None:
    """Write a scenario's game as a Gambit .nfg or .efg file, to open it in Gambit.

    Examples:

      tradegame export stockholm-2025 --to nfg -o stockholm.nfg

      tradegame export stockholm-2025 --to efg --game us-first -o us-first.efg

      tradegame export baseline --game graded --levels 4 --to nfg

      tradegame export record-2025-10-30-busan --game package --with purchases --to nfg
    """
    from cli import normal_form_view

    def work() -> str:
        from games.errors import InputError
        from games.formats.nfg import to_nfg

        from cli.option_rules import check_command

        if to not in ("nfg", "efg"):
            from games.errors import clip
            from games.suggestions import did_you_mean

            raise InputError(f"option --to: expected nfg or efg, got '{clip(to)}'{did_you_mean(to, ('nfg', 'efg'))}")
        if to == "efg":
            return _export_tree(target, set_, game, levels, outcome_form, with_)
        form = "simultaneous" if game is None else game  # --game "" is an unknown form, not the default
        from cli.package_view import check_with, parse_with

        check_command("export", target, form)
        _refuse_tree_file("export", target)
        instruments = parse_with(with_)
        check_with(instruments, form)
        added = _added_player_form(target, set_, form)
        if added is not None:  # a model file's form with players or terms added: its normal form
            return to_nfg(added[0], outcome_form=outcome_form, comment="written by tradegame", exact_payoffs=added[1])
        if form not in ("simultaneous", "graded", "package", "package-graded"):
            from games.errors import clip
            from games.suggestions import did_you_mean

            raise InputError(
                f"option --game: export --to nfg writes normal forms: expected simultaneous, graded, package or package-graded "
                f"(trees: --to efg), got '{clip(form)}'{did_you_mean(form, ('simultaneous', 'graded', 'package', 'package-graded'))}"
            )
        if _target_kind(target) == "nfg":
            from games.formats.nfg import read_nfg_exact

            g, exact = read_nfg_exact(target)
        elif form.startswith("package"):  # instrument packages: the model file's package form
            from cli.package_view import package_scenario

            scenario = package_scenario(_load_scenario(target, set_, form), instruments)
            g = normal_form_view.model_game(scenario, form, levels)
            exact = normal_form_view.scenario_exact_payoffs(scenario, form, levels)
        else:
            scenario = _load_scenario(target, set_)
            g = normal_form_view.build(scenario, form, levels)
            exact = normal_form_view.scenario_exact_payoffs(scenario, form, levels)
        return to_nfg(g, outcome_form=outcome_form, comment="written by tradegame", exact_payoffs=exact)

    def written() -> str:
        text = work()
        if output is not None:
            write_atomic(output, text, force)
            return ""
        return text

    text = guarded(written)
    if text:
        from cli.safe_text import visible

        typer.echo(visible(text.rstrip("\n")))


def _added_player_form(target: str | None, sets: list[str] | None, form: str):
    """(game, exact payoffs) of a model file's own form that adds players or terms
    ([forms.NAME] with players, define or payoffs): the bigger model's simultaneous game, as
    `solve --game NAME` plays it. None for any other target or form."""
    if target is None or _target_kind(target) in ("nfg", "efg") or form in (
            "simultaneous", "graded", "package", "package-graded"):
        return None
    from dataclasses import replace

    from cli import normal_form_view
    from cli.normal_form_view import model_title
    from games.model.evaluate import build_game

    scenario = _load_scenario(target, sets)
    model = scenario.model
    own = None if model is None else model.forms.get(form)
    if own is None or own.model is None:
        return None
    bigger = replace(scenario, model=own.model)
    game = build_game(own.model, scenario.parameters, title=f"{model_title(scenario)} {own.title}")
    return game, normal_form_view.scenario_exact_payoffs(bigger, "simultaneous", 5)


def _export_tree(target: str | None, sets: list[str] | None, game: str | None, levels: int, outcome_form: bool,
                 with_: list[str] | None) -> str:
    """`export --to efg`: the tree of a scenario's tree form, of a model file, or of an .efg file, as Gambit .efg text."""
    from games.errors import InputError
    from games.formats.efg import to_efg

    from cli.option_rules import check_command
    from cli.trees import tree_of

    if outcome_form:
        raise InputError("option --outcome-form: applies to --to nfg (the .nfg outcome form), not to --to efg")
    if with_:
        raise InputError("option --with: applies to the package forms of --to nfg, not to --to efg (a tree)")
    check_command("export", target, "us-first" if game is None else game)
    return to_efg(tree_of(target, sets or [], game, ("trees", "are exported")), comment="written by tradegame")


@app.command("scenarios")
def scenarios_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List the built-in scenarios, one line each.

    Examples:

      tradegame scenarios
    """
    from games.model.scenarios import builtin, builtin_names

    def work() -> Output:
        _check_format(fmt, ("text", "markdown", "json"))
        items = [builtin(n) for n in builtin_names()]
        width = max(len(s.name) for s in items)
        if fmt == "markdown":
            text = "\n".join(f"- **{s.name}**: {s.summary}" for s in items)
        else:
            from cli import layout

            pad = width + 2
            lines = []
            for s in items:
                parts = layout.wrap_cell(s.summary, max(20, layout.width() - pad))
                lines += [f"{(s.name if k == 0 else '').ljust(pad)}{part}" for k, part in enumerate(parts)]
            text = "\n".join(lines)
        data = {"scenarios": [{"name": s.name, "title": s.title, "summary": s.summary, "date": s.date or None} for s in items]}
        return Output(text, data)

    _emit(guarded(work), fmt)


@app.command("models", short_help="List the built-in models: the trade model and teaching models.")
def models_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List the built-in models: the trade model and the teaching models written as model files.

    Examples:

      tradegame models

      tradegame show brinkmanship

      tradegame solve brinkmanship --set war=3
    """

    def work() -> Output:
        from cli.model_view import models_output

        _check_format(fmt, ("text", "markdown", "json"))
        return models_output(fmt)

    _emit(guarded(work), fmt)


@app.command("parameters", short_help="List a model's parameters: meaning, unit, default, range.")
def parameters_command(
    target: Optional[str] = typer.Argument(
        None, help="A built-in model name or a model .toml file. Default: the trade model.", show_default=False
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List the model's parameters: meaning, unit, default, valid range and rationale.

    Examples:

      tradegame parameters --format markdown

      tradegame parameters brinkmanship
    """

    def work() -> Output:
        from games.model.catalog import default_model

        _check_format(fmt, ("text", "markdown", "json"))
        model = default_model()
        if target is not None:
            from games.model.scenarios import load

            model = load(target).model or model
        # the game's parameters first, then those only the package form uses (tariffs, purchases)
        table = sorted(model.parameters.values(), key=lambda p: p.name in model.package_only)
        package = model.package_only
        data = {"parameters": [{**p.__dict__, "package_only": p.name in package} for p in table]}
        if fmt == "markdown":
            rows = ["| parameter | side | default | range | unit | meaning | rationale | source | derivation |",
                    "|---|---|---|---|---|---|---|---|---|"]
            rows += [
                f"| `{p.name}` | {p.side}{' (package form)' if p.name in package else ''} | {p.default:g} "
                f"| {p.low:g}–{p.high:g} | {p.unit} | {p.meaning} | {p.rationale} | {p.source} | {p.derivation} |"
                for p in table
            ]
            return Output("\n".join(rows), data)
        blocks = [
            f"{p.name} ({p.side}; {'package form only, --game package; ' if p.name in package else ''}default {p.default:g}; "
            f"range {p.low:g}–{p.high:g} {p.unit})\n"
            f"    {p.meaning}\n" + (f"    Why: {p.rationale}\n" if p.rationale else "") + f"    From: {p.provenance.line()}"
            for p in table
        ]
        return Output("\n".join(blocks), data)

    _emit(guarded(work), fmt)


@app.command("forms")
def forms_command() -> None:
    """List the game forms that --game accepts.

    Examples:

      tradegame forms
    """
    from cli.forms import FORM_DESCRIPTIONS

    from cli import layout

    limit = layout.width()
    for name in all_forms():
        parts = layout.wrap_cell(FORM_DESCRIPTIONS.get(name, ""), limit - 14)
        if len(name) > 12:  # a long name gets its own line, the description below it
            typer.echo(name)
            parts = [""] + parts
        for k, part in enumerate(parts):
            if k == 0 and not part:
                continue
            typer.echo(f"{name.ljust(14) if k == 0 else ' ' * 14}{part}".rstrip())


def write_atomic(path: Path, text: str, force: bool) -> None:
    """Write text to path safely: regular files only, created exclusively unless force (cli.outfiles)."""
    from cli.outfiles import write_output

    write_output(path, text, force)


#: extra commands living in their own modules, each with register(app)
COMMAND_MODULES = ("cli.compare_cmd", "cli.sweep_cmd", "cli.plot_cmd", "cli.report_cmd", "cli.record_cmd", "cli.serve_cmd",
                   "cli.worksheet_cmd")


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
keep_examples(app)


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
        code = app(standalone_mode=False, prog_name="tradegame")
    except cexc.UsageError as exc:
        if not exc.format_message() or type(exc).__name__ == "NoArgsIsHelpError":
            # bare `tradegame`: the help, as `--help` prints it (Click < 8.2 printed it itself)
            if exc.format_message() and exc.ctx is not None:
                typer.echo(exc.ctx.get_help(), err=True)
            sys.exit(2)
        name = exc.ctx.command_path if exc.ctx is not None else "tradegame"
        _say_error(f"{exc.format_message()} (see '{name} --help')")
        sys.exit(2)
    except getattr(cexc, "Exit", typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except getattr(cexc, "Abort", typer.Abort):
        typer.echo("tradegame: aborted", err=True)
        sys.exit(1)
    except cexc.ClickException as exc:
        _say_error(exc.format_message())
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("tradegame: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, never a traceback (TRADEGAME_DEBUG=1 shows it)
        if os.environ.get("TRADEGAME_DEBUG"):
            raise
        _say_error(f"{type(exc).__name__}: {exc} (please report it)", "tradegame: internal error: ")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # python -m cli.app, as the console script runs main
    main()
