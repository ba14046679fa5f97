"""Regime maps of a sweep as PNG pictures (matplotlib, imported lazily; optional extra "plot").

One parameter: a coloured strip of regimes with the boundaries drawn and labelled.
Two parameters: a regime map with the 2×2 game's threshold lines (where an incentive to
open crosses zero) drawn over it. A Monte Carlo sample: one dot per draw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: legend words for the four threshold lines (where a player's incentive to open crosses zero)
THRESHOLD_WORDS = {
    "us_vs_restrict": "US indifferent when China restricts",
    "us_vs_supply": "US indifferent when China supplies",
    "cn_vs_restrict": "China indifferent when the US restricts",
    "cn_vs_relax": "China indifferent when the US relaxes",
}
#: one colour per regime, the same in every picture (plot regime-map, sweep --plot, report)
REGIME_COLOURS = {
    "deal only": "#4c9f70",
    "conflict only": "#d1495b",
    "both": "#edae49",
    "mixed only": "#00798c",
    "US opens alone only": "#8d6a9f",
    "China supplies alone only": "#30638e",
    "partial opening only": "#a5be00",
    "none": "#7f7f7f",
    "deal only + mixed": "#9fd3b0",
    "conflict only + mixed": "#eba0ab",
}
#: colours for the rarer regimes, chosen by the regime's name (never one of the above)
OTHER_COLOURS = ["#e07a5f", "#333333", "#b5838d", "#6d597a", "#f2cc8f", "#3d405b", "#81b29a", "#bc6c25"]


def regime_colour(label: str) -> str:
    """The regime's colour: fixed for the named regimes, else fixed by a hash of its name."""
    import zlib

    if label in REGIME_COLOURS:
        return REGIME_COLOURS[label]
    return OTHER_COLOURS[zlib.crc32(label.encode("utf-8")) % len(OTHER_COLOURS)]


def regime_words(label: str) -> str:
    """A regime's legend entry in words."""
    return "deal and conflict" if label == "both" else label


def _regimes(result):
    from games.sweeps.sweep import regime_label

    codes = np.unique(result.codes)
    names = result.spec.outcome_names
    labels = sorted({regime_label(int(c), names) for c in codes})
    index = {lab: i for i, lab in enumerate(labels)}
    position = np.searchsorted(codes, result.codes)  # codes is sorted and unique
    per_code = np.array([index[regime_label(int(c), names)] for c in codes], dtype=int)
    return labels, per_code[position]


def figure(result):
    """A matplotlib Figure with the regime map of the sweep."""
    from games.sweeps.sweep import line_axis

    from cli.plots import subplots  # Agg on the command line; a notebook keeps its inline backend

    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    spec = result.spec
    labels, idx = _regimes(result)
    palette = [regime_colour(lab) for lab in labels] or ["#7f7f7f"]
    cmap = ListedColormap(palette)
    lines: list = []
    two = len(spec.names) == 2 and line_axis(spec) is None  # a map; a strip for one varying parameter
    fig, ax = subplots(figsize=(10.5 if two else 7.5, 5.6 if two else 2.8))
    if spec.is_grid and len(spec.axes) == 2 and min(spec.shape) > 1:
        a, b = spec.axes
        grid = idx.reshape(spec.shape)
        ax.pcolormesh(b.values, a.values, grid, cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, shading="nearest", rasterized=True)
        ax.set_xlabel(_axis_label(b.name))
        ax.set_ylabel(_axis_label(a.name))
        if spec.closed_form:
            lines = _threshold_lines(ax, result)
    elif spec.is_grid:  # one parameter varies (a second held at one value draws as a strip too)
        a = line_axis(spec) or spec.axes[-1]
        ax.pcolormesh(a.values, [0, 1], np.vstack([idx, idx]), cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, shading="nearest", rasterized=True)
        ax.set_yticks([])
        ax.set_xlabel(_axis_label(a.name))
        for bnd in result.boundaries:
            ax.axvline(bnd.value, color="black", lw=1.2)
            ax.annotate(f"{bnd.value:.4g}", (bnd.value, 1.0), xytext=(2, 2), textcoords="offset points", fontsize=8)
    else:
        names = spec.names
        xs = spec.samples[names[-1]]
        ys = spec.samples[names[0]] if len(names) == 2 else np.random.default_rng(0).uniform(0, 1, len(xs))
        show = slice(None) if len(xs) <= 50_000 else slice(None, None, len(xs) // 50_000 + 1)
        ax.scatter(xs[show], ys[show], c=idx[show], cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, s=4, linewidths=0)
        ax.set_xlabel(names[-1])
        if len(names) == 2:
            ax.set_ylabel(names[0])
        else:
            ax.set_yticks([])
    handles = [Patch(color=palette[i], label=regime_words(lab)) for i, lab in enumerate(labels)]
    ax.legend(handles=handles + lines, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="Pure equilibria", title_fontsize=8, alignment="left")
    ax.set_title(f"Regimes ({spec.form} game, {spec.n_points:,} points)", fontsize=10)
    fig.tight_layout()
    return fig


def _axis_label(name: str) -> str:
    """A parameter's name with its plain words, e.g. 'hawk_cost (the domestic cost of ...)'."""
    from games.explanations.thresholds import LABELS

    return f"{name}\n({LABELS[name]})" if name in LABELS else name


def _threshold_lines(ax, result) -> list:
    """Zero contours of the four incentives to open (the exact regime boundaries of the 2×2 game).

    Returns legend handles naming each line drawn.
    """
    from matplotlib.lines import Line2D

    from games.sweeps import batch_2x2
    from games.sweeps.sweep import INCENTIVE_NAMES, bimatrices

    spec = result.spec
    a, b = spec.axes
    values = {a.name: np.repeat(a.values, len(b.values)), b.name: np.tile(b.values, len(a.values))}
    if spec.n_points > 1_000_000:  # contour on a coarser grid: the lines are straight or gently curved
        ia = np.linspace(0, len(a.values) - 1, 400).astype(int)
        ib = np.linspace(0, len(b.values) - 1, 400).astype(int)
        av, bv = a.values[ia], b.values[ib]
        values = {a.name: np.repeat(av, len(bv)), b.name: np.tile(bv, len(av))}
    else:
        av, bv = a.values, b.values
    A, B = bimatrices(spec, values)
    gains = [-g.reshape(len(av), len(bv)) for g in batch_2x2.incentives(A, B)]
    styles = ["-", "--", "-.", ":"]
    handles = []
    for name, g, style in zip(INCENTIVE_NAMES, gains, styles):
        if g.min() < 0 < g.max():
            ax.contour(bv, av, g, levels=[0.0], colors="black", linestyles=style, linewidths=1.2)
            words = THRESHOLD_WORDS[name] if spec.model is None else spec.incentive_words[name].replace("'s gain from", " indifferent between").replace(" over ", " and ")
            handles.append(Line2D([], [], color="black", linestyle=style, linewidth=1.2,
                                  label=words))
    return handles


def picture_format(path: Path) -> str:
    """The file format --plot's name asks for (no suffix: PNG), checked before the sweep runs:
    an unknown suffix (map.nfg) made matplotlib fail after the work, an internal error."""
    from matplotlib.backend_bases import FigureCanvasBase

    from games.errors import InputError, clip

    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    known = FigureCanvasBase.get_supported_filetypes()
    if fmt not in known:
        raise InputError(
            f"option --plot: expected a picture file name ending in .png, .svg, .pdf or another of "
            f"{', '.join(sorted(known))}, got '{clip(path, 1000)}'"
        )
    return fmt


def save(result, path: Path, force: bool) -> None:
    """Draw the regime map and write it to path (PNG, or any matplotlib format) by cli.outfiles."""
    from cli.outfiles import open_output

    fig = figure(result)
    try:
        with open_output(Path(path), force, "--plot", binary=True) as fh:
            fig.savefig(fh, format=picture_format(path), dpi=130)
    finally:
        from cli.plots import close

        close(fig)
