"""The trade game with a third player: an ally that makes chip-making tools (the Netherlands, Japan).

The form is data: ``[forms.with-ally]`` in examples/models/trade.toml adds the player
``Ally`` (Align or Sell, level s), the defined quantity ``leak`` — the share ``tool_leak``
of the chip access the US denies that China regains through the ally's tools — and the
payoff terms it brings: a security cost to the US, a gain to China, and the ally's own
tool sales, alignment value and exposure to Chinese retaliation. When the ally aligns, US
and China get exactly the two-player payoffs. This module builds the 2×2×2 game from that
file and says whether the ally's choice is pivotal.

Why it matters: US controls work through chokepoints (Farrell & Newman's "weaponized
interdependence", 2019), and the chokepoint in chip-making tools is shared with allies.
`pivotal` says whether the ally's choice changes what the US and China do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from games.forms.normal_form import NormalFormGame

#: The trade model's form with the ally (``--game with-ally``).
FORM = "with-ally"


def ally_model():
    """The trade model with the ally added: a three-player model, read from the model file."""
    from games.model.evaluate import extra_form
    from games.trade import model_file

    return extra_form(model_file(), FORM).model


def __getattr__(name: str):
    """``PLAYERS`` (US, China, Ally) and ``ALLY_MOVES`` (Align, Sell), as the file names them."""
    if name == "PLAYERS":
        return ally_model().player_names
    if name == "ALLY_MOVES":
        return ally_model().players[2].strategies
    raise AttributeError(f"module 'games.trade.ally' has no attribute {name!r}")


def payoff_terms(x, y, s, p: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Each player's payoff split into named terms at openness x, supply y, ally selling s."""
    from games.model.evaluate import evaluate_point

    model = ally_model()
    levels = {pl.level: v for pl, v in zip(model.players, (x, y, s))}
    _, terms = evaluate_point(model, p, levels)
    return dict(zip(model.player_names, terms))


def payoffs(x, y, s, p: Mapping[str, float]) -> tuple[float, float, float]:
    terms = payoff_terms(x, y, s, p)
    return tuple(float(sum(t.values())) for t in terms.values())  # type: ignore[return-value]


def ally_game(params: Mapping[str, float] | None = None, title: str | None = None) -> NormalFormGame:
    """The 2×2×2 game: US Restrict/Relax × China Restrict/Supply × Ally Align/Sell."""
    from games.model.evaluate import build_game, extra_form
    from games.trade import model_file

    base = model_file()
    model = ally_model()
    title = title or f"{base.title} {extra_form(base, FORM).title}"
    return build_game(model, model.validated(dict(params or {})), title=title)


def solve_ally_game(game: NormalFormGame):
    """Every equilibrium (pure and mixed) of the 2×2×2 game, verified; see games.solvers.three_player."""
    from games.solvers.three_player import solve_2x2x2

    return solve_2x2x2(game)


@dataclass(frozen=True)
class Pivotality:
    """How the ally's choice changes the US–China game.

    ``pure_if_align`` / ``pure_if_sell``: pure equilibria of the US–China game with the ally's
    move fixed, as (US move, China move) labels; ``us_gain_from_restricting``: for each ally
    move and China move, the US's payoff of Restrict minus Relax; ``pivotal``: the two sets
    of pure equilibria differ.
    """

    pure_if_align: tuple[tuple[str, str], ...]
    pure_if_sell: tuple[tuple[str, str], ...]
    us_gain_from_restricting: dict[str, dict[str, float]]
    pivotal: bool


def sub_game(game: NormalFormGame, ally_move: int) -> NormalFormGame:
    """The US–China bimatrix game with the ally's move fixed."""
    return NormalFormGame(
        f"{game.title}, ally plays {game.strategies[2][ally_move]}",
        game.players[:2],
        game.strategies[:2],
        (game.payoffs[0][:, :, ally_move], game.payoffs[1][:, :, ally_move]),
    )


def pivotality(game: NormalFormGame) -> Pivotality:
    from games.solvers.best_response import pure_equilibria

    def labels(sub):
        return tuple((sub.strategies[0][i], sub.strategies[1][j]) for i, j in pure_equilibria(sub))

    align, sell = labels(sub_game(game, 0)), labels(sub_game(game, 1))
    U = game.payoffs[0]
    gain = {
        game.strategies[2][k]: {game.strategies[1][j]: float(U[0, j, k] - U[1, j, k]) for j in range(2)}
        for k in range(2)
    }
    return Pivotality(align, sell, gain, set(align) != set(sell))
