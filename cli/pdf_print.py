"""Print a handout (an HTML page with print styles) to PDF with headless Chromium.

No PDF library is needed: the browser that lays the page out for the screen also lays it
out for paper (A4, the page's own ``@page`` rules, page breaks from its print styles),
exactly as a teacher's "Print → Save as PDF" would. `find_browser` looks for Chromium (or
Google Chrome) on the PATH; `html_to_pdf` runs it headless with a throw-away profile and
returns the PDF's bytes; `page_count` counts a PDF's pages without a PDF library.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: browsers that can print to PDF headless, in the order they are looked for
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: what to install when none is found
INSTALL_HINT = "install Chromium (Debian/Ubuntu: apt-get install chromium) or write .html and print it from a browser"
#: seconds a browser may take to print one handout
TIMEOUT = 120


def find_browser() -> str | None:
    """The path of a headless-capable Chromium on the PATH, or None."""
    return next((p for p in (shutil.which(n) for n in BROWSERS) if p), None)


def html_to_pdf(html: str, browser: str | None = None) -> bytes:
    """The page printed to PDF (A4 unless its styles say otherwise), as bytes.

    The page is written to a temporary folder with a fresh browser profile, so a running
    browser of the user's is neither used nor disturbed; the folder is removed after.
    Raises SolverError when the browser fails or produces no PDF, InputError when none is
    installed."""
    from games.errors import InputError, SolverError

    browser = browser or find_browser()
    if browser is None:
        raise InputError(f"option --output: a .pdf needs headless Chromium, which was not found; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="tradegame-pdf-") as tmp:
        page, pdf = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        args = [browser, "--headless", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
                f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={pdf}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
        try:
            run = subprocess.run([*args, page.as_uri()], capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SolverError(f"printing to PDF with {browser} failed: {exc}") from None
        data = pdf.read_bytes() if pdf.exists() else b""
        if not data.startswith(b"%PDF"):
            last = (run.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise SolverError(f"printing to PDF with {browser} failed (exit {run.returncode}): {last[:200]}")
        return data


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has: its ``/Type /Page`` objects (Chromium writes each page
    object uncompressed; `pdfinfo` agrees on the reports and worksheets)."""
    return len(_PAGE.findall(pdf))
