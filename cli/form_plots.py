"""Pictures of the repeated game and of bargaining, drawn from the forms' JSON data.

`tradegame report` shows a picture with every game form. The repeated game's is the folk
theorem's payoff set: the feasible payoffs, the individually rational part of them and
the minmax point, with the stage game's equilibria. Bargaining's is the Pareto frontier
of deals with the disagreement point and the Nash, Kalai–Smorodinsky and Rubinstein
solutions. Both read the numbers the form handlers already computed (cli.repeated,
cli.bargaining); nothing is solved here.
"""

from __future__ import annotations

from typing import Any

from cli.plots import CN_COLOR, EQ_EDGE, US_COLOR, subplots


def folk_theorem_figure(data: dict[str, Any]):
    """Feasible and individually rational payoffs of the repeated game, with its stage equilibria."""
    from matplotlib.patches import Polygon

    folk = data["folk_theorem"]
    fig, ax = subplots(figsize=(6.4, 4.6))
    feasible = folk["feasible"]
    ax.add_patch(Polygon(feasible, closed=True, facecolor="#e8eef8", edgecolor="#7f93b8", lw=1,
                         label="feasible payoffs (any mix of outcomes)"))
    rational = folk.get("individually_rational") or []
    if len(rational) >= 3:
        ax.add_patch(Polygon(rational, closed=True, facecolor="#cdebc5", edgecolor=EQ_EDGE, lw=1.5, alpha=0.9,
                             label="individually rational: sustainable by patient players"))
    mx, my = folk["minmax"]
    ax.axvline(mx, color=US_COLOR, lw=0.8, ls="--")
    ax.axhline(my, color=CN_COLOR, lw=0.8, ls="--")
    ax.plot([mx], [my], "s", color="#333333", label=f"minmax (US {mx:g}, China {my:g})")
    for eq in data.get("equilibria", []):
        label = eq.get("outcome") or "equilibrium"
        u, v = eq["payoffs"][:2]
        ax.plot([u], [v], "o", color="#b15928", ms=6)
        ax.annotate(label, (u, v), textcoords="offset points", xytext=(5, 5), fontsize=8)
    xs = [p[0] for p in feasible]
    ys = [p[1] for p in feasible]
    padx, pady = (max(xs) - min(xs)) * 0.08 or 1, (max(ys) - min(ys)) * 0.1 or 1
    ax.set_xlim(min(xs) - padx, max(xs) + padx)
    ax.set_ylim(min(ys) - pady, max(ys) + pady * 2.5)
    ax.set_xlabel("US average payoff per round", color=US_COLOR)
    ax.set_ylabel("China average payoff per round", color=CN_COLOR)
    ax.set_title("The folk theorem: payoffs the repeated game can sustain", fontsize=10, loc="left")
    ax.legend(fontsize=7.5, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def frontier_figure(data: dict[str, Any]):
    """The Pareto frontier of deals, the disagreement point and the bargaining solutions."""
    fig, ax = subplots(figsize=(6.4, 4.6))
    iu, iv = 0, 1  # the first two columns are the players' payoffs (U_US, U_CN for the trade model)
    first, second = data["game"]["players"][:2]
    points = sorted(data["frontier"]["points"], key=lambda p: p[iu])
    us = [p[iu] for p in points]
    cn = [p[iv] for p in points]
    d = data["disagreement"]["payoffs"]
    if len(points) > 1:
        ax.plot(us, cn, color=EQ_EDGE, lw=2, label="Pareto frontier of deals")
    else:
        ax.plot(us, cn, "o", color=EQ_EDGE, ms=9, mfc="none", label="the only efficient deal")
    ax.plot([d[0]], [d[1]], "s", color="#333333", label=f"disagreement ({first} {d[0]:g}, {second} {d[1]:g})")
    markers = ("o", "^", "D", "v", "P")
    for k, (name, sol) in enumerate(data.get("solutions", {}).items()):
        u, v = sol["utilities"][:2]
        ax.plot([u], [v], markers[k % len(markers)], ms=7, label=f"{name} ({u:.3g}, {v:.3g})")
    allx, ally = us + [d[0]], cn + [d[1]]
    padx, pady = (max(allx) - min(allx)) * 0.08 or 1, (max(ally) - min(ally)) * 0.1 or 1
    ax.set_xlim(min(allx) - padx, max(allx) + padx)
    ax.set_ylim(min(ally) - pady, max(ally) + pady * 2.5)
    ax.set_xlabel(f"{first} payoff", color=US_COLOR)
    ax.set_ylabel(f"{second} payoff", color=CN_COLOR)
    ax.set_title("Bargaining over the terms: the deals and the solutions", fontsize=10, loc="left")
    ax.legend(fontsize=7.5, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig
