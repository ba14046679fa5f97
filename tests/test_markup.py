"""cli.markup: tradegame's Markdown subset as escaped HTML."""

from __future__ import annotations

from cli.markup import inline, to_html


def test_inline_marks_and_escaping():
    assert inline("**bold** and *em* and `a<b`") == "<strong>bold</strong> and <em>em</em> and <code>a&lt;b</code>"
    assert inline("<script>") == "&lt;script&gt;"
    assert inline("5 * 3 * 2") == "5 * 3 * 2"  # a lone star between spaces is not emphasis
    assert "<em>" not in inline(r"\*not emphasis\*")


def test_headings_lists_tables_and_code():
    md = "\n".join([
        "# Title", "", "A paragraph", "over two lines.", "",
        "- one", "- two", "  - nested", "", "1. first", "2. second", "",
        "| a | b |", "|---|---|", "| 1 | `x` |", "", "```", "US", "├─ Restrict", "```",
    ])
    html = to_html(md, heading_offset=1)
    assert "<h2>Title</h2>" in html
    assert "<p>A paragraph over two lines.</p>" in html
    assert "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>" in html.replace("\n", "")
    assert "<ol><li>first</li><li>second</li></ol>" in html.replace("\n", "")
    assert "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td><code>x</code></td></tr></tbody></table>" in html
    assert "<pre>US\n├─ Restrict</pre>" in html


def test_nothing_is_lost_or_interpreted():
    html = to_html("plain <b>text</b> & more")
    assert html == "<p>plain &lt;b&gt;text&lt;/b&gt; &amp; more</p>"
