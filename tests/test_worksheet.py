"""`tradegame worksheet`: printable sheets without answers, and their answer keys.

The known answers are the lessons' own hand analysis: in `escalation-2025` Restrict is
dominant for both sides (Lesson 1, its answer key), so the only equilibrium is (Restrict,
Restrict) at payoffs (-6.5, 3); in the us-first tree of the baseline China answers
Restrict with Restrict and Relax with Supply, so the US relaxes (tests/test_serve.py).
"""

from __future__ import annotations

import base64
import re

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.worksheet_cmd import find_lesson, key_path, lesson_files, lesson_sheets, scenario_sheets

pytest.importorskip("matplotlib")

runner = CliRunner()


def embedded_svgs(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]


def plain(page: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, spaces collapsed."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace(" .", ".").replace(" ,", ",")


def cell_classes(html: str) -> list[str]:
    return re.findall(r'<td class="(cell[^"]*)"', html)


@pytest.mark.parametrize("number", range(1, 9))
def test_every_lesson_prints_a_sheet_without_answers_and_a_key(number):
    path = find_lesson(f"lesson-{number}")
    assert path is not None and path in lesson_files()
    sheets = lesson_sheets(path)
    sheet, key = sheets.sheet, sheets.key
    assert "Questions" in sheet and '<ol class="questions">' in sheet and "answer-space" in sheet
    # no answers on the sheet: no shaded equilibrium, no best-response marks, no key text
    assert "equilibrium" not in " ".join(cell_classes(sheet))
    assert 'class="u best"' not in sheet and 'class="v best"' not in sheet
    assert "Answer key" not in sheet and "answers/" not in sheet
    for svg in embedded_svgs(sheet):
        assert b"#2e7d32" not in svg  # the equilibrium green: trees are drawn unmarked
    # the key has the marks and the lesson's own answers
    assert "equilibrium" in " ".join(cell_classes(key))
    key_file = path.parent / "answers" / path.name
    first = re.search(r"^1\. (.+)$", key_file.read_text(encoding="utf-8"), re.M).group(1)
    snippet = re.sub(r"[*`]", "", first)[:40]
    assert snippet in plain(key) and snippet not in plain(sheet)


def test_lesson_1_key_marks_the_hand_derived_equilibrium():
    sheets = lesson_sheets(find_lesson("lesson-1"))
    classes = cell_classes(sheets.key)
    assert classes == ["cell equilibrium", "cell", "cell", "cell"]  # (Restrict, Restrict) only
    assert "(Restrict, Restrict) — payoffs US -6.5, China 3" in sheets.key
    assert cell_classes(sheets.sheet) == ["cell"] * 4
    assert ">-6.5<" in sheets.sheet and ">5.9<" in sheets.sheet  # the payoffs are on the sheet


def test_scenario_tree_sheet_and_key():
    sheets = scenario_sheets("baseline", [], "us-first", 5)
    (plain,) = embedded_svgs(sheets.sheet)
    (marked,) = embedded_svgs(sheets.key)
    assert b"#2e7d32" not in plain and b"#2e7d32" in marked
    assert "backward induction" in sheets.sheet
    assert "US: Relax; China: Restrict if Restrict, Supply if Relax" in sheets.key


def test_scenario_sheet_asks_a_threshold_question_the_key_answers():
    sheets = scenario_sheets("baseline", [], "simultaneous", 5)
    m = re.search(r"change <code>(\w+)</code> \(now ([\d.]+)\)", sheets.sheet)
    assert m, "a threshold question"
    assert f"({m.group(1)}) stays" in sheets.key


def test_command_writes_sheet_and_key_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "pd.html"
    r = runner.invoke(app, ["worksheet", "lesson-1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.is_file() and key_path(out).is_file() and key_path(out).name == "pd-key.html"
    before = out.read_bytes()
    r = runner.invoke(app, ["worksheet", "lesson-2", "-o", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    "args, words",
    [
        (["lesson-99"], "no such lesson"),
        (["no-such-scenario"], "no-such-scenario"),
        (["lesson-1", "--set", "hawk_cost=2"], "drop them"),
        (["baseline", "--game", "sideways"], "option --game"),
        (["baseline", "--set", "hawk_cost=99"], "between 0 and 20"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, words):
    out = tmp_path / "x.html"
    r = runner.invoke(app, ["worksheet", *args, "-o", str(out)])
    assert r.exit_code == 2 and words in r.output
    assert not out.exists() and not key_path(out).exists()


def test_output_must_be_html_or_pdf(tmp_path):
    r = runner.invoke(app, ["worksheet", "lesson-1", "-o", str(tmp_path / "x.docx")])
    assert r.exit_code == 2 and ".html or .pdf" in r.output and not (tmp_path / "x.docx").exists()


def test_a_lesson_worksheet_prints_to_pdf_with_the_questions_and_no_answers(tmp_path):
    """`-o sheet.pdf`: the sheet and its key printed by headless Chromium, two separate PDFs."""
    import shutil
    import subprocess

    from cli import pdf_print

    if pdf_print.find_browser() is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium or pdftotext (poppler-utils) not installed")
    out = tmp_path / "lesson1.pdf"
    r = runner.invoke(app, ["worksheet", "lesson-1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    key = tmp_path / "lesson1-key.pdf"
    for path in (out, key):
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and pdf_print.page_count(data) >= 1

    def text(path):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout

    sheet, answers = text(out), text(key)
    assert "Questions" in sheet and "Name:" in sheet
    assert "Answer key" not in sheet and "The game, solved" not in sheet
    assert "Answer key: for the teacher." in answers and "The game, solved" in answers


def test_a_pdf_worksheet_without_chromium_is_one_line_exit_2(tmp_path, monkeypatch):
    from cli import pdf_print

    monkeypatch.setattr(pdf_print, "find_browser", lambda: None)
    out = tmp_path / "s.pdf"
    r = runner.invoke(app, ["worksheet", "lesson-1", "-o", str(out)])
    assert r.exit_code == 2 and "Chromium" in r.output and len(r.output.strip().splitlines()) == 1
    assert not out.exists()
