"""The classroom web page behind `tradegame serve`: a Flask app with a small JSON API.

The page (``cli/web_static``: one HTML file, one script, one style sheet — nothing loaded
from the internet) asks the API for everything it shows; the API asks the same code the
command line uses, so the page and `tradegame solve/explain/plot` never disagree:

- ``GET /api/catalogue`` — the scenarios the page may open and the game forms;
- ``GET /api/model?scenario=S`` — the story and every parameter (range, meaning, provenance);
- ``GET /api/solve?scenario=S&form=F&NAME=VALUE...`` — the game, its verified equilibria
  and the explanation (brief, or full with ``full=1``); the payoff matrix with best
  responses and equilibrium cells for two-player normal forms;
- ``GET /api/thresholds?...`` — the thresholds (asked separately: they re-solve the game
  many times, and the matrix should follow a slider at once);
- ``GET /api/regimes?...&x=NAME&y=NAME`` — the regime map over two parameters (games.sweeps.sweep);
- ``GET /api/picture/KIND.svg?...`` — the dynamics, best-response or tree picture (cli.plots).

The query string of every call is the page's own shareable URL: ``scenario``, ``form``,
``levels``, ``full`` and one ``NAME=VALUE`` per changed parameter. Bad requests (unknown
scenario, form or parameter, a value out of range or not a number) get HTTP 400 and a
one-line message; a game the solver cannot solve gets 422. Flask is imported here only:
the `serve` extra.
"""

from __future__ import annotations

import functools
import json
import math
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from games.errors import InputError, SolverError, clip

STATIC = Path(__file__).resolve().parent / "web_static"
#: query keys that are not model parameters
CONTROL_KEYS = ("scenario", "form", "levels", "full", "x", "y")
#: the graded game's levels the page allows (bigger games are slow to explain on every move)
MAX_LEVELS = 9
#: regime map resolution (points per axis)
REGIME_POINTS = 41
#: largest graded game whose own regime map the page draws
MAX_REGIME_LEVELS = 5
#: pictures the page draws with matplotlib ("tree-plain": the tree with nothing marked, for exercises)
PICTURES = ("dynamics", "best-response", "tree", "tree-plain")
TREE_FORMS = ("us-first", "china-first", "snapback")
NORMAL_FORMS = ("simultaneous", "graded")

#: the files under /static/ are these, listed once at start-up: a request names one of them
#: or gets 404, so no path (``..``, ``%2e%2e``, absolute, a symlink) reaches another file
def static_files(folder: Path) -> frozenset[str]:
    """The plain files directly in folder (symlinks and subfolders left out)."""
    return frozenset(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())


#: matplotlib's pyplot is not thread-safe: one picture at a time
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class PageState:
    """What one request asks for: the scenario, the form and the changed parameters."""

    scenario: str  # a name from the catalogue
    form: str = "simultaneous"
    levels: int = 5
    values: tuple[tuple[str, float], ...] = ()  # changed parameters, sorted by name
    full: bool = False

    def sets(self) -> list[str]:
        """The changed parameters as `--set` assignments (repr keeps every digit)."""
        return [f"{name}={value!r}" for name, value in self.values]


class Catalogue:
    """The scenarios a page may open: the built-in ones plus the file `serve` was given.

    Requests name scenarios only from this list, so a browser can never make the server
    read an arbitrary path.
    """

    def __init__(self, target: str | None = None) -> None:
        from games.model.scenarios import DEFAULT_SCENARIO, builtin_names, load

        self.sources: dict[str, str] = {n: n for n in builtin_names()}
        self.default = DEFAULT_SCENARIO
        if target is not None:
            if Path(target).suffix.lower() in (".nfg", ".efg"):
                raise InputError(
                    f"{clip(target, 200)}: the page varies a scenario's parameters; a game file has none "
                    "(use tradegame solve, report or plot for it)"
                )
            scenario = load(target)  # bad file: InputError before the server starts
            self.sources[scenario.name] = target
            self.default = scenario.name

    def names(self) -> list[str]:
        return list(self.sources)

    def target(self, name: str) -> str:
        try:
            return self.sources[name]
        except KeyError:
            raise InputError(
                f"scenario '{clip(name)}': not served here; expected one of {', '.join(self.sources)}"
            ) from None


# ------------------------------------------------------------------ parsing requests
def _one(args: Mapping[str, list[str]], key: str) -> str | None:
    values = args.get(key) or []
    if len(values) > 1:
        raise InputError(f"URL parameter '{clip(key)}': given {len(values)} times; give it once")
    return values[0] if values else None


def parse_state(args: Mapping[str, list[str]], catalogue: Catalogue, extra_keys: tuple[str, ...] = ()) -> PageState:
    """A PageState from a query string (each key mapped to its list of values).

    Every key that is not a control key must be a model parameter with a number in its
    range; errors name the URL parameter and what was expected.
    """
    from games.model.scenarios import load

    from cli.forms import all_forms

    name = _one(args, "scenario") or catalogue.default
    lookup = parameter_finder(load(catalogue.target(name)))
    form = _one(args, "form") or "simultaneous"
    if form not in all_forms():
        raise InputError(f"URL parameter 'form': expected one of {', '.join(all_forms())}, got '{clip(form)}'")
    levels_text = _one(args, "levels") or "5"
    try:
        levels = int(levels_text)
    except ValueError:
        raise InputError(f"URL parameter 'levels': expected a whole number, got '{clip(levels_text)}'") from None
    if not 2 <= levels <= MAX_LEVELS:
        raise InputError(f"URL parameter 'levels': expected 2 to {MAX_LEVELS}, got {levels}")
    full_text = _one(args, "full") or "0"
    if full_text not in ("0", "1"):
        raise InputError(f"URL parameter 'full': expected 0 or 1, got '{clip(full_text)}'")
    values: dict[str, float] = {}
    for key in args:
        if key in CONTROL_KEYS or key in extra_keys:
            continue
        param = lookup(key, "URL parameter")
        text = _one(args, key) or ""
        try:
            if "_" in text:  # Python's digit grouping ('1_0' is 10): not a number a slider sends
                raise ValueError(text)
            number = float(text)
        except ValueError:
            raise InputError(f"URL parameter '{clip(key)}': expected a number, got '{clip(text)}'") from None
        values[key] = param.check(number, "URL parameter")
    return PageState(name, form, levels, tuple(sorted(values.items())), full_text == "1")


# ------------------------------------------------------------------ answers
def _scenario(state: PageState, catalogue: Catalogue):
    from cli.app import _load_scenario

    return _load_scenario(catalogue.target(state.scenario), state.sets())


def _step(low: float, high: float) -> float:
    """A slider step: about a hundredth of the range, rounded down to a power of ten."""
    span = (high - low) / 100 or 1.0
    power = 10 ** math.floor(math.log10(span))
    return power


def parameter_finder(scenario):
    """lookup(name, where) for the scenario's parameters: its model file's when it has one
    (a scenario of a model file carries the model), else the trade model's."""
    model = getattr(scenario, "model", None)
    if model is not None:
        return model.lookup
    from games.trade.parameters import lookup

    return lookup


def model_data(name: str, catalogue: Catalogue) -> dict[str, Any]:
    """The scenario's story and every parameter the page shows as a slider."""
    from games.model.scenarios import load

    scenario = load(catalogue.target(name))
    find = parameter_finder(scenario)
    params = []
    for pname, value in scenario.parameters.items():
        p = find(pname)
        provenance = p.rationale
        if getattr(p, "source", ""):
            provenance += f" Source: {p.source}"
        params.append({
            "name": p.name, "side": p.side, "value": value, "model_default": p.default,
            "low": p.low, "high": p.high, "step": _step(p.low, p.high), "unit": p.unit,
            "meaning": p.meaning, "provenance": provenance,
        })
    return {
        "name": scenario.name, "title": scenario.title, "summary": scenario.summary,
        "story": scenario.story, "sources": list(scenario.sources), "parameters": params,
    }


def _matrix(game, equilibria_data: list[dict]) -> dict[str, Any] | None:
    """A two-player normal form's payoffs, best-response marks and pure-equilibrium cells."""
    import numpy as np

    from games.solvers.best_response import best_response_mask

    if game.n_players != 2:
        return None
    A, B = game.bimatrix()
    cells = []
    for eq in equilibria_data:
        profile = eq["profile"]
        if all(max(p) > 1 - 1e-9 for p in profile):
            cells.append([int(np.argmax(p)) for p in profile])
    return {
        "players": list(game.players),
        "rows": list(game.strategies[0]),
        "columns": list(game.strategies[1]),
        "row_payoffs": A.tolist(),
        "column_payoffs": B.tolist(),
        "row_best": best_response_mask(game, 0).tolist(),
        "column_best": best_response_mask(game, 1).tolist(),
        "equilibrium_cells": cells,
    }


def equilibrium_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each equilibrium as the page lists it: a label, payoffs and one short reason."""
    from cli.render import num

    players = data["game"]["players"]
    strategies = data["game"]["strategies"]
    items = []
    for k, eq in enumerate(data.get("equilibria", []), 1):
        parts = []
        for who, strats, probs in zip(players, strategies, eq["profile"]):
            played = [(s, p) for s, p in zip(strats, probs) if p > 1e-9]
            if len(played) == 1:
                parts.append(f"{who}: {played[0][0]}")
            else:
                parts.append(f"{who}: " + ", ".join(f"{s} {num(p, 3)}" for s, p in played))
        reason = eq.get("explanation", "")
        if isinstance(reason, dict):
            reason = reason.get("summary", "")
        profile = "; ".join(parts)
        outcome = eq.get("outcome") or eq.get("label") or ""
        items.append({
            "index": k,
            "profile": profile,
            "outcome": "" if outcome == profile else outcome,
            "payoffs": ", ".join(f"{p} {num(v)}" for p, v in zip(players, eq.get("payoffs", []))),
            "reason": reason if isinstance(reason, str) else "",
        })
    return items


def _normal_form_answer(state: PageState, scenario) -> dict[str, Any]:
    """The 2×2 or graded game: built, solved, verified, explained with thresholds."""
    from games.explanations.explanation import explain
    from games.solvers.solver import solve

    from cli import explain_view, markup, normal_form_view, render

    game = normal_form_view.build(scenario, state.form, state.levels)
    solution = solve(game)
    # thresholds re-solve the game many times: /api/thresholds computes them separately,
    # so that the matrix and equilibria follow a slider at once
    expl = explain(solution, form=state.form, levels=state.levels)
    summaries = list(expl.equilibrium_summaries)
    data = {
        "game": render.game_data(game),
        "equilibria": [render.equilibrium_data(game, eq, summaries[k]) for k, eq in enumerate(solution.equilibria)],
    }
    brief = [f"- {line}" for line in expl.overview]
    full_md = explain_view.render_explanation(expl, "markdown").replace("## Explanation\n", "", 1)
    return {
        "title": game.title,
        "method": solution.method,
        "tolerance": solution.tolerance,
        "complete": solution.complete,
        "matrix": _matrix(game, data["equilibria"]),
        "matrices": [{"caption": "", "matrix": _matrix(game, data["equilibria"])}],
        "equilibria": equilibrium_items(data),
        "brief_html": markup.to_html("\n".join(brief), 1),
        "full_html": markup.to_html(full_md, 1) if state.full else "",
    }


def _other_form_answer(state: PageState, scenario, catalogue: Catalogue) -> dict[str, Any]:
    """Trees, repeated, bargaining, Bayesian, with-ally: through the CLI's own form handlers."""
    from cli import markup
    from cli.app import _run

    target = catalogue.target(state.scenario)
    out = _run("explain" if state.full else "solve", target, state.sets(), state.form, state.levels,
               "auto", "markdown", False, {})
    data = out.data
    matrix = None
    if data.get("payoff_matrices") and len(data["payoff_matrices"]) == 2:
        from games.forms.normal_form import NormalFormGame

        import numpy as np

        game = NormalFormGame(
            data["game"]["title"], tuple(data["game"]["players"]),
            tuple(tuple(s) for s in data["game"]["strategies"]),
            tuple(np.array(m, dtype=float) for m in data["payoff_matrices"]),
        )
        matrix = _matrix(game, data.get("equilibria", []))
    matrices = [{"caption": "", "matrix": matrix}] if matrix else _form_matrices(state.form, scenario, data)
    text = _drop_title(out.text)
    html_text = markup.to_html(text, 1)
    return {
        "title": data.get("game", {}).get("title", ""),
        "method": data.get("method", ""),
        "tolerance": data.get("tolerance"),
        "complete": data.get("complete", True),
        "matrix": matrices[0]["matrix"] if matrices else None,
        "matrices": matrices,
        "equilibria": equilibrium_items(data),
        "brief_html": "" if state.full else html_text,
        "full_html": html_text if state.full else "",
    }


def _form_matrices(form: str, scenario, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Two-player tables behind a form that has no matrix of its own (cli.bayes_ally.form_tables):
    the Harsanyi form of the Bayesian game, the US–China game for each move of the ally."""
    from cli.bayes_ally import form_tables

    out = []
    for table in form_tables(form, scenario, data.get("equilibria", [])):
        m = _matrix(table.game, [])
        m["equilibrium_cells"] = [list(c) for c in sorted(table.cells)]
        out.append({"caption": table.caption, "matrix": m})
    return out


def _drop_title(markdown: str) -> str:
    """The form handler's text without its first heading (the page shows the title itself)."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip()


def answer(state: PageState, catalogue: Catalogue) -> dict[str, Any]:
    """Everything the page shows for one state (the answers are hidden by the page, not here)."""
    scenario = _scenario(state, catalogue)
    if state.form in NORMAL_FORMS:
        body = _normal_form_answer(state, scenario)
    else:
        body = _other_form_answer(state, scenario, catalogue)
    body["state"] = {
        "scenario": state.scenario, "form": state.form, "levels": state.levels,
        "values": dict(state.values), "full": state.full,
    }
    body["pictures"] = [k for k in PICTURES if picture_applies(k, state.form)]
    body["regime_form"] = regime_form(state)
    return body


def threshold_data(state: PageState, catalogue: Catalogue) -> dict[str, Any]:
    """Where each equilibrium of the 2×2 or graded game starts or stops, one parameter at
    a time, and what would make the other outcomes equilibria (games.explanations.thresholds)."""
    from games.explanations.explanation import explain
    from games.solvers.solver import solve

    from cli import explain_view, markup, normal_form_view

    if state.form not in NORMAL_FORMS:
        return {"html": "", "form": state.form}
    from cli.report_cmd import with_pure_thresholds

    scenario = _scenario(state, catalogue)
    game = normal_form_view.build(scenario, state.form, state.levels)
    solution = solve(game)
    # the pure equilibria's thresholds are exact and quick; the mixed ones' are numerical
    # searches (half a second for the 2×2 game), left to `tradegame explain` (a note says so)
    expl = with_pure_thresholds(explain(solution, form=state.form, levels=state.levels), solution,
                                dict(scenario.parameters), state.form, state.levels, getattr(scenario, "model", None))
    lines = explain_view.threshold_section(expl, "markdown")
    lines += [f"\n{note}" for note in expl.notes if "thresholds" in note]
    return {"html": markup.to_html("\n".join(lines), 1), "form": state.form}


def regime_form(state: PageState) -> str:
    """The game the regime map is drawn for: the graded game itself up to MAX_REGIME_LEVELS
    levels, the 2×2 game otherwise (and for every other form)."""
    return "graded" if state.form == "graded" and state.levels <= MAX_REGIME_LEVELS else "simultaneous"


def picture_applies(kind: str, form: str) -> bool:
    if kind in ("tree", "tree-plain"):
        return form in TREE_FORMS
    if kind == "best-response":
        return form == "simultaneous"
    return form in NORMAL_FORMS


def regimes(state: PageState, x: str, y: str, catalogue: Catalogue) -> dict[str, Any]:
    """Regime of every point of a grid over parameters x (across) and y (up).

    The regime map is the sweep's: the simultaneous game's (or the graded game's, for that
    form) pure equilibria at each point, all other parameters at their current values.
    """
    import numpy as np

    from games.sweeps import sweep as sw

    from cli.sweep_plot import regime_colour

    scenario = _scenario(state, catalogue)
    lookup = parameter_finder(scenario)
    px, py = lookup(x, "URL parameter 'x'"), lookup(y, "URL parameter 'y'")
    if x == y:
        raise InputError("URL parameters 'x' and 'y': expected two different parameters")
    # the graded game's map solves 41 × 41 games by vertex enumeration: quick up to 5 levels,
    # minutes at 9, so bigger graded games are mapped through their 2×2 game
    form = regime_form(state)
    axes = [f"{y}={py.low!r}:{py.high!r}:{REGIME_POINTS}", f"{x}={px.low!r}:{px.high!r}:{REGIME_POINTS}"]
    spec = sw.make_spec(scenario.parameters, form, state.levels, axes)
    result = sw.run(spec)
    labels = [sw.regime_label(int(c)) for c in result.codes]
    names = sorted(set(labels))
    index = {lab: i for i, lab in enumerate(names)}
    grid = np.array([index[lab] for lab in labels]).reshape(spec.shape)
    return {
        "form": form,
        "x": {"name": x, "low": px.low, "high": px.high, "value": scenario.parameters[x], "meaning": px.meaning},
        "y": {"name": y, "low": py.low, "high": py.high, "value": scenario.parameters[y], "meaning": py.meaning},
        "points": REGIME_POINTS,
        "labels": names,
        "colours": [regime_colour(name) for name in names],  # one colour per regime, as in every picture
        "grid": grid.tolist(),  # grid[row][col]: row along y (low to high), col along x
    }


def picture(kind: str, state: PageState, catalogue: Catalogue) -> bytes:
    """An SVG picture of the current game: dynamics, best responses or the tree."""
    from cli.plot_cmd import make_picture

    if kind not in PICTURES:
        raise InputError(f"picture '{clip(kind)}': expected one of {', '.join(PICTURES)}")
    if not picture_applies(kind, state.form):
        raise InputError(f"picture '{kind}': not drawn for the {state.form} form")
    target = catalogue.target(state.scenario)
    with _DRAWING:
        if kind == "tree-plain":
            return plain_tree_svg(_scenario(state, catalogue), state.form)
        svg, _ = make_picture(kind, target, fmt="svg", sets=state.sets(), game=state.form, levels=state.levels)
    return svg


def plain_tree_svg(scenario, form: str) -> bytes:
    """The trade tree of a sequential form with nothing marked: the exercise's picture."""
    from games.trade.trees import FORMS, tree_title

    from cli import plots

    tree = FORMS[form](scenario.parameters, title=tree_title(scenario.name, form))
    return plots.render_bytes(plots.tree_figure(tree, {}, {}, answers=False), "svg")


# ------------------------------------------------------------------ the Flask app
def create_app(target: str | None = None):
    """The Flask application serving the page and its API for the given scenario."""
    from flask import Flask, Response, request, send_from_directory

    catalogue = Catalogue(target)
    served = static_files(STATIC)
    app = Flask(__name__, static_folder=None)
    # '//etc/passwd' stays one path (a 404), not a redirect to a merged one
    app.url_map.merge_slashes = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    # every cache is bounded (least recently used entries dropped), so memory stays flat
    # however many different slider positions a class asks for
    @functools.lru_cache(maxsize=512)
    def cached_answer(state: PageState) -> bytes:
        return _json(answer(state, catalogue))

    @functools.lru_cache(maxsize=256)
    def cached_thresholds(state: PageState) -> bytes:
        return _json(threshold_data(replace(state, full=False), catalogue))

    @functools.lru_cache(maxsize=128)
    def cached_regimes(state: PageState, x: str, y: str) -> bytes:
        return _json(regimes(state, x, y, catalogue))

    @functools.lru_cache(maxsize=128)
    def cached_picture(kind: str, state: PageState) -> bytes:
        return picture(kind, state, catalogue)

    def args() -> dict[str, list[str]]:
        return {k: request.args.getlist(k) for k in request.args}

    def guarded(work):
        try:
            return work()
        except InputError as exc:
            return _error(str(exc), 400)
        except SolverError as exc:
            return _error(f"the game could not be solved: {exc}", 422)

    @app.get("/")
    def index():
        return send_from_directory(STATIC, "index.html", max_age=0)

    @app.get("/static/<path:name>")
    def static_file(name: str):
        if name not in served:
            return _error(f"no such page: {clip(request.path)}", 404)
        return send_from_directory(STATIC, name, max_age=0)

    @app.get("/api/catalogue")
    def catalogue_api():
        from games.model.scenarios import load

        from cli.forms import FORM_DESCRIPTIONS, all_forms

        def work():
            scenarios = []
            for name in catalogue.names():
                s = load(catalogue.target(name))
                scenarios.append({"name": name, "title": s.title})
            forms = [{"name": f, "description": FORM_DESCRIPTIONS.get(f, "")} for f in all_forms()]
            return _ok(_json({"scenarios": scenarios, "forms": forms, "default": catalogue.default,
                              "max_levels": MAX_LEVELS}))

        return guarded(work)

    @app.get("/api/model")
    def model_api():
        return guarded(lambda: _ok(_json(model_data(parse_state(args(), catalogue).scenario, catalogue))))

    @app.get("/api/solve")
    def solve_api():
        return guarded(lambda: _ok(cached_answer(parse_state(args(), catalogue))))

    @app.get("/api/thresholds")
    def thresholds_api():
        return guarded(lambda: _ok(cached_thresholds(parse_state(args(), catalogue))))

    @app.get("/api/regimes")
    def regimes_api():
        def work():
            a = args()
            state = parse_state(a, catalogue)
            x, y = _one(a, "x"), _one(a, "y")
            if not x or not y:
                raise InputError("URL parameters 'x' and 'y': expected two parameter names")
            return _ok(cached_regimes(state, x, y))

        return guarded(work)

    @app.get("/api/picture/<kind>.svg")
    def picture_api(kind: str):
        def work():
            svg = cached_picture(kind, parse_state(args(), catalogue))
            return Response(svg, mimetype="image/svg+xml")

        return guarded(work)

    @app.errorhandler(404)
    def not_found(_exc):
        return _error(f"no such page: {clip(request.path)}", 404)

    @app.errorhandler(500)
    def internal(exc):
        original = getattr(exc, "original_exception", None) or exc
        return _error(f"internal error: {type(original).__name__}: {clip(original, 200)} (please report it)", 500)

    @app.errorhandler(405)
    def not_allowed(_exc):
        return _error(f"method {request.method} is not allowed here; the page only reads (GET)", 405)

    return app


def _json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, default=_plain).encode("utf-8")


def _plain(obj: Any):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    return str(obj)


def _ok(body: bytes):
    from flask import Response

    return Response(body, mimetype="application/json")


def _error(message: str, status: int):
    from flask import Response

    return Response(_json({"error": message}), status=status, mimetype="application/json")
