"""Plain-words explanations of the repeated game: thresholds, margins, the folk theorem, unravelling.

Sentences only; numbers come from `games.forms.repeated`. Nothing here prints.
"""

from __future__ import annotations

from games.forms.normal_form import NormalFormGame
from games.forms.repeated import CooperativeOutcome, FiniteHorizon, FolkTheorem, Minmax, Sustainability
from games.explanations.wording import who


def num(v: float, digits: int = 2) -> str:
    """Round for prose: 0.245 -> '0.25', 3.0 -> '3'."""
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def profile_label(game: NormalFormGame, profile: tuple[int, ...]) -> str:
    return "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(profile)) + ")"


def mixed_label(game: NormalFormGame, profile) -> str:
    if all(max(p) > 1 - 1e-12 for p in profile):
        return profile_label(game, tuple(max(range(len(p)), key=lambda k: p[k]) for p in profile))
    parts = []
    for i, p in enumerate(profile):
        parts.append(", ".join(f"{game.strategies[i][k]} {num(v, 3)}" for k, v in enumerate(p) if v > 1e-12))
    return "mixed (" + "; ".join(parts) + ")"


def threshold_sentence(game: NormalFormGame, outcome: CooperativeOutcome, s: Sustainability, delta: float) -> str:
    """'The deal survives if both value the future at δ ≥ 0.25; today's δ = 0.9 leaves a margin of 0.65.'"""
    label = profile_label(game, outcome.profile)
    if outcome.is_stage_equilibrium:
        return (
            f"{label} is already an equilibrium of the one-shot game: it needs no shadow of the "
            f"future (critical δ = 0 under {s.strategy})."
        )
    if s.critical is None:
        return f"Under {s.strategy}, no discount factor below 1 sustains {label}."
    head = f"Under {s.strategy}, {label} survives if both value the future at δ ≥ {num(s.critical, 3)}"
    if s.strategy == "tit-for-tat" and not s.subgame_perfect:
        head += " (as a Nash equilibrium; it is never subgame perfect here)"
    if s.sustained:
        return head + f"; today's δ = {num(delta, 3)} leaves a margin of {num(s.margin, 3)}."
    return head + f"; today's δ = {num(delta, 3)} falls short by {num(s.critical - delta, 3)}, so it unravels."


def binding_sentence(game: NormalFormGame, outcome: CooperativeOutcome, s: Sustainability) -> str:
    """Who is tempted most, by how much, and what the punishment costs it."""
    if s.binding is None:
        return ""
    i = s.binding
    other = 1 - i
    dev = game.strategies[i][outcome.deviations[i]]
    punish = mixed_label(game, outcome.punishment.profile)
    g, loss = outcome.deviation_gains[i], outcome.punishment_losses[i]
    name = who(game.players[i])
    p_other = s.per_player[other]
    tied = p_other is not None and abs(p_other - (s.per_player[i] or 0.0)) <= 1e-12
    text = (
        f"{name[:1].upper() + name[1:]} is {'a' if tied else 'the'} binding side: switching to {dev} gains it "
        f"{num(g)} once, and the punishment {punish} costs it {num(loss)} every round it lasts"
    )
    if s.strategy == "grim trigger" and s.critical is not None:
        text += f", so it sticks if δ ≥ {num(g)}/({num(g)} + {num(loss)}) = {num(s.critical, 3)}"
    if tied:
        text += f" ({who(game.players[other])} needs the same δ)"
    elif p_other is not None:
        text += f" ({who(game.players[other])} alone would need only δ ≥ {num(p_other)})"
    return text + "."


def tft_note(s: Sustainability) -> str:
    """Tit-for-tat's subgame perfection, which usually fails."""
    if s.critical is None:
        return ""
    if not s.subgame_perfect:
        return (
            "Why tit-for-tat is not subgame perfect: after a slip, punishing the other's return "
            "to cooperation (and being punished back, in an endless echo) costs more than forgiving it."
        )
    parts = [
        f"δ = {num(r.low, 3)}" if r.low == r.high else f"{num(r.low, 3)} ≤ δ ≤ {num(r.high, 3)}"
        for r in s.subgame_perfect
    ]
    return "Tit-for-tat is subgame perfect only at " + " or ".join(parts) + "."


def minmax_sentence(game: NormalFormGame, mm: tuple[Minmax, Minmax]) -> str:
    """Each side's minmax value: the least the other can hold it to, and how."""
    parts = []
    for m in mm:
        other = 1 - m.player
        punisher, victim = who(game.players[other]), who(game.players[m.player])
        pure_move = game.strategies[other][m.pure_punisher]
        if abs(m.mixed - m.pure) <= 1e-9 * max(1.0, abs(m.pure)):
            parts.append(f"{punisher} can hold {victim} to {num(m.mixed)}, by playing {pure_move}")
        else:
            mix = ", ".join(
                f"{game.strategies[other][k]} {num(q, 3)}" for k, q in enumerate(m.mixed_punisher) if q > 1e-12
            )
            parts.append(
                f"{punisher} can hold {victim} to {num(m.mixed)} by mixing ({mix}); with a pure strategy "
                f"only to {num(m.pure)} (by playing {pure_move})"
            )
    return "Minmax values: " + "; ".join(parts) + "."


def folk_sentence(game: NormalFormGame, folk: FolkTheorem) -> str:
    if not folk.individually_rational:
        return "No feasible payoff pair gives both players their minmax value."
    verts = ", ".join(f"({num(a)}, {num(b)})" for a, b in folk.individually_rational)
    if not _strictly_above(folk):
        shape = "the single pair" if len(folk.individually_rational) == 1 else "the segment between"
        return (
            f"Folk theorem: no feasible payoff pair gives each side strictly more than its minmax "
            f"({game.players[0]} {num(folk.minmax[0])}, {game.players[1]} {num(folk.minmax[1])}); the "
            f"individually rational payoffs are {shape} {verts}, so patience promises nothing more."
        )
    return (
        f"Folk theorem: every payoff pair in the polygon with corners {verts} that gives each "
        f"side strictly more than its minmax ({game.players[0]} {num(folk.minmax[0])}, "
        f"{game.players[1]} {num(folk.minmax[1])}) can be sustained by some subgame-perfect "
        "strategy once both are patient enough."
    )


def _strictly_above(folk: FolkTheorem) -> bool:
    """Does some individually rational pair give both players strictly more than their minmax?

    In a convex set whose points are all at least the minmax, that holds exactly when some
    corner beats the first player's minmax and some corner the second's (their midpoint beats
    both). Zero-sum games fail it: their only such pair is the value.
    """
    pts = folk.individually_rational
    eps = [1e-9 * max(1.0, abs(v)) for v in folk.minmax]
    return all(any(p[i] > folk.minmax[i] + eps[i] for p in pts) for i in range(2))


def finite_sentence(game: NormalFormGame, fh: FiniteHorizon) -> str:
    """The unravelling argument, or how a final-round reward sustains cooperation."""
    n = fh.rounds
    if fh.unique_stage_equilibrium and fh.path:
        e = mixed_label(game, fh.path[-1].profile)
        return (
            f"With a term of {n} round{'s' if n != 1 else ''} and a unique stage equilibrium, the last "
            f"round is a one-shot game, so {e} is played; nothing later can reward cooperation in the "
            f"round before, so {e} is played there too, and so on back to the first round "
            "(unravelling). So a deal with a known end date cannot rest on the threat of "
            "punishment later: it holds only if it is an equilibrium of the one-shot game, or if "
            "the end is uncertain (then δ includes the chance that the relationship goes on)."
        )
    if fh.scheme and fh.scheme.get("stage_equilibrium"):
        label = profile_label(game, fh.scheme["outcome"])
        return f"{label} is a stage equilibrium, so it can be played in all {n} rounds, the last one included."
    if fh.scheme:
        label = profile_label(game, fh.scheme["outcome"])
        good = mixed_label(game, fh.scheme["reward"].profile)
        bad = mixed_label(game, fh.scheme["punishment"].profile)
        m = fh.scheme["final_rounds"]
        return (
            f"The stage game has several equilibria, so the end can reward cooperation: {label} is "
            f"played for {fh.cooperative_rounds} of {n} rounds, then {good} in the last {m}; a "
            f"deviation switches the remaining rounds to {bad}."
        )
    return (
        f"With a term of {n} rounds no cooperative outcome survives backward induction: the stage "
        "equilibria do not differ enough to reward cooperation before the end."
    )
