"""`tradegame timeline` and `tradegame infer`: the record's track record, and the record read
backwards (which parameter values make every observed move an equilibrium)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `timeline` and `infer` commands to the tradegame app."""

    @app.command("timeline", short_help="The dated record, 2018–2026: are observed moves equilibria?")
    def timeline_command(
        episodes: Optional[List[str]] = typer.Argument(
            None, help="Episodes to assess (built-in names or .toml files with a date). Default: the whole record.",
            show_default=False,
        ),
        fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, markdown or json."),
        show_changes: bool = typer.Option(
            True, "--changes/--no-changes", help="List the parameters changed since each previous episode, and why."
        ),
        package: bool = typer.Option(
            False, "--package", help="Assess the moves recorded in the package form (tariffs as instruments, --game package)."
        ),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="With --package: put an optional instrument in the package form (repeatable or comma-separated), "
            "e.g. --with purchases; episodes that do not record its moves are left unassessed.",
        ),
    ) -> None:
        """The dated record, 2018–2026: is each episode's observed move an equilibrium of the model?

        For each dated episode: are the moves each side made an equilibrium of the model there
        (checked exactly)? If not, who falls short, by how much (the deviation gain), and what
        the model predicts instead.

        Examples:

          tradegame timeline

          tradegame timeline --format markdown

          tradegame timeline --no-changes

          tradegame timeline record-2025-04-escalation my-episode.toml

          tradegame timeline --format json

          tradegame timeline --package

          tradegame timeline --package --with purchases
        """
        from cli.app import _emit, guarded

        _emit(guarded(lambda: run_timeline(fmt, show_changes, episodes or [], _package(package, with_))), fmt)

    @app.command("infer", short_help="What must one believe? Parameters that fit observed moves.")
    def infer_command(
        episodes: Optional[List[str]] = typer.Argument(
            None, help="Episodes: built-in names or .toml files with observed moves; 'record' for all of them.",
            show_default=False,
        ),
        free: Optional[List[str]] = typer.Option(
            None, "--free", metavar="NAME",
            help="A parameter to solve for (repeatable, or comma-separated). Default: the judgement "
            "parameters the episodes' games depend on, linkage shares excluded.",
        ),
        plot: Optional[str] = typer.Option(None, "--plot", metavar="A,B", help="Draw the set over two free parameters."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Picture file for --plot (.png or .svg)."),
        force: bool = typer.Option(False, "--force", help="Overwrite --output if it exists."),
        then: Optional[List[str]] = typer.Option(
            None, "--then", metavar="SCENARIO",
            help="A scenario to solve over the identified set (repeatable): which outcomes are "
            "equilibria for every consistent parameter value, for some, or for none.",
        ),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="Form of the --then games: simultaneous or graded."),
        levels: int = typer.Option(5, "--levels", help="Levels per side of graded --then games (2–101)."),
        fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, markdown or json."),
        package: bool = typer.Option(
            False, "--package", help="Read the moves recorded in the package form (tariffs as instruments); "
            "'record' then means every episode with package moves.",
        ),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="With --package: put an optional instrument in the package form (repeatable or comma-separated), "
            "e.g. --with purchases; episodes that do not record its moves are left out of 'record'.",
        ),
    ) -> None:
        """What must one believe? The parameter values that make observed moves equilibria.

        Reads the record backwards: the parameter values under which every observed move is
        an equilibrium (each episode with its own changes applied), their exact bounds, the
        smallest change to the judgement values that fits the record, and which episodes
        conflict when none does.

        Examples:

          tradegame infer record-2025-05-geneva --free leverage

          tradegame infer record --free leverage --free hawk_cost

          tradegame infer record-2025-04-escalation record-2025-07-stockholm --plot hawk_cost,security_risk -o set.png

          tradegame infer record-2025-12-h200 record-2026-05-beijing-summit --free leverage,hawk_cost --then after-truce-renewal

          tradegame infer record-2024-12-chip-rule record-2025-05-geneva --free leverage --package

          tradegame infer record-2025-10-30-busan --package --with purchases --free purchase_linkage
        """
        from cli.app import _emit, guarded

        _emit(guarded(lambda: run_infer(episodes or [], free or [], plot, output, force, then or [], game, levels, fmt,
                                        _package(package, with_))), fmt)


def _package(package: bool, with_: list[str] | None) -> bool | tuple[str, ...]:
    """--package, or with --with the optional instruments named (which need --package)."""
    from cli.package_view import parse_with
    from games.errors import InputError

    names = parse_with(with_)
    if names and not package:
        raise InputError("option --with: adds optional instruments to the package form; add --package")
    if names:
        from games.trade import model_file

        model_file().with_instruments(names)  # unknown names: one line, with a did-you-mean
        return names
    return package


def _check_fmt(fmt: str) -> None:
    from games.errors import InputError, clip

    if fmt not in ("text", "markdown", "json"):
        raise InputError(f"option --format: expected one of text, markdown, json, got '{clip(fmt)}'")


# ------------------------------------------------------------------ timeline
def run_timeline(fmt: str, show_changes: bool = True, names: list[str] | None = None, package: bool | tuple[str, ...] = False):
    from cli.request import Output
    from games.errors import InputError
    from games.history.record import timeline
    from games.model.scenarios import load

    _check_fmt(fmt)
    chosen = None
    if names:
        chosen = []
        for name in names:
            sc = load(name)
            if not sc.date:
                raise InputError(f"{sc.source_file or sc.name}: no 'date'; the timeline lists dated episodes")
            chosen.append(sc)
    items = timeline(chosen, package=package)
    data = {"episodes": [a.to_dict() for a in items],
            "equilibria_observed": sum(1 for a in items if a.equilibrium),
            "episodes_with_moves": sum(1 for a in items if a.equilibrium is not None)}
    if package:
        data["form"] = "package"
    if isinstance(package, tuple):
        data["with"] = list(package)
    if fmt == "json":
        return Output("", data)
    text = render_timeline(items, fmt, show_changes)
    if package:
        head, _, rest = text.partition("\n")
        extra = f", with {', '.join(package)}" if isinstance(package, tuple) else ""
        text = (f"{head} (package form: tariffs as instruments{extra})\n{rest}"
                .replace("no observed moves recorded", "no package moves recorded"))
    return Output(text, data)


def _gain(v: float) -> str:
    from cli.render import num

    return num(v)


def _left_table(rows: list[list[str]]) -> str:
    """A plain-text table with every column left-aligned (the cells are words, not numbers)."""
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fitted_timeline(rows: list[list[str]]) -> str:
    """The timeline as a left-aligned table; when too wide for the output, the last two
    columns (who falls short, what the model predicts) go on indented lines under a miss."""
    from cli import layout

    table = _left_table(rows)
    if max(len(line) for line in table.split("\n")) <= layout.width():
        return table
    lines = _left_table([["date", "episode", "observed", "equil.?"]] + [r[:4] for r in rows[1:]]).split("\n")
    narrow = max(len(line) for line in lines) > layout.width()
    if narrow:  # long move names (the package form): the observed moves go under each row too
        lines = _left_table([["date", "episode", "equil.?"]] + [[r[0], r[1], r[3]] for r in rows[1:]]).split("\n")
    out = lines[:2]
    for r, line in zip(rows[1:], lines[2:]):
        out.append(line)
        if narrow:
            out += ["    " + part for part in layout.wrap_cell(f"observed {r[2]}", layout.width() - 4)]
        if r[4] != "—" or r[5] != "—":
            parts = ([f"falls short by {r[4]}"] if r[4] != "—" else []) + ([f"the model predicts {r[5]}"] if r[5] != "—" else [])
            note = "; ".join(parts)
            note = note[0].upper() + note[1:] if r[4] == "—" else note
            out += ["    " + part for part in layout.wrap_cell(note, layout.width() - 4)]
    return "\n".join(out)


def render_timeline(items, fmt: str, show_changes: bool = True) -> str:
    from cli.render import markdown_table

    rows = [["date", "episode", "observed (US, China)", "equilibrium?", "falls short by", "model predicts"]]
    for a in items:
        observed = "not recorded" if a.observed is None else f"({a.observed[0]}, {a.observed[1]})"
        verdict = "—" if a.equilibrium is None else ("yes" if a.equilibrium else "no")
        short = "; ".join(f"{s.player} {_gain(float(s.gain))} (→ {s.best_alternative})" for s in a.shortfalls) or "—"
        predicts = "—" if a.equilibrium else "; ".join(a.predicted)
        rows.append([a.date, a.name, observed, verdict, short, predicts])
    table = markdown_table(rows) if fmt == "markdown" else _fitted_timeline(rows)
    hits = sum(1 for a in items if a.equilibrium)
    scored = sum(1 for a in items if a.equilibrium is not None)
    head = "# The record: the model's track record" if fmt == "markdown" else "The record: the model's track record"
    out = [head, "",
           f"The observed moves are an equilibrium of the model in {hits} of {scored} episodes with recorded moves "
           "(checked exactly). 'Falls short by' is the deviation gain: what the player's best "
           "alternative would have earned above its observed move.", "", table, ""]
    if not show_changes:
        return "\n".join(out).rstrip("\n")
    out.append("## Changes since the previous episode" if fmt == "markdown" else "Changes since the previous episode")
    bullet = "-" if fmt == "markdown" else " "
    for a in items:
        if not a.changes:
            continue
        out.append(f"{bullet} {a.date} {a.name}: " + "; ".join(
            f"{c.name} {c.before:g} → {c.after:g} ({c.why})" for c in a.changes))
    return "\n".join(out)


# ------------------------------------------------------------------ infer
def _load_episodes(names: list[str], package: bool | tuple[str, ...] = False):
    from games.errors import InputError
    from games.history.record import episodes, records_package
    from games.model.scenarios import load

    if not names:
        raise InputError("infer: name at least one episode, or 'record' for every episode with observed moves")
    out = []
    for name in names:
        if name == "record":
            out += [e for e in episodes() if e.observed is not None and (not package or records_package(e, package))]
        else:
            sc = load(name)
            if sc.observed is None:
                raise InputError(f"{sc.source_file or sc.name}: no [observed] moves; infer reads episodes of the record")
            out.append(sc)
    return out


def _free_names(free: list[str], eps, package: bool | tuple[str, ...] = False) -> list[str]:
    from games.history.identified_set import default_free

    names = [n.strip() for item in free for n in item.split(",") if n.strip()]
    return names or default_free(eps, package)


def run_infer(names, free, plot, output, force, then, game, levels, fmt, package: bool | tuple[str, ...] = False):
    from cli.request import Output
    from games.history import identified_set as ids
    from games.errors import InputError
    from games.model.scenarios import load

    from cli.option_rules import check_command

    _check_fmt(fmt)
    check_command("infer", None, game)  # --game and --levels shape the --then games only
    if game not in ("simultaneous", "graded"):
        raise InputError(f"option --game: expected simultaneous or graded, got '{game}'")
    if game == "graded":
        from games import trade

        trade.levels(levels)
    if plot is not None and output is None:
        raise InputError("option --plot: give a picture file with --output (.png or .svg)")
    if output is not None and plot is None:
        raise InputError("option --output: only --plot writes a file; add --plot A,B")
    if output is not None:  # before the work: the picture's name, folder and kind of file
        from pathlib import Path

        from cli.plots import check_output

        check_output(Path(output), force)
    if package and then:
        raise InputError("option --then: not available with --package (the outlook is computed in the 2×2 and graded games)")
    eps = _load_episodes(list(names), package)
    free_names = _free_names(list(free), eps, package)
    rc = ids.record_conditions(eps, free_names, package)
    plot_pair = None
    if plot is not None:
        plot_pair = [p.strip() for p in plot.split(",")]
        if len(plot_pair) != 2:
            raise InputError(f"option --plot: expected two parameter names A,B, got '{plot}'")
        for p in plot_pair:
            if p not in rc.free:
                raise InputError(f"option --plot: '{p}' is not a free parameter; add --free {p}")
    futures = [load(t) for t in then]
    consistent = ids.is_consistent(rc)
    result: dict = {
        "episodes": list(rc.episodes),
        "free": list(rc.free),
        "mode": "shift: an episode's value of a free parameter is the unknown value plus the episode's own change",
        "conditions": [c.to_dict(rc.free) for c in rc.conditions],
        "box": {n: [str(lo), str(hi)] for n, (lo, hi) in zip(rc.free, rc.box())},
        "consistent": consistent,
    }
    if package:
        result["form"] = "package"
    if isinstance(package, tuple):
        result["with"] = list(package)
    bounds = change = None
    conflict: list[str] = []
    rows = []
    if consistent:
        bounds = ids.bounds(rc)
        change = ids.smallest_change(rc)
        result["bounds"] = [b.to_dict() for b in bounds]
        result["not_in_conditions"] = _uninvolved(rc)
        result["smallest_change"] = change.to_dict() if change is not None else None
        for sc in futures:
            rows.append((sc, ids.outlook(rc, sc, game, levels)))
        result["then"] = [
            {"scenario": sc.name, "game": game, "outcomes": [r.to_dict() for r in out]} for sc, out in rows
        ]
    else:
        conflict = ids.conflicting_episodes(rc)
        result["conflicting_episodes"] = conflict
        result["bounds"] = None
        result["smallest_change"] = None
        result["then"] = None  # nothing to solve the --then scenarios with (said in the text too)
    if plot_pair is not None:
        if not consistent:
            raise InputError("option --plot: the record has no consistent parameter values to draw")
        polygon = ids.projection(rc, *plot_pair)
        from cli.record_plot import draw_set

        draw_set(polygon, plot_pair, rc, output, force)
        result["picture"] = {"file": str(output), "vertices": [list(p) for p in polygon]}
    if fmt == "json":
        return Output("", result)
    unsolved = [sc.name for sc in futures] if not consistent else []
    return Output(render_infer(rc, consistent, bounds, change, conflict, rows, output if plot_pair else None, fmt,
                               unsolved), result)


def _frac(x) -> str:
    from cli.render import num

    if x is None:
        return "—"
    return str(x) if x.denominator != 1 and len(str(x)) <= 12 else num(float(x))


def _uninvolved(rc) -> list[str]:
    """The free parameters whose coefficient is zero in every condition (the observed moves
    say nothing about them: freeing chip_value where the US restricts, for instance)."""
    return [name for k, name in enumerate(rc.free) if all(c.coefficients[k] == 0 for c in rc.conditions)]


def render_infer(rc, consistent, bounds, change, conflict, rows, picture, fmt: str, unsolved=()) -> str:
    from cli.render import markdown_table, num, text_table

    md = fmt == "markdown"
    out = ["# What must one believe?" if md else "What must one believe?", ""]
    out.append(f"Episodes: {', '.join(rc.episodes)}.")
    out.append(f"Solving for: {', '.join(rc.free)} (each episode's own changes applied as shifts; "
               f"{len(rc.conditions)} equilibrium conditions, verified affine).")
    out.append("Values are the model's base values: an episode's own value is the base plus that "
               "episode's change (tradegame show EPISODE lists them).")
    out.append("")
    if not consistent:
        out.append("No parameter values make every observed move an equilibrium.")
        if len(conflict) == 1:
            out.append(f"The observed moves of {conflict[0]} are not an equilibrium for any value of "
                       f"{', '.join(rc.free)} within range: that episode conflicts on its own.")
            out.append("Free other parameters to read it, or leave it out to read the rest."
                       if len(rc.episodes) > 1 else "Free other parameters to read it.")
        elif conflict:
            out.append(f"These episodes conflict (a minimal set that cannot all hold): {', '.join(conflict)}.")
            out.append("Drop one of them, or free other parameters, to read the rest.")
        if unsolved:
            out.append(f"Not solved (--then): {', '.join(unsolved)}; with no consistent parameter value there is "
                       "nothing to solve them over.")
        return "\n".join(out)
    table = [["parameter", "judgement", "lowest", "highest", "judgement inside?"]]
    for b in bounds:
        lo = _frac(b.low_exact) if b.low_exact is not None else num(b.low)
        hi = _frac(b.high_exact) if b.high_exact is not None else num(b.high)
        table.append([b.name, num(b.judgement), lo, hi, "yes" if b.contains_judgement else "no"])
    out.append("## Bounds over the identified set" if md else "Bounds over the identified set")
    out.append(markdown_table(table) if md else text_table(table))
    idle = _uninvolved(rc)
    ends = [f"{b.name}'s {side}" for b in bounds if b.name not in idle
            for side, at in (("lowest", b.low_at_range_end), ("highest", b.high_at_range_end)) if at]
    if ends:
        out.append(f"At the range's end (the observed moves allow it, and the range stops there): {', '.join(ends)}.")
    if idle:
        out.append(f"No equilibrium condition involves {', '.join(idle)}: the record does not bound "
                   f"{'it' if len(idle) == 1 else 'them'}; only the range does.")
    exact_all = all(b.low_exact is not None and b.high_exact is not None for b in bounds)
    out.append("Every bound is exact (a vertex recomputed in fractions and checked)." if exact_all
               else "Bounds shown as fractions are exact; decimals are the LP's floating-point values.")
    out.append("")
    out.append("## Smallest change to the judgement values" if md else "Smallest change to the judgement values")
    if change is None or not change.changes:
        out.append("None needed: the judgement values already make every observed move an equilibrium.")
    else:
        for name, old, new in change.changes:
            out.append(f"{'-' if md else ' '} {name}: {num(old)} → {num(new)}")
        out.append(f"(the least total change, each as a share of the parameter's range: {num(change.distance)})")
    for sc, outcome in rows:
        out.append("")
        out.append(f"## {sc.title}" if md else f"After: {sc.title} ({sc.name})")
        every = [r for r in outcome if r.status == "every"]
        some = [r for r in outcome if r.status == "some"]
        if every:
            out.append("Equilibrium for every consistent value: " + "; ".join(f"({a}, {b})" for a, b in (r.outcome for r in every)))
        if some:
            out.append("Equilibrium for some consistent values only: " + "; ".join(f"({a}, {b})" for a, b in (r.outcome for r in some)))
        if not every and not some:
            out.append("No pure outcome is an equilibrium for any consistent value.")
    if picture is not None:
        out += ["", f"Picture of the set written to {picture}."]
    return "\n".join(out)
