"""--game sequential (any model, any order) and the forms of a model file's game.

``--game sequential --order China,US`` lets the players move one after another in the
given order, each seeing the earlier moves; terminal payoffs are those of the
simultaneous game. For the trade model the two orders are the trees ``us-first`` and
``china-first``; for a model file the order defaults to the model's ``order`` key, or to
the order its players are declared in.

A model file's scenario reaches this module for every form other than simultaneous and
graded: ``sequential`` and ``repeated`` work on any model (``bargaining`` and the
trade-specific forms are refused with one line saying so).
"""

from __future__ import annotations

from dataclasses import replace

from cli.request import Output, Request
from games.errors import InputError, clip

#: Forms built from the trade model's own structure (its tree shapes, types, the ally).
TRADE_ONLY = ("us-first", "china-first", "snapback", "bayesian", "with-ally", "bargaining")


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
    if request.game in TRADE_ONLY:
        raise InputError(
            f"option --game: '{request.game}' is a form of the trade model; a model file can be played as "
            "simultaneous, graded, sequential or repeated"
        )
    raise InputError(f"option --game: expected simultaneous, graded, sequential or repeated, got '{clip(request.game)}'")


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
