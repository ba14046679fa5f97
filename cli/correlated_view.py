"""`--method correlated`: correlated and coarse correlated equilibria, rendered with the
Nash equilibria they are compared with."""

from __future__ import annotations

from typing import Any

from cli import render
from cli.request import Output
from games.forms.normal_form import NormalFormGame
from games.model.scenarios import Scenario

#: Vertices of the polytope printed in text (JSON keeps them all).
TEXT_VERTICES = 12


def _heading(title: str, fmt: str, level: int = 1) -> str:
    return f"{'#' * level} {title}" if fmt == "markdown" else title


def distribution_data(game: NormalFormGame, eq) -> dict[str, Any]:
    """A correlated equilibrium for JSON: the profiles drawn, payoffs and the check."""
    return {
        "objective": eq.objective,
        "coarse": eq.coarse,
        "distribution": [
            {"profile": [game.strategies[i][s] for i, s in enumerate(cell)], "indices": list(cell), "probability": p}
            for cell, p in eq.support()
        ],
        "payoffs": list(eq.payoffs),
        "welfare": eq.welfare,
        "max_violation": list(eq.max_violation),
    }


def _line(game: NormalFormGame, eq) -> str:
    from games.explanations.correlated_explain import lottery_words

    pays = ", ".join(f"{p} {render.num(v)}" for p, v in zip(game.players, eq.payoffs))
    return f"{lottery_words(game, eq)} — payoffs: {pays} (total {render.num(eq.welfare)})"


def render_correlated(game: NormalFormGame, scenario: Scenario | None, fmt: str, full: bool) -> Output:
    """Solve for correlated equilibria, compare with Nash, explain, and render."""
    from games.solvers.correlated import correlated_equilibria
    from games.explanations.correlated_explain import explain_correlated
    from games.solvers.solver import solve

    from games.errors import InputError

    sol = correlated_equilibria(game)
    try:
        nash = solve(game, "auto")
    except InputError:  # too large to list every Nash equilibrium: compare with some
        nash = solve(game, "lemke-howson" if game.n_players == 2 else "pure")
    expl = explain_correlated(sol, nash, trade=scenario is not None)
    tol = max(sol.tolerance, default=0.0)
    data: dict[str, Any] = {
        "game": render.game_data(game),
        "method": "correlated",
        "complete": nash.complete,
        "tolerance": nash.tolerance,
        "note": f"Nash equilibria by {nash.method}, for comparison" + (f" ({nash.note})" if nash.note else ""),
        "equilibria": [render.equilibrium_data(game, eq, "") for eq in nash.equilibria],
        "correlated": {
            "welfare_maximizing": distribution_data(game, sol.welfare),
            "best_for": {p: distribution_data(game, e) for p, e in zip(game.players, sol.best_for)},
            "coarse": {
                "welfare_maximizing": distribution_data(game, sol.coarse_welfare),
                "best_for": {p: distribution_data(game, e) for p, e in zip(game.players, sol.coarse_best_for)},
            },
            "obedience_constraints": sol.n_constraints,
            "coarse_constraints": sol.n_coarse_constraints,
            "vertices": None if sol.vertices is None else [list(v) for v in sol.vertices],
            "tolerance": list(sol.tolerance),
            "explanation": expl.to_dict(),
        },
        "payoff_matrices": list(game.payoffs),
    }
    if scenario is not None:
        data["scenario"] = render.scenario_data(scenario)
    bullet = "-" if fmt == "markdown" else " "
    out = [_heading(game.title, fmt)]
    if scenario is not None:
        out.append(f"{scenario.title}. {scenario.summary}")
    out += ["", render.matrix_block(game, nash.equilibria, fmt), ""]
    n = 1
    for k in game.shape:
        n *= k
    out.append(_heading(
        f"Correlated equilibria (linear programs over {n} pure profiles, {sol.n_constraints} obedience "
        f"constraints; each verified: no one gains more than {tol:.0e} by disobeying)", fmt, 2))
    out.append(f"{bullet} Welfare-maximizing: {_line(game, sol.welfare)}")
    for p, e in zip(game.players, sol.best_for):
        out.append(f"{bullet} Best for {p}: {_line(game, e)}")
    out.append(f"{bullet} Coarse correlated, welfare-maximizing: {_line(game, sol.coarse_welfare)}")
    if full:
        for p, e in zip(game.players, sol.coarse_best_for):
            out.append(f"{bullet} Coarse correlated, best for {p}: {_line(game, e)}")
    if sol.vertices is not None:
        out.append(f"The set of correlated equilibria is a polytope with {len(sol.vertices)} vertices"
                   + (" (see --format json):" if len(sol.vertices) > TEXT_VERTICES else ":"))
        from games.solvers.correlated import CorrelatedEquilibrium

        for v in sol.vertices[:TEXT_VERTICES]:
            shown = CorrelatedEquilibrium(tuple(v), game.shape, (0.0,) * game.n_players, False, "", ())
            from games.explanations.correlated_explain import lottery_words

            out.append(f"{bullet}   {lottery_words(game, shown)}")
    else:
        out.append("The polytope has too many candidate vertices to list; the optima above are its extreme points.")
    out += ["", _heading("What a mediator would do", fmt, 2), expl.mediator]
    out += [f"{bullet} {r.sentence}" for r in expl.recommendations]
    out.append(expl.comparison)
    if full:
        out.append(expl.coarse)
    if expl.deal:
        out.append(expl.deal)
    nash_scope = "all" if nash.complete else nash.note
    out += ["", _heading(f"Nash equilibria for comparison ({len(nash.equilibria)}; {nash_scope}; method {nash.method})", fmt, 2)]
    for k, eq in enumerate(nash.equilibria, 1):
        head = render.outcome_label(game, eq) if eq.is_pure else render.describe_profile(game, eq)
        pays = ", ".join(f"{p} {render.num(v)}" for p, v in zip(game.players, eq.payoffs))
        out.append(f"{'-' if fmt == 'markdown' else f'{k}.'} {'pure' if eq.is_pure else 'mixed'} {head} — payoffs: {pays}")
    return Output("\n".join(out), data)
