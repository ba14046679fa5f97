"""`tradegame report`: one self-contained page (HTML or Markdown) that renders offline."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from cli import report_cmd

runner = CliRunner()
DATA = Path(__file__).parent / "data"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _app() -> typer.Typer:
    """The real app if it already lists `report`, else the real app with report registered."""
    from cli.app import app

    if not any((c.name or c.callback.__name__) == "report" for c in app.registered_commands):
        report_cmd.register(app)
    return app


def run(*args: str):
    return runner.invoke(_app(), ["report", *args])


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("report") / "stockholm.html"
    r = run("stockholm-2025", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.stdout
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # the permissions of any file the user writes
    return out


def _parse(path: Path) -> ET.Element:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    return ET.fromstring(text.split("\n", 1)[1])  # well-formed: every element closed, text escaped


def _image_bytes(src: str) -> bytes:
    assert src.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")), f"external reference {src[:60]}"
    return base64.b64decode(src.split(",", 1)[1])


def test_html_is_well_formed_and_self_contained(html_report):
    root = _parse(html_report)
    for el in root.iter():
        for attr in ("src", "href"):
            value = el.get(attr)
            if value is not None and attr == "href":
                assert value.startswith("#"), f"external reference {value[:60]}"
    assert not root.findall(".//script") and not root.findall(".//link")
    images = root.findall(".//img")
    assert len(images) == 9  # best responses, 2 x dynamics, 3 trees, folk theorem, frontier, regime map
    for img in images:
        data = _image_bytes(img.get("src"))
        assert (data.startswith(PNG_MAGIC) or b"<svg" in data[:400]) and len(data) > 10_000


def test_every_form_has_a_picture_beside_it(html_report):
    root = _parse(html_report)
    sections = {s.get("id"): s for s in root.iter("section")}
    assert len(sections["simultaneous"].findall(".//img")) == 2  # best responses, dynamics; the matrix is a table
    assert len(sections["us-first"].findall(".//img")) == 1  # the tree
    assert len(sections["regime-map"].findall(".//img")) == 1
    for form, _ in report_cmd.SCENARIO_FORMS:
        sec = sections[form]
        tables = [t for t in sec.iter("table") if t.get("class") == "matrix"]
        assert sec.findall(".//img") or tables, f"{form} has no picture"


def test_each_fact_once(html_report):
    text = html_report.read_text(encoding="utf-8")
    root = _parse(html_report)
    sections = {s.get("id"): s for s in root.iter("section")}
    simultaneous = [t for t in sections["simultaneous"].iter("table") if t.get("class") == "matrix"]
    assert len(simultaneous) == 1  # the matrix once, as a table (no picture of it, no text copy)
    assert not sections["us-first"].findall(".//pre")  # the tree is drawn, not also typed out
    summary = "The US freezes new export controls and signals H20 licences to get rare earths moving"
    assert text.count(summary) == 1  # the scenario's summary opens the report, not every section


def test_html_has_the_scenario_every_equilibrium_and_thresholds(html_report):
    text = html_report.read_text(encoding="utf-8")
    assert "Stockholm talks" in text and "re_linkage" in text
    # the stockholm game's three equilibria (known: deal, conflict, and the mixed one)
    assert "(Relax, Supply)" in text and "(Restrict, Restrict)" in text
    assert "Restrict 0.4054, Relax 0.5946" in text
    assert 'id="simultaneous"' in text and 'id="us-first"' in text
    assert "Thresholds" in text and "holds while" in text  # the exact thresholds, as tables
    assert "<pre>" not in text.split('id="simultaneous"')[1].split("</section>")[0]


def test_print_styles_keep_sections_whole_without_a_page_each(html_report):
    """Short sections share pages (no forced break before each); headings stay with what follows."""
    text = html_report.read_text(encoding="utf-8")
    assert "@media print" in text and "@page" in text and "break-after: avoid" in text
    assert 'class="report-section new-page"' not in text


def test_sections_and_brief(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "b.html"
    r = run("stockholm-2025", "--brief", "--sections", "simultaneous,us-first", "-o", str(out))
    assert r.exit_code == 0, r.output
    root = _parse(out)
    assert [s.get("id") for s in root.iter("section")] == ["simultaneous", "us-first"]
    text = out.read_text(encoding="utf-8")
    assert "Thresholds" not in text and "Why the other outcomes" not in text  # the brief explanation only
    assert "(Relax, Supply)" in text and "Stag Hunt" in text
    assert len(root.findall(".//img")) == 2  # best responses and the tree; dynamics left to the full report


def test_markdown_report_keeps_pictures_as_files_beside_it(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "r.md"
    r = run("escalation-2025", "--set", "hawk_cost=1.5", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# tradegame report")
    assert "## The simultaneous game (2×2)" in text and "**What-if:** hawk_cost = 1.5" in text
    links = re.findall(r"\]\((r_files/[^)]+)\)", text)
    assert len(links) == 9 and "base64" not in text
    for link in links:
        data = (tmp_path / link).read_bytes()
        assert data.startswith(PNG_MAGIC) or b"<svg" in data[:400]
    # no picture is fetched from anywhere (sources may cite web addresses as text)
    assert not re.search(r"!\[[^\]]*\]\(\s*https?://", text)
    assert len(out.read_bytes()) < 150_000  # text only


def test_game_file_report_without_pictures(tmp_path):
    out = tmp_path / "g.html"
    r = run(str(DATA / "bos_payoff.nfg"), "--no-pictures", "-o", str(out))
    assert r.exit_code == 0, r.output
    root = _parse(out)
    assert not root.findall(".//img")
    # Battle of the Sexes: two pure equilibria and the mixed one (2/3, 1/3)
    text = out.read_text(encoding="utf-8")
    assert "1 0.6667, 2 0.3333" in text


ENTRY_EFG = """EFG 2 R "Entry deterrence" { "Entrant" "Incumbent" }
""

p "" 1 1 "" { "In" "Out" } 0
p "" 2 1 "" { "Fight" "Accommodate" } 0
t "" 1 "" { -1, -1 }
t "" 2 "" { 1, 1 }
t "" 3 "" { 0, 2 }
"""


def test_tree_file_report_draws_the_tree(tmp_path):
    """Selten's entry game: the subgame-perfect path is In, then Accommodate (1, 1)."""
    pytest.importorskip("matplotlib")
    game = tmp_path / "entry.efg"
    game.write_text(ENTRY_EFG)
    out = tmp_path / "entry.html"
    r = run(str(game), "-o", str(out))
    assert r.exit_code == 0 and "(1 game forms, 1 pictures)" in r.stdout, r.output
    text = out.read_text(encoding="utf-8")
    assert "Incumbent: Accommodate if In" in text and "class=\"skipped\"" not in text
    assert len(_parse(out).findall(".//img")) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "r.pdf"], "expected a file name ending in .html or .md"),
        (["no-such-game.nfg", "--no-pictures", "-o", "r.html"], "no-such-game.nfg"),
        ([str(DATA / "bos_payoff.nfg") + ".missing.efg", "-o", "r.html"], "cannot read"),
        (["no-such-scenario", "--no-pictures", "-o", "r.html"], "no-such-scenario"),
        ([str(DATA / "bos_payoff.nfg"), "--set", "hawk_cost=1", "--no-pictures", "-o", "r.html"], "option --set"),
        (["--no-pictures", "-o", "no-such-folder/r.html"], "does not exist"),
        (["--sections", "simultaneous,nope", "--no-pictures", "-o", "r.html"], "unknown section 'nope'"),
        ([str(DATA / "bos_payoff.nfg"), "--sections", "simultaneous", "-o", "r.html"], "expected some of game"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2 and message in r.output
    assert not list(tmp_path.iterdir())


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("keep")
    r = run("--no-pictures", "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.output and out.read_text() == "keep"


def _chromium() -> str | None:
    return next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)


def test_html_renders_in_headless_chromium(html_report, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium not installed")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--offline", f"--screenshot={shot}",
         "--window-size=1200,3000", html_report.as_uri()],
        check=False, capture_output=True, timeout=120,
    )
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 50_000  # a page with text and tables, not blank
    # the embedded pictures are drawn, not broken: the matrix's green equilibrium cells show on screen
    import matplotlib.image

    pixels = (matplotlib.image.imread(str(shot))[:, :, :3] * 255).round()
    green = (np.abs(pixels - (0xCD, 0xEB, 0xC5)).max(axis=2) <= 3).sum()
    assert green > 2_000, green


def test_a_malformed_game_file_stops_the_report(tmp_path):
    bad = tmp_path / "bad.nfg"
    bad.write_text("not a game")
    out = tmp_path / "r.html"
    r = run(str(bad), "--no-pictures", "-o", str(out))
    assert r.exit_code == 2 and "bad.nfg" in r.output and len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_model_file_report_has_its_own_forms_and_exact_thresholds(tmp_path):
    # brinkmanship (stake 4, war 10), checked by hand: against Escalate, holding pays -4 and
    # escalating pays -war, so the pure equilibria with one side escalating hold while war is above 4
    pytest.importorskip("matplotlib")
    out = tmp_path / "b.html"
    r = run("brinkmanship", "--no-pictures", "-o", str(out))
    assert r.exit_code == 0, r.output
    root = _parse(out)
    ids = [s.get("id") for s in root.iter("section")]
    assert "simultaneous" in ids and "sequential" in ids and "us-first" not in ids
    text = out.read_text(encoding="utf-8")
    assert "Skipped: unknown parameter" not in text
    simultaneous = text.split('id="simultaneous"')[1].split("</section>")[0]
    # one row for war (written once), a column per pure equilibrium: both hold while war is above 4
    (row,) = re.findall(r"<tr><td><code>war</code></td>.*?</tr>", simultaneous)
    assert row.count("<td>above 4;") == 2 and "<td>10</td>" in row


def test_a_model_files_declared_forms_are_report_sections(tmp_path):
    # tests/data/models/forms.toml declares a tree (South first, may revise a bluff) and a
    # form adding a mediator. In the tree, by hand: after Bluff North builds (3 against 0
    # if it waits and South then builds), so Bluff yields South 0; Build yields 3 (North
    # waits: 0 against −4); South builds.
    out = tmp_path / "forms.html"
    target = str(Path(__file__).parent / "data" / "models" / "forms.toml")
    r = run(target, "--no-pictures", "-o", str(out))
    assert r.exit_code == 0, r.output
    ids = [s.get("id") for s in _parse(out).iter("section")]
    assert ids[-2:] == ["south-first", "mediated"]
    text = out.read_text(encoding="utf-8")
    assert "Skipped" not in text
    tree = text.split('id="south-first"')[1].split("</section>")[0]
    assert "South first (--game south-first)" in tree and "South: Build — payoffs: North 0, South 3" in tree
    assert "With a mediator (--game mediated)" in text.split('id="mediated"')[1]
    assert run(target, "--sections", "mediated", "--no-pictures", "-o", str(tmp_path / "m.md")).exit_code == 0


def test_a_three_player_model_report_lists_every_profile(tmp_path):
    out = tmp_path / "pg.html"
    r = run("public-goods", "--no-pictures", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "Skipped" not in text
    simultaneous = text.split('id="simultaneous"')[1].split("</section>")[0]
    assert simultaneous.count("<tr><td>(") == 8  # 2 × 2 × 2 pure profiles, one row each


def test_a_model_files_bayesian_section_shows_its_own_harsanyi_form(tmp_path):
    """The Harsanyi form is built from the model file's [types.Incumbent] (not the trade
    model's parameters): the Entrant's 2 moves against the Incumbent's 4 plans. Its shaded
    cells are exactly the mutual best responses, checked here on the payoffs themselves."""
    from cli.app import _load_scenario
    from cli.bayes_ally import form_tables

    target = str(Path(__file__).parents[1] / "examples" / "models" / "entry-deterrence.toml")
    (table,) = form_tables("bayesian", _load_scenario(target, []), [])
    A, B = table.game.bimatrix()
    assert A.shape == (2, 4) and table.game.players == ("Entrant", "Incumbent")
    mutual = {(i, j) for i in range(2) for j in range(4)
              if A[i, j] >= A[:, j].max() - 1e-9 and B[i, j] >= B[i, :].max() - 1e-9}
    assert table.cells == mutual and mutual
    out = tmp_path / "entry.html"
    r = run(target, "--sections", "bayesian", "--no-pictures", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "Harsanyi form" in text and "Skipped" not in text


def test_the_default_report_prints_on_at_most_12_a4_pages_and_the_brief_on_4(tmp_path):
    """The handout's length on paper: printed by headless Chromium as a teacher's browser would."""
    from cli import pdf_print

    browser = pdf_print.find_browser()
    if browser is None:
        pytest.skip("chromium not installed")
    pytest.importorskip("matplotlib")
    counts = {}
    for name, extra in (("full", []), ("brief", ["--brief"])):
        out = tmp_path / f"{name}.html"
        r = run(*extra, "-o", str(out))
        assert r.exit_code == 0, r.output
        pdf = pdf_print.html_to_pdf(out.read_text(encoding="utf-8"), browser)
        assert b"/MediaBox [0 0 594.9" in pdf  # A4 (595 × 842 points)
        counts[name] = pdf_print.page_count(pdf)
    assert 3 <= counts["full"] <= 12, counts
    assert 1 <= counts["brief"] <= 4 and counts["brief"] < counts["full"], counts
