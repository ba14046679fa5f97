"""`tradegame plot KIND [TARGET] -o FILE.png|svg`: pictures of a scenario's game.

Kinds: ``matrix`` (payoff matrix with best responses and equilibrium cells),
``best-response`` (2×2 best-response correspondences and mixed equilibria), ``dynamics``
(replicator or fictitious-play paths), plus ``regime-map`` and ``tree`` when the sweep
and tree features are installed. The drawing lives in `cli.plots`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, List, Optional

import typer

#: kinds drawn from a normal-form game and its equilibria
GAME_KINDS = ("matrix", "best-response", "dynamics")
#: kinds that need an optional feature module: kind -> (module, function)
FEATURE_KINDS = {
    "regime-map": ("cli.plot_features", "regime_map"),
    "tree": ("cli.plot_features", "tree"),
}


def available_kinds() -> tuple[str, ...]:
    """Every kind this build can draw (feature kinds only when their module imports)."""
    extra = []
    for kind, (module, func) in FEATURE_KINDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        if getattr(mod, "available", lambda k: True)(kind) and hasattr(mod, func):
            extra.append(kind)
    return GAME_KINDS + tuple(extra)


def load_game(target: str | None, sets: list[str] | None, game: str, levels: int):
    """(normal-form game, scenario or None) for a scenario name/.toml or a .nfg file."""
    from games.errors import InputError

    from cli import normal_form_view
    from cli.app import _load_scenario, _target_kind

    kind = _target_kind(target)
    if kind == "nfg":
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        from games.nfg import read_nfg

        return read_nfg(target), None
    if kind == "efg":
        raise InputError(f"tradegame plot: {target}: only 'tree' pictures are drawn from .efg files")
    if game not in ("simultaneous", "graded"):
        raise InputError(
            f"option --game: this picture is drawn from a normal form: expected simultaneous or graded, got '{game}'"
        )
    scenario = _load_scenario(target, sets)
    return normal_form_view.build(scenario, game, levels), scenario


def game_figure(kind: str, game, equilibria, rule: str = "replicator", steps: int = 200):
    """The matplotlib figure of one normal-form picture kind."""
    from cli import plots

    if kind == "matrix":
        return plots.matrix_figure(game, equilibria)
    if kind == "best-response":
        return plots.best_response_figure(game, equilibria)
    if kind == "dynamics":
        return plots.dynamics_figure(game, equilibria, rule, steps)
    raise ValueError(kind)


def make_picture(
    kind: str,
    target: str | None,
    sets: list[str] | None = None,
    game: str = "simultaneous",
    levels: int = 5,
    rule: str = "replicator",
    steps: int = 200,
    fmt: str = "png",
) -> tuple[bytes, str]:
    """(image bytes, one-line caption) for a kind and target; used by plot and report."""
    from games.errors import InputError

    from cli import plots

    if kind in GAME_KINDS:
        from games.solve import solve

        g, _ = load_game(target, sets, game, levels)
        equilibria = solve(g).equilibria
        fig = game_figure(kind, g, equilibria, rule, steps)
        return plots.render_bytes(fig, fmt), f"{kind} of {g.title}"
    if kind in available_kinds():
        module, func = FEATURE_KINDS[kind]
        draw: Callable = getattr(importlib.import_module(module), func)
        fig, caption = draw(target=target, sets=sets or [], game=game, levels=levels)
        return plots.render_bytes(fig, fmt), caption
    raise InputError(f"tradegame plot: unknown picture kind '{kind}'; expected one of {', '.join(available_kinds())}")


def register(app: typer.Typer) -> None:
    """Add the `plot` command to the tradegame app."""

    @app.command()
    def plot(
        kind: str = typer.Argument(..., help="matrix, best-response, dynamics (regime-map, tree when installed)."),
        target: Optional[str] = typer.Argument(
            None, help="Built-in scenario name, a scenario .toml, or a .nfg file. Default: baseline.",
            show_default=False,
        ),
        output: Path = typer.Option(..., "--output", "-o", help="Picture file to write: .png or .svg."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Change a parameter for this picture (repeatable)."
        ),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="simultaneous or graded."),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game."),
        rule: str = typer.Option("replicator", "--rule", help="dynamics: replicator or fictitious-play."),
        steps: int = typer.Option(200, "--steps", help="dynamics: rounds of fictitious play (replicator: run time = steps / 2)."),
        force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    ) -> None:
        """Draw a picture of a game: payoff matrix, best responses, learning dynamics.

        Examples:

          tradegame plot matrix escalation-2025 -o pd.png

          tradegame plot best-response stockholm-2025 -o deal.svg

          tradegame plot dynamics stockholm-2025 --rule fictitious-play -o fp.png
        """
        from cli.app import guarded

        def work() -> str:
            from cli import plots

            fmt = plots.check_output(output, force)
            data, caption = make_picture(kind, target, set_, game, levels, rule, steps, fmt)
            plots.write_atomic(output, data, force)
            return f"wrote {output} ({caption})"

        typer.echo(guarded(work))
