"""Sliders in a Jupyter notebook: `interact(scenario)` redraws the game as parameters move.

    from cli.widgets import interact
    interact("stockholm-2025", names=["hawk_cost", "re_dependence"])

One slider per chosen parameter (over its valid range, its meaning as the tooltip) and
below them the payoff matrix with best responses and equilibria marked, every verified
equilibrium and the explanation — the notebook's version of `tradegame serve`. The page
is computed by `panel_html` (plain HTML, testable without a notebook); ipywidgets is an
optional extra (``pip install 'tradegame[widgets]'``), imported only here.
"""

from __future__ import annotations

from typing import Mapping, Sequence

#: the sliders shown when names are not given: the parameters of the one-shot trade game
DEFAULT_NAMES = (
    "chip_sales", "security_risk", "hawk_cost", "re_dependence", "deal_value_us", "escalation_cost_us",
    "chip_linkage", "chip_value", "self_reliance", "re_revenue", "leverage", "diversification",
    "deal_value_cn", "escalation_cost_cn", "re_linkage",
)


def panel_html(scenario: str = "baseline", values: Mapping[str, float] | None = None, form: str = "simultaneous",
               levels: int = 5, thresholds: bool = False) -> str:
    """The game of a scenario with some parameters changed, solved and explained, as HTML."""
    from games.errors import InputError, clip
    from games.model.scenarios import load

    from cli.forms import all_forms

    if form not in all_forms():
        raise InputError(f"form: expected one of {', '.join(all_forms())}, got '{clip(form)}'")
    base = load(scenario)
    chosen = base.with_values(dict(values or {}), where="interact") if values else base
    if form in ("simultaneous", "graded"):
        from games.explanations.explanation import explain
        from games.explanations.rich_display import explanation_html, solution_html
        from games.solvers.solver import solve

        from cli import normal_form_view

        solution = solve(normal_form_view.build(chosen, form, levels))
        params = dict(chosen.parameters) if thresholds else None
        return solution_html(solution) + explanation_html(explain(solution, params=params, form=form, levels=levels, model=chosen.model))
    from cli import markup
    from cli.app import _run

    sets = [f"{k}={v!r}" for k, v in (values or {}).items()]
    return markup.to_html(_run("solve", scenario, sets, form, levels, "auto", "markdown", False, {}).text, 1)


def _ipywidgets():
    try:
        import ipywidgets
    except ModuleNotFoundError:
        raise ImportError("interact needs ipywidgets; install the extra: pip install 'tradegame[widgets]'") from None
    return ipywidgets


def interact(scenario: str = "baseline", names: Sequence[str] | None = None, form: str = "simultaneous",
             levels: int = 5, thresholds: bool = False):
    """A widget: a slider per parameter and the solved game below, redrawn when a slider is released.

    Returns an ipywidgets VBox (display it, or end a cell with it); its ``sliders`` dict
    maps parameter names to sliders and ``page`` is the HTML widget being redrawn.
    """
    from games.model.scenarios import load

    from cli.web import parameter_finder

    widgets = _ipywidgets()
    base = load(scenario)
    lookup = parameter_finder(base)
    if names is None:  # the trade game's own; for another model, its first parameters
        names = [n for n in DEFAULT_NAMES if n in base.parameters] or list(base.parameters)[:16]
    names = list(names)
    sliders = {}
    for name in names:
        p = lookup(name, "interact")
        step = _step(p.low, p.high)
        sliders[name] = widgets.FloatSlider(
            value=base.parameters[name], min=p.low, max=p.high, step=step, description=name,
            tooltip=p.meaning, continuous_update=False, readout_format=".3g",
            style={"description_width": "initial"}, layout=widgets.Layout(width="24rem"),
        )
    page = widgets.HTML()

    def redraw(_change=None) -> None:
        values = {n: s.value for n, s in sliders.items() if s.value != base.parameters[n]}
        try:
            page.value = panel_html(scenario, values, form, levels, thresholds)
        except Exception as exc:  # shown in the notebook, never raised from a callback
            page.value = f"<p style='color:#7a1c16'>Cannot show this: {type(exc).__name__}: {exc}</p>"

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.GridBox(list(sliders.values()),
                                        layout=widgets.Layout(grid_template_columns="repeat(2, 25rem)")), page])
    box.sliders = sliders
    box.page = page
    return box


def _step(low: float, high: float) -> float:
    import math

    span = (high - low) / 100 or 1.0
    return 10 ** math.floor(math.log10(span))
