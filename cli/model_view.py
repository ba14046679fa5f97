"""Printing a model file: `tradegame models` and the model section of `tradegame show`."""

from __future__ import annotations

from typing import Any

from cli.request import Output


def _h(title: str, fmt: str, level: int = 2) -> str:
    return f"{'#' * level} {title}" if fmt == "markdown" else title


def _num(v) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def model_data(model) -> dict[str, Any]:
    """The model as JSON-ready data: players, parameters, defines and payoff terms as written."""
    return {
        "name": model.name,
        "title": model.title,
        "description": model.description,
        "source_file": model.source_file,
        "players": [
            {
                "name": p.name,
                "strategies": list(p.strategies),
                **({"level": p.level, "levels": [_num(v) for v in p.levels]} if p.level else {}),
            }
            for p in model.players
        ],
        "order": list(model.order) if model.order else None,
        "define": {d: model.texts.get(f"define.{d}", "") for d, _ in model.defines},
        "payoffs": {
            p.name: {t: model.texts.get(f"payoffs.{p.name}.{t}", "") for t, _ in terms}
            for p, terms in zip(model.players, model.payoffs)
        },
        "outcomes": {", ".join(pl.strategies[k] for pl, k in zip(model.players, prof)): name
                     for prof, name in model.outcomes.items()},
        "types": None if model.types is None else {
            "player": model.types.player,
            "prior": model.texts.get("types.prior", ""),
            "types": {t: {n: model.texts.get(f"types.{t}.{n}", "") for n, _ in o} for t, o in model.types.types},
        },
        "forms": {name: f.description for name, f in model.forms.items()},
        "instruments": [
            {"name": ins.name, "player": model.player_names[ins.player], "meaning": ins.meaning,
             "settings": list(ins.settings) if ins.settings else None, "level": ins.level,
             "levels": [_num(v) for v in ins.levels] if ins.levels else None,
             "carries": sorted({t for (i, t), n in model.term_instruments.items() if n == ins.name}),
             "payoffs": _instrument_payoffs(model, ins), "optional": ins.optional}
            for ins in (*model.instruments, *model.optional_instruments)
        ],
        "parameters": [
            {"name": q.name, "default": q.default, "range": [q.low, q.high], "unit": q.unit,
             "meaning": q.meaning, "source": q.source, "rationale": q.rationale, "enters": q.side}
            for q in model.parameters.values()
        ],
    }


def _instrument_payoffs(model, ins) -> dict[str, dict[str, str]]:
    """An instrument's own terms as written, by player."""
    out: dict[str, dict[str, str]] = {}
    for i, term, _ in ins.terms:
        name = model.player_names[i]
        out.setdefault(name, {})[term] = model.texts.get(f"instruments.{ins.name}.{name}.{term}", "")
    return out


def model_text(model, fmt: str) -> str:
    """Players, defined quantities and payoff terms, as the model file writes them."""
    code = (lambda s: f"`{s}`") if fmt == "markdown" else (lambda s: s)
    bullet = "-" if fmt == "markdown" else " "
    out = [_h("Players", fmt)]
    for p in model.players:
        line = f"{bullet} {p.name}: {', '.join(p.strategies)}"
        if p.level:
            line += f" (level {code(p.level)} = {', '.join(_num(v) for v in p.levels)})"
        out.append(line)
    if model.order:
        out.append(f"{bullet} sequential order: {', then '.join(model.order)}")
    if model.defines:
        out += ["", _h("Defined quantities", fmt)]
        for d, _ in model.defines:
            out.append(f"{bullet} {code(d + ' = ' + model.texts.get('define.' + d, ''))}")
    out += ["", _h("Payoffs (sum of named terms)", fmt)]
    for p, terms in zip(model.players, model.payoffs):
        out.append(f"{bullet} {p.name}:")
        for t, _ in terms:
            out.append(f"    {bullet} {t}: {code(model.texts.get(f'payoffs.{p.name}.{t}', ''))}")
    if model.outcomes:
        out += ["", _h("Named outcomes", fmt)]
        for profile, name in model.outcomes.items():
            label = ", ".join(pl.strategies[k] for pl, k in zip(model.players, profile))
            out.append(f"{bullet} ({label}): {name}")
    if model.instruments or model.optional_instruments:
        out += ["", _h("Instruments (--game package)", fmt)]
        for ins in (*model.instruments, *model.optional_instruments):
            line = f"{bullet} {ins.name} ({model.player_names[ins.player]})"
            if ins.optional and ins in model.optional_instruments:
                line += f" [optional: --with {ins.name}]"
            if ins.is_move:
                line += f": {', '.join(ins.settings)} (level {code(ins.level)} = {', '.join(_num(v) for v in ins.levels)})"
            out.append(line)
            carried = sorted({t for (i, t), name in model.term_instruments.items() if name == ins.name})
            if carried:
                out.append(f"    {bullet} carries: {', '.join(carried)}")
            for i, term, _ in ins.terms:
                pname = model.player_names[i]
                out.append(f"    {bullet} {pname}, {term}: {code(model.texts.get(f'instruments.{ins.name}.{pname}.{term}', ''))}")
    if model.types is not None:
        out += ["", _h(f"Hidden types of {model.types.player} (--game bayesian)", fmt)]
        out.append(f"{bullet} prior of the first type(s): {code(model.texts.get('types.prior', ''))}")
        for tname, overrides in model.types.types:
            values = ", ".join(f"{n} = {model.texts.get(f'types.{tname}.{n}', '')}" for n, _ in overrides)
            out.append(f"{bullet} {tname}: {code(values) if values else 'the scenario' + chr(39) + 's values'}")
    if model.forms:
        out += ["", _h("Its own forms (--game NAME)", fmt)]
        out += [f"{bullet} {code(name)}: {f.description}" for name, f in model.forms.items()]
    return "\n".join(out)


def models_output(fmt: str) -> Output:
    """`tradegame models`: the trade model and every built-in model file, one line each."""
    from games.model.catalog import TRADE, builtin_model, builtin_model_names

    from games.model.catalog import builtin_model_path

    file = builtin_model_path(TRADE)
    rows = [(TRADE + " (default)", "US–China trade: chip openness against rare-earth supply (its scenarios: `tradegame scenarios`)",
             2, str(file) if file else "")]
    for name in builtin_model_names():
        if name == TRADE:
            continue
        m = builtin_model(name)
        first = m.description.strip().split("\n")[0] if m.description else m.title
        rows.append((name, first, len(m.players), m.source_file))
    width = max(len(r[0]) for r in rows)
    if fmt == "markdown":
        text = "\n".join(f"- **{r[0]}** ({r[2]} players): {r[1]}" for r in rows)
    else:
        text = "\n".join(f"{r[0].ljust(width)}  {r[1]}" for r in rows)
    data = {"models": [{"name": r[0].split(" ")[0], "description": r[1], "players": r[2], "file": r[3]} for r in rows]}
    return Output(text, data)


def term_lines(model, params, solution, form: str, levels: int, fmt: str) -> tuple[str, list[dict]]:
    """'Each equilibrium by payoff term': every pure equilibrium's margins split into the
    model's named terms (text, JSON-ready data)."""
    import numpy as np

    from games.model.evaluate import term_margins
    from games.explanations.wording import cap, who

    from cli import render

    bullet = "-" if fmt == "markdown" else "-"
    head = "Each equilibrium by payoff term"
    lines = [f"## {head}" if fmt == "markdown" else f"{head}\n" + "-" * len(head)]
    data = []
    for k, eq in enumerate(solution.equilibria, 1):
        if not eq.is_pure:
            continue
        profile = tuple(int(np.argmax(p)) for p in eq.profile)
        label = "(" + ", ".join(solution.game.strategies[i][s] for i, s in enumerate(profile)) + ")"
        parts = []
        entry = {"equilibrium": k - 1, "profile": list(profile), "players": []}
        for m in term_margins(model, params, profile, form, levels):
            terms = ", ".join(f"{t} {'+' if d > 0 else '−'}{render.num(abs(d))}" for t, d in m.terms) or "no term differs"
            parts.append(
                f"{who(m.player)} gets {render.num(m.margin)} more from {m.stays} than from {m.switch_to} ({terms})"
            )
            entry["players"].append({"player": m.player, "stays": m.stays, "switch_to": m.switch_to,
                                     "margin": m.margin, "terms": dict(m.terms)})
        lines.append(f"{bullet} {label}: " + "; ".join(parts) + ".")
        data.append(entry)
    if not data:
        return "", []
    return "\n".join(lines), data


def instrument_lines(model, params, solution, form: str, levels: int, fmt: str) -> tuple[str, list[dict]]:
    """'Each equilibrium by instrument': for every pure equilibrium, each player's every
    deviation and how much of its gain or loss each instrument carries (text, JSON-ready data)."""
    import numpy as np

    from games.model.instruments import deviation_attribution, payoff_by_instrument
    from games.explanations.wording import who

    from cli import render

    head = "Each equilibrium by instrument"
    lines = [f"## {head}" if fmt == "markdown" else f"{head}\n" + "-" * len(head)]
    lines.append(
        "Each player's payoff, and its loss (or gain) from every switch, split by the instrument "
        "that carries each payoff term; the parts add up to the whole."
    )
    data = []

    def part(p) -> str:
        name = p.instrument if p.instrument is not None else "no instrument (" + ", ".join(t for t, _ in p.terms) + ")"
        return f"{name} {'+' if p.amount > 0 else '−'}{render.num(abs(p.amount))}"

    for k, eq in enumerate(solution.equilibria, 1):
        if not eq.is_pure:
            continue
        profile = tuple(int(np.argmax(p)) for p in eq.profile)
        label = "(" + ", ".join(solution.game.strategies[i][s] for i, s in enumerate(profile)) + ")"
        lines.append("")
        lines.append(f"{'###' if fmt == 'markdown' else ''}{' ' if fmt == 'markdown' else ''}{label}".strip())
        entry = {"equilibrium": k - 1, "profile": list(profile), "payoffs": [], "deviations": []}
        for player, total, parts in payoff_by_instrument(model, params, profile, form, levels):
            split = "; ".join(part(p) for p in parts) or "no term"
            lines.append(f"- {who(player)}'s payoff {render.num(total)}: {split}.")
            entry["payoffs"].append({"player": player, "payoff": total, "by_instrument": [p.to_dict() for p in parts]})
        for d in deviation_attribution(model, params, profile, form, levels):
            verb = "lose" if d.gain < 0 else "gain"
            amount = render.num(abs(d.gain))
            parts = "; ".join(part(p) for p in d.parts) or "no term changes"
            lines.append(f"- {who(d.player)} would {verb} {amount} by switching to {d.switch_to}: {parts}.")
            entry["deviations"].append(d.to_dict())
        data.append(entry)
    if not data:
        return "", []
    return "\n".join(lines), data
