"""The trade model as game trees: who moves first, and whether the US can snap back.

Every terminal payoff comes from `games.trade.payoffs(x, y, p)` at x, y ∈ {0, 1}, so the
trees use exactly the numbers of the simultaneous 2×2 game; only the order of moves and
what each side sees differ. US moves: Restrict (x = 0) / Relax (x = 1); China's: Restrict
(y = 0) / Supply (y = 1).
"""

from __future__ import annotations

from typing import Mapping

from games.parameters import validated
from games.trade import CN_MOVES, PLAYERS, US_MOVES, payoffs
from games.tree import Decision, GameTree, Terminal

US, CN = 0, 1
#: The US's moves in the third stage of the snapback game.
SNAPBACK_MOVES = ("Keep", "Snap back")


def _outcome(x: float, y: float, p: Mapping[str, float], name: str) -> Terminal:
    u, v = payoffs(x, y, p)
    return Terminal((_clean(u), _clean(v)), name=name, outcome=name)


def _clean(v) -> float:
    """A float rounded to 12 places, so that sums such as 1.5 + 0.0000000000000002 tie exactly."""
    return round(float(v), 12) + 0.0


def us_first(p: Mapping[str, float] | None = None, title: str = "US–China trade (US moves first)") -> GameTree:
    """The US sets export controls; China sees the choice and answers with its supply."""
    p = validated(dict(p or {}))
    answers = [
        Decision(CN, CN_MOVES, tuple(_outcome(x, y, p, f"{us}, {cn}") for y, cn in enumerate(CN_MOVES)))
        for x, us in enumerate(US_MOVES)
    ]
    return GameTree(title, PLAYERS, Decision(US, US_MOVES, tuple(answers)))


def china_first(p: Mapping[str, float] | None = None, title: str = "US–China trade (China moves first)") -> GameTree:
    """China sets rare-earth supply; the US sees it and answers with its export controls.

    Players stay in the order (US, China), so payoffs read the same way in every form.
    """
    p = validated(dict(p or {}))
    answers = [
        Decision(US, US_MOVES, tuple(_outcome(x, y, p, f"{us}, {cn}") for x, us in enumerate(US_MOVES)))
        for y, cn in enumerate(CN_MOVES)
    ]
    return GameTree(title, PLAYERS, Decision(CN, CN_MOVES, tuple(answers)))


def snapback(p: Mapping[str, float] | None = None, title: str = "US–China trade (US first, with snapback)") -> GameTree:
    """US moves, China answers, then a US that relaxed may re-impose controls ("snap back").

    Payoffs of the third stage: after (Relax, y) the US chooses Keep, ending at
    ``payoffs(1, y)``, or Snap back, ending at ``payoffs(0, y)``: controls are back in force
    while China's answer y stands (the rare earths it licensed are licensed, or its
    restriction stays in place). No extra cost of reversing is added, since the parameters
    name none; so the snapback threat is credible exactly when the US prefers Restrict
    against China's answer in the simultaneous game (``U(0, y) > U(1, y)``), and it also
    tempts the US to renege on a deal when ``U(0, 1) > U(1, 1)``. After Restrict the game
    ends with China's answer: there are no controls to re-impose.
    """
    p = validated(dict(p or {}))
    after_restrict = Decision(
        CN, CN_MOVES, tuple(_outcome(0, y, p, f"Restrict, {cn}") for y, cn in enumerate(CN_MOVES))
    )
    after_relax = Decision(
        CN,
        CN_MOVES,
        tuple(
            Decision(
                US,
                SNAPBACK_MOVES,
                (
                    _outcome(1, y, p, f"Relax, {cn}, Keep"),
                    _outcome(0, y, p, f"Relax, {cn}, Snap back"),
                ),
            )
            for y, cn in enumerate(CN_MOVES)
        ),
    )
    return GameTree(title, PLAYERS, Decision(US, US_MOVES, (after_restrict, after_relax)))


#: The tree forms, by their --game names.
FORMS = {"us-first": us_first, "china-first": china_first, "snapback": snapback}


def outcome_levels(terminal: Terminal) -> tuple[int, int]:
    """(x, y) in effect at one of these trees' terminals, read from its outcome name."""
    moves = [m.strip() for m in terminal.outcome.split(",")]
    x = 0 if moves[0] == "Restrict" or (len(moves) > 2 and moves[2] == "Snap back") else 1
    y = 1 if moves[1] == "Supply" else 0
    return x, y


def drivers(p: Mapping[str, float]):
    """A function naming the payoff terms behind a player's gap between two terminals.

    ``drivers(p)(player, a, b)`` → 'deal value +1.5, leverage −4.5' (terms of a minus b,
    largest first, zero terms left out), for `games.tree_explain`.
    """
    from games.trade import payoff_terms

    p = validated(dict(p))

    def describe(player: int, a: Terminal, b: Terminal) -> str:
        if not a.outcome or not b.outcome:
            return ""
        ta = payoff_terms(*outcome_levels(a), p)[PLAYERS[player]]
        tb = payoff_terms(*outcome_levels(b), p)[PLAYERS[player]]
        diffs = [(name, float(ta[name]) - float(tb[name])) for name in ta]
        diffs = [(n, d) for n, d in diffs if abs(d) > 1e-9]
        diffs.sort(key=lambda nd: -abs(nd[1]))
        if not diffs:
            return ""
        return "difference by term: " + ", ".join(f"{n} {d:+.4g}".replace("+-", "−") for n, d in diffs)

    return describe


#: Moves whose credibility each tree's explanation names: path → "action:what to call it".
FOCUS = {
    "us-first": {(1,): "Supply:reciprocity (Supply after the US relaxes)"},
    "china-first": {(1,): "Relax:reciprocity (Relax after China supplies)"},
    "snapback": {
        (1,): "Supply:reciprocity (Supply after the US relaxes)",
        (1, 0): "Snap back:threat to snap back if China restricts",
        (1, 1): "Keep:promise to keep chips flowing if China supplies",
    },
}
