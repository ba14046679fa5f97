"""Correlated equilibria in words: what the mediator recommends and why each side obeys.

`explain_correlated(solution, nash)` takes a `games.solvers.correlated.CorrelatedSolution` and,
optionally, the game's Nash equilibria (a `games.solvers.solver.Solution`), and says

- what a mediator would draw and whom it tells what (the welfare-maximizing equilibrium);
- for each player and each recommendation: what being told it reveals about the others,
  what obeying earns and what the best alternative would earn (the obedience margin);
- how much the mediator adds over the best Nash equilibrium, in total and per player;
- for the trade model, which real device plays the mediator's part in a deal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from games.solvers.correlated import CorrelatedEquilibrium, CorrelatedSolution
from games.forms.normal_form import NormalFormGame
from games.explanations.wording import cap, who

#: Conditional beliefs list at most this many of the others' profiles.
MAX_LISTED = 4


@dataclass(frozen=True)
class Recommendation:
    """One player told one strategy: the belief it induces and why obeying pays."""

    player: str
    told: str
    probability: float  # chance of being told this
    obey_value: float  # expected payoff of obeying, given the recommendation
    best_alternative: str | None
    alternative_value: float
    sentence: str


@dataclass(frozen=True)
class CorrelatedExplanation:
    mediator: str
    recommendations: tuple[Recommendation, ...]
    best_nash_welfare: float | None
    welfare_gain: float | None
    comparison: str
    coarse: str
    deal: str  # the trade-model reading ("" for other games)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _num(v: float) -> str:
    if abs(v) < 0.005:
        return "0"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _prob(v: float) -> str:
    if abs(v * 3 - round(v * 3)) < 1e-9 and round(v * 3) in (1, 2):
        return f"{round(v * 3)}/3"
    return f"{v:.3f}".rstrip("0").rstrip(".")


def profile_label(game: NormalFormGame, cell) -> str:
    return "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(cell)) + ")"


def lottery_words(game: NormalFormGame, eq: CorrelatedEquilibrium) -> str:
    """'(Chicken, Chicken) with probability 0.5, (Dare, Chicken) 0.25, ...'."""
    cells = eq.support()
    if len(cells) == 1:
        return f"{profile_label(game, cells[0][0])} for sure"
    parts = [f"{profile_label(game, c)} {_prob(p)}" for c, p in cells]
    return ", ".join(parts)


def recommendations(game: NormalFormGame, eq: CorrelatedEquilibrium, tol: tuple[float, ...]) -> tuple[Recommendation, ...]:
    """For each player and each strategy it may be told: belief, obey value, best alternative."""
    mu = eq.as_array()
    out = []
    for i in range(game.n_players):
        m = np.moveaxis(mu, i, 0)
        u = np.moveaxis(np.asarray(game.payoffs[i], dtype=float), i, 0)
        others = [j for j in range(game.n_players) if j != i]
        for a in range(game.shape[i]):
            p = float(m[a].sum())
            if p <= 1e-9:
                continue
            belief = m[a] / p  # over the others' profiles
            values = [float(np.sum(belief * u[b])) for b in range(game.shape[i])]
            alts = [b for b in range(game.shape[i]) if b != a]
            best = max(alts, key=lambda b: values[b]) if alts else None
            alt_value = values[best] if best is not None else values[a]
            cells = [
                (tuple(int(v) for v in idx), float(belief[idx]))
                for idx in np.ndindex(belief.shape) if belief[idx] > 1e-9
            ]
            cells.sort(key=lambda c: -c[1])
            words = ["/".join(game.strategies[j][s] for j, s in zip(others, c)) for c, _ in cells]
            whose = "/".join(who(game.players[j]) for j in others)
            name, told = game.players[i], game.strategies[i][a]
            if not others:
                belief_words = "nobody else is told anything"
            elif len(cells) == 1:
                belief_words = f"knows {whose} {'was' if len(others) == 1 else 'were'} told {words[0]}"
            else:
                listed = " or ".join(f"{w} ({_prob(q)})" for w, (_, q) in zip(words[:MAX_LISTED], cells))
                if len(cells) > MAX_LISTED:
                    listed += f" or {len(cells) - MAX_LISTED} other profiles"
                belief_words = f"infers {whose} {'was' if len(others) == 1 else 'were'} told {listed}"
            sentence = (
                f"Told {told} (probability {_prob(p)}), {who(name)} {belief_words}: "
                f"obeying earns {_num(values[a])}"
            )
            if best is None:
                sentence += "; it has no alternative."
            else:
                margin = values[a] - alt_value
                # margins are probability-weighted in verification; conditional here
                if margin * p > tol[i]:
                    sentence += (f", its best alternative {game.strategies[i][best]} {_num(alt_value)}, "
                                 f"so it follows the recommendation (by {_num(margin)}).")
                else:
                    sentence += (f", exactly as much as {game.strategies[i][best]}: it is indifferent, "
                                 "so following costs it nothing.")
            out.append(Recommendation(name, told, p, values[a], None if best is None else game.strategies[i][best],
                                      alt_value, sentence))
    return tuple(out)


def _comparison(sol: CorrelatedSolution, nash) -> tuple[float | None, float | None, str]:
    game = sol.game
    eq = sol.welfare
    if nash is None or not nash.equilibria:
        return None, None, (
            f"The mediator's lottery gives a total of {_num(eq.welfare)}; no Nash equilibrium was computed to compare with."
        )
    best = max(nash.equilibria, key=lambda e: sum(e.payoffs))
    best_w = float(sum(best.payoffs))
    gain = eq.welfare - best_w
    scope = "the best Nash equilibrium" if nash.complete else "the best Nash equilibrium found"
    per = ", ".join(f"{who(p)} {_num(a)} instead of {_num(b)}" for p, a, b in zip(game.players, eq.payoffs, best.payoffs))
    if gain > 1e-9 * max(1.0, abs(best_w)):
        head = f"The mediator raises total payoff to {_num(eq.welfare)}, {_num(gain)} more than {scope} ({_num(best_w)}): {per}."
    elif np.allclose(eq.payoffs, best.payoffs, atol=1e-9 * max(1.0, abs(best_w))):
        head = (f"A mediator adds nothing here: the best correlated equilibrium gives every side what "
                f"{scope} gives ({', '.join(f'{who(p)} {_num(v)}' for p, v in zip(game.players, best.payoffs))}).")
    else:
        head = (f"The mediator cannot beat {scope} in total ({_num(best_w)}); "
                f"what it can do is choose who gets what: {per}.")
    return best_w, gain, head


def _coarse(sol: CorrelatedSolution) -> str:
    c, w = sol.coarse_welfare, sol.welfare
    if c.welfare > w.welfare + 1e-9 * max(1.0, abs(w.welfare)):
        return (f"If players must commit to the mediator before hearing their recommendation (a coarse "
                f"correlated equilibrium, what no-regret learners reach), the total can rise to {_num(c.welfare)}.")
    return ("Committing to the mediator before hearing the recommendation (a coarse correlated equilibrium) "
            "would not raise the total further.")


def deal_sentence(game: NormalFormGame) -> str:
    """The mediator's part in a negotiated deal, in the trade model's terms."""
    a, b = (who(p) for p in game.players[:2])
    return (
        f"In a trade deal the mediator is a third-party verifier or a signed schedule: it draws which "
        f"steps come when (licences from {a}, shipments from {b}) and tells each side only its own part, "
        "so neither can time its move on the other's; each follows it because, given what its own "
        "instruction reveals, obeying pays at least as much as deviating."
    )


def explain_correlated(sol: CorrelatedSolution, nash=None, trade: bool = False) -> CorrelatedExplanation:
    """Words for the welfare-maximizing correlated equilibrium, compared with Nash."""
    game = sol.game
    eq = sol.welfare
    if len(eq.support()) == 1:
        mediator = (f"The best a mediator can do is recommend {profile_label(game, eq.support()[0][0])} "
                    "outright: it is a Nash equilibrium, so each side follows without any secrecy.")
    else:
        mediator = (
            f"A mediator draws one outcome from the lottery {lottery_words(game, eq)} and tells each "
            "side only its own part of it."
        )
    recs = recommendations(game, eq, sol.tolerance)
    best_w, gain, comparison = _comparison(sol, nash)
    return CorrelatedExplanation(
        mediator=cap(mediator),
        recommendations=recs,
        best_nash_welfare=best_w,
        welfare_gain=gain,
        comparison=comparison,
        coarse=_coarse(sol),
        deal=deal_sentence(game) if trade else "",
    )
