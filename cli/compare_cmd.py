"""`tradegame compare A B`: what changed between two scenarios and which changes decided it."""

from __future__ import annotations

from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `compare` command to the tradegame app."""

    @app.command("compare", short_help="Compare two scenarios: which changes moved the outcome.")
    def compare_command(
        a: str = typer.Argument(..., help="The 'before' scenario: a built-in name or a .toml file."),
        b: str = typer.Argument(..., help="The 'after' scenario: a built-in name or a .toml file."),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="simultaneous, graded, package or package-graded."),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game (2–101)."),
        fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, markdown or json."),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="Put an optional instrument in the package form (repeatable or comma-separated), e.g. --with purchases.",
        ),
    ) -> None:
        """Compare two scenarios: which parameter changes moved the outcome, and which were decisive.

        Examples:

          tradegame compare escalation-2025 stockholm-2025

          tradegame compare baseline controls-2023 --format markdown

          tradegame compare escalation-2025 stockholm-2025 --game graded --levels 5 --format json

          tradegame compare record-2025-10-09-rare-earth-rules record-2025-10-30-busan --game package --with purchases
        """
        from cli.app import _emit, guarded
        from cli.package_view import parse_with

        _emit(guarded(lambda: run(a, b, game, levels, fmt, parse_with(with_))), fmt)


FORMS = ("simultaneous", "graded", "package", "package-graded")


def run(a: str, b: str, game: str, levels: int, fmt: str, instruments: tuple[str, ...] = ()):
    """Load, compare and render; bad input raises InputError (exit 2)."""
    from cli.request import Output
    from games.errors import InputError

    if fmt not in ("text", "markdown", "json"):
        raise InputError(f"option --format: expected one of text, markdown, json, got '{fmt}'")
    if game not in FORMS:
        from games.errors import clip
        from games.suggestions import did_you_mean

        raise InputError(
            f"option --game: compare supports simultaneous, graded, package or package-graded, "
            f"got '{clip(game)}'{did_you_mean(game, FORMS)}"
        )
    from cli.option_rules import check_command
    from cli.package_view import check_with

    check_command("compare", a, game)
    check_with(instruments, game)
    from games import trade
    from games.explanations.comparison import compare
    from games.model.scenarios import load

    trade.levels(levels)  # validates --levels
    first, second = load(a), load(b)
    if game.startswith("package"):  # both in the model file's package form (the trade model's, with its tariffs)
        from cli.package_view import package_scenario

        first, second = package_scenario(first, instruments), package_scenario(second, instruments)
    comparison = compare(first, second, form=game, levels=levels)
    data = comparison.to_dict()
    if fmt == "json":
        return Output("", data)
    from cli.explain_view import render_comparison

    return Output(render_comparison(comparison, fmt), data)
