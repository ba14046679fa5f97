"""--game package: the game in which each player's strategy is a package of instrument
settings (for the trade model: chip controls and the US tariff against rare-earth
licensing and China's tariff), solved and explained like the normal form, plus each
equilibrium's deviations split by instrument."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from cli.request import Output, Request
from games.errors import InputError
from games.model.scenarios import Scenario


PACKAGE_FORMS = ("package", "package-graded")


def parse_with(items: list[str] | None) -> tuple[str, ...]:
    """The optional instruments --with names (repeatable, or comma-separated), each once.

    A --with that names nothing (``--with ""``, a script's empty variable) is refused, not
    read as no instrument: the option would otherwise be silently dropped."""
    out: list[str] = []
    for item in items or []:
        names = [name.strip() for name in item.split(",") if name.strip()]
        if not names:
            from games.errors import clip

            raise InputError(f"option --with: expected an instrument name, e.g. --with purchases, got '{clip(item)}'")
        out += [name for name in names if name not in out]
    return tuple(out)


def check_with(with_: tuple[str, ...], game: str) -> None:
    """--with applies to the package forms only."""
    if with_ and game not in PACKAGE_FORMS:
        from games.errors import clip

        raise InputError(
            f"option --with: adds optional instruments to the package form; use it with --game package or "
            f"package-graded (got --game {clip(game)})"
        )


def package_scenario(scenario: Scenario, with_: tuple[str, ...] = ()) -> Scenario:
    """The scenario with the model whose package form is played: a model file's own, or for a
    trade-model scenario the trade model file with the scenario's values (its tariff values
    included); ``with_``: the optional instruments put in play (``--with``)."""
    if scenario.model is not None:
        model = scenario.model.with_instruments(with_)
        given = dict(scenario.parameters)
    else:
        from games.trade import model_file

        model = model_file().with_instruments(with_)
        given = {**dict(scenario.parameters), **dict(scenario.model_values)}
    idle = model.idle_parameters()
    for name, _ in scenario.overrides:
        if name in idle:
            needs = ", ".join(sorted(model.optional_uses[name]))
            raise InputError(f"option --set: parameter '{name}' enters the package form only with --with {needs}")
    # values of optional instruments not in play enter no payoff: left out (unless the file sets them)
    params = {k: v for k, v in model.validated(given).items() if k not in idle or k in scenario.set_names}
    return replace(scenario, model=model, parameters=MappingProxyType(params))


def run(request: Request) -> Output:
    """Solve (or explain) the package form of the request's scenario."""
    from cli import normal_form_view

    form = request.game  # package, or package-graded (levels on a grid)
    if request.fmt == "dot":
        raise InputError(f"option --format: expected text, markdown or json for --game {form}, got 'dot'")
    for name, value in request.options.items():
        if value is not None:
            raise InputError(f"option --{name}: not used by --game {form}")
    scenario = package_scenario(request.scenario, request.instruments)
    game = normal_form_view.model_game(scenario, form, request.levels)
    output = normal_form_view.solve_and_render(
        game, scenario, request.fmt, request.full, request.method, request.exact, form=form, levels=request.levels,
    )
    output.data["form"] = form
    return output
