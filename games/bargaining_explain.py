"""Plain-words explanations of bargaining: who gets what share of the surplus, and why.

Sentences only; numbers come from `games.bargaining`. Nothing here prints.
"""

from __future__ import annotations

from typing import Mapping

from games.bargaining import BargainingAnalysis, Point, surplus_share

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
    """'China gets 62% of the surplus because it is more patient (0.95 against 0.80) ...'"""
    if single_deal(a):
        return (
            f"One set of terms ({terms(point)}) is best for both sides, so there is no surplus to "
            "split: the only question is whether to deal, not on what terms."
        )
    share = surplus_share((point.u, point.v), a.disagreement, 1)
    pro: list[str] = []  # reasons working for China
    con: list[str] = []  # reasons working for the US
    du, dc = a.deltas
    dynamic = point.name.startswith("Rubinstein") or point.name.startswith("Deadline")
    if dynamic:
        if dc > du + 1e-12:
            pro.append(f"it is more patient ({num(dc)} against {num(du)})")
        elif du > dc + 1e-12:
            con.append(f"the US is more patient ({num(du)} against {num(dc)})")
        if point.name.startswith("Deadline") and a.rounds:
            last = last_proposer(a.first, a.rounds)
            text = (
                f"the {'US' if last == 1 else 'Chinese side'} faces a deadline: after {a.rounds} "
                f"round{'s' if a.rounds != 1 else ''} {'China' if last == 1 else 'the US'} makes the "
                "last, take-it-or-leave-it offer"
            )
            (pro if last == 1 else con).append(text)
        else:
            (pro if a.first == 1 else con).append(
                "it proposes first" if a.first == 1 else "the US proposes first"
            )
    elif point.name.startswith("Nash"):
        pro.append("the Nash product weighs both sides' gains equally, so the split follows the frontier's shape")
    else:
        pro.append("Kalai–Smorodinsky gives each side the same fraction of its best possible gain")
    if point.binding:
        (pro if "China" in point.binding else con).append(f"{point.binding}'s outside option binds")
    text = f"China gets {pct(share)} of the surplus over the conflict ({point.name}: {terms(point)})"
    if pro and dynamic:
        text += " because " + " and ".join(pro)
    elif pro:
        text += ": " + " and ".join(pro)
    if con:
        text += ("; but " if pro else " because ") + " and ".join(con)
    return text + "."


def outside_option_sentence(a: BargainingAnalysis) -> str:
    parts = []
    for i in range(2):
        extra = a.outside[i] - a.disagreement[i]
        if extra <= 1e-12:
            parts.append(f"{PLAYERS[i]}'s best alternative is no better than the conflict")
        else:
            parts.append(f"{PLAYERS[i]} can walk away to {num(a.outside[i])} ({num(extra)} above the conflict)")
    binding = sorted({p.binding for p in a.solutions if p.binding})
    tail = (
        f" {' and '.join(binding)}'s outside option binds: it beats what rejecting a proposal is "
        "worth, so that side gets exactly its outside option and the other keeps the rest "
        "(outside option principle)."
        if binding
        else " Neither outside option binds: each is worth less than rejecting and waiting, so "
        "threats to walk away are not credible and do not move the split (outside option principle)."
    )
    return "Outside options: " + "; ".join(parts) + "." + tail


def sensitivity_sentence(signs: Mapping[str, float], top: int = 6) -> str:
    """How each parameter moves China's share (sign of the derivative), largest effects first."""
    items = [(k, v) for k, v in signs.items() if v == v and abs(v) > 1e-6]
    if not items:
        return "No parameter moves the split locally."
    items.sort(key=lambda kv: -abs(kv[1]))
    up = [k for k, v in items[:top] if v > 0]
    down = [k for k, v in items[:top] if v < 0]
    parts = []
    if up:
        parts.append("raising " + ", ".join(up) + " raises China's share")
    if down:
        parts.append("raising " + ", ".join(down) + " lowers it")
    return "How the split moves (Rubinstein, largest effects first): " + "; ".join(parts) + "."
