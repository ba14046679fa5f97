"""The normal-form path of `solve`, `explain` and `show`: build, solve, explain, render."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from cli import render
from cli.request import Output
from games.errors import InputError, clip
from games.forms.normal_form import NormalFormGame
from games.model.scenarios import Scenario


def build(scenario: Scenario, form: str, levels: int) -> NormalFormGame:
    """The scenario's simultaneous 2×2 game or its graded game."""
    from games import trade

    if scenario.model is not None:
        return model_game(scenario, form, levels)
    title = trade.scenario_title(scenario.name)
    if form == "simultaneous":
        return trade.simultaneous_game(scenario.parameters, title=title)
    if form == "graded":
        return trade.graded_game(scenario.parameters, levels, title=f"{title} (graded, {levels} levels)")
    raise InputError(f"option --game: expected simultaneous or graded, got '{form}'")


def model_title(scenario: Scenario) -> str:
    """'Brinkmanship', or 'Brinkmanship — my-scenario' for a scenario of the model."""
    model = scenario.model
    return model.title if scenario.name == model.name else f"{model.title} — {scenario.name}"


def model_game(scenario: Scenario, form: str, levels: int) -> NormalFormGame:
    """A model file's simultaneous or graded game at the scenario's parameters."""
    from games.model.evaluate import build_game

    title = model_title(scenario)
    if form == "graded":
        title += f" (graded, {levels} levels)"
    elif form == "package":
        title += " (package)"
    elif form == "package-graded":
        title += f" (package, {levels} levels)"
    return build_game(scenario.model, scenario.parameters, form, levels, title=title)


def short_reason(game: NormalFormGame, eq) -> str:
    """One sentence on why the equilibrium holds (margins for pure, indifference for mixed)."""
    import numpy as np

    from games.solvers.best_response import deviation_gains

    if eq.is_pure:
        profile = tuple(int(np.argmax(p)) for p in eq.profile)
        parts = []
        for i, (alt, gain) in enumerate(deviation_gains(game, profile)):
            if alt == profile[i]:
                continue
            loss = -gain
            what = "would lose" if loss > 0 else "would gain nothing"
            amount = f" {render.num(loss)}" if loss > 0 else ""
            parts.append(
                f"{game.players[i]} {what}{amount} by switching to {game.strategies[i][alt]}"
            )
        return "No one gains by deviating: " + "; ".join(parts) + "."
    parts = []
    for i, p in enumerate(eq.profile):
        mixed = [game.strategies[i][k] for k, v in enumerate(p) if v > 1e-12]
        if len(mixed) > 1:
            parts.append(f"{game.players[i]} is indifferent among {', '.join(mixed)}")
    return (
        "Each side mixes at exactly the rates that keep the other indifferent: "
        + "; ".join(parts) + "."
    )


def _explanations(solution, params, form, levels, full: bool, model=None):
    """(per-equilibrium short texts, full explanation object or None)."""
    import importlib

    try:
        explain_mod = importlib.import_module("games.explanations.explanation")
    except ModuleNotFoundError as exc:
        if exc.name != "games.explanations.explanation":
            raise
        explain_mod = None
    if explain_mod is None:
        return [short_reason(solution.game, eq) for eq in solution.equilibria], None
    # thresholds re-solve the game many times: only `explain` (full) needs them
    if model is not None:
        expl = explain_mod.explain(solution, params=params if full else None, form=form, levels=levels, model=model)
    else:
        expl = explain_mod.explain(solution, params=params if full else None, form=form, levels=levels)
    return list(expl.equilibrium_summaries), expl


#: Seconds a search runs before its progress is shown.
PROGRESS_AFTER = 1.0


@contextmanager
def search_progress() -> Iterator[Callable[[int], None] | None]:
    """A callback showing vertex enumeration's progress (bases visited) on stderr once a
    search has run PROGRESS_AFTER seconds; nothing when stderr is not a terminal."""
    import sys
    import time

    if not sys.stderr.isatty():
        yield None
        return
    start = time.perf_counter()
    shown: list = []

    def update(bases: int) -> None:
        if not shown and time.perf_counter() - start >= PROGRESS_AFTER:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            bar = Progress(SpinnerColumn(), TextColumn("vertex enumeration: {task.completed:,} bases visited"),
                           TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            bar.start()
            shown.append((bar, bar.add_task("search", total=None)))
        if shown:
            bar, task = shown[0]
            bar.update(task, completed=bases)

    try:
        yield update
    finally:
        if shown:
            shown[0][0].stop()


def solve_and_render(
    game: NormalFormGame,
    scenario: Scenario | None,
    fmt: str,
    full: bool,
    method: str = "auto",
    exact: bool = False,
    form: str | None = None,
    levels: int = 5,
    exact_payoffs=None,
    gist: bool = False,
) -> Output:
    from games.solvers.solver import solve

    if method == "correlated":
        if exact:
            raise InputError("option --exact: correlated equilibria are computed in floating point; drop --exact")
        from cli.correlated_view import render_correlated

        return render_correlated(game, scenario, fmt, full)
    exact_eqs = None
    if exact:
        solution, exact_eqs = _exact_solution(game, scenario, form, exact_payoffs, levels)
    else:
        with search_progress() as progress:
            solution = solve(game, method, progress=progress)
    params = dict(scenario.parameters) if scenario else None
    summaries, expl = _explanations(solution, params, form, levels, full, scenario.model if scenario else None)
    data: dict[str, Any] = {
        "game": render.game_data(game),
        "method": solution.method,
        "complete": solution.complete,
        "tolerance": solution.tolerance,
        "note": solution.note,
        "equilibria": [
            render.equilibrium_data(game, eq, summaries[k]) for k, eq in enumerate(solution.equilibria)
        ],
        "payoff_matrices": list(game.payoffs),
    }
    comps = _components(solution)
    if comps is not None:
        data["components"] = [
            {"extreme_equilibria": list(c.extreme_equilibria), "continuum": c.is_continuum,
             "dimension": c.dimension, "summary": c.summary()}
            for c in comps
        ]
    if solution.qre is not None:
        data["qre"] = qre_data(solution.qre)
    if scenario is not None:
        data["scenario"] = render.scenario_data(scenario)
    if full and expl is not None:
        data["explanation"] = expl.to_dict()
    if exact_eqs is not None:
        for entry, eq in zip(data["equilibria"], exact_eqs):
            entry["profile_exact"] = [[str(v) for v in p] for p in eq.profile]
            entry["payoffs_exact"] = [str(v) for v in eq.payoffs]
    # with the full explanation below, each equilibrium's reason is given there, once
    text = _text(game, scenario, solution, summaries, fmt, exact_eqs, reasons=not (full and expl is not None))
    for c in comps or ():
        if c.is_continuum:
            members = ", ".join(str(k + 1) for k in c.extreme_equilibria)
            text += f"\nEquilibria {members} are the extreme points of {c.summary()}."
    if solution.qre is not None:
        text += "\n\n" + qre_text(game, solution.qre, fmt)
    if gist and expl is not None:  # explain --brief: the game's type and which equilibrium to expect
        said = list(expl.overview[:1]) + (list(expl.selection.sentences[:1]) if expl.selection else [])
        if said:  # right under the title, so a one-screen cut keeps it
            head, _, rest = text.partition("\n\n")
            text = f"{head}\n\nIn brief: {' '.join(said)}\n\n{rest}" if rest else f"{head}\n\nIn brief: {' '.join(said)}"
    if full and expl is not None:
        from cli import explain_view

        text += "\n\n" + explain_view.render_explanation(expl, fmt)
    if full and scenario is not None and scenario.model is not None and form in ("simultaneous", "graded", "package", "package-graded"):
        from cli import model_view

        block, terms = model_view.term_lines(scenario.model, scenario.parameters, solution, form, levels, fmt)
        if block:
            text += "\n\n" + block
            data["payoff_terms"] = terms
        if scenario.model.instruments:
            block, parts = model_view.instrument_lines(scenario.model, scenario.parameters, solution, form, levels, fmt)
            if block:
                text += "\n\n" + block
                data["instruments"] = parts
    refined = _refinements(solution) if full else None
    if refined:
        data["refinements"] = [
            {"perfect": r.perfect, "proper": r.proper, "reason": r.reason, "method": r.method,
             "numerical": r.method == "tremble search"}
            for r in refined
        ]
        lines = [_heading("Trembles: perfect and proper equilibria", fmt, 2)]
        for k, (eq, r) in enumerate(zip(solution.equilibria, refined), 1):
            label = render.outcome_label(solution.game, eq)
            lines.append(f"{'-' if fmt == 'markdown' else f'{k}.'} {label}: {r.reason}")
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    return Output(text, data)


#: Largest strategy count for which `explain` checks perfection (one small LP per player).
MAX_REFINED = 12
#: Three or more players: most pure profiles, and equilibria, for the numerical tremble search.
MAX_REFINED_PROFILES = 256
MAX_REFINED_EQUILIBRIA = 30
#: Search steps (block updates) allowed per command for all of a game's equilibria.
REFINE_STEPS = 2_000


def _refinements(solution):
    """Perfect/proper verdicts for the equilibria (None when not applicable or too large)."""
    from math import prod

    game = solution.game
    if game.n_players < 2 or not solution.equilibria or max(game.shape) > MAX_REFINED:
        return None
    if game.n_players > 2 and (prod(game.shape) > MAX_REFINED_PROFILES
                               or len(solution.equilibria) > MAX_REFINED_EQUILIBRIA):
        return None
    from games.solvers.refinements import Refinement, refine
    from games.solvers.trembling_hand import BudgetExhausted, WorkBudget

    budget = WorkBudget(REFINE_STEPS)
    out = []
    for eq in solution.equilibria:
        try:
            out.append(refine(game, eq, budget))
        except BudgetExhausted:
            out.append(Refinement(None, None, (None,) * game.n_players,
                                  f"Not determined: the tremble search's budget of {REFINE_STEPS:,} steps for this "
                                  "command ran out.", "tremble search"))
    return out


#: Points of the logit path shown: JSON keeps more than the text.
QRE_JSON_POINTS = 60
QRE_TEXT_POINTS = 8


def _spread(points, k: int) -> list:
    """At most k points, evenly spaced along the path, first and last included."""
    if len(points) <= k:
        return list(points)
    idx = sorted({round(i * (len(points) - 1) / (k - 1)) for i in range(k)})
    return [points[i] for i in idx]


def qre_data(path) -> dict[str, Any]:
    """The logit path for JSON: precision λ and both mixtures at points along the branch."""
    return {
        "model": "logit quantal response equilibrium, principal branch from λ = 0",
        "converged": path.converged,
        "selected": [list(p) for p in path.nash] if path.nash is not None else None,
        "path": [{"lambda": pt.lam, "profile": [list(p) for p in pt.profile]} for pt in _spread(path.points, QRE_JSON_POINTS)],
    }


def qre_text(game: NormalFormGame, path, fmt: str) -> str:
    """A few points of the logit path: how play sharpens from uniform noise as λ grows."""
    head = _heading("Boundedly rational play: the logit quantal response path", fmt, 2)
    lines = [
        head,
        "Each side plays each move with probability proportional to exp(λ × its expected payoff): "
        "λ = 0 is pure noise, larger λ is sharper play.",
    ]
    bullet = "-" if fmt == "markdown" else " "
    shown = _spread(path.points, QRE_TEXT_POINTS) if max(game.shape) <= 6 else []
    if not shown:
        lines.append(f"({len(path.points)} points traced; see --format json for the path)")
    for pt in shown:
        mixes = "; ".join(
            f"{name}: " + ", ".join(f"{s} {render.num(v, 3)}" for s, v in zip(strats, probs))
            for name, strats, probs in zip(game.players, game.strategies, pt.profile)
        )
        lines.append(f"{bullet} λ = {render.num(pt.lam, 3)}: {mixes}")
    if path.nash is None:
        lines.append("The path ends inside a continuum of equilibria; the equilibrium above is the point it approaches.")
    return "\n".join(lines)


def _components(solution):
    """Components of the equilibrium set, when the list is complete for a two-player game."""
    if not solution.complete or solution.game.n_players != 2 or not solution.equilibria:
        return None
    from games.solvers.equilibrium_components import components

    return components(solution)


def _heading(title: str, fmt: str, level: int = 1) -> str:
    return f"{'#' * level} {title}" if fmt == "markdown" else title


def _text(game, scenario, solution, summaries, fmt: str, exact_eqs=None, reasons: bool = True) -> str:
    out = [_heading(game.title, fmt)]
    if scenario is not None:
        out.append(f"{scenario.title}. {scenario.summary}")
        if scenario.overrides:
            out.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    out.append("")
    out.append(render.matrix_block(game, solution.equilibria, fmt))
    out.append("")
    n = len(solution.equilibria)
    scope = "all extreme equilibria" if solution.complete else solution.note
    if solution.method == "polynomial-support-enumeration":
        scope = solution.note if solution.complete else f"may be incomplete: {solution.note}"
    check = (
        "each verified exactly in rational arithmetic: no deviation gains anything"
        if exact_eqs is not None
        else f"each verified: no deviation gains more than {solution.tolerance:.0e}"
    )
    out.append(_heading(f"Equilibria: {n} ({scope}; method {solution.method}; {check})", fmt, 2))
    scale = render.payoff_scale(game)
    for k, eq in enumerate(solution.equilibria, 1):
        kind = "pure" if eq.is_pure else "mixed"
        pays = ", ".join(f"{p} {render.num(v, 4, scale)}" for p, v in zip(game.players, eq.payoffs))
        head = render.outcome_label(game, eq) if eq.is_pure else render.describe_profile(game, eq)
        bullet = "-" if fmt == "markdown" else f"{k}."
        out.append(f"{bullet} {kind} {head} — payoffs: {pays}")
        if reasons:
            out.append(f"   {summaries[k - 1]}")
        if exact_eqs is not None:
            eq_x = exact_eqs[k - 1]
            mixes = "; ".join(
                f"{name} ({', '.join(str(v) for v in p)})" for name, p in zip(game.players, eq_x.profile)
            )
            out.append(f"   exactly: {mixes}; payoffs {', '.join(str(v) for v in eq_x.payoffs)}")
    return "\n".join(out)


def scenario_exact_payoffs(scenario: Scenario, form: str, levels: int) -> list | None:
    """The scenario game's payoffs in Fractions from the parameters as written (None for
    forms without an exact builder)."""
    from games.solvers import exact

    if scenario.model is not None:
        from games.model.evaluate import exact_payoffs

        return exact_payoffs(scenario.model, scenario.parameters, form, levels)
    if form == "simultaneous":
        return exact.exact_simultaneous_game(dict(scenario.parameters))[1]
    if form == "graded":
        return exact.exact_graded_payoffs(dict(scenario.parameters), levels)
    return None


def _exact_solution(
    game: NormalFormGame, scenario: Scenario | None, form: str | None, exact_payoffs=None, levels: int = 5
):
    """(Solution with float copies, exact equilibria): every extreme equilibrium in fractions.

    The scenario's games are rebuilt in Fractions from the parameters as written; a .nfg
    file's payoffs are the file's exact numbers.
    """
    from games.solvers import exact
    from games.solvers.solver import Solution

    if game.n_players != 2:
        raise InputError(f"option --exact: needs a two-player game, '{clip(game.title, 40)}' has {game.n_players} players")
    built = scenario_exact_payoffs(scenario, form, levels) if scenario is not None and form else None
    if built is not None:
        payoffs = built
        note = "payoffs computed in fractions from the parameters as written"
    elif exact_payoffs is not None:
        payoffs = list(exact_payoffs)
        note = "payoffs read exactly from the file"
    else:
        payoffs = list(game.bimatrix())
        note = "payoffs read as the decimals they print as"
    eqs = exact.solve_exact(*payoffs)
    solution = Solution(game, tuple(e.to_equilibrium() for e in eqs), "exact", True, 0.0, note)
    return solution, eqs


def show_game(game: NormalFormGame, scenario: Scenario | None, fmt: str, package: bool = False) -> Output:
    """Story, parameters and payoff matrix (no solving beyond marking best responses; with
    ``package``, the episode's moves in the package form too, when recorded)."""
    from games.solvers.solver import solve

    solution = solve(game, "pure") if game.n_players else None
    out = [_heading(game.title, fmt)]
    data: dict[str, Any] = {"game": render.game_data(game), "payoff_matrices": list(game.payoffs)}
    if scenario is not None:
        story = "\n\n".join(" ".join(par.split()) for par in scenario.story.split("\n\n") if par.strip())
        out += ([scenario.title, ""] if scenario.title != game.title else []) + [story, ""]
        if scenario.date:
            out.append(f"Date: {scenario.date}")
        if scenario.observed is not None:
            obs = scenario.observed
            moves = ", ".join(f"{k} {v}" for k, v in zip(("US", "China"), obs.moves))
            form = f"{obs.form} game" + (f", {obs.levels} levels" if obs.form == "graded" else "")
            out.append(f"Observed ({form}): {moves}" + (f" — {obs.note}" if obs.note else ""))
            if package and obs.package is not None:
                pkg = obs.package
                moves = "; ".join(f"{p} " + ", ".join(f"{k} {v}" for k, v in m) for p, m in zip(("US", "China"), pkg.moves))
                form = pkg.form + (f", {pkg.levels} levels" if pkg.form == "package-graded" else "")
                out.append(f"Observed ({form}): {moves}" + (f" — {pkg.note}" if pkg.note else ""))
        if scenario.date or scenario.observed is not None:
            out.append("")
        if scenario.sources:
            out.append("Sources: " + "; ".join(scenario.sources))
            out.append("")
        out.append(_heading("Parameters", fmt, 2))
        out.append(render.parameters_block(scenario, fmt))
        out.append("")
        data["scenario"] = render.scenario_data(scenario) | {
            "story": scenario.story, "sources": list(scenario.sources), "date": scenario.date or None,
            "observed": scenario.observed.to_dict() if scenario.observed is not None else None,
        }
        if scenario.model is not None:
            from cli import model_view

            out += [model_view.model_text(scenario.model, fmt), ""]
            data["model"] = model_view.model_data(scenario.model)
    out.append(_heading("Payoff matrix", fmt, 2))
    out.append(render.matrix_block(game, solution.equilibria, fmt))
    return Output("\n".join(out), data)
