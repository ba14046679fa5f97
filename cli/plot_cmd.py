"""`tradegame plot KIND [TARGET] -o FILE.png|svg`: pictures of a scenario's game.

Kinds: ``matrix`` (payoff matrix with best responses and equilibrium cells),
``best-response`` (2×2 best-response correspondences and mixed equilibria), ``dynamics``
(replicator or fictitious-play paths), ``regime-map`` (a sweep's regimes over one or two
parameters, via games.sweeps.sweep) and ``tree`` (a trade tree or .efg file with its equilibrium).
The drawing lives in `cli.plots` (and `cli.sweep_plot` for regime maps).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

#: kinds drawn from a normal-form game and its equilibria
GAME_KINDS = ("matrix", "best-response", "dynamics")
#: every kind, in the order the help lists them
KINDS = GAME_KINDS + ("regime-map", "tree")
#: the regime map's axes when --vary is not given: the first two not fixed by --set
DEFAULT_VARY = ("re_dependence=0:12:61", "hawk_cost=0:6:61", "leverage=0:8:61", "self_reliance=0:8:61")


#: normal forms a picture is drawn from
NORMAL_FORMS = ("simultaneous", "graded", "package", "package-graded")


def load_game(target: str | None, sets: list[str] | None, game: str, levels: int, instruments: tuple[str, ...] = ()):
    """(normal-form game, scenario or None) for a scenario name/.toml or a .nfg file (the
    package forms: the model file's, with the optional ``instruments`` of --with)."""
    from games.errors import InputError, clip
    from games.suggestions import did_you_mean

    from cli import normal_form_view
    from cli.app import _load_scenario, _target_kind

    kind = _target_kind(target)
    if kind == "nfg":
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        from games.formats.nfg import read_nfg

        return read_nfg(target), None
    if kind == "efg":
        raise InputError(f"tradegame plot: {target}: only 'tree' pictures are drawn from .efg files")
    if game not in NORMAL_FORMS:
        raise InputError(
            f"option --game: this picture is drawn from a normal form: expected simultaneous, graded, package or "
            f"package-graded, got '{clip(game)}'{did_you_mean(game, NORMAL_FORMS)}"
        )
    if game.startswith("package"):
        from cli.package_view import package_scenario

        scenario = package_scenario(_load_scenario(target, sets, game), instruments)
        return normal_form_view.model_game(scenario, game, levels), scenario
    scenario = _load_scenario(target, sets)
    return normal_form_view.build(scenario, game, levels), scenario


def game_figure(kind: str, game, equilibria, rule: str = "replicator", steps: int = 200, resolution: int = 800):
    """The matplotlib figure of one normal-form picture kind (``resolution``: see plots.dynamics_figure)."""
    from cli import plots

    if kind == "matrix":
        return plots.matrix_figure(game, equilibria)
    if kind == "best-response":
        return plots.best_response_figure(game, equilibria)
    if kind == "dynamics":
        return plots.dynamics_figure(game, equilibria, rule, steps, resolution)
    raise ValueError(kind)


def make_figure(
    kind: str,
    target: str | None,
    sets: list[str] | None = None,
    game: str | None = None,
    levels: int = 5,
    rule: str = "replicator",
    steps: int = 200,
    vary: list[str] | None = None,
    instruments: tuple[str, ...] = (),
):
    """(matplotlib figure, one-line caption) for a kind and target (``instruments``: the
    optional instruments --with puts in the package form)."""
    from games.errors import InputError

    if kind not in KINDS:
        from games.errors import clip
        from games.suggestions import did_you_mean

        raise InputError(
            f"tradegame plot: unknown picture kind '{clip(kind)}'{did_you_mean(kind, KINDS)}; "
            f"expected one of {', '.join(KINDS)}"
        )
    if vary and kind != "regime-map":
        raise InputError("option --vary: only the regime-map picture varies parameters")
    if kind == "tree":
        return tree_picture(target, sets or [], game)
    game = "simultaneous" if game is None else game  # --game "" is an unknown form, not the default
    if kind == "regime-map":
        return regime_map_figure(target, sets or [], game, levels, vary or [])
    from games.solvers.solver import solve

    if instruments and kind not in GAME_KINDS:
        raise InputError(f"option --with: applies to the {', '.join(GAME_KINDS)} pictures of --game package")
    g, _ = load_game(target, sets, game, levels, instruments)
    return game_figure(kind, g, solve(g).equilibria, rule, steps), f"{kind} of {g.title}"


def make_picture(kind: str, target: str | None, fmt: str = "png", **options) -> tuple[bytes, str]:
    """(image bytes, one-line caption) for a kind and target; used by plot and report.

    ``options`` are `make_figure`'s (sets, game, levels, rule, steps, vary).
    """
    from cli import plots

    fig, caption = make_figure(kind, target, **options)
    return plots.render_bytes(fig, fmt), caption


def regime_map_figure(target: str | None, sets: list[str], game: str, levels: int, vary: list[str]):
    """The sweep's regime map (games.sweeps.sweep, drawn by cli.sweep_plot) over one or two parameters."""
    from games.sweeps import sweep as sw
    from games.errors import InputError
    from games.model.scenarios import parse_assignments

    from cli import plots, sweep_plot
    from cli.app import _load_scenario, _target_kind

    plots.require()
    if _target_kind(target) != "scenario":
        raise InputError(f"tradegame plot regime-map: {target} is a game file; regime maps vary scenario parameters")
    scenario = _load_scenario(target, sets, game)
    fixed = set(parse_assignments(sets, model=scenario.model, package=game.startswith("package")))
    defaults = DEFAULT_VARY if scenario.model is None else model_default_vary(scenario.model)
    axes = list(vary) or [a for a in defaults if a.partition("=")[0] not in fixed][:2]
    clash = fixed & {a.partition("=")[0].strip() for a in axes}
    if clash:
        raise InputError(f"option --set: '{sorted(clash)[0]}' is also varied; drop one of --set and --vary")
    from cli.sweep_cmd import added_player_form

    swept, form = added_player_form(scenario, game)
    spec = sw.make_spec(swept.parameters, form, levels, axes, model=swept.model)
    result = sw.run(spec)
    fig = sweep_plot.figure(result)
    fig.axes[0].set_title(f"Regimes of {scenario.name} ({spec.form} game, {spec.n_points:,} points)", fontsize=10)
    return fig, f"regime map of {scenario.name} over {', '.join(spec.names)}"


def model_default_vary(model) -> list[str]:
    """A model's default regime-map axes: its first two parameters that enter a payoff, 41 values each."""
    names = [q for q in model.parameters.values() if q.side != "none"][:2]
    return [f"{q.name}={q.low:g}:{q.high:g}:41" for q in names]


def tree_picture(target: str | None, sets: list[str], game: str | None):
    """A trade tree of a scenario (--game us-first|china-first|snapback) or a Gambit .efg file."""
    from games.errors import InputError
    from games.forms.tree import has_perfect_recall, is_perfect_information, pure_behaviour, reach_probabilities

    from cli import plots

    from cli.trees import tree_of

    tree = tree_of(target, sets, game, ("tree pictures", "are drawn"))
    if not has_perfect_recall(tree):
        raise InputError(
            f"{target or tree.title}: a player forgets its own earlier moves (imperfect recall); tree pictures show "
            "equilibria of trees with perfect recall only"
        )
    if is_perfect_information(tree):
        from games.solvers.backward_induction import subgame_perfect_equilibria

        spes = subgame_perfect_equilibria(tree)
        behaviour = pure_behaviour(tree, spes[0].plan) if spes else {}
        note = "Subgame-perfect equilibrium by backward induction" + (
            f" (the first of {len(spes)})" if len(spes) > 1 else "") + "."
    else:
        from games.forms.reduced_form import nash_equilibria

        _, solution, behaviours = nash_equilibria(tree, "auto")
        behaviour = behaviours[0] if behaviours else {}
        note = "Nash equilibrium of the reduced normal form" + (
            f" (the first of {len(behaviours)})" if len(behaviours) > 1 else "") + "."
    reach = reach_probabilities(tree, behaviour) if behaviour else {}
    return plots.tree_figure(tree, behaviour, reach, note), f"tree of {tree.title}"


def register(app: typer.Typer) -> None:
    """Add the `plot` command to the tradegame app."""

    @app.command(short_help="Draw a game: matrix, best responses, dynamics, regimes, tree.")
    def plot(
        kind: str = typer.Argument(..., help="matrix, best-response, dynamics, regime-map or tree."),
        target: Optional[str] = typer.Argument(
            None, help="Built-in scenario name, a scenario .toml, or a .nfg file (for tree: an .efg file). Default: baseline.",
            show_default=False,
        ),
        output: Path = typer.Option(..., "--output", "-o", help="Picture file to write: .png or .svg."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Change a parameter for this picture (repeatable)."
        ),
        game: Optional[str] = typer.Option(
            None, "--game", metavar="FORM",
            help="simultaneous (default), graded, package or package-graded; for tree: us-first (default), china-first or snapback (a model file: sequential, the default, or its own tree forms).",
            show_default=False,
        ),
        vary: Optional[List[str]] = typer.Option(
            None, "--vary", metavar="NAME=START:STOP:COUNT",
            help="regime-map: a parameter grid (once or twice). Default: re_dependence and hawk_cost.",
        ),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game."),
        rule: str = typer.Option("replicator", "--rule", help="dynamics: replicator or fictitious-play."),
        steps: int = typer.Option(200, "--steps", help="dynamics: rounds of fictitious play (replicator: run time steps / 2, at most 10000; "
            "longer for paths still on their way to a corner)."),
        force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="Put an optional instrument in the package form (repeatable or comma-separated), e.g. --with purchases.",
        ),
    ) -> None:
        """Draw a picture of a game: payoff matrix, best responses, dynamics, regime map, tree.

        Examples:

          tradegame plot matrix escalation-2025 -o pd.png

          tradegame plot best-response stockholm-2025 -o deal.svg

          tradegame plot dynamics stockholm-2025 --rule fictitious-play -o fp.png

          tradegame plot tree stockholm-2025 --game snapback -o snapback.png

          tradegame plot regime-map stockholm-2025 --vary self_reliance=0:8:81 --vary leverage=0:8:81 -o map.png

          tradegame plot matrix record-2025-10-30-busan --game package --with purchases -o busan.png
        """
        from cli.app import guarded

        def work() -> str:
            from cli import plots
            from cli.option_rules import check_command
            from cli.package_view import check_with, parse_with

            instruments = parse_with(with_)
            if kind in KINDS:
                default = "us-first" if kind == "tree" else "simultaneous"
                check_command("plot", target, default if game is None else game, kind)
                check_with(instruments, "simultaneous" if game is None else game)
            fmt = plots.check_output(output, force)
            data, caption = make_picture(kind, target, fmt, sets=set_, game=game, levels=levels,
                                         rule=rule, steps=steps, vary=vary, instruments=instruments)
            plots.write_atomic(output, data, force)
            return f"wrote {output} ({caption})"

        from cli import layout
        from cli.safe_text import visible

        typer.echo(layout.fit(visible(guarded(work))))
