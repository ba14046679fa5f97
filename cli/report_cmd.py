"""`tradegame report [TARGET] -o report.html|.md`: a handout a teacher would print.

The report gathers, for a scenario (or a ``.nfg`` / ``.efg`` game file), the scenario and
its parameters and then one section per game form, each with a picture — the payoff
matrix as a table with best responses and equilibria marked, the best-response and
dynamics pictures, the tree with its path of play, the folk theorem's payoff set, the
bargaining frontier, the Harsanyi matrix, the US–China game for each move of the ally —
and the form's equilibria and explanation as formatted prose and tables. Each fact is
shown once: the scenario's story opens the report, not every section; the matrix is a
table, not also a picture and a text block.

- ``--sections a,b`` keeps only those sections (names: ``scenario``, the forms of
  `tradegame forms`, ``regime-map``; ``game`` for a game file);
- ``--brief`` gives each form about a page: its picture, its equilibria with one-line
  reasons and the short explanation (`solve`'s), instead of the full one (`explain`'s);
- HTML: one self-contained file (pictures embedded) with print styles — A4, short
  sections sharing pages, a heading kept with what follows; Markdown: the pictures are
  written as files in a folder beside it
  (``report.md`` → ``report_files/``), linked, not embedded.

Nothing is computed here that the other commands do not compute: each section calls the
same form handlers and pictures as `explain` and `plot`. A form or picture that does not
apply is listed as skipped with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import typer

from cli.handout import e

#: game forms reported for a scenario, in order, with their section titles
SCENARIO_FORMS = (
    ("simultaneous", "The simultaneous game (2×2)"),
    ("graded", "The graded game (openness levels)"),
    ("us-first", "The US moves first"),
    ("china-first", "China moves first"),
    ("snapback", "The US moves first and may snap back"),
    ("repeated", "The repeated game"),
    ("bargaining", "Bargaining over the deal's terms"),
    ("bayesian", "Incomplete information about China's type"),
    ("with-ally", "With a third player (an ally)"),
)
TREE_FORMS = ("us-first", "china-first", "snapback", "sequential")
MAP_TITLE = "Regime map: what would change the outcome"
SCENARIO_TITLE = "The scenario"


@dataclass(frozen=True)
class Picture:
    """A picture of a section: image bytes (svg or png) and a caption, or why it was skipped."""

    name: str  # file stem when written beside a Markdown report
    caption: str
    data: bytes = b""
    fmt: str = "svg"
    skipped: str = ""


@dataclass(frozen=True)
class Part:
    """A piece of a section's text in both output formats."""

    html: str
    markdown: str


@dataclass(frozen=True)
class Section:
    key: str  # the --sections name and the HTML id
    title: str
    parts: tuple = ()  # Part or Picture, in order
    skipped: str = ""


@dataclass(frozen=True)
class Report:
    title: str
    target: str
    sections: tuple[Section, ...]
    brief: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def pictures(self) -> list[Picture]:
        return [p for s in self.sections for p in s.parts if isinstance(p, Picture)]


def _md_part(markdown: str) -> Part:
    """Markdown from a renderer, as a Part (headings pushed under the section's ## heading)."""
    from cli.markup import to_html

    return Part(to_html(markdown, 2), _demote(markdown))


def _demote(markdown: str) -> str:
    """Push a form's own headings two levels down, under the report's section heading."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if line.startswith("#") and not fenced:
            line = "##" + line
        out.append(line)
    return "\n".join(out)


#: every picture the report draws: kind -> (caption, file format)
PICTURE_KINDS = {
    "best-response": ("Best responses in the (p, q) square: they cross at the equilibria.", "svg"),
    "dynamics": ("Replicator dynamics: where learning players end up.", "png"),
    "tree": ("The game tree: each mover's subgame-perfect choice in green, the path of play thick.", "svg"),
    "folk-theorem": ("Payoffs the repeated game can sustain (folk theorem).", "svg"),
    "frontier": ("The Pareto frontier of deals and the bargaining solutions.", "svg"),
    "regime-map": ("Which pure equilibria exist as two parameters vary, the others at the scenario's values.", "png"),
}


#: replicator points per run time in the report's dynamics pictures: a picture 6 cm wide shows
#: no difference from `tradegame plot`'s 800, and it is drawn four times sooner
DYNAMICS_RESOLUTION = 200


def draw_picture(kind: str, form: str, target: str | None, sets: list[str], levels: int) -> bytes:
    """One picture of the report, computed from scratch (so it can run in a worker process)."""
    from cli.plots import render_bytes

    fmt = PICTURE_KINDS[kind][1]
    if kind in ("best-response", "dynamics"):
        from games.solvers.solver import solve

        from cli.plot_cmd import game_figure, load_game

        game, _ = load_game(target, sets, form, levels)
        return render_bytes(game_figure(kind, game, solve(game).equilibria, resolution=DYNAMICS_RESOLUTION), fmt)
    if kind in ("folk-theorem", "frontier"):
        from cli import form_plots
        from cli.app import _run

        data = _run("solve", target, sets, form, levels, "auto", "markdown", False, {}).data
        if kind == "frontier" and "points" not in data.get("frontier", {}):
            from games.errors import InputError

            # a model without levels bargains over lotteries of outcomes: no frontier curve is drawn
            raise InputError("this game's bargaining result has no frontier of terms to draw")
        figure = form_plots.folk_theorem_figure if kind == "folk-theorem" else form_plots.frontier_figure
        return render_bytes(figure(data), fmt)
    from cli.plot_cmd import make_picture

    if kind == "tree":
        return make_picture("tree", target, fmt=fmt, sets=sets, game=form)[0]
    return make_picture("regime-map", target, fmt=fmt, sets=sets, levels=levels)[0]


def _parallel_ok(jobs: int) -> int:
    """Worker processes to draw with: several on a multi-core Linux machine (fork is cheap
    there: the workers inherit the loaded libraries), none elsewhere."""
    import multiprocessing
    import os
    import sys

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs < 2 or cores < 2 or not sys.platform.startswith("linux"):
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    import threading

    if threading.active_count() > 1:  # forking a threaded process can deadlock on a held lock
        return 0
    return min(jobs, cores, 6)


class Drawer:
    """Draws the report's pictures while the explanations are written: every picture is
    asked for up front and drawn in worker processes when the machine has several cores
    (in this process otherwise). `get` waits for one and returns it as a Picture; a
    tradegame error becomes a skipped picture."""

    def __init__(self, jobs: list[tuple[str, str]], target: str | None, sets: list[str], levels: int,
                 enabled: bool = True) -> None:
        self.jobs = list(dict.fromkeys(jobs)) if enabled else []
        self.args = (target, list(sets), levels)
        self.enabled = enabled
        self.pool = None
        self.pending: dict = {}

    def __enter__(self) -> "Drawer":
        workers = _parallel_ok(len(self.jobs))
        if workers:
            import multiprocessing

            from cli.plots import pyplot

            pyplot()  # imported once here, inherited by every forked worker (0.5 s each otherwise)

            self.pool = multiprocessing.get_context("fork").Pool(workers)
            for kind, form in self.jobs:
                self.pending[(kind, form)] = self.pool.apply_async(draw_picture, (kind, form, *self.args))
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def get(self, kind: str, form: str, name: str) -> Picture | None:
        from games.errors import InputError, SolverError

        if not self.enabled:
            return None
        caption, fmt = PICTURE_KINDS[kind]
        try:
            job = self.pending.get((kind, form))
            data = job.get() if job is not None else draw_picture(kind, form, *self.args)
            return Picture(name, caption, data, fmt)
        except (InputError, SolverError) as exc:
            return Picture(name, caption, skipped=str(exc))


def picture_jobs(sections: list[str], kind: str, brief: bool, two_by_two: bool = True) -> list[tuple[str, str]]:
    """(picture kind, game form) of every picture the chosen sections show, in order."""
    jobs = []
    for key in sections:
        if key in ("simultaneous", "game") and kind != "efg":
            form = "simultaneous"
            if two_by_two:
                jobs.append(("best-response", form))
            if not brief or not two_by_two:
                jobs.append(("dynamics", form))
        elif key == "game":
            jobs.append(("tree", "simultaneous"))
        elif key == "graded" and not brief:  # brief: the matrix table is the graded game's picture
            jobs.append(("dynamics", "graded"))
        elif key in TREE_FORMS:
            jobs.append(("tree", key))
        elif key == "repeated":
            jobs.append(("folk-theorem", key))
        elif key == "bargaining":
            jobs.append(("frontier", key))
        elif key == "regime-map":
            jobs.append(("regime-map", "simultaneous"))
    return jobs


# ------------------------------------------------------------------ sections
def _strip_intro(markdown: str, scenario) -> str:
    """A form handler's text without what the report already said: its title, the scenario's
    one-line intro and what-if line, and the text drawing of the tree (the picture shows it)."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    intro = f"{scenario.title}. {scenario.summary}" if scenario is not None else None
    out, fenced, skip_fence = [], False, False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            last = next((k for k in range(len(out) - 1, -1, -1) if out[k].strip()), None)
            if not fenced and last is not None and out[last].strip().startswith("Game tree:"):
                del out[last:]
                skip_fence = True
            fenced = not fenced
            if skip_fence:
                if not fenced:
                    skip_fence = False
                continue
        if skip_fence:
            continue
        if not fenced and (stripped == intro or stripped.startswith("What-if:")):
            continue
        out.append(line)
    return "\n".join(out).strip()


def first_sentence(text: str) -> str:
    """A reason's first sentence (the brief report's one line per equilibrium)."""
    m = re.search(r"[.!?](\s|$)", text)
    return text[: m.start() + 1] if m else text


def _equilibria_part(game, solution, reasons: list[str] | None, listed: bool = True) -> Part:
    from cli.render import describe_profile, num, outcome_label

    html, md = [], []
    for k, eq in enumerate(solution.equilibria):
        head = outcome_label(game, eq) if eq.is_pure else describe_profile(game, eq)
        pays = ", ".join(f"{p} {num(v)}" for p, v in zip(game.players, eq.payoffs))
        kind = "pure" if eq.is_pure else "mixed"
        why = f" {first_sentence(reasons[k])}" if reasons else ""
        html.append(f"<li><strong>{kind} {e(head)}</strong> — payoffs {e(pays)}.{e(why)}</li>")
        md.append(f"{k + 1}. **{kind} {head}** — payoffs {pays}.{why}")
    scope = "all of them" if solution.complete else solution.note
    lead = (f"Equilibria: {len(solution.equilibria)} ({scope}; method {solution.method}; each verified: no player "
            f"gains more than {solution.tolerance:.0e} by deviating alone).")
    if not listed:
        return Part(f"<p>{e(lead)}</p>", lead)
    return Part(f"<p>{e(lead)}</p><ol>{''.join(html)}</ol>", f"{lead}\n\n" + "\n".join(md))


def normal_form_section(key: str, title: str, game, scenario, form: str | None, levels: int, brief: bool,
                        drawer: Drawer) -> Section:
    """The matrix (a table with the answers marked), pictures, equilibria and explanation."""
    from games.explanations.explanation import explain
    from games.solvers.solver import solve

    from cli import explain_view
    from cli.handout import matrix_table
    from cli.render import matrix_block

    solution = solve(game)
    expl = explain(solution, form=form, levels=levels)
    if scenario is not None and not brief and form in ("simultaneous", "graded"):
        expl = with_pure_thresholds(expl, solution, dict(scenario.parameters), form, levels,
                                    getattr(scenario, "model", None))
    parts: list = [Part(matrix_table(game, solution.equilibria), matrix_block(game, solution.equilibria, "markdown"))]
    if game.n_players == 2:
        nf = form or "simultaneous"
        for kind in ("best-response", "dynamics"):
            if (kind, nf) in drawer.jobs:
                pic = drawer.get(kind, nf, f"{key}-{kind}")
                if pic is not None:
                    parts.append(pic)
    # brief: each equilibrium with its one-line reason; full: each with its exact profile and
    # payoffs, the reasons following under "Why each equilibrium holds"
    parts.append(_equilibria_part(game, solution, list(expl.equilibrium_summaries) if brief else None))
    if brief:
        parts.append(_md_part("\n".join(f"- {line}" for line in expl.overview)))
    else:
        parts.append(_md_part(explain_view.render_explanation(handout_explanation(expl, game), "markdown")
                              .replace("## Explanation\n", "", 1)
                              ))
        parts += threshold_tables(expl)
        if expl.starts and game.shape == (2, 2):
            parts.append(_md_part("\n".join(["### What would make the other outcomes equilibria", ""]
                                            + [f"- {line}" for s in expl.starts for line in s.sentences])))
    return Section(key, title, tuple(parts))


def with_pure_thresholds(expl, solution, params: dict, form: str, levels: int, model=None):
    """The explanation with the pure equilibria's exact thresholds (and, for the 2×2 game, what
    would make the other outcomes equilibria). The mixed equilibria's numerical thresholds,
    which the report does not print, are not computed."""
    from dataclasses import replace

    from games.explanations import thresholds as th

    pure = replace(solution, equilibria=tuple(eq for eq in solution.equilibria if eq.is_pure))
    found = th.equilibrium_thresholds(params, form, levels, pure, model)
    starts = th.start_thresholds(params, form, levels, solution, model) if form == "simultaneous" else ()
    notes = expl.notes
    if len(pure.equilibria) < len(solution.equilibria):
        notes = notes + ("The mixed equilibrium's thresholds (numerical) are listed by `tradegame explain`.",)
    return replace(expl, thresholds=found, starts=starts, notes=notes)


def _limit(t) -> str:
    """Where an equilibrium holds as one parameter moves, and who switches beyond: a table cell."""
    from cli.render import num

    lo, hi = t.valid_range
    where, breaks = [], []
    if t.low > lo + 1e-12:
        where.append(f"above {num(t.low, 3)}")
        if t.below is not None:
            breaks.append(f"below: {t.below.player} → {t.below.switch_to}")
    if t.high < hi - 1e-12:
        where.append(f"below {num(t.high, 3)}")
        if t.above is not None:
            breaks.append(f"above: {t.above.player} → {t.above.switch_to}")
    return "; ".join([" and ".join(where) or "whole range", *breaks])


def threshold_tables(expl) -> list:
    """The pure equilibria's thresholds as one table: a row per parameter that has a threshold
    for any of them, its current value, and a column per equilibrium saying where it holds
    and who switches beyond (each parameter and value written once)."""
    from cli.render import num

    tables = [t for t in expl.thresholds if t.pure]
    if not tables:
        return []
    names: list[str] = []
    current: dict[str, float] = {}
    cells: list[dict[str, str]] = []
    for t in tables:
        col = {}
        for th in t.thresholds:
            if th.parameter not in current:
                names.append(th.parameter)
                current[th.parameter] = th.current
            col[th.parameter] = _limit(th)
        cells.append(col)
    heads = [t.label[:1].upper() + t.label[1:] for t in tables]
    lead = ("### Thresholds: what would change the outcome\n\nWhere each pure equilibrium holds as one parameter "
            "moves, the others held at their current values (exact: payoffs are affine in each parameter), "
            "and who switches beyond the threshold.")
    html = ["<table class=\"wide thresholds\"><thead><tr><th>parameter</th><th>now</th>"
            + "".join(f"<th>{e(h)} holds while</th>" for h in heads) + "</tr></thead><tbody>"]
    md = ["| parameter | now | " + " | ".join(f"{h} holds while" for h in heads) + " |",
          "|---|---|" + "---|" * len(heads)]
    for name in names:
        row = [col.get(name, "whole range") for col in cells]
        html.append(f"<tr><td><code>{e(name)}</code></td><td>{e(num(current[name]))}</td>"
                    + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        md.append(f"| `{name}` | {num(current[name])} | " + " | ".join(row) + " |")
    html.append("</tbody></table>")
    everywhere = [n for n in tables[0].whole_range if all(n in t.whole_range for t in tables)]
    if everywhere:
        rest = (("It holds" if len(tables) == 1 else "Each holds") + " over the whole range of "
                + ", ".join(everywhere) + ".")
        html.append(f"<p class=\"note\">{e(rest)}</p>")
        md += ["", rest]
    return [_md_part(lead), Part("".join(html), "\n".join(md))]


#: outcomes listed one by one in the report up to this many pure profiles
MAX_OUTCOMES_LISTED = 4


def handout_explanation(expl, game):
    """The explanation as the report prints it, each fact once and within a page or two:
    the outcomes that are equilibria are explained under "Why each equilibrium holds", so
    only the others are listed (and none for games above 2×2); thresholds are kept for the
    pure equilibria (exact), the mixed ones' numerical ranges are left to `tradegame explain`."""
    from dataclasses import replace

    outcomes = tuple(o for o in expl.outcomes if not o.is_equilibrium)
    if len(expl.outcomes) > MAX_OUTCOMES_LISTED:
        outcomes = ()
    # the pure equilibria's thresholds follow as tables (threshold_tables), the starts after them
    return replace(expl, outcomes=outcomes, thresholds=(), starts=())


def _form_pictures(form: str, scenario, data: dict, drawer: Drawer) -> list:
    """The picture (or table) that goes with a non-normal form."""
    from cli.handout import matrix_table

    drawn = {"repeated": "folk-theorem", "bargaining": "frontier"}
    kind = "tree" if form in TREE_FORMS else drawn.get(form)
    if kind is not None:
        pic = drawer.get(kind, form, f"{form}-{kind}")
        return [pic] if pic is not None else []
    from cli.bayes_ally import form_tables

    return [Part(f"<p>{e(t.caption)}</p>" + matrix_table(t.game, (), cells=set(t.cells)),
                 f"{t.caption}\n\n" + _plain_matrix_md(t.game, t.cells))
            for t in form_tables(form, scenario, data.get("equilibria", []))]


def _plain_matrix_md(game, cells) -> str:
    """A two-player matrix in Markdown with the given cells in bold brackets (no best-response marks)."""
    from cli.render import num

    A, B = game.bimatrix()
    rows = ["| " + " | ".join([f"{game.players[0]} \\ {game.players[1]}", *game.strategies[1]]) + " |",
            "|" + "---|" * (1 + len(game.strategies[1]))]
    for i, r in enumerate(game.strategies[0]):
        cellsmd = []
        for j in range(A.shape[1]):
            text = f"{num(A[i, j])}, {num(B[i, j])}"
            cellsmd.append(f"**[{text}]**" if (i, j) in cells else text)
        rows.append("| " + " | ".join([r, *cellsmd]) + " |")
    return "\n".join(rows)


def other_form_section(form: str, title: str, target: str, scenario, sets: list[str], levels: int, brief: bool,
                       drawer: Drawer, shown_matrix: str | None = None) -> Section:
    """A tree, repeated, bargaining, Bayesian or with-ally form through its own handler.

    ``shown_matrix``: the simultaneous game's matrix (Markdown) when the report shows it
    already; a repeated game whose stage game is that matrix refers to it instead of
    printing it and its equilibria again."""
    from cli.app import _run

    out = _run("solve" if brief else "explain", target, sets, form, levels, "auto", "markdown", False, {})
    parts = _form_pictures(form, scenario, out.data, drawer)
    if brief:
        parts.append(brief_equilibria(out.data))
    else:
        text = _strip_intro(out.text, scenario)
        if form == "repeated" and shown_matrix:
            text = drop_stage_game(text, shown_matrix)
        parts.append(_md_part(text))
    return Section(form, title, tuple(parts))


STAGE_NOTE = "The stage game is the simultaneous game above: its matrix and equilibria are not repeated here."


def drop_stage_game(markdown: str, matrix: str) -> str:
    """The repeated game's text without its stage game's matrix and equilibria, when that
    matrix is exactly the one the report has shown (the same game: the same facts)."""
    if matrix not in markdown:
        return markdown
    text = markdown.replace(matrix, STAGE_NOTE, 1)
    return re.sub(r"\n## Stage equilibria\n.*?(?=\n## |\Z)", "\n", text, count=1, flags=re.S)


def brief_equilibria(data: dict) -> Part:
    """A form's equilibria in a few lines: who plays what, the payoffs, one reason each."""
    from cli.web import equilibrium_items

    rows: list[list] = []  # [names, head, payoffs, why]; solutions that agree share one line
    for raw, item in zip(data.get("equilibria", []), equilibrium_items(data)):
        name = raw.get("name") if isinstance(raw.get("name"), str) else ""
        head = item["outcome"] or item["profile"]
        if name and all(len(st) == 1 for st in data["game"]["strategies"]):
            head = ""  # a bargaining solution: its terms are in its reason, not in a one-strategy profile
        why = f" {first_sentence(item['reason'])}" if item["reason"] else ""
        if name and rows and rows[-1][0] and rows[-1][1:] == [head, item["payoffs"], why]:
            rows[-1][0].append(name)
            continue
        rows.append([[name] if name else [], head, item["payoffs"], why])
    html, md = [], []
    for k, (names, head, pays, why) in enumerate(rows, 1):
        if names:
            head = ", ".join(names) + (f": {head}" if head else "")
        html.append(f"<li><strong>{e(head)}</strong> — payoffs {e(pays)}.{e(why)}</li>")
        md.append(f"{k}. **{head}** — payoffs {pays}.{why}")
    summary = data.get("summary")
    count = len(data.get("equilibria", []))
    lead = summary if isinstance(summary, str) and summary else f"Equilibria: {count}."
    return Part(f"<p>{e(lead)}</p><ol>{''.join(html)}</ol>", f"{lead}\n\n" + "\n".join(md))


def scenario_section(scenario, brief: bool) -> Section:
    from games.trade.parameters import PARAMETERS

    from cli.render import num

    html = [f"<p><strong>{e(scenario.title)}.</strong> {e(scenario.summary)}</p>"]
    md = [f"**{scenario.title}.** {scenario.summary}", ""]
    if not brief:
        for para in [p for p in scenario.story.split("\n\n") if p.strip()]:
            html.append(f"<p>{e(' '.join(para.split()))}</p>")
            md += [" ".join(para.split()), ""]
    if scenario.overrides:
        what = ", ".join(f"{k} = {num(v)}" for k, v in scenario.overrides)
        html.append(f"<p><strong>What-if:</strong> {e(what)}</p>")
        md += [f"**What-if:** {what}", ""]
    if scenario.sources and not brief:
        html.append("<p>Sources:</p><ul>" + "".join(f"<li>{e(s)}</li>" for s in scenario.sources) + "</ul>")
        md += ["Sources:", ""] + [f"- {s}" for s in scenario.sources] + [""]
    changed = {k for k, _ in scenario.overrides}
    table = PARAMETERS if getattr(scenario, "model", None) is None else scenario.model.parameters
    rows, same = [], []
    for name, value in scenario.parameters.items():
        p = table[name]
        if value == p.default and name not in changed:
            same.append(f"{name} {num(value)}")
            continue
        rows.append((name, num(value), num(p.default), p.unit, p.meaning))
    if rows:
        head = "Parameters that differ from the model's defaults"
        html.append(f"<p>{e(head)}:</p><table class=\"wide\"><thead><tr><th>parameter</th><th>value</th>"
                    "<th>default</th><th>unit</th><th>meaning</th></tr></thead><tbody>")
        md += [f"{head}:", "", "| parameter | value | default | unit | meaning |", "|---|---|---|---|---|"]
        for name, value, default, unit, meaning in rows:
            html.append(f"<tr><td><code>{e(name)}</code></td><td><strong>{e(value)}</strong></td><td>{e(default)}</td>"
                        f"<td>{e(unit)}</td><td>{e(meaning)}</td></tr>")
            md.append(f"| `{name}` | **{value}** | {default} | {unit} | {meaning} |")
        html.append("</tbody></table>")
        md.append("")
    if same and not brief:
        line = "At the model's defaults: " + ", ".join(same) + ". (`tradegame parameters` says what each means.)"
        html.append(f"<p class=\"note\">{e(line)}</p>")
        md.append(line)
    return Section("scenario", f"{SCENARIO_TITLE}: {scenario.name}", (Part("".join(html), "\n".join(md).strip()),))


def package_section(scenario, levels: int, instruments: tuple[str, ...] = ()) -> Section:
    """The package form (`solve --game package`): its matrix with the answers marked, its
    equilibria with one-line reasons, and each pure equilibrium's payoffs and deviations
    split by the instrument carrying each payoff term (`games.model.instruments`)."""
    from games.solvers.solver import solve

    from cli import model_view, normal_form_view
    from cli.handout import matrix_table
    from cli.package_view import package_scenario
    from cli.render import matrix_block

    played = package_scenario(scenario, instruments)
    game = normal_form_view.model_game(played, "package", levels)
    solution = solve(game)
    reasons = [normal_form_view.short_reason(game, eq) for eq in solution.equilibria]
    parts: list = [Part(matrix_table(game, solution.equilibria), matrix_block(game, solution.equilibria, "markdown"))]
    parts.append(_equilibria_part(game, solution, reasons))
    block, _ = model_view.instrument_lines(played.model, played.parameters, solution, "package", levels, "markdown")
    if block:
        parts.append(_md_part(block))
    with_words = f" with {', '.join(instruments)}" if instruments else ""
    title = PACKAGE_TITLE + with_words
    return Section("package", title, tuple(parts))


def regime_section(drawer: Drawer) -> Section:
    pic = drawer.get("regime-map", "simultaneous", "regime-map")
    return Section("regime-map", MAP_TITLE, (pic,) if pic is not None else ())


# ------------------------------------------------------------------ gathering
def model_report_forms(model) -> tuple[tuple[str, str], ...]:
    """The game forms (and section titles) a report shows for a model file's scenario."""
    forms = [("simultaneous", "The simultaneous game")]
    if model.has_levels:
        forms.append(("graded", "The graded game (levels on a grid)"))
    order = ", then ".join(model.order or model.player_names)
    forms.append(("sequential", f"Sequential play ({order})"))
    if len(model.players) == 2:
        forms.append(("repeated", "The repeated game"))
        forms.append(("bargaining", "Bargaining over the terms"))
        if model.types is not None:
            forms.append(("bayesian", f"{model.types.player}'s type unknown"))
    for name, form in model.forms.items():  # its own [forms.NAME], played with --game NAME
        title = form.title or name
        forms.append((name, f"{title[:1].upper()}{title[1:]} (--game {name})"))
    return tuple(forms)


def scenario_forms(target: str | None) -> tuple[tuple[str, str], ...]:
    """The forms a scenario's report covers: the trade model's, or its model file's."""
    from cli.app import _load_scenario
    from cli.forms import all_forms

    scenario = _load_scenario(target, [])
    if getattr(scenario, "model", None) is not None:
        return model_report_forms(scenario.model)
    return tuple((f, t) for f, t in SCENARIO_FORMS if f in all_forms())


PACKAGE_TITLE = "The package form: each equilibrium by instrument"
#: sections a report shows only when --sections names them
ON_REQUEST = ("package",)


def _has_package(target: str | None) -> bool:
    """Does the target's model have a package form (the trade model's scenarios do)?"""
    from cli.app import _load_scenario

    model = _load_scenario(target, []).model
    return model is None or model.has_package


def section_names(target: str | None) -> list[str]:
    """The sections a report of this target can have, in order (``package`` last: shown
    only when --sections names it)."""
    from cli.app import _target_kind

    if _target_kind(target) != "scenario":
        return ["game"]
    forms = [f for f, _ in scenario_forms(target)]
    # the regime map follows the simultaneous game: it maps that game's equilibria
    return ["scenario"] + forms[:1] + ["regime-map"] + forms[1:] + (["package"] if _has_package(target) else [])


def parse_sections(text: str | None, target: str | None) -> list[str] | None:
    """The sections --sections names, in report order (None: the default set)."""
    from games.errors import InputError, clip

    names = section_names(target)
    if text is None:
        return None
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    if not chosen:
        raise InputError(f"option --sections: expected a comma-separated list of {', '.join(names)}")
    for s in chosen:
        if s not in names:
            raise InputError(f"option --sections: unknown section '{clip(s)}'; expected some of {', '.join(names)}")
    return [n for n in names if n in chosen]


def gather(target: str | None, sets: list[str], levels: int = 5, sections: list[str] | None = None,
           brief: bool = False, pictures: bool = True, instruments: tuple[str, ...] = ()) -> Report:
    """Every chosen section for the target; a form that fails to solve becomes a skipped note
    (``instruments``: the optional instruments --with puts in the package section's game)."""
    from games.errors import InputError, SolverError

    from cli.app import _load_scenario, _target_kind

    kind = _target_kind(target)
    wanted = sections or [n for n in section_names(target)
                          if not (brief and n == "regime-map") and n not in ON_REQUEST]
    if instruments and "package" not in wanted:
        raise InputError("option --with: adds optional instruments to the package section; add --sections package")
    _check_levels(levels, wanted, target if kind != "scenario" else None)
    out: list[Section] = []
    if kind != "scenario":
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        game = _read_game_file(target, kind)
        two = kind == "nfg" and game.n_players == 2 and game.shape == (2, 2)
        jobs = picture_jobs(["game"], kind, brief, two)
        with Drawer(jobs, target, [], 5, pictures) as drawer:
            out.append(_game_file_section(target, kind, game, brief, drawer))
        name = Path(str(target)).name
        return Report(f"tradegame report — {name}", name, tuple(out), brief)
    # with the package section, --set may name the package form's values (tariffs) too
    try:
        scenario = _load_scenario(target, sets, "package" if "package" in wanted else "simultaneous")
    except InputError as exc:  # the report's package form is a section, not a --game
        raise InputError(str(exc).replace("add --game package", "add --sections package")) from None
    source = target or scenario.name
    titles = dict(scenario_forms(target))
    shown_matrix = None
    with Drawer(picture_jobs(wanted, kind, brief), source, sets, levels, pictures) as drawer:
        for key in wanted:
            try:
                if key == "scenario":
                    out.append(scenario_section(scenario, brief))
                elif key == "regime-map":
                    if pictures:
                        out.append(regime_section(drawer))
                elif key == "package":
                    out.append(package_section(scenario, levels, instruments))
                elif key in ("simultaneous", "graded"):
                    from cli import normal_form_view

                    game = normal_form_view.build(scenario, key, levels)
                    out.append(normal_form_section(key, titles[key], game, scenario, key, levels, brief, drawer))
                    if key == "simultaneous":
                        shown_matrix = out[-1].parts[0].markdown
                else:
                    out.append(other_form_section(key, titles[key], source, scenario, sets, levels, brief, drawer,
                                                  shown_matrix))
            except (InputError, SolverError) as exc:
                out.append(Section(key, titles.get(key, key), skipped=str(exc)))
    return Report(f"tradegame report — {scenario.title}", scenario.name, tuple(out), brief)


def _check_levels(levels: int, wanted: list[str], game_file: str | None) -> None:
    """A typed --levels is bad input, before any section is written, when it is out of range
    or when no section of this report uses it (it would be ignored, or only turn the graded
    section into a 'Skipped' note while the report still succeeds)."""
    from games.errors import InputError, clip
    from games.model.level_game import graded_levels

    from cli.option_rules import given_options

    if "--levels" not in given_options("report"):
        return
    graded_levels(levels)  # 2 to MAX_LEVELS, the same bound as solve --levels
    if game_file is not None or "graded" not in wanted:
        where = f"the game file {clip(game_file)}" if game_file is not None else "the sections chosen"
        raise InputError(f"option --levels: applies to the graded section (--sections graded), not to {where}")


def _read_game_file(target: str, kind: str):
    """Read a .nfg or .efg file once, so that a bad file stops the report with one line (exit 2)."""
    if kind == "nfg":
        from games.formats.nfg import read_nfg

        return read_nfg(target)
    from cli.trees import read_efg_to_solve

    return read_efg_to_solve(target)


def _game_file_section(target: str, kind: str, game, brief: bool, drawer: Drawer) -> Section:
    """A .nfg file's normal form, or a .efg file's tree, as one section."""
    if kind == "nfg":
        return normal_form_section("game", "The game", game, None, None, 5, brief, drawer)
    from cli.trees import solve_efg_file

    out = solve_efg_file(target, "markdown", not brief)
    parts: list = []
    pic = drawer.get("tree", "simultaneous", "game-tree")
    if pic is not None:
        parts.append(pic)
    parts.append(_md_part(_strip_intro(out.text, None)))
    return Section("game", "The game", tuple(parts))


# ------------------------------------------------------------------ HTML
#: sections printed together: a new page starts only where a long part begins (the trees,
#: the information forms), so short sections share pages instead of each leaving one half empty
PRINT_GROUPS = {
    "scenario": "normal", "simultaneous": "normal", "regime-map": "normal", "graded": "normal",
    "us-first": "trees", "china-first": "trees", "snapback": "trees", "sequential": "trees",
    "repeated": "time", "bargaining": "time", "bayesian": "time", "with-ally": "time", "game": "game",
}
#: groups that start on a new page in print (the others follow on the same page)
NEW_PAGE_GROUPS = ()
EXTRA_CSS = """
table.wide { width: 100%; }
section.report-section { display: flow-root; }
@page { margin: 12mm 12mm; }
@media print {
  section.new-page { break-before: page; }
  section.report-section + section.report-section:not(.new-page) { margin-top: .8rem; border-top: 1px solid #ccc; }
  body.brief section.new-page { break-before: auto; }
  table { break-inside: auto; }
  table.matrix, tr { break-inside: avoid; }
  .figures { gap: .5rem; }
  .figures figure { flex: 0 1 40%; margin: .2rem 0; }
  .figures.beside { float: right; width: 42%; margin: 0 0 .3rem .8rem; }
  html body .figures.beside figure { flex: 0 1 100%; }
  figure img { max-height: 6cm; }
  section.picture-only { break-inside: avoid; }
  .figures.wide figure { flex-basis: 70%; }
  .figures.wide figure img { max-height: 8cm; }
  body.brief figure img { max-height: 5cm; }
  body.brief .figures figure { flex: 0 1 31%; }
  body.brief .figures.beside { width: 30%; }
  body.brief figcaption { display: none; }
  body.brief section.report-section { break-inside: avoid; }
  body.brief { font-size: 8.5pt; }
  body.brief h2 { font-size: 11pt; }
  body { font-size: 9pt; line-height: 1.3; }
  h1 { font-size: 14pt; margin-top: 0; }
  h2 { font-size: 12pt; margin: .5rem 0 .3rem; }
  h3 { font-size: 10pt; margin: .5rem 0 .15rem; }
  h4, h5 { font-size: 9pt; margin: .4rem 0 .15rem; }
  ul, ol { margin: .15rem 0; padding-left: 1.2rem; }
  li { margin: .05rem 0; }
  p { margin: .25rem 0; }
  pre { font-size: 7.5pt; }
  table { font-size: 8pt; margin: .3rem 0; }
  th, td { padding: .05rem .3rem; }
  table.matrix td.cell { min-width: 4rem; }
  figcaption { font-size: 7.5pt; }
  footer { margin-top: .4rem; font-size: 7pt; break-before: avoid; }
}
"""


#: the key under a payoff matrix: printed under the first matrix only (each fact once)
NOTE_RE = re.compile(r'<p class="note">Payoffs \([^<]*\)\. Bold with \* = best response; shaded cell = pure Nash equilibrium\.</p>')


def _once(pattern: re.Pattern, text: str) -> str:
    """Keep the first match of pattern in text, drop the identical ones after it."""
    seen: set[str] = set()

    def keep(m: re.Match) -> str:
        if m.group(0) in seen:
            return ""
        seen.add(m.group(0))
        return m.group(0)

    return pattern.sub(keep, text)


def to_html(report: Report, image_src=None) -> str:
    """One HTML page; pictures embedded as data URIs (or linked via image_src(picture))."""
    from cli.handout import figure, page

    body = [f"<h1>{e(report.title)}</h1>"]
    if report.brief:
        body.append('<p class="meta">Brief report: one page per game form. The full report has every outcome, '
                    "the thresholds and the regime map.</p>")
    body.append("<nav><ol>" + "".join(f'<li><a href="#{e(s.key)}">{e(s.title)}</a></li>' for s in report.sections)
                + "</ol></nav>")
    previous = None
    for sec in report.sections:
        group = PRINT_GROUPS.get(sec.key, sec.key)
        new_page = previous is not None and group != previous and group in NEW_PAGE_GROUPS
        cls = "report-section" + (" new-page" if new_page else "")
        if sec.parts and all(isinstance(p, Picture) for p in sec.parts):
            cls += " picture-only"
        previous = group
        body.append(f'<section class="{cls}" id="{e(sec.key)}"><h2>{e(sec.title)}</h2>')
        if sec.skipped:
            body.append(f'<p class="skipped">Skipped: {e(sec.skipped)}</p>')
        figs: list[str] = []

        def flush(more_text: bool) -> None:
            # one picture before more text floats beside that text; two share a row; a picture
            # that ends its section (the regime map) gets the width
            if figs:
                kind = "beside" if len(figs) == 1 and more_text else ("wide" if not more_text else "row")
                body.append(f'<div class="figures {kind}">' + "".join(figs) + "</div>")
                figs.clear()

        for part in sec.parts:
            if isinstance(part, Picture):
                if part.skipped:
                    figs.append(f'<p class="skipped">{e(part.caption)} Skipped: {e(part.skipped)}</p>')
                else:
                    src = image_src(part) if image_src else None
                    figs.append(figure(part.data, part.caption, part.fmt, src))
                continue
            flush(True)
            body.append(part.html)
        flush(False)
        body.append("</section>")
    body.append("<footer>Written by tradegame. Every equilibrium shown was verified: no player gains by deviating "
                "alone, within the stated tolerance.</footer>")
    html = page(report.title, _once(NOTE_RE, "\n".join(body)), EXTRA_CSS)
    return html.replace("<body>", '<body class="brief">', 1) if report.brief else html


# ------------------------------------------------------------------ Markdown
def image_folder(output: Path) -> Path:
    """Where a Markdown report's pictures go: report.md → report_files/."""
    return output.with_name(f"{output.stem}_files")


def image_name(picture: Picture) -> str:
    return f"{picture.name}.{picture.fmt}"


def to_markdown(report: Report, folder: str) -> str:
    """The report as Markdown; each picture linked as folder/NAME.svg|png (written beside it)."""
    out = [f"# {report.title}", ""]
    if report.brief:
        out += ["*Brief report: one page per game form.*", ""]
    for sec in report.sections:
        out += [f"## {sec.title}", ""]
        if sec.skipped:
            out += [f"*Skipped: {sec.skipped}*", ""]
        for part in sec.parts:
            if isinstance(part, Picture):
                caption = part.caption.replace("*", "\\*")
                if part.skipped:
                    out += [f"*{caption} Skipped: {part.skipped}*", ""]
                else:
                    out += [f"![{caption}]({folder}/{image_name(part)})", "", f"*{caption}*", ""]
            else:
                out += [part.markdown, ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"


# ------------------------------------------------------------------ command
def write_report(report: Report, output: Path, force: bool) -> str:
    """Write the report (and a Markdown report's pictures); nothing is written if any file is refused.

    Text from files is made visible (control characters escaped) before it is written."""
    from games.errors import InputError

    from cli.safe_text import visible

    from cli.outfiles import check_output, write_output

    suffix = output.suffix.lower()
    if suffix == ".md":
        folder = image_folder(output)
        pics = [p for p in report.pictures if not p.skipped]
        targets = [folder / image_name(p) for p in pics]
        clash = [t for t in targets if t.exists()]
        if clash and not force:
            raise InputError(f"option --output: {clash[0]} exists; pass --force to overwrite it")
        if pics:
            if folder.exists() and not folder.is_dir():
                raise InputError(f"option --output: {folder} exists and is not a folder")
            folder.mkdir(exist_ok=True)
        for path in targets:
            check_output(path, force)
        for pic, path in zip(pics, targets):
            write_output(path, pic.data, force)
        write_output(output, visible(to_markdown(report, folder.name)), force)
        return f" and {len(pics)} pictures in {folder}" if pics else ""
    write_output(output, visible(to_html(report)), force)
    return ""


def register(app: typer.Typer) -> None:
    """Add the `report` command to the tradegame app."""

    @app.command(short_help="Write a printable handout: every form, pictures, explanations.")
    def report(
        target: Optional[str] = typer.Argument(
            None, help="Built-in scenario name, a scenario .toml, or a .nfg / .efg file. Default: baseline.",
            show_default=False,
        ),
        output: Path = typer.Option(..., "--output", "-o", help="File to write: .html or .md (pictures beside it in NAME_files/)."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Change a parameter for the whole report (repeatable)."
        ),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game."),
        sections: Optional[str] = typer.Option(
            None, "--sections", metavar="A,B,...",
            help="Only these sections: scenario, the game forms (tradegame forms), regime-map, package (on request only); "
            "'game' for a game file.",
        ),
        brief: bool = typer.Option(False, "--brief", help="About one page per form: picture, equilibria, short reasons."),
        no_pictures: bool = typer.Option(False, "--no-pictures", help="Leave the pictures out (no matplotlib needed)."),
        force: bool = typer.Option(False, "--force", help="Overwrite the output file (and its pictures) if they exist."),
        with_: Optional[List[str]] = typer.Option(
            None, "--with", metavar="INSTRUMENT",
            help="Put an optional instrument in the package section's game (repeatable or comma-separated), e.g. --with purchases.",
        ),
    ) -> None:
        """Write a handout to print: the scenario, every game form with a picture, its equilibria
        and explanation as formatted tables and prose, thresholds and a regime map. The package
        form (each equilibrium's payoffs by instrument) is a section on request: --sections package.

        Examples:

          tradegame report stockholm-2025 -o stockholm.html

          tradegame report stockholm-2025 --brief --sections simultaneous,us-first -o brief.html

          tradegame report escalation-2025 --set hawk_cost=1.5 -o what-if.md

          tradegame report record-2025-10-30-busan --sections scenario,package --with purchases -o busan.html
        """
        from cli.app import guarded

        def work() -> str:
            from games.errors import InputError

            suffix = output.suffix.lower()
            if suffix not in (".html", ".htm", ".md"):
                raise InputError(f"option --output: expected a file name ending in .html or .md, got '{output}'")
            from cli.outfiles import check_output

            check_output(output, force)
            chosen = parse_sections(sections, target)
            if not no_pictures:
                from cli.plots import require

                require()  # fail early, in one line, if matplotlib is missing
            from cli.package_view import parse_with

            rep = gather(target, set_ or [], levels, chosen, brief, pictures=not no_pictures, instruments=parse_with(with_))
            extra = write_report(rep, output, force)
            shown = sum(1 for s in rep.sections if not s.skipped and s.key not in ("scenario", "regime-map"))
            drawn = sum(1 for p in rep.pictures if not p.skipped)
            return f"wrote {output} ({shown} game forms, {drawn} pictures){extra}"

        from cli import layout
        from cli.safe_text import visible

        typer.echo(layout.fit(visible(guarded(work))))
