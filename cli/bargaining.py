"""Bargaining over the deal's terms on the command line: --game bargaining [--proposer us|china] [--rounds N].

JSON keeps the common contract with one documented twist: the "strategies" of the
bargaining game are the two continuous terms, so each solution's ``profile`` is
``[[x], [y]]`` — US chip openness and China's rare-earth supply in [0, 1] — not
probabilities. ``payoffs`` are the payoffs at those terms. Added keys: ``frontier``,
``solutions``, ``disagreement``, ``outside_options``, ``discounts``, ``no_deal`` (null,
or why no deal is struck — then ``equilibria`` is empty), ``proposer``, ``rounds`` and,
for `explain`, ``sensitivity``.
"""

from __future__ import annotations

from typing import Any

from cli.request import Output, Request

#: The stage game's pure outcomes by cell, for the disagreement point.
STAGE_OUTCOMES = {
    (0, 0): "the conflict (Restrict, Restrict)",
    (1, 1): "the deal (Relax, Supply)",
    (1, 0): "(Relax, Restrict)",
    (0, 1): "(Restrict, Supply)",
}
#: Most frontier points written to JSON (evenly subsampled).
MAX_FRONTIER_POINTS = 200
#: Parameters whose effect on the split `explain` reports.
SENSITIVITY = (
    "discount_us", "discount_cn", "outside_option_us", "outside_option_cn",
    "chip_sales", "security_risk", "hawk_cost", "re_dependence", "deal_value_us",
    "chip_value", "self_reliance", "re_revenue", "leverage", "diversification", "deal_value_cn",
)


def run(request: Request) -> Output:
    """Solve the scenario's bargaining problem with every solution concept."""
    from games.forms import bargaining as bg
    from games.errors import InputError

    first, rounds = _check_options(request)
    if request.fmt == "dot":
        raise InputError("option --format: expected text, markdown or json for --game bargaining, got 'dot'")
    scenario = request.scenario
    p = dict(scenario.parameters)
    analysis = bg.analyse(p, first=first, rounds=rounds)
    sens = bg.sensitivity(p, SENSITIVITY, first=first) if request.full and not analysis.no_deal else None
    data = build_data(analysis, p, sens, scenario.name, request.full)
    from cli import render

    data["scenario"] = render.scenario_data(scenario)
    data["form"] = "bargaining"
    intro = [f"{scenario.title}. {scenario.summary}"]
    if scenario.overrides:
        intro.append("What-if: " + ", ".join(f"{k} = {render.num(v)}" for k, v in scenario.overrides))
    return Output(render_text(analysis, data, sens, request.fmt, request.full, intro), data)


def _check_options(request: Request) -> tuple[int, int | None]:
    return bargaining_options(request, {"us": 0, "china": 1, "cn": 1}, "us or china")


def bargaining_options(request: Request, proposers: dict[str, int], expected: str) -> tuple[int, int | None]:
    """(index of the first proposer, --rounds or None) from the request's options.

    ``proposers`` maps each accepted --proposer word (lower case) to a player index;
    ``expected`` names them in the error. Any other option, or --exact, is bad input.
    """
    from games.errors import InputError, clip

    first, rounds = 0, None
    for name, value in request.options.items():
        if value is None:
            continue
        if name == "proposer":
            key = str(value).strip().lower()
            if key not in proposers:
                raise InputError(f"option --proposer: expected {expected}, got '{clip(value)}'")
            first = proposers[key]
        elif name == "rounds":
            rounds = bargaining_rounds(value)
        else:
            raise InputError(f"option --{name}: not used by --game bargaining")
    if request.exact:
        raise InputError("option --exact: not available for --game bargaining")
    return first, rounds


def bargaining_rounds(value) -> int:
    """--rounds for bargaining: a whole number of rounds from 1 to 10,000 (else one-line bad input)."""
    from games.errors import InputError

    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise InputError(f"option --rounds: expected a whole number of rounds from 1 to 10000, got {value!r}")
    return value


def build_data(analysis, p, sens, name: str, full: bool) -> dict[str, Any]:
    import numpy as np

    from games.forms import bargaining as bg
    from games.explanations import bargaining_explain as bx
    from games.forms.bargaining import surplus_share
    from games.trade import payoffs, scenario_title

    f, d = analysis.frontier, analysis.disagreement
    solutions = {}
    equilibria = []
    for s in analysis.solutions:
        U, V = payoffs(s.x, s.y, p)
        share = surplus_share((s.u, s.v), d, 1)
        entry = {
            "name": s.name,
            "profile": [[s.x], [s.y]],
            "payoffs": [float(U), float(V)],
            "utilities": [s.u, s.v],
            "surplus_share": {"US": None if share != share else 1 - share, "China": None if share != share else share},
            "outside_option_binds": s.binding or None,
            "explanation": bx.share_sentence(analysis, s),
        }
        solutions[s.name] = entry
        equilibria.append(entry)
    k = np.unique(np.linspace(0, len(f.u) - 1, min(len(f.u), MAX_FRONTIER_POINTS)).round().astype(int))
    data: dict[str, Any] = {
        "game": {
            "title": f"{scenario_title(name)} (bargaining over terms)",
            "players": ["US", "China"],
            "strategies": [["chip openness x"], ["rare-earth supply y"]],
        },
        "profile_meaning": "profile = [[x], [y]]: the agreed terms, chip openness x and rare-earth supply y in [0, 1]",
        "equilibria": equilibria,
        "solutions": solutions,
        "disagreement": {"payoffs": list(d), "profile": [[float(analysis.conflict_cell[0])], [float(analysis.conflict_cell[1])]]},
        "outside_options": {"US": analysis.outside[0], "China": analysis.outside[1],
                            "explanation": bx.outside_option_sentence(analysis)},
        "discounts": {"US": analysis.deltas[0], "China": analysis.deltas[1]},
        "no_deal": {"no surplus": "no terms are better for both than the stage equilibrium",
                    "walk away": bx.no_deal_sentence(analysis)}.get(analysis.no_deal),
        "proposer": bx.PLAYERS[analysis.first],
        "rounds": analysis.rounds,
        "frontier": {
            "n_points": int(len(f.u)),
            "ends": {
                p.name.split("'")[0]: {"x": p.x, "y": p.y, "utilities": [p.u, p.v]}
                for p in bg.bargaining_ends(f, d)
            },
            "points": [[float(f.u[i]), float(f.v[i]), float(f.x[i]), float(f.y[i])] for i in k],
            "columns": ["U_US", "U_CN", "x", "y"],
        },
    }
    if analysis.finite_path is not None:
        data["finite_horizon"] = {
            "rounds": analysis.rounds,
            "agreement_by_round": [list(pt) for pt in analysis.finite_path],
            "last_proposer": bx.PLAYERS[bx.last_proposer(analysis.first, analysis.rounds)],
        }
    if sens is not None:
        data["sensitivity"] = {
            "china_share_derivative": {k2: (None if v != v else v) for k2, v in sens.items()},
            "explanation": bx.sensitivity_sentence(sens),
        }
    return data


def render_text(analysis, data, sens, fmt: str, full: bool, intro: list[str]) -> str:
    from games.explanations import bargaining_explain as bx

    from cli import render

    md = fmt == "markdown"
    h = (lambda s: f"## {s}") if md else (lambda s: f"{s}\n" + "-" * len(s))
    d = analysis.disagreement
    lines = [f"# {data['game']['title']}" if md else data["game"]["title"], ""]
    lines += intro + [""]
    stage = STAGE_OUTCOMES.get(tuple(analysis.conflict_cell), "a mixed equilibrium")
    lines.append(
        f"Disagreement point (the one-shot game's equilibrium, {stage}): US {render.num(d[0])}, China {render.num(d[1])}. "
        f"Patience per offer round: US {render.num(analysis.deltas[0])}, China {render.num(analysis.deltas[1])}; "
        f"{bx.PLAYERS[analysis.first]} proposes first."
    )
    ends = data["frontier"]["ends"]

    def end(e: dict) -> str:
        return (f"x = {render.num(e['x'], 3)}, y = {render.num(e['y'], 3)} "
                f"(US {render.num(e['utilities'][0], 3)}, China {render.num(e['utilities'][1], 3)})")

    if analysis.no_deal == "no surplus":
        pass  # the sentence below says it: no terms beat the stage equilibrium for both
    elif data["frontier"]["n_points"] == 1:
        lines.append(f"One set of terms is best for both sides, so the Pareto frontier is a single point: {end(ends['US'])}.")
    else:
        lines.append(
            f"Deals both prefer to the disagreement point lie on the Pareto frontier ({data['frontier']['n_points']} "
            f"points computed), from the US's best, {end(ends['US'])}, to China's best, {end(ends['China'])}."
        )
    lines.append("")
    if analysis.no_deal == "walk away":
        lines += [bx.no_deal_sentence(analysis), ""]
        if full:
            lines += [bx.outside_option_sentence(analysis), ""]
        return "\n".join(lines).rstrip() + "\n"
    rows = [["solution", "x (chips)", "y (rare earths)", "US", "China", "China's share"]]
    for s in analysis.solutions:
        e = data["solutions"][s.name]
        share = e["surplus_share"]["China"]
        rows.append([s.name, render.num(s.x, 3), render.num(s.y, 3), render.num(e["payoffs"][0], 3),
                     render.num(e["payoffs"][1], 3), "—" if share is None else bx.pct(share)])
    lines += [h("Solutions"), "", render.markdown_table(rows) if md else render.text_table(rows), ""]
    headline = next(s for s in analysis.solutions if s.name.startswith("Deadline" if analysis.rounds else "Rubinstein"))
    lines += [bx.share_sentence(analysis, headline), ""]
    if full and not analysis.no_deal and not bx.single_deal(analysis):
        for s in analysis.solutions:
            if s is not headline:
                lines.append(f"- {bx.share_sentence(analysis, s)}")
        lines.append("")
    if full:
        lines += [bx.outside_option_sentence(analysis), ""]
        if sens is not None:
            lines += [bx.sensitivity_sentence(sens), ""]
    return "\n".join(lines).rstrip() + "\n"
