"""Plain-words explanations of bargaining: who gets what share of the surplus, and why.

Sentences only; numbers come from `games.forms.bargaining`. Nothing here prints.
"""

from __future__ import annotations

from typing import Mapping

from games.forms.bargaining import BargainingAnalysis, Point, surplus_share
from games.explanations.wording import cap as _cap, who as _who

PLAYERS = ("US", "China")


def num(v: float, digits: int = 2) -> str:
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(v: float) -> str:
    return f"{100 * v:.0f}%"


def last_proposer(first: int, rounds: int) -> int:
    return first if rounds % 2 == 1 else 1 - first


def terms(point: Point) -> str:
    return f"chip openness x = {num(point.x, 3)}, rare-earth supply y = {num(point.y, 3)}"


def single_deal(a: BargainingAnalysis) -> bool:
    """True when one set of terms is best for both: nothing to split."""
    return len(a.frontier.u) == 1


def share_sentence(a: BargainingAnalysis, point: Point) -> str:
    """'China gets 62% of the surplus ...', and for the dynamic solutions why, with numbers.

    Each reason is a counterfactual computed on the same frontier: China's share were it only
    as patient as the US, had the other side made the first offer, or without the deadline.
    A reason is said to work for or against China only as the numbers show.
    """
    if a.no_deal == "no surplus":
        outcome = {(1, 1): "the deal (Relax, Supply)", (0, 0): "the conflict (Restrict, Restrict)",
                   (1, 0): "(Relax, Restrict)", (0, 1): "(Restrict, Supply)"}[tuple(a.conflict_cell)]
        return (
            f"No terms are better for both sides than the one-shot game's equilibrium, {outcome} "
            f"({terms(point)}): there is no surplus to split, so it stays as it is."
        )
    if single_deal(a):
        share = surplus_share((point.u, point.v), a.disagreement, 1)
        return (
            f"Every solution picks the same terms ({terms(point)}), the only ones best for both "
            "sides: there is nothing to bargain over, only whether to deal. China's "
            f"{pct(share)} of the gains over the conflict comes from what those terms pay each "
            "side, not from patience, who proposes first or outside options."
        )
    share = surplus_share((point.u, point.v), a.disagreement, 1)
    text = f"China gets {pct(share)} of the surplus over the conflict ({point.name}: {terms(point)})"
    if point.name.startswith("Nash"):
        text += ": the Nash product weighs both sides' gains equally, so the split follows the frontier's shape"
    elif point.name.startswith("Kalai"):
        text += ": Kalai–Smorodinsky gives each side the same fraction of its best possible gain"
    sentences = [text + "."]
    if point.name.startswith("Rubinstein") or point.name.startswith("Deadline"):
        sentences += _dynamic_reasons(a, point, share)
    if point.binding and (point.name.startswith("Nash") or point.name.startswith("Kalai")):
        sentences.append(
            f"{_cap(_who(point.binding))}'s outside option binds: {point.name} alone would give it less "
            "than walking away, so the agreement moves along the frontier until it gets exactly its option."
        )
    elif point.binding:
        sentences.append(
            f"{_cap(_who(point.binding))}'s outside option binds: walking away is worth more to it than "
            "rejecting and waiting, so whenever it answers an offer, it is offered exactly that."
        )
    return " ".join(sentences)


def _effect(share: float, other: float) -> str:
    """How a circumstance acts on China's share, judged from the counterfactual share."""
    if share > other + 0.005:
        return "works for China"
    if share < other - 0.005:
        return "works against China"
    return "makes little difference"


def dynamic_share(a: BargainingAnalysis, deltas=None, first: int | None = None, rounds: int | None = -1) -> float:
    """China's share of the surplus in alternating offers on the analysis's frontier, with changes.

    ``rounds=-1`` keeps the analysis's horizon; None is the infinite horizon (Rubinstein).
    """
    from games.forms.bargaining import alternating_offers_finite, rubinstein_on_polyline

    f = a.frontier
    deltas = a.deltas if deltas is None else deltas
    first = a.first if first is None else first
    rounds = a.rounds if rounds == -1 else rounds
    if rounds is None:
        pt = rubinstein_on_polyline(f.u, f.v, a.disagreement, deltas, a.outside, first)
    else:
        pt = alternating_offers_finite(f.u, f.v, a.disagreement, deltas, rounds, a.outside, first)[0]
    return surplus_share(pt, a.disagreement, 1)


def _dynamic_reasons(a: BargainingAnalysis, point: Point, share: float) -> list[str]:
    du, dc = a.deltas
    rounds = a.rounds if point.name.startswith("Deadline") else None
    out = []
    if abs(dc - du) > 1e-12:
        same = dynamic_share(a, deltas=(du, du), rounds=rounds)
        which = "greater" if dc > du else "lesser"
        out.append(
            f"Its {which} patience ({num(dc)} against the US's {num(du)}) {_effect(share, same)}: "
            f"only as patient as the US, it would get {pct(same)}."
        )
    if rounds is not None:
        last = last_proposer(a.first, rounds)
        without = dynamic_share(a, rounds=None)
        loser = "the US" if last == 1 else "China"
        out.append(
            f"{_cap(loser)} faces a deadline: after {rounds} round{'s' if rounds != 1 else ''} "
            f"{PLAYERS[last] if last == 1 else 'the US'} makes the last, take-it-or-leave-it offer, "
            f"which {_effect(share, without)}; without a deadline China would get {pct(without)}."
        )
    else:
        swapped = dynamic_share(a, first=1 - a.first, rounds=None)
        if a.first == 1:
            out.append(f"China makes the first offer, which {_effect(share, swapped)}: "
                       f"with the US opening, it would get {pct(swapped)}.")
        else:
            out.append(f"The US makes the first offer, which {_effect(share, swapped)}: "
                       f"proposing first, China would get {pct(swapped)}.")
    return out


def no_deal_sentence(a: BargainingAnalysis) -> str:
    """Why no deal is struck when outside options beat every set of terms ('' otherwise)."""
    if a.no_deal != "walk away":
        return ""
    return (
        f"No deal: no terms give the US at least its outside option ({num(a.outside[0])}) and China at "
        f"least its own ({num(a.outside[1])}) at the same time, so walking away beats every deal."
    )


def outside_option_sentence(a: BargainingAnalysis) -> str:
    """Each side's outside option and whether it binds (or, with no deal, beats every deal)."""
    base = "the conflict" if tuple(a.conflict_cell) == (0, 0) else "the disagreement point"
    parts = []
    for i in range(2):
        extra = a.outside[i] - a.disagreement[i]
        if extra <= 1e-12:
            parts.append(f"{_who(PLAYERS[i])}'s best alternative is no better than {base}")
        else:
            parts.append(f"{_who(PLAYERS[i])} can walk away to {num(a.outside[i])} ({num(extra)} above {base})")
    if a.no_deal == "walk away":
        return "Outside options: " + "; ".join(parts) + ". Together they ask for more than any terms can give."
    binding = sorted({p.binding for p in a.solutions if p.binding})
    tail = (
        f" {_cap(' and '.join(_who(b) for b in binding))}'s outside option binds: it beats what rejecting a proposal is "
        "worth, so whenever that side answers an offer it gets exactly its outside option and the "
        "proposer keeps the rest (outside option principle)."
        if binding
        else " Neither outside option binds: each is worth less than rejecting and waiting, so "
        "threats to walk away are not credible and do not move the split (outside option principle)."
    )
    return "Outside options: " + "; ".join(parts) + "." + tail


def sensitivity_sentence(signs: Mapping[str, float], top: int = 6) -> str:
    """How parameters move China's share (Rubinstein), in percentage points per unit, largest first.

    Parameters in index points are compared per point; discount factors per 0.01. The
    ``top`` largest of each kind are named; parameters without effect are said to have none.
    """
    items = {k: v for k, v in signs.items() if v == v}
    moving = {k: v for k, v in items.items() if abs(v) > 1e-6}
    if not moving:
        return "No parameter moves the split locally."
    patience = sorted(((k, 100 * 0.01 * v) for k, v in moving.items() if k.startswith("discount")), key=lambda kv: -abs(kv[1]))
    points = sorted(((k, 100 * v) for k, v in moving.items() if not k.startswith("discount")), key=lambda kv: -abs(kv[1]))

    def listing(pairs) -> str:
        return ", ".join(f"{k} {'+' if v > 0 else '−'}{num(abs(v), 2)}" for k, v in pairs[:top])

    parts = []
    if points:
        more = f" (and {len(points) - top} smaller)" if len(points) > top else ""
        parts.append(f"per index point, {listing(points)}{more}")
    if patience:
        parts.append(f"per 0.01 of patience, {listing(patience)}")
    idle = sorted(k for k in items if k not in moving)
    text = "How the split moves (Rubinstein; change in China's share, in percentage points): " + "; ".join(parts) + "."
    if idle:
        text += f" No effect here: {', '.join(idle)}."
    return text
