"""`tradegame worksheet TARGET -o sheet.html`: a printable exercise sheet and its answer key.

TARGET is a classroom lesson (``lesson-1`` … ``lesson-8``, a lesson's file name such as
``01-prisoners-dilemma``, or the path of a lesson ``.md``) or a scenario (a built-in name
or a ``.toml``, with ``--game``, ``--set`` and ``--levels`` as for `solve`).

The sheet has the story, the game — the payoff matrix with no marks, or the tree with
nothing marked — and the questions, with room to write; no answers. The answer key is a
second file beside it (``sheet-key.html``): the same game with best responses, equilibria
and the path of play marked, and the answers (a lesson's own answer key; for a scenario,
tradegame's full explanation with its thresholds). Both are single HTML pages with print
styles: print them from the browser (or ``chromium --headless --print-to-pdf``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import typer

from cli.handout import e

TREE_FORMS = ("us-first", "china-first", "snapback")
KEY_SUFFIX = "-key"


# ------------------------------------------------------------------ lessons
@dataclass(frozen=True)
class Lesson:
    """A classroom lesson read from its Markdown file."""

    path: Path
    number: int
    title: str
    meta: str  # the line under the title: scenario, time, prerequisites
    sections: tuple[tuple[str, str], ...]  # (heading, Markdown body)
    key: Path | None  # the answer key file
    scenarios: tuple[str, ...]  # scenario targets the lesson uses (names or paths)
    forms: tuple[str, ...]  # game forms its commands use, in order of first use

    def section(self, prefix: str) -> str:
        for head, body in self.sections:
            if head.lower().startswith(prefix.lower()):
                return body
        return ""


def lesson_dirs() -> list[Path]:
    """Where lessons are looked for: the installed copy, then the source tree."""
    here = Path(__file__).resolve().parent.parent
    return [d for d in (here / "games" / "_classroom", here / "examples" / "classroom") if d.is_dir()]


def lesson_files() -> list[Path]:
    for d in lesson_dirs():
        found = sorted(p for p in d.glob("[0-9][0-9]-*.md"))
        if found:
            return found
    return []


def find_lesson(target: str) -> Path | None:
    """The lesson file TARGET names, or None when TARGET is not a lesson (then a scenario)."""
    from games.errors import InputError, clip

    m = re.fullmatch(r"(?:lesson[-_ ]?)(\d{1,3})", target.strip().lower())
    files = lesson_files()
    if m:
        n = int(m.group(1))
        for f in files:
            if int(f.name[:2]) == n:
                return f
        raise InputError(
            f"lesson '{clip(target)}': no such lesson; expected lesson-1 to lesson-{len(files)}"
            if files else f"lesson '{clip(target)}': the classroom lessons are not installed"
        )
    if target.endswith(".md"):
        path = Path(target)
        if not path.exists() and not path.is_symlink():  # anything else: read_lesson says what it is
            raise InputError(f"{clip(target, 200)}: no such lesson file")
        return path
    for f in files:
        if target in (f.stem, f.stem[3:]):
            return f
    return None


#: The most a lesson or answer-key file may hold (the lessons are about 12 KB).
MAX_LESSON_BYTES = 1_000_000


def _read_lesson_text(path: Path, what: str = "a lesson .md file") -> str:
    """The file's text, read like every input file (games.formats.bounded_read): regular files
    only (a FIFO or a device would block or stream for ever), at most MAX_LESSON_BYTES, UTF-8."""
    from games.formats.bounded_read import read_limited_text

    return read_limited_text(path, MAX_LESSON_BYTES, what)


def read_lesson(path: Path) -> Lesson:
    """Parse a lesson: title, meta line, sections; its scenarios, forms and answer key."""
    from games.errors import InputError

    from cli.forms import all_forms

    text = _read_lesson_text(path)
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise InputError(f"{path}: expected a lesson starting with a '# ' title line")
    title = lines[0][2:].strip()
    meta_lines, sections, head, body = [], [], None, []
    for line in lines[1:]:
        if line.startswith("## "):
            if head is not None:
                sections.append((head, "\n".join(body).strip()))
            head, body = line[3:].strip(), []
        elif head is None:
            meta_lines.append(line)
        else:
            body.append(line)
    if head is not None:
        sections.append((head, "\n".join(body).strip()))
    meta = " ".join(s.strip() for s in meta_lines if s.strip())
    scen_part = next((p for p in meta.split("·") if "Scenario" in p), "")
    root = path.resolve().parent.parent.parent
    scenarios = []
    for name in re.findall(r"`([^`]+)`", scen_part):
        if name.endswith(".toml"):
            candidate = root / name
            if not candidate.is_file():
                candidate = path.parent / Path(name).name
            name = str(candidate)
        scenarios.append(name)
    forms = []
    for form in re.findall(r"--game[ =]([a-z][a-z-]*)", text):
        if form in all_forms() and form not in forms:
            forms.append(form)
    key = path.parent / "answers" / path.name
    m = re.match(r"(\d+)", path.name)
    return Lesson(path, int(m.group(1)) if m else 0, title, meta, tuple(sections),
                  key if key.is_file() else None, tuple(scenarios), tuple(forms))


def _meta_without_key(meta: str) -> str:
    """The lesson's meta line without the answer-key link (the sheet must not point to it)."""
    return " · ".join(p.strip() for p in meta.split("·") if "Answer key" not in p)


# ------------------------------------------------------------------ the game, drawn
def _scenario(target: str, sets: list[str]):
    from cli.app import _load_scenario

    return _load_scenario(target, sets)


def _normal_form(scenario, form: str, levels: int):
    from games.solvers.solver import solve

    from cli import normal_form_view

    game = normal_form_view.build(scenario, form, levels)
    return game, solve(game)


def _tree_svg(target: str, sets: list[str], form: str, answers: bool) -> bytes:
    from cli import plots

    plots.require()  # one clear line if matplotlib is missing
    if answers:
        from cli.plot_cmd import make_picture

        return make_picture("tree", target, fmt="svg", sets=sets, game=form)[0]
    from cli.web import plain_tree_svg

    return plain_tree_svg(_scenario(target, sets), form)


def _equilibria_list(game, solution) -> str:
    from cli.render import describe_profile, num, outcome_label

    items = []
    for eq in solution.equilibria:
        head = outcome_label(game, eq) if eq.is_pure else describe_profile(game, eq)
        pays = ", ".join(f"{p} {num(v)}" for p, v in zip(game.players, eq.payoffs))
        items.append(f"<li><strong>{'pure' if eq.is_pure else 'mixed'}</strong> {e(head)} — payoffs {e(pays)}</li>")
    return f"<p>Every equilibrium ({e(solution.method)}; each verified: no player gains by deviating alone):</p>" \
        f"<ol>{''.join(items)}</ol>"


def game_block(target: str, sets: list[str], form: str, levels: int, answers: bool) -> str:
    """The game of one scenario and form: a matrix (normal forms) or a tree, marked only in the key."""
    scenario = _scenario(target, sets)
    out = [f"<h3>{e(scenario.title)} <span class=\"meta\">({e(scenario.name)}, {e(form)})</span></h3>"]
    if scenario.overrides:
        from cli.render import num

        out.append("<p class=\"meta\">What-if: " + e(", ".join(f"{k} = {num(v)}" for k, v in scenario.overrides)) + "</p>")
    if form in TREE_FORMS:
        from cli.handout import figure

        caption = "The tree with the subgame-perfect path of play" if answers else "The game tree"
        out.append(figure(_tree_svg(target, sets, form, answers), caption))
        return "".join(out)
    from cli.handout import matrix_table

    nf = form if form in ("simultaneous", "graded") else "simultaneous"
    game, solution = _normal_form(scenario, nf, levels)
    if nf != form:
        out.append(f"<p class=\"meta\">The one-shot game behind the {e(form)} form:</p>")
    out.append(matrix_table(game, solution.equilibria, answers))
    if answers:
        out.append(_equilibria_list(game, solution))
    return "".join(out)


# ------------------------------------------------------------------ questions for a scenario
def scenario_questions(form: str, scenario, levels: int) -> list[str]:
    """Questions (Markdown) that fit the form; the key answers them with `explain`."""
    from cli.forms import FORM_DESCRIPTIONS

    if form == "simultaneous":
        qs = [
            "Mark each player's best response to each move of the other (underline or star the payoff).",
            "Does either player have a dominant strategy? Which one, and why?",
            "Find every pure-strategy Nash equilibrium. For each, say what each player would lose by switching alone.",
            "Is there a mixed equilibrium? If so, with what probability must each side play each move to keep "
            "the *other* side indifferent?",
            "Is each equilibrium Pareto efficient? If not, which outcome would both sides prefer?",
            "Which game is this (Prisoner's Dilemma, Chicken, Stag Hunt, …)? Use the order of each side's payoffs.",
        ]
        pick = _threshold_parameter(scenario, form, levels)
        if pick:
            qs.append(f"Hold every other parameter fixed and change `{pick[0]}` (now {pick[1]}). At what value "
                      "would the equilibrium you found first stop being one? Who would switch, to what?")
        return qs
    if form == "graded" and scenario.model is not None:
        model = scenario.model
        a, b = (p.name for p in model.players[:2])
        return [
            f"For each level {b} might choose, which level is {a}'s best response? And {b}'s best response "
            f"to each level of {a}'s?",
            "Find every pure Nash equilibrium of the graded game.",
            "Is any level strictly between the smallest and the largest ever a best response? What does that say "
            "about partial moves?",
            "Compare with the game of the declared strategies: what does the grid add?",
        ]
    if form == "graded":
        return [
            "For each level China might choose, which level is the US's best response? And China's best response "
            "to each US level?",
            "Find every pure Nash equilibrium of the graded game.",
            "Is any level strictly between 0% and 100% ever a best response? What does that say about partial concessions?",
            "Compare with the 2×2 game (Restrict/Relax, Restrict/Supply): what does the grid add?",
        ]
    if form in TREE_FORMS:
        return [
            "Solve the tree by backward induction: at each of the last movers' nodes, which move is best?",
            "Write the subgame-perfect equilibrium as a complete plan: what does each player do at *every* node, "
            "reached or not?",
            "Which outcome is reached? Compare it with the equilibria of the simultaneous game.",
            "Name a threat or promise in this tree that is *not* credible, and explain why.",
            "Does moving first help or hurt the first mover here?",
        ]
    return [
        f"The form: {FORM_DESCRIPTIONS.get(form, form)}. What changes compared with the one-shot game above?",
        "Find the equilibrium or equilibria of this form and say why no player wants to deviate.",
        "Which parameter matters most for the outcome here, and in which direction?",
    ]


def _threshold_parameter(scenario, form: str, levels: int) -> tuple[str, str] | None:
    """A parameter with a threshold inside its range for the first equilibrium (for a question)."""
    from games.explanations.explanation import explain

    from cli.render import num

    game, solution = _normal_form(scenario, form, levels)
    expl = explain(solution, params=dict(scenario.parameters), form=form, levels=levels, model=scenario.model)
    for t in expl.thresholds[:1]:
        for th in t.thresholds:
            return th.parameter, num(th.current)
    return None


# ------------------------------------------------------------------ the two pages
@dataclass(frozen=True)
class Sheets:
    title: str
    sheet: str  # HTML
    key: str  # HTML


def _questions_html(markdown: str) -> str:
    """Questions as a numbered list, each followed by room to write."""
    from cli.markup import to_html

    html = to_html(markdown, 2)
    return html.replace("<ol>", '<ol class="questions">', 1).replace("</li>", '<div class="answer-space"></div></li>')


def lesson_sheets(path: Path) -> Sheets:
    from cli.handout import page
    from cli.markup import inline, to_html

    lesson = read_lesson(path)
    questions = lesson.section("Questions")
    if not questions:
        from games.errors import InputError

        raise InputError(f"{path}: the lesson has no '## Questions for students' section")
    trees = [f for f in lesson.forms if f in TREE_FORMS][:2]
    games_sheet, games_key = [], []
    for target in lesson.scenarios[:2]:
        games_sheet.append(game_block(target, [], "simultaneous", 5, answers=False))
        games_key.append(game_block(target, [], "simultaneous", 5, answers=True))
    for form in trees:
        target = lesson.scenarios[0] if lesson.scenarios else "baseline"
        games_sheet.append(game_block(target, [], form, 5, answers=False))
        games_key.append(game_block(target, [], form, 5, answers=True))
    head = f"<h1>{e(lesson.title)}</h1><p class=\"meta\">{inline(_meta_without_key(lesson.meta))}</p>"
    sheet = [
        '<section class="sheet">', head.replace("</h1>", " — worksheet</h1>", 1),
        '<p class="name-line">Name: ______________________ &nbsp; Date: ____________</p>',
        f"<p class=\"note\">Work through the steps of the lesson ({e(lesson.path.name)}) and answer here; "
        "the what-ifs the questions mention are its steps.</p>",
        "<h2>Learning goals</h2>", to_html(lesson.section("Learning goals"), 2),
        "<h2>The story</h2>", to_html(lesson.section("The story"), 2),
        "<h2>The game</h2>", *games_sheet,
        "<p class=\"note\">Payoffs are index points.</p></section>",
        '<section class="sheet"><h2>Questions</h2>', _questions_html(questions), "</section>",
    ]
    key = [
        '<section class="sheet">', head.replace("</h1>", " — answer key</h1>", 1),
        '<p class="key-banner">Answer key: for the teacher.</p>',
        "<h2>The game, solved</h2>", *games_key, "</section>",
    ]
    if lesson.key is not None:
        text = _read_lesson_text(lesson.key, "a lesson's answer key .md file")
        body = "\n".join(text.splitlines()[1:]) if text.startswith("# ") else text
        key += ['<section class="sheet"><h2>Answers</h2>', to_html(body, 2), "</section>"]
    title = f"{lesson.title} — worksheet"
    return Sheets(title, page(title, "\n".join(sheet)), page(f"{lesson.title} — answer key", "\n".join(key)))


def scenario_sheets(target: str, sets: list[str], form: str, levels: int) -> Sheets:
    from cli.app import _run
    from cli.forms import FORM_DESCRIPTIONS, all_forms
    from cli.handout import page
    from cli.markup import to_html

    from games.errors import InputError, clip

    if form not in all_forms():
        raise InputError(f"option --game: expected one of {', '.join(all_forms())}, got '{clip(form)}'")
    scenario = _scenario(target, sets)
    title = f"Worksheet — {scenario.title}"
    questions = "\n".join(f"{k}. {q}" for k, q in enumerate(scenario_questions(form, scenario, levels), 1))
    story = scenario.story or scenario.summary
    intro = [f"<h1>{e(title)}</h1>",
             f"<p class=\"meta\">Scenario <code>{e(scenario.name)}</code> · game form <code>{e(form)}</code>: "
             f"{e(FORM_DESCRIPTIONS.get(form, ''))}</p>"]
    sheet = [
        '<section class="sheet">', *intro,
        '<p class="name-line">Name: ______________________ &nbsp; Date: ____________</p>',
        "<h2>The story</h2>", to_html(story, 2),
        "<h2>The game</h2>", game_block(target, sets, form, levels, answers=False),
        "</section>",
        '<section class="sheet"><h2>Questions</h2>', _questions_html(questions), "</section>",
    ]
    out = _run("explain", target, sets, form, levels, "auto", "markdown", False, {})
    text = out.text
    if text.startswith("# "):
        text = "\n".join(text.splitlines()[1:])
    key = [
        '<section class="sheet">', intro[0].replace("Worksheet", "Answer key", 1), intro[1],
        '<p class="key-banner">Answer key: for the teacher.</p>',
        "<h2>The game, solved</h2>", game_block(target, sets, form, levels, answers=True),
        "<h2>Questions</h2>", to_html(questions, 2),
        "</section>",
        '<section class="sheet"><h2>Answers: tradegame\'s explanation</h2>',
        "<p>Every equilibrium below is verified; the thresholds answer the what-if questions.</p>",
        to_html(text, 2), "</section>",
    ]
    return Sheets(title, page(title, "\n".join(sheet)), page(title.replace("Worksheet", "Answer key", 1), "\n".join(key)))


def key_path(output: Path) -> Path:
    """The answer key's file beside the sheet: sheet.html → sheet-key.html."""
    return output.with_name(f"{output.stem}{KEY_SUFFIX}{output.suffix}")


# ------------------------------------------------------------------ command
def register(app: typer.Typer) -> None:
    """Add the `worksheet` command to the tradegame app."""

    @app.command(short_help="Write a printable exercise sheet and its answer key.")
    def worksheet(
        target: str = typer.Argument(
            ..., help="A lesson (lesson-1 … lesson-8, or its .md file), or a scenario name or .toml.",
            show_default=False,
        ),
        output: Path = typer.Option(..., "--output", "-o", help="The sheet to write (.html, or .pdf printed by headless Chromium); the key goes beside it as NAME-key.html|.pdf."),
        set_: Optional[List[str]] = typer.Option(
            None, "--set", metavar="NAME=VALUE", help="Change a parameter (scenarios only; repeatable)."
        ),
        game: str = typer.Option("simultaneous", "--game", metavar="FORM", help="Game form (scenarios only)."),
        levels: int = typer.Option(5, "--levels", help="Levels per side of the graded game (2–12)."),
        force: bool = typer.Option(False, "--force", help="Overwrite the sheet and its key if they exist."),
    ) -> None:
        """Write a printable exercise sheet (the game and questions, no answers) and its answer key.

        Examples:

          tradegame worksheet lesson-1 -o lesson1.html

          tradegame worksheet lesson-2 -o lesson2.pdf

          tradegame worksheet stockholm-2025 --game us-first -o tree.html

          tradegame worksheet escalation-2025 --set hawk_cost=1.5 -o what-if.html
        """
        from cli.app import guarded

        def work() -> str:
            from games.errors import InputError

            from cli.outfiles import check_output, write_output
            from cli.safe_text import visible

            suffix = output.suffix.lower()
            if suffix not in (".html", ".htm", ".pdf"):
                raise InputError(f"option --output: expected a file name ending in .html or .pdf, got '{output}'")
            browser = None
            if suffix == ".pdf":
                from cli import pdf_print

                browser = pdf_print.find_browser()
                if browser is None:  # before any work, in one line
                    raise InputError(f"option --output: a .pdf sheet needs headless Chromium, which was not found; "
                                     f"{pdf_print.INSTALL_HINT}")
            key = key_path(output)
            for path in (output, key):
                check_output(path, force)
            if not 2 <= levels <= 12:
                raise InputError(f"option --levels: expected 2 to 12 for a printed sheet, got {levels}")
            lesson = find_lesson(target)
            if lesson is not None:
                if set_ or game != "simultaneous":
                    raise InputError("option --set/--game: a lesson's sheet uses the lesson's own games; drop them")
                sheets = lesson_sheets(lesson)
            else:
                sheets = scenario_sheets(target, set_ or [], game, levels)
            sheet_doc, key_doc = visible(sheets.sheet), visible(sheets.key)
            if browser is not None:  # both printed before either is written: nothing half-written
                from cli import pdf_print

                sheet_doc, key_doc = pdf_print.html_to_pdf(sheet_doc, browser), pdf_print.html_to_pdf(key_doc, browser)
            write_output(output, sheet_doc, force)
            write_output(key, key_doc, force)
            return f"wrote {output} (worksheet) and {key} (answer key)"

        from cli import layout
        from cli.safe_text import visible

        typer.echo(layout.fit(visible(guarded(work))))
