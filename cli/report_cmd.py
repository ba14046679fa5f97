"""`tradegame report [TARGET] -o report.html|.md`: one self-contained page to hand out.

The report gathers what the other commands print — the scenario and its parameters, each
game form's explanation (every equilibrium with its reasons and thresholds) — and the
pictures of `tradegame plot` (each beside the game form it illustrates), embedded as base64
data URIs, so the single file opens offline in any browser (HTML) or Markdown viewer. Nothing is computed here that the
other commands do not compute; a form or picture that does not apply is listed as
skipped with the reason.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, replace
from pathlib import Path
from typing import List, Optional

import typer

#: game forms reported for a scenario, in order (those not installed are left out)
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
#: pictures: (kind, caption, extra options, the section they illustrate; "" = a section of their own)
SCENARIO_PICTURES = (
    ("matrix", "Payoff matrix: best responses in bold with *, pure equilibria shaded.", {}, "simultaneous"),
    ("best-response", "Best responses in the (p, q) square: they cross at the equilibria.", {}, "simultaneous"),
    ("dynamics", "Replicator dynamics: where learning players end up.", {}, "simultaneous"),
    ("tree", "The game tree when the US moves first, with the subgame-perfect path.", {"game": "us-first"},
     "us-first"),
    ("regime-map", "Regime map: which equilibria exist as two parameters vary.", {}, ""),
)
NFG_PICTURES = SCENARIO_PICTURES[:3]
EFG_PICTURES = (("tree", "The game tree with an equilibrium: each mover's choice in green.", {}, "simultaneous"),)
#: the heading of the section for pictures that illustrate no single game form
MAP_TITLE = "Regime map: what would change the outcome"


@dataclass(frozen=True)
class Section:
    """One game form's explanation (or why it was skipped)."""

    title: str
    form: str
    text: str
    skipped: str = ""


@dataclass(frozen=True)
class Picture:
    """One embedded picture, or why it was skipped; `form` is the section it illustrates."""

    kind: str
    caption: str
    png: bytes = b""
    skipped: str = ""
    form: str = ""


@dataclass(frozen=True)
class Report:
    title: str
    target: str
    scenario: object | None
    sections: tuple[Section, ...]
    pictures: tuple[Picture, ...]


# ------------------------------------------------------------------ gathering
def gather(target: str | None, sets: list[str], levels: int = 5, fmt: str = "text", pictures: bool = True) -> Report:
    """Run every applicable form and picture for the target; errors become 'skipped' notes."""
    from games.errors import InputError, SolverError

    from cli.app import _load_scenario, _run, _target_kind
    from cli.forms import all_forms

    kind = _target_kind(target)
    scenario = None
    if kind == "scenario":
        scenario = _load_scenario(target, sets)
        forms = [(f, t) for f, t in SCENARIO_FORMS if f in all_forms()]
        shots = SCENARIO_PICTURES
        if scenario.model is not None:
            forms, shots = model_sections(scenario.model)
    else:
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        _read_game_file(target, kind)  # an unreadable or malformed file is bad input, not a skipped section
        forms = [("simultaneous", "The game")]
        shots = NFG_PICTURES if kind == "nfg" else EFG_PICTURES
    sections = []
    for form, title in forms:
        try:
            out = _run("explain", target, sets, form, levels, "auto", fmt, False, {})
            sections.append(Section(title, form, out.text.rstrip()))
        except (InputError, SolverError) as exc:
            sections.append(Section(title, form, "", skipped=str(exc)))
    images = []
    if pictures:
        from cli.plot_cmd import make_picture

        for shot, caption, extra, form in shots:
            try:
                png, _ = make_picture(shot, target, sets=sets, game=extra.get("game", "simultaneous"), levels=levels)
                images.append(Picture(shot, caption, png, form=form))
            except (InputError, SolverError) as exc:
                images.append(Picture(shot, caption, skipped=str(exc), form=form))
    shown = {s.form for s in sections}
    images = [p if p.form in shown else replace(p, form="") for p in images]
    name = scenario.name if scenario is not None else Path(str(target)).name
    title = f"tradegame report — {scenario.title if scenario is not None else name}"
    return Report(title, name, scenario, tuple(sections), tuple(images))


def model_sections(model):
    """The forms and pictures a report shows for a model file."""
    forms = [("simultaneous", "The simultaneous game")]
    if model.has_levels:
        forms.append(("graded", "The graded game (levels on a grid)"))
    order = ", then ".join(model.order or model.player_names)
    forms.append(("sequential", f"Sequential play ({order})"))
    two = len(model.players) == 2
    if two:
        forms.append(("repeated", "The repeated game"))
        forms.append(("bargaining", "Bargaining over the terms"))
        if model.types is not None:
            forms.append(("bayesian", f"{model.types.player}'s type unknown"))
    shots = [s for s in SCENARIO_PICTURES if s[0] in ("matrix", "best-response", "dynamics")] if two else []
    shots.append(("tree", f"The game tree when {order} move in turn, with the subgame-perfect path.",
                  {"game": "sequential"}, "sequential"))
    if two:
        shots.append(SCENARIO_PICTURES[-1])
    return forms, tuple(shots)


def _read_game_file(target: str, kind: str) -> None:
    """Read a .nfg or .efg file once, so that a bad file stops the report with one line (exit 2)."""
    if kind == "nfg":
        from games.nfg import read_nfg

        read_nfg(target)
    else:
        from games.efg import read_efg

        read_efg(target)


def _pictures_of(report: Report, form: str) -> list[Picture]:
    return [p for p in report.pictures if p.form == form]


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _parameter_rows(scenario) -> list[tuple[str, str, str, str, str, str]]:
    from games.parameters import PARAMETERS

    from cli.render import num, provenance_text

    rows = []
    table = PARAMETERS if getattr(scenario, "model", None) is None else scenario.model.parameters
    for name, p in table.items():
        value = scenario.parameters.get(name, p.default)
        changed = "yes" if value != p.default else ""
        rows.append((name, num(value), num(p.default), changed, p.meaning, provenance_text(scenario, name)))
    return rows


# ------------------------------------------------------------------ HTML
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #1f4e9c; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; color: #1f4e9c; }
pre { background: #f6f7f9; border: 1px solid #dde1e6; border-radius: 6px; padding: .8rem; overflow-x: auto;
      font-size: .82rem; line-height: 1.35; white-space: pre-wrap; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border: 1px solid #d0d4da; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr.changed td { background: #fff6dd; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure { margin: .6rem 0; flex: 0 1 29rem; max-width: 100%; }
.wide figure { flex-basis: 100%; }
figure img { max-width: 100%; border: 1px solid #e3e6ea; }
figcaption { font-size: .85rem; color: #555; }
.skipped { color: #7a5b00; font-style: italic; }
nav ol { columns: 2; font-size: .9rem; }
footer { margin-top: 3rem; font-size: .8rem; color: #666; }
"""


def to_html(report: Report) -> str:
    """A complete HTML5 page; well-formed XML too (every element closed, text escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{e(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(report.title)}</h1>",
    ]
    toc = []
    if report.scenario is not None:
        toc.append(("scenario", "The scenario"))
    toc += [(f"form-{s.form}", s.title) for s in report.sections]
    if _pictures_of(report, ""):
        toc.append(("regime-map", MAP_TITLE))
    parts.append("<nav><ol>" + "".join(f'<li><a href="#{a}">{e(t)}</a></li>' for a, t in toc) + "</ol></nav>")
    s = report.scenario
    if s is not None:
        parts.append('<section id="scenario">')
        parts.append(f"<h2>The scenario: {e(s.name)}</h2>")
        parts.append(f"<p><strong>{e(s.title)}.</strong> {e(s.summary)}</p>")
        for para in [p for p in s.story.split("\n\n") if p.strip()]:
            parts.append(f"<p>{e(' '.join(para.split()))}</p>")
        if s.overrides:
            parts.append("<p><strong>What-if:</strong> " + e(", ".join(f"{k} = {v:g}" for k, v in s.overrides)) + "</p>")
        if s.sources:
            parts.append("<p>Sources:</p><ul>" + "".join(f"<li>{e(src)}</li>" for src in s.sources) + "</ul>")
        parts.append("<table><thead><tr><th>parameter</th><th>value</th><th>default</th><th>changed</th>"
                     "<th>meaning</th></tr></thead><tbody>")
        rows = _parameter_rows(s)
        for name, value, default, changed, meaning, _ in rows:
            cls = ' class="changed"' if changed else ""
            parts.append(f"<tr{cls}><td><code>{e(name)}</code></td><td>{e(value)}</td><td>{e(default)}</td>"
                         f"<td>{e(changed)}</td><td>{e(meaning)}</td></tr>")
        parts.append("</tbody></table>")
        parts.append("<details><summary>Where each value comes from</summary><ul>"
                     + "".join(f"<li><code>{e(name)}</code>: {e(prov)}</li>" for name, *_, prov in rows)
                     + "</ul></details></section>")
    for sec in report.sections:
        parts.append(f'<section id="form-{e(sec.form)}">')
        parts.append(f"<h2>{e(sec.title)}</h2>")
        parts += _html_figures(_pictures_of(report, sec.form))
        if sec.skipped:
            parts.append(f'<p class="skipped">Skipped: {e(sec.skipped)}</p>')
        else:
            parts.append(f"<pre>{e(sec.text)}</pre>")
        parts.append("</section>")
    if _pictures_of(report, ""):
        parts.append(f'<section id="regime-map"><h2>{e(MAP_TITLE)}</h2>')
        parts += _html_figures(_pictures_of(report, ""), wide=True)
        parts.append("</section>")
    parts.append("<footer>Written by tradegame. Every equilibrium shown was verified: no player gains "
                 "by deviating alone, within the stated tolerance.</footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _html_figures(pictures: list[Picture], wide: bool = False) -> list[str]:
    """The pictures of one section side by side (they wrap on a narrow page); wide: full width."""
    e = html.escape
    if not pictures:
        return []
    out = ['<div class="figures wide">' if wide else '<div class="figures">']
    for pic in pictures:
        if pic.skipped:
            out.append(f'<p class="skipped">{e(pic.kind)}: skipped ({e(pic.skipped)})</p>')
        else:
            out.append(f'<figure><img src="{_data_uri(pic.png)}" alt="{e(pic.caption)}" />'
                       f"<figcaption>{e(pic.caption)}</figcaption></figure>")
    out.append("</div>")
    return out


# ------------------------------------------------------------------ Markdown
def to_markdown(report: Report) -> str:
    """The same content as Markdown; pictures as data URIs so the file stays self-contained."""
    out = [f"# {report.title}", ""]
    s = report.scenario
    if s is not None:
        out += [f"## The scenario: {s.name}", "", f"**{s.title}.** {s.summary}", ""]
        out += [" ".join(p.split()) + "\n" for p in s.story.split("\n\n") if p.strip()]
        if s.overrides:
            out += ["**What-if:** " + ", ".join(f"{k} = {v:g}" for k, v in s.overrides), ""]
        if s.sources:
            out += ["Sources:", ""] + [f"- {src}" for src in s.sources] + [""]
        out += ["| parameter | value | default | changed | meaning | where the value comes from |",
                "|---|---|---|---|---|---|"]
        out += [f"| `{n}` | {v} | {d} | {c} | {m} | {pv} |" for n, v, d, c, m, pv in _parameter_rows(s)]
        out.append("")
    for sec in report.sections:
        out += [f"## {sec.title}", ""]
        out += _markdown_figures(_pictures_of(report, sec.form))
        out += [f"*Skipped: {sec.skipped}*", ""] if sec.skipped else [_demote(sec.text), ""]
    if _pictures_of(report, ""):
        out += [f"## {MAP_TITLE}", ""] + _markdown_figures(_pictures_of(report, ""))
    return "\n".join(out).rstrip() + "\n"


def _markdown_figures(pictures: list[Picture]) -> list[str]:
    out = []
    for pic in pictures:
        if pic.skipped:
            out += [f"*{pic.kind}: skipped ({pic.skipped})*", ""]
        else:
            caption = pic.caption.replace("*", "\\*")  # a literal star, not emphasis
            out += [f"![{caption}]({_data_uri(pic.png)})", "", f"*{caption}*", ""]
    return out


def _demote(markdown: str) -> str:
    """Push a form's own headings two levels down, under the report's section heading."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            line = "##" + line
        lines.append(line)
    return "\n".join(lines)


# ------------------------------------------------------------------ command
def register(app: typer.Typer) -> None:
    """Add the `report` command to the tradegame app."""

    @app.command()
    def report(
        target: Optional[str] = typer.Argument(
            None, help="Built-in scenario name, a scenario .toml, or a .nfg / .efg file. Default: baseline.",
            show_default=False,
        ),
        output: Path = typer.Option(..., "--output", "-o", help="File to write: .html or .md."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Change a parameter for the whole report (repeatable)."
        ),
        levels: int = typer.Option(5, "--levels", help="Openness levels per side in the graded game."),
        no_pictures: bool = typer.Option(False, "--no-pictures", help="Leave the pictures out (no matplotlib needed)."),
        force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    ) -> None:
        """Write one self-contained page (HTML or Markdown) with the scenario, every game form,
        every equilibrium explained, thresholds and pictures — to hand out or open offline.

        Examples:

          tradegame report stockholm-2025 -o stockholm.html

          tradegame report escalation-2025 --set hawk_cost=1.5 -o what-if.md
        """
        from cli.app import guarded

        def work() -> str:
            from games.errors import InputError

            suffix = output.suffix.lower()
            if suffix not in (".html", ".htm", ".md"):
                raise InputError(f"option --output: expected a file name ending in .html or .md, got '{output}'")
            from cli.outfiles import check_output, write_output

            check_output(output, force)
            if not no_pictures:
                from cli.plots import pyplot

                pyplot()  # fail early, in one line, if matplotlib is missing
            fmt = "markdown" if suffix == ".md" else "text"
            rep = gather(target, set_ or [], levels, fmt, pictures=not no_pictures)
            text = to_markdown(rep) if suffix == ".md" else to_html(rep)
            from cli.safe_text import visible

            write_output(output, visible(text), force)
            shown = sum(1 for s in rep.sections if not s.skipped)
            drawn = sum(1 for p in rep.pictures if not p.skipped)
            return f"wrote {output} ({shown} game forms, {drawn} pictures)"

        from cli import layout
        from cli.safe_text import visible

        typer.echo(layout.fit(visible(guarded(work))))
