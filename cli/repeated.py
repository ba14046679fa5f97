"""The repeated trade game on the command line: --game repeated [--set discount=0.9] [--rounds N].

The stage game is the 2×2 simultaneous trade game of the scenario. JSON keeps the common
contract — ``game`` and ``equilibria`` (the stage equilibria, then each cooperative outcome
sustained at today's δ, its ``profile`` being the per-round play on the path and its
``payoffs`` the per-round, equivalently average discounted, payoffs) — and adds
``discount``, ``critical_discount`` (one entry per outcome and strategy), ``minmax``,
``folk_theorem`` and, with --rounds, ``finite_horizon``.
"""

from __future__ import annotations

from typing import Any

from cli.request import Output, Request


def run(request: Request) -> Output:
    """Analyse the scenario's trade game repeated with the scenario's discount factor."""
    from games.forms import repeated as rp
    from games.errors import InputError
    from games.trade import scenario_title, simultaneous_game

    rounds = _check_options(request)
    if request.fmt == "dot":
        raise InputError("option --format: expected text, markdown or json for --game repeated, got 'dot'")
    scenario = request.scenario
    delta = float(scenario.parameters["discount"])
    if scenario.model is not None:  # a model file's one-shot game
        from cli.normal_form_view import model_game

        stage = model_game(scenario, "simultaneous", 2)
        stage = type(stage)(f"{stage.title} (repeated)", stage.players, stage.strategies, stage.payoffs)
    else:
        stage = simultaneous_game(scenario.parameters, title=f"{scenario_title(scenario.name)} (repeated)")
    try:
        analysis = rp.analyse(stage, delta)
    except InputError as exc:
        raise InputError(f"option --set discount: {exc}") from None
    fh = rp.finite_horizon(analysis.game, rounds, delta) if rounds is not None else None
    data = build_data(analysis, fh, request.full)
    from cli import render

    data["scenario"] = render.scenario_data(scenario)
    data["form"] = "repeated"
    intro = [f"{scenario.title}. {scenario.summary}"]
    if scenario.overrides:
        intro.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    return Output(render_text(analysis, fh, request.fmt, request.full, intro), data)


def _check_options(request: Request) -> int | None:
    from games.errors import InputError

    rounds = None
    for name, value in request.options.items():
        if value is None:
            continue
        if name == "rounds":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(f"option --rounds: expected a positive whole number of rounds, got {value!r}")
            rounds = value
        else:
            raise InputError(f"option --{name}: not used by --game repeated")
    if request.exact:
        raise InputError("option --exact: not available for --game repeated")
    return rounds


# ------------------------------------------------------------------ data
def build_data(analysis, fh, full: bool) -> dict[str, Any]:
    """The JSON-ready result: contract keys plus the repeated game's own."""
    from games.forms import repeated as rp
    from games.explanations import repeated_explain as rx
    from games.errors import SolverError

    from cli import render

    game, delta = analysis.game, analysis.delta
    equilibria: list[dict[str, Any]] = []
    for e in analysis.stage_equilibria:
        equilibria.append({
            "kind": "stage equilibrium",
            "profile": [list(p) for p in e.profile],
            "payoffs": list(e.payoffs),
            "outcome": render.outcome_label(game, e),
            "max_regret": e.max_regret,
            "explanation": "An equilibrium of the one-shot game: played every round, it is an "
            "equilibrium of the repeated game for every δ.",
        })
    critical: list[dict[str, Any]] = []
    for o in analysis.outcomes:
        label = rx.profile_label(game, o.profile)
        for s in o.strategies:
            critical.append({
                "outcome": label,
                "profile": _one_hot(game, o.profile),
                "strategy": s.strategy,
                "critical": s.critical,
                "per_player": {game.players[i]: v for i, v in enumerate(s.per_player)},
                "binding": None if s.binding is None else game.players[s.binding],
                "condition": s.condition,
                "sustained": s.sustained,
                "margin": s.margin,
                "subgame_perfect": [[r.low, r.high] for r in s.subgame_perfect],
                "explanation": rx.threshold_sentence(game, o, s, delta),
            })
        if o.is_stage_equilibrium:
            continue  # already listed as a stage equilibrium
        sustaining = [s for s in o.strategies if s.sustained and any(r.contains(delta) for r in s.subgame_perfect)]
        if not sustaining:
            continue
        best = min(sustaining, key=lambda s: s.critical)
        if best.strategy == rp.GRIM and not rp.grim_trigger_holds(game, o.profile, o.punishment, delta):
            raise SolverError(f"game '{game.title}': grim trigger failed the direct check at δ = {delta}")
        sentences = [rx.threshold_sentence(game, o, best, delta), rx.binding_sentence(game, o, best)]
        explanation: Any = " ".join(x for x in sentences if x)
        if full:
            explanation = {
                "summary": explanation,
                "strategies": [rx.threshold_sentence(game, o, s, delta) for s in o.strategies],
                "tit_for_tat": " ".join(rx.tft_note(s) for s in o.strategies if s.strategy == rp.TFT),
            }
        equilibria.append({
            "kind": "repeated-game equilibrium",
            "strategy": best.strategy,
            "profile": _one_hot(game, o.profile),
            "payoffs": list(o.payoffs),
            "outcome": rx.profile_label(game, o.profile),
            "punishment": rx.mixed_label(game, o.punishment.profile),
            "critical_discount": best.critical,
            "margin": best.margin,
            "explanation": explanation,
        })
    data: dict[str, Any] = {
        "game": render.game_data(game),
        "discount": delta,
        "equilibria": equilibria,
        "critical_discount": critical,
        "minmax": {
            game.players[m.player]: {
                "pure": m.pure,
                "pure_punisher": game.strategies[1 - m.player][m.pure_punisher],
                "mixed": m.mixed,
                "mixed_punisher": list(m.mixed_punisher),
            }
            for m in analysis.minmax
        },
        "folk_theorem": {
            "feasible": [list(v) for v in analysis.folk.feasible],
            "individually_rational": [list(v) for v in analysis.folk.individually_rational],
            "minmax": list(analysis.folk.minmax),
            "explanation": rx.folk_sentence(game, analysis.folk),
        },
        "punishment_rounds": analysis.punishment_rounds,
    }
    if fh is not None:
        data["finite_horizon"] = {
            "rounds": fh.rounds,
            "unique_stage_equilibrium": fh.unique_stage_equilibrium,
            "path": None if fh.path is None else [[list(p) for p in e.profile] for e in fh.path],
            "cooperative_rounds": fh.cooperative_rounds,
            "explanation": rx.finite_sentence(game, fh),
        }
    return data


def _one_hot(game, profile) -> list[list[float]]:
    return [[1.0 if k == s else 0.0 for k in range(n)] for n, s in zip(game.shape, profile)]


# ------------------------------------------------------------------ text
def render_text(analysis, fh, fmt: str, full: bool, intro: list[str]) -> str:
    from games.explanations import repeated_explain as rx

    from cli import render

    game, delta = analysis.game, analysis.delta
    md = fmt == "markdown"
    h = (lambda s: f"## {s}") if md else (lambda s: f"{s}\n" + "-" * len(s))
    lines = [f"# {game.title}" if md else game.title, ""]
    lines += intro + [""]
    lines += [f"Stage game, repeated with discount factor δ = {rx.num(delta, 3)} per round.", ""]
    lines += [render.matrix_block(game, analysis.stage_equilibria, fmt), ""]
    lines += [h("Stage equilibria"), ""]
    for e in analysis.stage_equilibria:
        lines.append(f"- {rx.mixed_label(game, e.profile)}: payoffs " + ", ".join(render.num(v) for v in e.payoffs))
    lines.append("")
    lines += [h("Cooperation sustained by the shadow of the future"), ""]
    if not analysis.outcomes:
        lines += ["No outcome is better for both than a stage equilibrium: there is nothing for the future to sustain.", ""]
    for o in analysis.outcomes:
        label = rx.profile_label(game, o.profile)
        lines.append(f"{'### ' if md else ''}{label}: payoffs {render.num(o.payoffs[0])}, {render.num(o.payoffs[1])}")
        lines.append("")
        for s in o.strategies:
            lines.append(f"- {rx.threshold_sentence(game, o, s, delta)}")
            if s.strategy == "tit-for-tat" and full and not o.is_stage_equilibrium:
                note = rx.tft_note(s)
                if note:
                    lines.append(f"  {note}")
            if o.is_stage_equilibrium:
                break
        if not o.is_stage_equilibrium:
            grim = o.strategies[0]
            b = rx.binding_sentence(game, o, grim)
            if b:
                lines += ["", b]
        lines.append("")
    if full:
        lines += [h("Minmax and the folk theorem"), ""]
        lines += [rx.minmax_sentence(game, analysis.minmax), "", rx.folk_sentence(game, analysis.folk), ""]
    if fh is not None:
        lines += [h(f"A term of {fh.rounds} rounds"), "", rx.finite_sentence(game, fh), ""]
    return "\n".join(lines).rstrip() + "\n"
