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


def package_scenario(scenario: Scenario) -> Scenario:
    """The scenario with the model whose package form is played: a model file's own, or for a
    trade-model scenario the trade model file with the scenario's values (its tariff values
    included)."""
    if scenario.model is not None:
        return scenario
    from games.trade import model_file

    model = model_file()
    params = model.validated({**dict(scenario.parameters), **dict(scenario.model_values)})
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
    scenario = package_scenario(request.scenario)
    game = normal_form_view.model_game(scenario, form, request.levels)
    output = normal_form_view.solve_and_render(
        game, scenario, request.fmt, request.full, request.method, request.exact, form=form, levels=request.levels,
    )
    output.data["form"] = form
    return output
