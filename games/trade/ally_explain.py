"""Plain-words explanations of the game with a tool-making ally: who moves, why, and whether
the ally's alignment is pivotal (weaponized interdependence, Farrell & Newman 2019).

Returns strings and plain dicts; rendering is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from games.trade import ally
from games.trade.ally import Pivotality, payoff_terms, pivotality
from games.solvers.equilibrium import Equilibrium, strategy_values
from games.forms.normal_form import NormalFormGame
from games.explanations.wording import cap as _cap

WHO = {"US": "the US", "China": "China", "Ally": "the ally"}


def fmt(v: float, digits: int = 3) -> str:
    if abs(v) < 10 ** (-digits) / 2:
        v = 0.0
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _mix_words(labels: Sequence[str], mix: Sequence[float]) -> str:
    support = [(labels[k], p) for k, p in enumerate(mix) if p > 1e-12]
    if len(support) == 1:
        return support[0][0]
    return " / ".join(f"{lab} {100 * p:.1f}%".replace(".0%", "%") for lab, p in support)


def outcome_label(game: NormalFormGame, eq: Equilibrium) -> str:
    """'(Relax, Supply, Align)'; with mixtures each player is named:
    '(US: Restrict 58.3% / Relax 41.7%; China: Restrict; Ally: Align 16.7% / Sell 83.3%)'."""
    words = [_mix_words(game.strategies[n], eq.profile[n]) for n in range(game.n_players)]
    if eq.is_pure:
        return "(" + ", ".join(words) + ")"
    return "(" + "; ".join(f"{p}: {w}" for p, w in zip(game.players, words)) + ")"


def _term_changes(n: int, own: int, other: int, profile: Sequence[int], p: Mapping[str, float]) -> str:
    """The payoff terms that differ between the player's move and its alternative."""
    at = [float(v) for v in profile]
    dev = list(at)
    dev[n] = float(other)
    name = ally.PLAYERS[n]
    keep = payoff_terms(*at, p)[name]
    alt = payoff_terms(*dev, p)[name]
    diffs = [(t, float(keep[t]) - float(alt[t])) for t in keep]
    diffs = [(t, d) for t, d in diffs if abs(d) > 1e-12]
    diffs.sort(key=lambda td: -abs(td[1]))
    return ", ".join(f"{t} {'+' if d > 0 else '−'}{fmt(abs(d))}" for t, d in diffs)


def player_reason(game: NormalFormGame, eq: Equilibrium, n: int, params: Mapping[str, float] | None) -> str:
    """Why player n plays what it plays, given the others' (possibly mixed) play."""
    values = strategy_values(game, [np.asarray(q) for q in eq.profile], n)
    labels = game.strategies[n]
    who = WHO.get(game.players[n], game.players[n])
    mix = eq.profile[n]
    k = int(np.argmax(mix))
    if mix[k] < 1 - 1e-12:
        return (f"{_cap(who)} mixes {_mix_words(labels, mix)}: given the others' play each of its moves "
                f"gives it {fmt(values[0])}, and its mixture is what keeps the others willing to mix")
    j = 1 - k
    text = f"{_cap(who)} plays {labels[k]}: {fmt(values[k])} against {fmt(values[j])} for {labels[j]}"
    if abs(values[k] - values[j]) <= 1e-9 * max(1.0, abs(values[k])):
        text = f"{_cap(who)} plays {labels[k]} though {labels[j]} pays the same ({fmt(values[k])})"
    if params is not None and eq.is_pure:
        profile = [int(np.argmax(q)) for q in eq.profile]
        changes = _term_changes(n, k, j, profile, params)
        if changes:
            text += f" (by term, {labels[k]} over {labels[j]}: {changes})"
    return text


def equilibrium_explanation(game: NormalFormGame, eq: Equilibrium, params: Mapping[str, float] | None) -> dict[str, str]:
    out = {"outcome": outcome_label(game, eq)}
    for n, name in enumerate(game.players):
        out[name] = player_reason(game, eq, n, params)
    return out


def _pairs(pairs: Sequence[tuple[str, str]]) -> str:
    return " and ".join(f"({a}, {b})" for a, b in pairs) if pairs else "none"


def _gain(v: float, whom: str = "") -> str:
    """'earns 0.5' or 'costs 0.4' (the US's payoff of restricting minus relaxing)."""
    return f"earns {whom}{fmt(v)} " if v >= 0 else f"costs {whom}{fmt(-v)} "


def pivot_sentence(piv: Pivotality) -> str:
    """Whether the ally's choice changes the US–China game, with the US's numbers."""
    g = piv.us_gain_from_restricting
    numbers = (f"Against a restricting China, restricting {_gain(g['Align']['Restrict'], 'the US ')}when the ally "
               f"aligns and {_gain(g['Sell']['Restrict'])}when it sells; against a supplying China, it "
               f"{_gain(g['Align']['Supply'])}when the ally aligns and {_gain(g['Sell']['Supply'])}when it sells.")
    if piv.pivotal:
        return (f"The ally's alignment is pivotal: if it aligns, the US–China game has pure equilibria "
                f"{_pairs(piv.pure_if_align)}; if it sells, {_pairs(piv.pure_if_sell)}. " + numbers +
                " US controls bite only where the US and its allies jointly hold the chokepoint "
                "(weaponized interdependence, Farrell & Newman 2019).")
    return (f"The ally's alignment is not pivotal here: the US–China game has the same pure equilibria "
            f"({_pairs(piv.pure_if_align)}) whether the ally aligns or sells. " + numbers)


def who_moves() -> str:
    """Who moves and what each move means: the ally form's story in the model file."""
    from games.model.evaluate import extra_form
    from games.trade import model_file

    return extra_form(model_file(), ally.FORM).story


@dataclass(frozen=True)
class AllyExplanation:
    summary: str
    who_moves: str
    equilibria: tuple[dict[str, str], ...]
    pivotal: bool
    pivot: str
    two_player: str

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "who_moves": self.who_moves,
            "equilibria": list(self.equilibria),
            "pivotal": self.pivotal,
            "pivot": self.pivot,
            "two_player": self.two_player,
        }


def explain(game: NormalFormGame, equilibria: Sequence[Equilibrium], params: Mapping[str, float] | None = None) -> AllyExplanation:
    piv = pivotality(game)
    pure = [outcome_label(game, e) for e in equilibria if e.is_pure]
    summary = (f"{len(equilibria)} equilibri{'um' if len(equilibria) == 1 else 'a'}"
               + (f", pure: {'; '.join(pure)}" if pure else ", none pure") + ".")
    if len(pure) == 1:
        three = f"the only pure equilibrium of the three-player game is {pure[0]}"
    elif pure:
        three = f"the pure equilibria of the three-player game are {'; '.join(pure)}"
    else:
        three = "the three-player game has no pure equilibrium"
    two = (f"In the two-player game the ally is assumed to align, leaving pure equilibria "
           f"{_pairs(piv.pure_if_align)}; once it may sell, {three}.")
    return AllyExplanation(
        summary, who_moves(), tuple(equilibrium_explanation(game, e, params) for e in equilibria),
        piv.pivotal, pivot_sentence(piv), two,
    )
