"""The classroom page in a real browser: headless Chromium driven by Selenium.

A person checking the page would look at: the equilibrium cells shaded green, a slider
moved past a threshold changing which cells are shaded, the answers disappearing and
coming back, the tree appearing for a sequential form, and a shared link reproducing the
page. Each test checks those things through the DOM (classes, computed colours, values)
and in screenshots (the colour of the pixels at the cell, the ring of the regime marker).

The expected equilibria come from the hand derivation in tests/test_serve.py: at the
baseline both (Restrict, Restrict) and (Relax, Supply) are equilibria; once hawk_cost
passes 5 (with re_dependence 6) only (Restrict, Restrict) is.

Skipped, saying why, only when Chromium, its driver or Selenium is not installed
(Debian: apt-get install chromium chromium-driver; pip install selenium).
"""

from __future__ import annotations

import io
import shutil
import tempfile

import pytest

pytest.importorskip("flask")
pytest.importorskip("waitress")
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not CHROMIUM or not DRIVER:
    pytest.skip(
        "headless Chromium or its driver is not installed (Debian: apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

GREEN = (0xCD, 0xEB, 0xC5)  # the equilibrium cell's fill (cli/web_static/style.css)
WAIT = 20


@pytest.fixture(scope="module")
def server():
    from cli.serve_cmd import make_server, run_in_thread

    srv = make_server(None, "127.0.0.1", 0, threads=4)
    stop = run_in_thread(srv)
    yield f"http://127.0.0.1:{srv.effective_port}/"
    stop()  # lets requests in flight (pictures) finish first


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="tradegame-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, message: str):
    """Wait for condition; the page redraws its matrix as answers arrive, so an element
    found a moment ago may be replaced: such a look is simply retried."""
    from selenium.common.exceptions import StaleElementReferenceException

    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d), message)


def open_page(driver, url: str) -> None:
    driver.get(url)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#payoff-matrix td.cell")
         and d.find_elements(By.CSS_SELECTOR, "#equilibria li")
         and not d.find_element(By.TAG_NAME, "body").get_attribute("class").count("busy"),
         "the matrix and the equilibria appear")


def cell(driver, row: int, col: int):
    return driver.find_element(By.CSS_SELECTOR, f'#payoff-matrix td[data-row="{row}"][data-col="{col}"]')


def shaded(driver) -> set[tuple[int, int]]:
    """The shaded cells of the payoff matrix, read in one step (the table may be redrawn)."""
    cells = driver.execute_script(
        "return Array.from(document.querySelectorAll('#payoff-matrix td.equilibrium'))"
        ".map(td => [Number(td.dataset.row), Number(td.dataset.col)]);")
    return {tuple(c) for c in cells}


def pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def share_of(image, colour, tol: int = 6) -> float:
    """Share of an image's pixels within tol of colour."""
    import numpy as np

    rgb = np.asarray(image, dtype=int).reshape(-1, 3)
    return float(np.mean(np.all(np.abs(rgb - np.array(colour)) <= tol, axis=1)))


def css_rgb(value: str) -> tuple[int, ...]:
    inside = value[value.index("(") + 1: value.index(")")]
    return tuple(int(float(v)) for v in inside.split(",")[:3])


def test_load_shows_the_equilibrium_cells_highlighted(browser, server):
    open_page(browser, server)
    assert shaded(browser) == {(0, 0), (1, 1)}
    # what a person sees: the equilibrium cell is green, the others white
    assert css_rgb(cell(browser, 1, 1).value_of_css_property("background-color")) == GREEN
    assert share_of(pixels(cell(browser, 1, 1).screenshot_as_png), GREEN) > 0.5
    assert share_of(pixels(cell(browser, 0, 1).screenshot_as_png), GREEN) < 0.05
    assert len(browser.find_elements(By.CSS_SELECTOR, "#equilibria li")) == 3
    # a slider per parameter, with meaning and provenance on hover
    label = browser.find_element(By.CSS_SELECTOR, 'label[for="slider-hawk_cost"]')
    tip = label.get_attribute("title")
    assert "Domestic political cost" in tip and "Where it comes from:" in tip


def test_moving_a_slider_past_the_threshold_changes_the_equilibrium(browser, server):
    open_page(browser, server)
    wait(browser, lambda d: d.find_element(By.ID, "regime").get_attribute("data-marker-x"), "the regime map is drawn")
    canvas = browser.find_element(By.ID, "regime")
    before = float(canvas.get_attribute("data-marker-x"))
    slider = browser.find_element(By.ID, "slider-hawk_cost")
    slider.click()  # lands near the middle of 0..20: well past the threshold at 5
    slider.send_keys(Keys.END)  # and the keyboard takes it to 20
    wait(browser, lambda d: "hawk_cost=20" in d.current_url and "busy" not in d.find_element(By.TAG_NAME, "body")
         .get_attribute("class") and shaded(d) == {(0, 0)}, "only mutual restriction is left once hawk_cost passes 5")
    assert browser.find_element(By.ID, "value-hawk_cost").text == "20"
    assert css_rgb(cell(browser, 1, 1).value_of_css_property("background-color")) != GREEN
    assert len(browser.find_elements(By.CSS_SELECTOR, "#equilibria li")) == 1
    # the regime marker moved right, to the far edge (hawk_cost 20: x = 420 − 10 of padding),
    # and the screenshot shows the ring there
    wait(browser, lambda d: float(d.find_element(By.ID, "regime").get_attribute("data-marker-x")) > 405,
         "the regime marker moves to the right edge")
    assert float(canvas.get_attribute("data-marker-x")) > before + 300
    x = float(canvas.get_attribute("data-marker-x"))
    y = float(canvas.get_attribute("data-marker-y"))
    image = pixels(canvas.screenshot_as_png)
    scale = image.width / int(canvas.get_attribute("width"))
    ring = image.crop((int((x - 9) * scale), int((y - 9) * scale), int((x + 9) * scale), int((y + 9) * scale)))
    assert share_of(ring, (0, 0, 0), tol=40) > 0.15
    # the thresholds follow too
    wait(browser, lambda d: "(now 20)" in d.find_element(By.ID, "thresholds").text, "the thresholds are recomputed")


def test_hide_and_reveal_the_answers(browser, server):
    open_page(browser, server)
    hide = browser.find_element(By.ID, "hide")
    hide.click()
    assert not browser.find_element(By.ID, "equilibria-box").is_displayed()
    assert not browser.find_element(By.ID, "explanation-box").is_displayed()
    assert browser.find_element(By.ID, "exercise").is_displayed()
    assert css_rgb(cell(browser, 1, 1).value_of_css_property("background-color")) != GREEN
    assert share_of(pixels(cell(browser, 1, 1).screenshot_as_png), GREEN) < 0.05
    assert "hide=1" in browser.current_url
    hide.click()
    assert browser.find_element(By.ID, "equilibria-box").is_displayed()
    assert share_of(pixels(cell(browser, 1, 1).screenshot_as_png), GREEN) > 0.5


def test_switching_forms(browser, server):
    open_page(browser, server)
    Select(browser.find_element(By.ID, "form")).select_by_value("us-first")
    wait(browser, lambda d: d.find_element(By.ID, "tree-box").is_displayed()
         and "Restrict if Restrict, Supply if Relax" in d.find_element(By.ID, "equilibria").text,
         "the tree and the subgame-perfect equilibrium appear")
    wait(browser, lambda d: d.execute_script("const i = document.getElementById('tree'); return i.complete && i.naturalWidth > 0"),
         "the tree picture loads")
    assert not browser.find_elements(By.CSS_SELECTOR, "#payoff-matrix")
    assert "form=us-first" in browser.current_url
    Select(browser.find_element(By.ID, "form")).select_by_value("graded")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#payoff-matrix td.cell")) == 25, "a 5×5 graded matrix")
    assert browser.find_element(By.ID, "levels-box").is_displayed()


def test_a_shared_link_reproduces_the_page(browser, server):
    open_page(browser, server + "?form=simultaneous&hawk_cost=6&hide=1&x=leverage&y=re_dependence")
    assert shaded(browser) == {(0, 0)}
    assert browser.find_element(By.ID, "value-hawk_cost").text == "6"
    assert browser.find_element(By.ID, "hide").is_selected()
    assert not browser.find_element(By.ID, "equilibria-box").is_displayed()
    assert browser.find_element(By.ID, "regime-x").get_attribute("value") == "leverage"
    link = browser.find_element(By.ID, "share").get_attribute("href")
    assert "hawk_cost=6" in link and "hide=1" in link
    open_page(browser, link)
    assert shaded(browser) == {(0, 0)} and browser.find_element(By.ID, "hide").is_selected()


def test_a_bad_link_shows_a_clear_message(browser, server):
    browser.get(server + "?re_dependence=99")
    box = wait(browser, lambda d: d.find_element(By.ID, "error") if d.find_element(By.ID, "error").is_displayed() else None,
               "the error message appears")
    assert "re_dependence" in box.text and "between 0 and 20" in box.text
