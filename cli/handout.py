"""HTML building blocks for printed handouts: worksheets, answer keys and the report.

A handout is one self-contained HTML page with print styles (A4, margins, page breaks
between sections, no navigation in print): `page` wraps a body; `matrix_table` draws a
two-player payoff matrix as a real table, with or without the answers (best responses,
equilibrium cells); `figure` embeds a picture. Pure string builders: no file is written
here.
"""

from __future__ import annotations

import base64
import html
from typing import Sequence

#: screen and print styles shared by every handout
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 60rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.55rem; border-bottom: 3px solid #1f4e9c; padding-bottom: .3rem; margin-bottom: .4rem; }
h2 { font-size: 1.2rem; margin-top: 1.6rem; color: #1f4e9c; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .4rem; }
h4, h5 { font-size: .95rem; margin: .9rem 0 .3rem; }
.meta { color: #555; font-size: .9rem; }
table { border-collapse: collapse; font-size: .88rem; margin: .5rem 0; }
th, td { border: 1px solid #c9ced6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
table.matrix td.cell { text-align: center; min-width: 6rem; font-variant-numeric: tabular-nums; }
table.matrix th.row { color: #1f4e9c; }
table.matrix th.col { color: #b3261e; text-align: center; }
table.matrix .u { color: #1f4e9c; }
table.matrix .v { color: #b3261e; }
table.matrix .best { font-weight: bold; }
table.matrix td.equilibrium { background: #cdebc5; outline: 2.5px solid #2e7d32; outline-offset: -2.5px; }
tr.changed td { background: #fff6dd; }
.note { font-size: .82rem; color: #555; }
figure { margin: .6rem 0; break-inside: avoid; }
figure img { max-width: 100%; border: 1px solid #e3e6ea; }
figcaption { font-size: .82rem; color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem; align-items: flex-start; }
.figures figure { flex: 0 1 27rem; max-width: 100%; }
pre { background: #f6f7f9; border: 1px solid #dde1e6; border-radius: 5px; padding: .6rem; font-size: .8rem;
      white-space: pre-wrap; line-height: 1.3; }
ol.questions > li { margin: .4rem 0 .2rem; }
.answer-space { border-bottom: 1px dotted #999; height: 4.2rem; margin-bottom: .4rem; }
.skipped { color: #7a5b00; font-style: italic; }
.key-banner { background: #fdecea; border: 1px solid #e5a29c; padding: .3rem .6rem; border-radius: 4px;
              font-weight: bold; color: #7a1c16; }
.name-line { margin: .8rem 0 1rem; font-size: .95rem; }
nav ol { columns: 2; font-size: .9rem; }
footer { margin-top: 2rem; font-size: .8rem; color: #666; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; line-height: 1.35; }
  nav { display: none; }
  section.sheet { break-before: page; }
  section.sheet:first-of-type { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  table, figure, pre, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .figures figure { flex-basis: 48%; }
}
"""


def e(text: object) -> str:
    """Escape text for HTML (quotes too, so it is safe in attributes)."""
    return html.escape(str(text))


def page(title: str, body: str, extra_css: str = "") -> str:
    """A complete HTML5 page: well-formed, self-contained, with print styles."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
        f"<title>{e(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def matrix_table(game, equilibria: Sequence = (), answers: bool = True, cells: set | None = None) -> str:
    """A two-player normal form as an HTML table (rows: the first player), with its note.

    With ``answers`` each player's best responses are bold and starred and pure equilibrium
    cells shaded (those of ``equilibria``, or the (row, column) pairs in ``cells``);
    without, the bare payoffs for students to mark. The table is games.explanations.rich_display's, the
    one notebooks show.
    """
    from games.explanations.rich_display import matrix_html, payoff_lists

    if game.n_players != 2:  # three or more players: each pure profile's payoffs, a row each
        return payoff_lists(game) + f"<p class=\"note\">Payoffs ({e(', '.join(game.players))}).</p>"
    table = matrix_html(game, equilibria, answers, cells, classes=("matrix", "equilibrium", "best", "u", "v"))
    p0, p1 = game.players
    note = f"Payoffs ({e(p0)}, {e(p1)})."
    if answers:
        note += " Bold with * = best response; shaded cell = pure Nash equilibrium."
    return table + f'<p class="note">{note}</p>'


def figure(data: bytes, caption: str, kind: str = "svg", src: str | None = None) -> str:
    """A picture with its caption: embedded as a data URI, or linked as ``src`` (a file beside the page)."""
    if src is None:
        mime = "image/svg+xml" if kind == "svg" else "image/png"
        src = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    return f'<figure><img src="{e(src)}" alt="{e(caption)}" /><figcaption>{e(caption)}</figcaption></figure>'
