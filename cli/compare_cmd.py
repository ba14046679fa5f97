"""`tradegame compare A B`: what changed between two scenarios and which changes decided it."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `compare` command to the tradegame app."""

    @app.command("compare")
    def compare_command(
        a: str = typer.Argument(..., help="The 'before' scenario: a built-in name or a .toml file."),
        b: str = typer.Argument(..., help="The 'after' scenario: a built-in name or a .toml file."),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="simultaneous or graded."),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game (2–101)."),
        fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, markdown or json."),
    ) -> None:
        """Compare two scenarios: which parameter changes moved the outcome, and which were decisive.

        Examples:

          tradegame compare escalation-2025 stockholm-2025

          tradegame compare baseline controls-2023 --format markdown

          tradegame compare escalation-2025 stockholm-2025 --game graded --levels 5 --format json
        """
        from cli.app import _emit, guarded

        _emit(guarded(lambda: run(a, b, game, levels, fmt)), fmt)


def run(a: str, b: str, game: str, levels: int, fmt: str):
    """Load, compare and render; bad input raises InputError (exit 2)."""
    from cli.request import Output
    from games.errors import InputError

    if fmt not in ("text", "markdown", "json"):
        raise InputError(f"option --format: expected one of text, markdown, json, got '{fmt}'")
    if game not in ("simultaneous", "graded"):
        from games.errors import clip
        from games.suggestions import did_you_mean

        raise InputError(
            f"option --game: compare supports simultaneous or graded, "
            f"got '{clip(game)}'{did_you_mean(game, ('simultaneous', 'graded'))}"
        )
    from cli.option_rules import check_command

    check_command("compare", a, game)
    from games import trade
    from games.explanations.comparison import compare
    from games.model.scenarios import load

    trade.levels(levels)  # validates --levels
    comparison = compare(load(a), load(b), form=game, levels=levels)
    data = comparison.to_dict()
    if fmt == "json":
        return Output("", data)
    from cli.explain_view import render_comparison

    return Output(render_comparison(comparison, fmt), data)
