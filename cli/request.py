"""What the CLI hands to a game-form handler, and what it gets back.

Game forms beyond the normal form (trees, Bayesian, repeated, bargaining, ...) live in
their own `cli` modules, listed in `cli.forms.FORM_MODULES`. Each defines
``run(request: Request) -> Output``; the app prints ``Output.text`` for text, markdown or
dot formats and ``Output.data`` as JSON for ``--format json``. Handlers never print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from games.model.scenarios import Scenario


@dataclass(frozen=True)
class Request:
    """A resolved command: the scenario (with --set applied) and the user's options."""

    target: str  # what the user typed (scenario name or path)
    scenario: Scenario
    game: str  # the --game form, e.g. "us-first"
    fmt: str  # "text", "markdown", "json" or "dot"
    full: bool = False  # True for `explain` (full explanation), False for `solve`
    levels: int = 5
    method: str = "auto"
    exact: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    #: optional instruments put in the package form (--with)
    instruments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Output:
    """Rendered text and the JSON-ready data of one command's result.

    ``data`` must hold at least ``game`` (title, players, strategies) and ``equilibria``
    (each with ``profile``, ``payoffs`` and ``explanation``), per the JSON contract.
    """

    text: str
    data: dict[str, Any]
