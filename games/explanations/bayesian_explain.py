"""Plain-words explanations of a Bayesian game: what each type does and why, belief thresholds.

Works for any `games.forms.bayesian.BayesianGame`; belief thresholds need two types and two
row moves (elsewhere the explanation says they are not computed); the trade
model's wording (who the types are, what separates them) is added by
`games.model.bayes.type_difference`.
Returns strings and plain dicts; rendering is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from games.forms.bayesian import (
    BayesianGame,
    BayesNash,
    SequentialOutcome,
    Threshold,
    column_best_replies,
    has_belief_thresholds,
    plan_label,
    relevant_thresholds,
    sequential_outcomes,
    tie_break_count,
)
from games.explanations.wording import cap as _cap


def fmt(v: float, digits: int = 3) -> str:
    """Compact number: 0.143, -7.5, 3."""
    if abs(v) < 10 ** (-digits) / 2:
        v = 0.0
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def share(v: float) -> str:
    return f"{v:.0%}" if abs(v * 100 - round(v * 100)) < 1e-9 else f"{100 * v:.1f}%"


def _mix_words(labels: Sequence[str], mix: Sequence[float]) -> str:
    support = [(labels[k], p) for k, p in enumerate(mix) if p > 1e-12]
    if len(support) == 1:
        return support[0][0]
    return " / ".join(f"{lab} {share(p)}" for lab, p in support)


def _pure(mix: Sequence[float]) -> int | None:
    k = int(np.argmax(mix))
    return k if mix[k] > 1 - 1e-12 else None


def _in_mix(mix: Sequence[float]) -> str:
    """'' when every move is in the mixture, ' in the mix' when some are not."""
    return "" if all(p > 1e-12 for p in mix) else " in the mix"


def outcome_label(game: BayesianGame, eq: BayesNash) -> str:
    """'(Relax; pragmatist Supply, self-reliant Restrict)' or the mixtures."""
    parts = [f"{t} {_mix_words(game.column_moves, m)}" for t, m in zip(game.types, eq.types)]
    return f"({_mix_words(game.row_moves, eq.row)}; " + ", ".join(parts) + ")"


def type_reason(game: BayesianGame, eq: BayesNash, t: int) -> str:
    """Why type t plays what it plays, given the row player's mixture."""
    values = np.asarray(game.column_payoffs[t], dtype=float).T @ np.asarray(eq.row)
    tname, labels = game.types[t], game.column_moves
    row_words = _mix_words(game.row_moves, eq.row)
    k = _pure(eq.types[t])
    if k is not None:
        others = [j for j in range(len(labels)) if j != k]
        j = max(others, key=lambda j: values[j])
        if abs(values[k] - values[j]) <= 1e-9 * max(1.0, abs(values[k])):
            return (f"the {tname} type is indifferent between {labels[k]} and {labels[j]} against "
                    f"{name(game.players[0])} playing {row_words} (both give {fmt(values[k])}); {labels[k]} keeps the others content")
        return (f"the {tname} type plays {labels[k]}: against {name(game.players[0])} playing {row_words} it gets "
                f"{fmt(values[k])}, against {fmt(values[j])} for {labels[j]}")
    used = int(np.argmax(eq.types[t]))  # a move in the mix: every such move gives the same
    return (f"the {tname} type mixes {_mix_words(labels, eq.types[t])}: {name(game.players[0])}'s mixture "
            f"{row_words} leaves it indifferent (each move{_in_mix(eq.types[t])} gives {fmt(values[used])})")


def row_reason(game: BayesianGame, eq: BayesNash) -> str:
    """Why the row player plays what it plays, given the prior and the types' behaviour."""
    pa = game.prior
    # expected payoff of each row move against the types' behaviour, under the prior
    values = [
        sum(pa[t] * float(np.dot(np.asarray(game.row_payoffs[t], dtype=float)[i], eq.types[t]))
            for t in range(len(game.types)))
        for i in range(len(game.row_moves))
    ]
    who = name(game.players[0])
    behaviour = ", ".join(f"the {t} {_mix_words(game.column_moves, m)}" for t, m in zip(game.types, eq.types))
    prior = ", ".join(f"{t} {fmt(q)}" for t, q in zip(game.types, pa))
    k = _pure(eq.row)
    if k is None:
        used = int(np.argmax(eq.row))  # a move in the mix: every such move gives the same
        return (f"{_cap(who)} mixes {_mix_words(game.row_moves, eq.row)}: with beliefs ({prior}) and "
                f"{behaviour}, every move{_in_mix(eq.row)} gives it {fmt(values[used])} in expectation")
    j = max((i for i in range(len(values)) if i != k), key=lambda i: values[i])
    return (f"{_cap(who)} plays {game.row_moves[k]}: with beliefs ({prior}) and {behaviour}, it expects "
            f"{fmt(values[k])} against {fmt(values[j])} from {game.row_moves[j]}")


def equilibrium_explanation(game: BayesianGame, eq: BayesNash) -> dict[str, object]:
    """One BNE explained: the row player's reason and each type's."""
    return {
        "outcome": outcome_label(game, eq),
        game.players[0]: row_reason(game, eq),
        "types": {t: type_reason(game, eq, k) for k, t in enumerate(game.types)},
    }


def equilibrium_sentence(game: BayesianGame, eq: BayesNash) -> str:
    e = equilibrium_explanation(game, eq)
    types = "; ".join(e["types"].values())  # type: ignore[union-attr]
    return f"{e[game.players[0]]}. {types[0].upper() + types[1:]}."


def belief(th: Threshold) -> str:
    """A belief threshold for sentences: '0.105 (2/19)' when a small fraction says it exactly."""
    text = fmt(th.prior)
    simple = Fraction(th.prior).limit_denominator(100)
    if simple.denominator > 1 and abs(float(simple) - th.prior) <= 1e-9 and float(text) != float(simple):
        text += f" ({simple.numerator}/{simple.denominator})"
    return text


def _apart(now: float, prior: float) -> str:
    """The current prior with enough digits not to read as equal to a nearby threshold."""
    digits = 3
    while digits < 9 and now != prior and fmt(now, digits) == fmt(prior, digits):
        digits += 1
    return fmt(now, digits)


def threshold_sentence(game: BayesianGame, th: Threshold, now: float | None = None) -> str:
    """E.g. 'If the US believes China is a pragmatist with probability above 0.143 (1/7), it
    plays Relax against (Supply if pragmatist, Restrict if self-reliant); below, Restrict.'"""
    who, them, first = name(game.players[0]), name(game.players[1]), game.types[0]
    plan = plan_label(game, th.plan) if th.plan else "the types' replies"
    text = (f"If {who} believes {them} is {_article(first)} {first} with probability above {belief(th)}, "
            f"it plays {game.row_moves[th.above]} against ({plan}); below, {game.row_moves[th.below]}")
    if now is not None:
        side = "above" if now > th.prior else "below" if now < th.prior else "exactly at"
        best = th.above if now > th.prior else th.below
        text += f". Today's prior {_apart(now, th.prior)} is {side} it"
        if side != "exactly at":
            text += f", so {who} prefers {game.row_moves[best]} there"
    return text + "."


def name(player: str) -> str:
    """'the US' for an acronym (letters only: 'P2' is a label, not 'the P2'), the name itself otherwise."""
    return f"the {player}" if player.isalpha() and player.isupper() and len(player) <= 4 else player


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def sequential_sentences(game: BayesianGame, outcomes: Sequence[SequentialOutcome]) -> list[str]:
    """The row player moves first: each type's replies and the row player's choice."""
    who = name(game.players[0])
    out = []
    for o in outcomes:
        replies = []
        for t, tname in enumerate(game.types):
            acts = [game.column_moves[o.replies[i][t]] for i in range(len(game.row_moves))]
            if len(set(acts)) == 1:
                replies.append(f"the {tname} type answers {acts[0]} whatever {who} does")
            else:
                replies.append(f"the {tname} type answers " + " and ".join(
                    f"{game.row_moves[i]} with {a}" for i, a in enumerate(acts)))
        values = ", ".join(f"{game.row_moves[i]} {fmt(v)}" for i, v in enumerate(o.values))
        best = " or ".join(game.row_moves[i] for i in o.best)
        ties = ""
        if o.tie_break:
            side = f"in {who}'s favour" if o.tie_break == "for" else f"against {who}"
            ties = (f", and every type breaks its ties {side} (the most "
                    f"{'favourable' if o.tie_break == 'for' else 'adverse'} of {tie_break_count(game):,} tie-breaks)")
        text = (f"If {who} moves first and {name(game.players[1])} sees its move{ties}: " + "; ".join(replies)
                + f". {_cap(who)}'s expected payoffs: {values}, so it plays {best}")
        if o.threshold is not None:
            th = o.threshold
            text += (f". It plays {game.row_moves[th.above]} when the prior of the {game.types[0]} type is "
                     f"above {belief(th)} and {game.row_moves[th.below]} below")
        elif has_belief_thresholds(game):
            text += "; no belief between 0 and 1 changes that"
        out.append(text + ".")
    return out


def type_best_replies(game: BayesianGame) -> dict[str, dict[str, list[str]]]:
    """Each type's best replies to each pure row move (as labels)."""
    return {
        t: {game.row_moves[i]: [game.column_moves[a] for a in column_best_replies(game, k, i)]
            for i in range(len(game.row_moves))}
        for k, t in enumerate(game.types)
    }


@dataclass(frozen=True)
class BayesianExplanation:
    """Everything said about a Bayesian game's solution, as plain data."""

    summary: str
    equilibria: tuple[dict[str, object], ...]
    thresholds: tuple[str, ...]
    sequential: tuple[str, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary,
            "equilibria": list(self.equilibria),
            "thresholds": list(self.thresholds),
            "sequential": list(self.sequential),
            "notes": list(self.notes),
        }


def explain(game: BayesianGame, equilibria: Sequence[BayesNash], notes: Sequence[str] = ()) -> BayesianExplanation:
    """Explain the BNE, the belief thresholds and the move-first version of the game."""
    now = game.prior[0]
    ths = relevant_thresholds(game)
    pure = [e for e in equilibria if e.is_pure]
    labels = [outcome_label(game, e) for e in pure]
    summary = (f"With prior {fmt(now)} on the {game.types[0]} type, {len(equilibria)} Bayesian Nash "
               f"equilibri{'um' if len(equilibria) == 1 else 'a'}"
               + (f", pure: {'; '.join(labels)}" if labels else ", none pure") + ".")
    if not has_belief_thresholds(game):
        thresholds = (f"Belief thresholds are computed for two types and {name(game.players[0])} with two "
                      f"moves; this game has {len(game.types)} types and {len(game.row_moves)} moves, so "
                      f"each belief is solved as given.",)
    elif not ths:
        thresholds = (f"No belief changes {name(game.players[0])}'s best move against the types' best replies: "
                      f"its choice is the same for every prior between 0 and 1.",)
    else:
        thresholds = tuple(threshold_sentence(game, th, now) for th in ths)
    seq = tuple(sequential_sentences(game, sequential_outcomes(game)))
    return BayesianExplanation(
        summary,
        tuple(equilibrium_explanation(game, e) for e in equilibria),
        thresholds,
        seq,
        tuple(notes),
    )
