"""--game sequential (any model, any order) and the forms of a model file's game.

``--game sequential --order China,US`` lets the players move one after another in the
given order, each seeing the earlier moves; terminal payoffs are those of the
simultaneous game. For the trade model the two orders are the trees ``us-first`` and
``china-first``; for a model file the order defaults to the model's ``order`` key, or to
the order its players are declared in.

A model file's scenario reaches this module for every form other than simultaneous and
graded: ``sequential``, ``repeated``, ``bargaining`` and ``bayesian`` work on any model
that fits them, and so do the forms a model file declares itself (``[forms.NAME]``: a
tree, or the model with players added); another model's forms are refused in one line.
"""

from __future__ import annotations

from dataclasses import replace

from cli.request import Output, Request
from games.errors import InputError, clip



def parse_order(text: str | None, players: tuple[str, ...], default: tuple[str, ...] | None) -> tuple[str, ...]:
    """The --order option as a tuple of player names (every player exactly once)."""
    if text is None:
        return tuple(default or players)
    order = tuple(p.strip() for p in str(text).split(","))
    lower = {p.lower(): p for p in players}
    out = []
    for name in order:
        if name not in players and name.lower() not in lower:
            raise InputError(f"option --order: unknown player '{clip(name)}'; expected the players {', '.join(players)} separated by commas")
        out.append(name if name in players else lower[name.lower()])
    if sorted(out) != sorted(players):
        raise InputError(f"option --order: expected every player exactly once ({', '.join(players)}), got '{clip(text)}'")
    return tuple(out)


def run(request: Request) -> Output:
    """Solve the request's scenario in a form other than simultaneous or graded."""
    scenario = request.scenario
    if request.game == "sequential":
        return _sequential(request)
    if scenario.model is None:
        raise InputError(f"option --game: '{clip(request.game)}' is not handled here")
    if request.game == "repeated":
        from cli import repeated

        if len(scenario.model.players) != 2:
            raise InputError(f"option --game: repeated needs a two-player model; '{scenario.model.name}' has {len(scenario.model.players)} players")
        return repeated.run(request)
    if request.game == "bargaining":
        return _bargaining(request)
    if request.game == "bayesian":  # the model's [types.PLAYER]
        from cli import bayes_ally

        return bayes_ally.run(request)
    if request.game in scenario.model.forms:
        return _own_form(request)
    from cli.forms import FORM_MODULES

    if request.game in FORM_MODULES:
        from cli.app import playable_forms

        raise InputError(
            f"option --game: '{request.game}' is a form of the trade model (its [forms.{request.game}]); "
            f"model '{clip(scenario.model.name)}' can be played as {', '.join(playable_forms(scenario.model))}"
        )
    raise InputError(f"option --game: expected simultaneous, graded, sequential, repeated, bargaining or bayesian, got '{clip(request.game)}'")


def _own_form(request: Request) -> Output:
    """A form the model file declares ([forms.NAME]): a tree, or the model with players added."""
    from cli import render, trees
    from cli.normal_form_view import model_title
    from games.model import evaluate as ev

    scenario, model = request.scenario, request.scenario.model
    form = model.forms[request.game]
    intro = [f"{scenario.title}. {scenario.summary}".strip()]
    if scenario.overrides:
        intro.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    if form.story:
        intro.append(form.story)
    if form.model is not None:  # players or terms added: the bigger model's simultaneous game
        from dataclasses import replace as with_model

        from cli import normal_form_view

        if request.options and any(v is not None for v in request.options.values()):
            name = next(k for k, v in request.options.items() if v is not None)
            raise InputError(f"option --{name}: not used by --game {request.game}")
        bigger = with_model(scenario, model=form.model)
        game = ev.build_game(form.model, scenario.parameters, title=f"{model_title(scenario)} {form.title}")
        output = normal_form_view.solve_and_render(
            game, bigger, request.fmt, request.full, request.method, request.exact, form="simultaneous"
        )
        output.data["form"] = request.game
        return output
    for name, value in request.options.items():
        if value is not None:
            raise InputError(f"option --{name}: not used by --game {request.game}")
    if request.exact:
        raise InputError(f"option --exact: not available for --game {request.game}")
    tree, profiles = ev.form_tree(model, scenario.parameters, request.game, title=f"{model_title(scenario)} ({form.title})")
    context = {"drivers": ev.term_drivers(model, scenario.parameters, profiles), "focus": dict(form.focus)}
    if len(model.players) == 2:
        from games.explanations.tree_explain import first_mover_value

        context["first_mover"] = first_mover_value(scenario.parameters, request.game, model)
    output = trees.solve_tree(tree, request.fmt, request.full, request.method, context, intro)
    output.data["scenario"] = render.scenario_data(scenario)
    output.data["form"] = request.game
    return output


def _sequential(request: Request) -> Output:
    from cli import render, trees

    scenario = request.scenario
    options = dict(request.options)
    order_text = options.pop("order", None)
    if scenario.model is None:  # the trade model: the two orders are its named trees
        order = parse_order(order_text, ("US", "China"), None)
        game = "us-first" if order[0] == "US" else "china-first"
        return trees.run(replace(request, game=game, options=options))
    model = scenario.model
    for name, value in options.items():
        if value is not None:
            raise InputError(f"option --{name}: not used by --game sequential")
    if request.exact:
        raise InputError("option --exact: not available for --game sequential")
    order = parse_order(order_text, model.player_names, model.order)
    from cli.normal_form_view import model_title
    from games.model.evaluate import sequential_game, term_drivers

    title = f"{model_title(scenario)} ({', then '.join(order)})"
    tree, profiles = sequential_game(model, scenario.parameters, order, title=title)
    context = {"drivers": term_drivers(model, scenario.parameters, profiles)}
    intro = [f"{scenario.title}. {scenario.summary}".strip()]
    if scenario.overrides:
        intro.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    output = trees.solve_tree(tree, request.fmt, request.full, request.method, context, intro)
    output.data["scenario"] = render.scenario_data(scenario)
    output.data["form"] = "sequential"
    output.data["order"] = list(order)
    return output


def _frontier_data(f, names, levels) -> dict:
    """The frontier as the trade form gives it: up to 200 points [U_1, U_2, (level_1, level_2)]."""
    import numpy as np

    k = np.unique(np.linspace(0, len(f.u) - 1, min(len(f.u), 200)).round().astype(int))
    cols = [f"U_{names[0]}", f"U_{names[1]}"] + (list(levels) if levels else [])
    pts = [[float(f.u[i]), float(f.v[i])] + ([float(f.x[i]), float(f.y[i])] if levels else []) for i in k]
    return {"n_points": int(len(f.u)), "points": pts, "columns": cols}


def _bargaining(request: Request) -> Output:
    """Bargaining over a two-player model's levels: every solution concept, one table."""
    from cli import render
    from games.forms.bargaining import surplus_share
    from games.model.bargain import analyse_model, payoffs_at
    from games.explanations.wording import who

    scenario, model = request.scenario, request.scenario.model
    names = model.player_names
    from cli.bargaining import bargaining_options

    proposers = {n.lower(): k for k, n in reversed(list(enumerate(names)))}  # the first of names equal but for case
    first, rounds = bargaining_options(request, proposers, f"one of {', '.join(names)}")
    if request.fmt == "dot":
        raise InputError("option --format: expected text, markdown or json for --game bargaining, got 'dot'")
    from games.model.bargain import lottery, over_levels
    from cli.normal_form_view import model_game

    a = analyse_model(model, scenario.parameters, first, rounds)
    by_levels = over_levels(model)
    levels = [p.level for p in model.players]
    game = None if by_levels else model_game(scenario, "simultaneous", 2)
    d = a.disagreement
    equilibria = []
    head = [levels[0], levels[1]] if by_levels else ["agreement (a lottery of outcomes)"]
    rows = [["solution", *head, names[0], names[1], f"{names[1]}'s share"]]
    for s in a.solutions:
        share = surplus_share((s.u, s.v), d, 1)
        ok = share == share
        if by_levels:
            U, V = payoffs_at(model, model.validated(dict(scenario.parameters)), s.x, s.y)
            terms = f"{levels[0]} = {render.num(s.x, 3)}, {levels[1]} = {render.num(s.y, 3)}"
            cells = [render.num(s.x, 3), render.num(s.y, 3)]
            profile = [[s.x], [s.y]]
            extra = {}
        else:
            U, V = s.u, s.v
            mix = lottery(game, s.u)
            terms = " with ".join(f"{lab} {w:.0%}" if len(mix) > 1 else lab for lab, w in mix)
            cells = [terms]
            profile = [[w for _, w in mix]]
            extra = {"lottery": [{"outcome": lab, "probability": w} for lab, w in mix]}
        text = (
            f"{s.name}: {terms}; "
            + (f"{who(names[1])} gets {share:.0%} of the surplus over disagreement" if ok else "no surplus to split")
            + (f" (the outside option of {s.binding} binds)" if s.binding else "")
            + "."
        )
        equilibria.append({
            "name": s.name, "profile": profile, "payoffs": [float(U), float(V)],
            "utilities": [float(s.u), float(s.v)], **extra,
            "surplus_share": {names[0]: 1 - share if ok else None, names[1]: share if ok else None},
            "outside_option_binds": s.binding or None, "explanation": text,
        })
        rows.append([s.name, *cells, render.num(float(U), 3), render.num(float(V), 3), f"{share:.0%}" if ok else "—"])
    what = f"{levels[0]} and {levels[1]}" if by_levels else "lotteries of outcomes"
    title = f"{scenario.title} (bargaining over {what})"
    md = request.fmt == "markdown"
    lines = [f"# {title}" if md else title, "", f"{scenario.title}. {scenario.summary}".strip(), ""]
    if scenario.overrides:
        lines += ["What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides), ""]
    lines.append(
        f"Disagreement point (the one-shot game's equilibrium worst for the sum of payoffs): "
        f"{names[0]} {render.num(d[0])}, {names[1]} {render.num(d[1])}. Patience per offer round: "
        f"{names[0]} {render.num(a.deltas[0])}, {names[1]} {render.num(a.deltas[1])}; {names[a.first]} proposes first."
    )
    lines.append("")
    if a.no_deal == "walk away":
        lines.append("No deal: no terms give each side at least its outside option.")
    else:
        if a.no_deal == "no surplus":
            lines += ["No terms are better for both than the disagreement point: there is nothing to split.", ""]
        lines.append(render.markdown_table(rows) if md else render.text_table(rows))
        lines.append("")
        lines += [e["explanation"] for e in equilibria]
    data = {
        "game": {"title": title, "players": list(names),
                 "strategies": [[levels[0]], [levels[1]]] if by_levels else [list(s) for s in game.strategies]},
        "profile_meaning": (f"profile = [[{levels[0]}], [{levels[1]}]]: the agreed levels" if by_levels
                            else "profile = [probabilities of the outcomes in 'lottery']: the agreed lottery"),
        "equilibria": equilibria,
        "disagreement": {"payoffs": list(d)},
        "discounts": dict(zip(names, a.deltas)),
        "outside_options": dict(zip(names, a.outside)),
        "no_deal": a.no_deal or None,
        "proposer": names[a.first],
        "rounds": a.rounds,
        "frontier": _frontier_data(a.frontier, names, levels if by_levels else None),
        "scenario": render.scenario_data(scenario),
        "form": "bargaining",
        "solutions": {e["name"]: e for e in equilibria},
    }
    if a.finite_path is not None:
        from games.explanations.bargaining_explain import last_proposer

        data["finite_horizon"] = {
            "rounds": a.rounds,
            "agreement_by_round": [[float(u), float(v)] for u, v in a.finite_path],
            "last_proposer": names[last_proposer(a.first, a.rounds)],
        }
    return Output("\n".join(lines).rstrip() + "\n", data)
