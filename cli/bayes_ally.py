"""`--game bayesian` (China's type unknown) and `--game with-ally` (a tool-making ally joins).

``run(request)`` builds the game from the scenario's parameters, solves it, verifies every
equilibrium and renders text, Markdown or JSON (see cli.request for the contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cli.request import Output, Request

FORMATS = ("text", "markdown", "json")


def run(request: Request) -> Output:
    _check(request)
    if request.game == "bayesian":
        return run_bayesian(request)
    if request.game == "with-ally":
        return run_ally(request)
    from games.errors import InputError

    raise InputError(f"option --game: cli.bayes_ally handles bayesian and with-ally, got '{request.game}'")


def _check(request: Request) -> None:
    from games.errors import InputError

    if request.fmt not in FORMATS:
        raise InputError(
            f"option --format: --game {request.game} prints {', '.join(FORMATS)}, got '{request.fmt}' "
            "(dot is for game trees)"
        )
    for name in request.options:
        raise InputError(f"option --{name}: does not apply to --game {request.game}")
    if request.exact:
        raise InputError(f"option --exact: not available for --game {request.game}; thresholds are exact already")


def _heading(title: str, fmt: str, level: int = 1) -> str:
    return f"{'#' * level} {title}" if fmt == "markdown" else title


def _bullet(fmt: str, k: int) -> str:
    return "-" if fmt == "markdown" else f"{k}."


def _scenario_lines(scenario, fmt: str) -> list[str]:
    from cli import render

    out = [f"{scenario.title}. {scenario.summary}".strip()]
    if scenario.overrides:
        out.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    return out


def exact_text(value: Fraction) -> str | None:
    """'1/7' when the fraction is simple (denominator up to 1000), else None."""
    return f"{value.numerator}/{value.denominator}" if value.denominator <= 1000 else None


# ------------------------------------------------------------------ bayesian
def run_bayesian(request: Request) -> Output:
    from games.forms.bayesian import (
        bayes_nash_equilibria, check_solvable, harsanyi_game, sequential_outcomes, trade_bayesian_game,
    )
    from games.explanations.bayesian_explain import explain, type_best_replies
    from games.model import bayes
    from games.solvers.equilibrium import tolerance
    from games.errors import InputError

    if request.method not in ("auto", "vertex-enumeration"):
        raise InputError(
            f"option --method: --game bayesian solves its Harsanyi game by vertex enumeration "
            f"(auto), got '{request.method}'"
        )
    params = dict(request.scenario.parameters)
    model = request.scenario.model
    if model is not None:  # a model file's [types.PLAYER]
        game = bayes.bayesian_game(model, params)
        notes = [bayes.type_difference(model, params)]
    else:  # the trade model's [types.China], on its own scenarios
        from games.trade import model_file

        game = trade_bayesian_game(params)
        notes = [bayes.type_difference(model_file(), params)]
    check_solvable(game, request.method)
    harsanyi = harsanyi_game(game)
    equilibria = bayes_nash_equilibria(game)
    expl = explain(game, equilibria, notes)
    seq = sequential_outcomes(game)
    data = _bayesian_data(request, game, harsanyi, equilibria, expl, seq, type_best_replies(game))
    data["tolerance"] = tolerance(harsanyi)
    text = _bayesian_text(request, game, equilibria, expl, tolerance(harsanyi))
    return Output(text, data)


def _threshold_data(game, th, sentence: str, prior_key: str = "prior_pragmatist") -> dict[str, Any]:
    return {
        prior_key: th.prior,
        "exact": exact_text(th.exact),
        "plan": {t: game.column_moves[a] for t, a in zip(game.types, th.plan)} if th.plan else None,
        "above": game.row_moves[th.above],
        "below": game.row_moves[th.below],
        "sentence": sentence,
    }


def _bayesian_data(request, game, harsanyi, equilibria, expl, seq, replies) -> dict[str, Any]:
    from cli import render
    from games.forms.bayesian import relevant_thresholds
    from games.explanations.bayesian_explain import outcome_label

    model = request.scenario.model
    prior_key = "prior_pragmatist" if model is None else "prior"
    eqs = []
    for e, why in zip(equilibria, expl.equilibria):
        eqs.append({
            "profile": [list(p) for p in e.ex_ante],
            "payoffs": list(e.ex_ante_payoffs),
            "pure": e.is_pure,
            "outcome": outcome_label(game, e),
            game.players[0]: dict(zip(game.row_moves, e.row)),
            "types": {t: dict(zip(game.column_moves, m)) for t, m in zip(game.types, e.types)},
            "type_payoffs": dict(zip(game.types, e.type_payoffs)),
            "max_regret": e.max_regret,
            "explanation": why,
        })
    thresholds = [
        _threshold_data(game, th, s, prior_key) for th, s in zip(relevant_thresholds(game), expl.thresholds)
    ] if relevant_thresholds(game) else []
    us_first = []
    for o, sentence in zip(seq, expl.sequential):
        us_first.append({
            "replies": {t: {game.row_moves[i]: game.column_moves[o.replies[i][k]] for i in range(len(game.row_moves))}
                        for k, t in enumerate(game.types)},
            "expected_payoffs": dict(zip(game.row_moves, o.values)),
            "best": [game.row_moves[i] for i in o.best],
            "threshold": _threshold_data(game, o.threshold, sentence, prior_key) if o.threshold else None,
            "tie_break": o.tie_break or None,
            "explanation": sentence,
        })
    if model is None:
        differ = {"self_reliance": {
            "pragmatist": request.scenario.parameters["self_reliance"],
            "self-reliant": request.scenario.parameters["self_reliance_hardliner"],
        }}
    else:
        from games.model.bayes import type_parameters

        kinds = type_parameters(model, request.scenario.parameters)
        changed = sorted({n for _, o in model.types.types for n, _ in o})
        differ = {"parameters": {n: {t: q[n] for t, q in kinds} for n in changed}}
    return {
        "form": "bayesian",
        "game": render.game_data(harsanyi),
        "types": {
            "names": list(game.types),
            "prior": dict(zip(game.types, game.prior)),
            **differ,
            "best_replies": replies,
        },
        "equilibria": eqs,
        "belief_thresholds": thresholds,
        "us_first": us_first,
        "summary": expl.summary,
        "explanation": expl.to_dict() if request.full else None,
        "scenario": render.scenario_data(request.scenario),
    }


def _type_matrices(game, fmt: str) -> str:
    from cli import render

    rows = [[f"{game.players[0]} \\ {game.players[1]}"] + [f"{m} ({t})" for t in game.types for m in game.column_moves]]
    for i, r in enumerate(game.row_moves):
        row = [r]
        for t in range(len(game.types)):
            for a in range(len(game.column_moves)):
                row.append(f"{render.num(game.row_payoffs[t][i, a], 2)}, {render.num(game.column_payoffs[t][i, a], 2)}")
        rows.append(row)
    table = render.markdown_table(rows) if fmt == "markdown" else render.text_table(rows)
    return f"Payoffs ({game.players[0]}, {game.players[1]}) by {game.players[1]}'s type:\n\n" + table


def _bayesian_text(request, game, equilibria, expl, tol: float) -> str:
    from cli import render
    from games.explanations.bayesian_explain import outcome_label

    fmt = request.fmt
    out = [_heading(f"{game.title} (Bayesian game)", fmt)]
    out += _scenario_lines(request.scenario, fmt)
    prior = ", ".join(f"{t} {render.num(q)}" for t, q in zip(game.types, game.prior))
    model = request.scenario.model
    if model is None:
        out.append(f"China is one of two types; the US does not know which. Prior: {prior} (prior_pragmatist).")
    else:
        from games.explanations.bayesian_explain import name

        count = {2: "two", 3: "three"}.get(len(game.types), str(len(game.types)))
        out.append(
            f"{game.players[1]} is one of {count} types; {name(game.players[0])} does not know which. "
            f"Prior: {prior} ({model.texts.get('types.prior', '')})."
        )
    out.append(expl.notes[0])
    out.append("")
    out.append(_type_matrices(game, fmt))
    out.append("")
    out.append(_heading(
        f"Bayesian Nash equilibria: {len(equilibria)} (all extreme ones, from the Harsanyi game by vertex "
        f"enumeration; each verified against every type's deviation within {tol:.0e})", fmt, 2))
    for k, (e, why) in enumerate(zip(equilibria, expl.equilibria), 1):
        kind = "pure" if e.is_pure else "mixed"
        pays = f"{game.players[0]} {render.num(e.row_payoff)}, " + ", ".join(
            f"{t} {render.num(v)}" for t, v in zip(game.types, e.type_payoffs))
        out.append(f"{_bullet(fmt, k)} {kind} {outcome_label(game, e)} — payoffs: {pays}")
        out.append(f"   {why[game.players[0]]}.")
        if request.full:
            for t in game.types:
                line = why["types"][t]
                out.append(f"   {line[:1].upper() + line[1:]}.")
    out.append("")
    out.append(_heading("Belief thresholds", fmt, 2))
    out += [f"{'- ' if fmt == 'markdown' else ''}{s}" for s in expl.thresholds]
    out.append("")
    from games.explanations.bayesian_explain import name

    out.append(_heading(f"If {name(game.players[0])} moves first", fmt, 2))
    out += [f"{'- ' if fmt == 'markdown' else ''}{s}" for s in expl.sequential]
    return "\n".join(out)


# ------------------------------------------------------------------ with-ally
def run_ally(request: Request) -> Output:
    from cli import render
    from games.trade.ally import ally_game, pivotality, solve_ally_game
    from games.trade.ally_explain import explain, outcome_label
    from games.errors import InputError

    if request.method not in ("auto", "pure"):
        raise InputError(
            f"option --method: --game with-ally uses tradegame's exact 2×2×2 solver (auto) or "
            f"pure equilibria only (pure), got '{request.method}'"
        )
    params = dict(request.scenario.parameters)
    game = ally_game(params)
    solution = solve_ally_game(game)
    equilibria = [e for e in solution.equilibria if e.is_pure] if request.method == "pure" else list(solution.equilibria)
    expl = explain(game, equilibria, params)
    piv = pivotality(game)
    eqs = []
    for e, why in zip(equilibria, expl.equilibria):
        item = render.equilibrium_data(game, e, why)
        item["outcome"] = outcome_label(game, e)
        eqs.append(item)
    data = {
        "form": "with-ally",
        "game": render.game_data(game),
        "equilibria": eqs,
        "complete": solution.complete and request.method != "pure",
        "method": "pure" if request.method == "pure" else solution.method,
        "note": solution.note,
        "tolerance": solution.tolerance,
        "pivotal": piv.pivotal,
        "ally": {
            "pure_if_align": [list(x) for x in piv.pure_if_align],
            "pure_if_sell": [list(x) for x in piv.pure_if_sell],
            "us_gain_from_restricting": piv.us_gain_from_restricting,
            "sentence": expl.pivot,
        },
        "summary": expl.summary,
        "explanation": expl.to_dict() if request.full else None,
        "scenario": render.scenario_data(request.scenario),
    }
    return Output(_ally_text(request, game, equilibria, expl, solution), data)


def _ally_text(request, game, equilibria, expl, solution) -> str:
    from cli import render
    from games.trade.ally_explain import outcome_label

    fmt = request.fmt
    out = [_heading(game.title, fmt)]
    out += _scenario_lines(request.scenario, fmt)
    out.append(expl.who_moves)
    out.append("")
    out.append("Payoffs (US, China, Ally) of every profile; [ ] marks a pure equilibrium:")
    out.append("")
    out.append(render.matrix_block(game, equilibria, fmt))
    out.append("")
    if request.method == "pure":
        scope = "pure equilibria only"
    elif solution.complete:
        scope = "all equilibria" + (" (segments by their end points)" if solution.note else "")
    else:
        scope = solution.note
    out.append(_heading(
        f"Equilibria: {len(equilibria)} ({scope}; exact 2×2×2 support enumeration; each verified: "
        f"no deviation gains more than {solution.tolerance:.0e})", fmt, 2))
    for k, (e, why) in enumerate(zip(equilibria, expl.equilibria), 1):
        kind = "pure" if e.is_pure else "mixed"
        pays = ", ".join(f"{p} {render.num(v)}" for p, v in zip(game.players, e.payoffs))
        out.append(f"{_bullet(fmt, k)} {kind} {outcome_label(game, e)} — payoffs: {pays}")
        names = game.players if request.full else ("Ally",)
        for name in names:
            out.append(f"   {why[name]}.")
    out.append("")
    out.append(_heading("Is the ally pivotal?", fmt, 2))
    out.append(expl.pivot)
    out.append(expl.two_player)
    return "\n".join(out)


# ------------------------------------------------------------------ tables behind a form
@dataclass(frozen=True)
class FormTable:
    """A two-player table shown with a form that has no matrix of its own.

    ``cells`` are the (row, column) pairs to shade: the pure equilibria of the form."""

    caption: str
    game: Any  # a two-player NormalFormGame
    cells: frozenset


def bayesian_game_of(scenario):
    """The scenario's Bayesian game: its model file's [types.PLAYER], or the trade model's."""
    params = dict(scenario.parameters)
    model = getattr(scenario, "model", None)
    if model is not None:
        from games.model import bayes

        return bayes.bayesian_game(model, params)
    from games.forms.bayesian import trade_bayesian_game

    return trade_bayesian_game(params)


def form_tables(form: str, scenario, equilibria: list[dict]) -> list[FormTable]:
    """The tables behind the Bayesian and the with-ally forms, for both the report and the
    classroom page: the Harsanyi form (the first player against the other's plans, a move
    for each type) with its pure equilibria shaded; for each move of the ally, the US–China
    game with the pure equilibria of the three-player game (``equilibria``: the form's JSON
    equilibria, each with its ``profile``) that have the ally make that move. Other forms: none."""
    import numpy as np

    if form == "bayesian":
        from games.forms.bayesian import harsanyi_game
        from games.solvers.solver import solve

        game = harsanyi_game(bayesian_game_of(scenario))
        cells = frozenset(tuple(int(np.argmax(p)) for p in eq.profile) for eq in solve(game).equilibria if eq.is_pure)
        who = game.players
        return [FormTable(f"The Harsanyi form: {who[0]} against {who[1]}'s plan (its move as each type).", game, cells)]
    if form == "with-ally":
        from games.trade.ally import ally_game, sub_game

        g3 = ally_game(dict(scenario.parameters))
        pure = [tuple(int(np.argmax(p)) for p in eq["profile"]) for eq in equilibria
                if all(max(p) > 1 - 1e-9 for p in eq["profile"])]
        return [FormTable(f"If the ally plays {move} (shaded: equilibria of the three-player game).",
                          sub_game(g3, k), frozenset((i, j) for i, j, a in pure if a == k))
                for k, move in enumerate(g3.strategies[2])]
    return []
