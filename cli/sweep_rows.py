"""Per-point rows of a sweep — CSV lines and JSON objects — formatted a block at a time.

The sweep's block task (`games.sweep.run` with ``rows=``) calls `csv_rows` or `json_rows`
with the block's arrays straight from the solver: parameter values, regime codes and the
flat equilibria. Strings are built column by column on NumPy object arrays, each distinct
number formatted once (a grid repeats its values and many payoffs do not depend on the
varied parameters), so a block costs a few vectorized passes instead of a Python loop
over points and equilibria. The text is byte for byte what formatting each point on its
own gives (`games.sweep.describe`, `csv.writer`, `json.dumps`); tests compare the two.

Top-level functions, so the block task can run them in worker processes.
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np

from games.batch_2x2 import FlatEquilibria

#: Names of the pure outcomes of levels (US, China), as `games.sweep.describe` words them.
_PURE_NAMES = {(1.0, 1.0): "deal", (0.0, 0.0): "conflict", (1.0, 0.0): "US opens alone", (0.0, 1.0): "China supplies alone"}
_PURE = 1 - 1e-12


def _short(v: float) -> str:
    """A number in six significant digits, 0 for anything within 1e-12 of it (as `games.sweep._g`)."""
    return "0" if abs(v) < 1e-12 else f"{v:.6g}"


def formatted(values: np.ndarray, fmt: Callable[[float], str]) -> np.ndarray:
    """fmt of every entry, as an object array of values' shape; each distinct value formatted once."""
    flat = np.asarray(values, dtype=float).reshape(-1)
    if flat.size == 0:
        return np.empty(np.shape(values), dtype=object)
    unique, inverse = np.unique(flat, return_inverse=True)
    text = np.array([fmt(v) for v in unique.tolist()], dtype=object)
    return text[inverse.reshape(-1)].reshape(np.shape(values))


def joined(columns: np.ndarray, sep: str) -> np.ndarray:
    """Row-wise join of a 2-D object array of strings (rows, columns) with sep."""
    out = columns[:, 0].copy()
    for c in range(1, columns.shape[1]):
        out = out + sep + columns[:, c]
    return out


def per_point(strings: np.ndarray, game: np.ndarray, n_points: int, sep: str) -> tuple[np.ndarray, np.ndarray]:
    """Join the strings of each point's equilibria (game sorted, 0-based in the block).

    Returns (joined strings (n_points,), number of equilibria per point).
    """
    counts = np.bincount(game, minlength=n_points)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    out = np.full(n_points, "", dtype=object)
    for c in np.unique(counts):
        if c == 0:
            continue
        points = np.nonzero(counts == c)[0]
        first = starts[points]
        acc = strings[first]
        for t in range(1, int(c)):
            acc = acc + sep + strings[first + t]
        out[points] = acc
    return out, counts


def _table(keys: np.ndarray, fn: Callable[[int], str]) -> np.ndarray:
    """fn of every key (small integers such as regime codes), each computed once."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return np.array([fn(int(k)) for k in unique], dtype=object)[inverse.reshape(-1)]


def outcomes(flat: FlatEquilibria, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each equilibrium in a few words (as `games.sweep.describe`), and whether it is pure."""
    E = len(flat)
    pure = (flat.x.max(axis=1) > _PURE) & (flat.y.max(axis=1) > _PURE) if E else np.zeros(0, bool)
    pay = "(" + formatted(flat.payoffs[:, 0], _short) + ", " + formatted(flat.payoffs[:, 1], _short) + ")"
    text = np.empty(E, dtype=object)
    if pure.any():
        k = len(grid)
        names = np.array(
            [[_PURE_NAMES.get((float(a), float(b)), f"partial US {_short(a)} / China {_short(b)}") for b in grid] for a in grid],
            dtype=object,
        )
        ix = np.argmax(flat.x[pure], axis=1)
        iy = np.argmax(flat.y[pure], axis=1)
        text[pure] = names.reshape(-1)[ix * k + iy] + " " + pay[pure]
    mixed = ~pure
    if mixed.any():
        us = formatted(flat.x[mixed] @ grid, _short)
        cn = formatted(flat.y[mixed] @ grid, _short)
        text[mixed] = "mixed US " + us + " / China " + cn + " " + pay[mixed]
    return text, pure


def _value_columns(values: dict[str, np.ndarray], fmt: Callable[[float], str]) -> list[np.ndarray]:
    return [formatted(v, fmt) for v in values.values()]


def _csv_quoted(field: np.ndarray) -> np.ndarray:
    """csv.writer's minimal quoting of an object array of strings (delimiter ',', quote '"')."""
    out = field.copy()
    for i, s in enumerate(field.tolist()):
        if any(ch in s for ch in ',"\r\n'):
            out[i] = '"' + s.replace('"', '""') + '"'
    return out


def csv_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria, grid: np.ndarray) -> str:
    """CSV lines of a block: parameter values, regime, number of equilibria, equilibria in words."""
    from games.sweep import regime_label

    n = len(codes)
    if n == 0:
        return ""
    text, _ = outcomes(flat, grid)
    eqs, counts = per_point(text, flat.game, n, "; ")
    # every outcome holds ', ' (its payoffs), so csv.writer quotes every non-empty list; none holds '"'
    eqs = np.where(counts > 0, '"' + eqs + '"', eqs)
    columns = _value_columns(values, repr)
    columns.append(_csv_quoted(_table(codes, regime_label)))
    columns.append(_table(counts, str))
    columns.append(eqs)
    lines = joined(np.stack(columns, axis=1), ",")
    return "\n".join(lines.tolist()) + "\n"


def json_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria, grid: np.ndarray) -> str:
    """JSON objects of a block, one per point, joined by ',\\n  ' (as the sweep's JSON lists them)."""
    from games.sweep import regime_label

    n = len(codes)
    if n == 0:
        return ""
    text, pure = outcomes(flat, grid)
    x = joined(formatted(flat.x, repr), ", ") if len(flat) else np.empty(0, dtype=object)
    y = joined(formatted(flat.y, repr), ", ") if len(flat) else np.empty(0, dtype=object)
    pays = formatted(flat.payoffs, repr)
    items = (
        '{"outcome": "' + text + '", "pure": ' + np.where(pure, "true", "false").astype(object)
        + ', "profile": [[' + x + "], [" + y + ']], "payoffs": [' + (pays[:, 0] + ", " + pays[:, 1] if len(flat) else pays[:, 0])
        + "]}"
    )
    eqs, _ = per_point(items, flat.game, n, ", ")
    head = np.full(n, '{"values": {', dtype=object)
    for i, (name, col) in enumerate(zip(values, _value_columns(values, repr))):
        head = head + ((", " if i else "") + json.dumps(name, ensure_ascii=False) + ": ") + col
    regime = _table(codes, lambda c: json.dumps(regime_label(c), ensure_ascii=False))
    lines = head + '}, "regime": ' + regime + ', "equilibria": [' + eqs + "]}"
    return ",\n  ".join(lines.tolist())
