"""Per-point rows of a sweep — CSV lines and JSON objects — formatted a block at a time.

The sweep's block task (`games.sweeps.sweep.run` with ``rows=``) calls `csv_rows` or `json_rows`
with the block's arrays straight from the solver: parameter values, regime codes and the
flat equilibria. Points whose rows have the same shape — same regime, same outcomes in
the same order — share one ``%``-format template, and each group is formatted by a single
``template * count % numbers`` (as ``numpy.savetxt`` does), so the per-number work is
Python's own C formatting and nothing loops over points or equilibria in Python. The
text is byte for byte what formatting each point on its own gives (`games.sweeps.sweep.describe`,
`csv.writer`, `json.dumps`: ``%r`` is ``repr``, ``%.6g`` is ``format(v, '.6g')``); tests
compare the two.

Top-level functions, so the block task can run them in worker processes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np

from games.sweeps.batch_2x2 import FlatEquilibria

_PURE = 1 - 1e-12
_TINY = 1e-12


def _short(v: float) -> str:
    """A number in six significant digits, 0 for anything within 1e-12 of it (as `games.sweeps.sweep._g`)."""
    return "0" if abs(v) < _TINY else f"{v:.6g}"


def _snapped(v: np.ndarray) -> np.ndarray:
    """v with entries within 1e-12 of 0 set to +0.0, so that '%.6g' prints them '0' as `_short` does."""
    return np.where(np.abs(v) < _TINY, 0.0, v)


def _literal(text: str) -> str:
    """text for use inside a %-format template."""
    return text.replace("%", "%%")


@dataclass(frozen=True)
class _Block:
    """A block's equilibria, classified: one template id per equilibrium and its numbers."""

    kind: np.ndarray  # (E,) pure outcome index ix * k + iy, or k * k for mixed
    pure: np.ndarray  # (E,) bool
    counts: np.ndarray  # (n,) equilibria per point
    starts: np.ndarray  # (n,) index of each point's first equilibrium
    short: np.ndarray  # (E, 4) snapped numbers for the words: US level, China level, payoffs
    names: list[str]  # words of each pure outcome kind, then "mixed"


def _classify(flat: FlatEquilibria, grid: np.ndarray, n: int) -> _Block:
    k = len(grid)
    E = len(flat)
    if k == 2 and flat.x.shape[1] == 2:  # the 2×2 game on columns: max > c is either > c; argmax the first of ties
        x0, x1, y0, y1 = flat.x[:, 0], flat.x[:, 1], flat.y[:, 0], flat.y[:, 1]
        pure = ((x0 > _PURE) | (x1 > _PURE)) & ((y0 > _PURE) | (y1 > _PURE))
        ix, iy = (x1 > x0).astype(np.intp), (y1 > y0).astype(np.intp)
    else:
        pure = (flat.x.max(axis=1) > _PURE) & (flat.y.max(axis=1) > _PURE) if E else np.zeros(0, bool)
        ix = np.argmax(flat.x, axis=1) if E else np.zeros(0, np.intp)
        iy = np.argmax(flat.y, axis=1) if E else np.zeros(0, np.intp)
    kind = np.where(pure, ix * k + iy, k * k)
    short = np.zeros((E, 4))
    mixed = ~pure
    if mixed.any():
        short[mixed, 0] = flat.x[mixed] @ grid
        short[mixed, 1] = flat.y[mixed] @ grid
    short[:, 2:] = flat.payoffs
    from games.sweeps.sweep import pure_outcome_words

    words = pure_outcome_words()  # the pure outcomes' names, as `games.sweeps.sweep.describe` words them
    names = [words.get((float(a), float(b)), f"partial US {_short(a)} / China {_short(b)}") for a in grid for b in grid]
    counts = np.bincount(flat.game, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
    return _Block(kind, pure, counts, starts, _snapped(short), names + ["mixed"])


def _groups(codes: np.ndarray, b: _Block):
    """Points grouped by row shape: yields (points, regime code, kinds of their equilibria)."""
    for c in np.unique(b.counts):
        points = np.nonzero(b.counts == c)[0]
        eq = b.starts[points][:, None] + np.arange(int(c))
        signature = np.column_stack([codes[points].astype(np.int64), b.kind[eq]])
        base = len(b.names)
        if 256 * base ** int(c) < 2**62:  # one integer per shape: a fast 1-D unique
            key = signature[:, 0] * base ** int(c) + (signature[:, 1:] * base ** np.arange(int(c) - 1, -1, -1)).sum(axis=1)
            _, first, which = np.unique(key, return_index=True, return_inverse=True)
            shapes = signature[first]
        else:
            shapes, which = np.unique(signature, axis=0, return_inverse=True)
        which = which.reshape(-1)
        for s, shape in enumerate(shapes):
            members = np.nonzero(which == s)[0]
            yield points[members], eq[members], int(shape[0]), [int(v) for v in shape[1:]]


_FIELD = re.compile(r"%%|%r|%\.6g")


def _fill(template: str, numbers: np.ndarray, end: str = "\n") -> str:
    """template (one line, no newline) filled with each row of numbers, each followed by end:
    one C-level format.

    A column equal in every row (a payoff the varied parameters do not touch, say) is
    written into the template once; a column with many repeats (a grid's axis, a payoff
    that depends on one axis only) has each distinct value formatted once. Values are
    compared bit for bit: -0.0 and 0.0 print apart.
    """
    R, C = numbers.shape
    bits = np.ascontiguousarray(numbers, dtype=float).view(np.int64)
    pieces = _FIELD.split(template)
    fields = _FIELD.findall(template)
    out = [pieces[0]]
    args = np.empty((R, C), dtype=object)
    keep = np.zeros(C, dtype=bool)
    c = 0
    for field, piece in zip(fields, pieces[1:]):
        if field == "%%":
            out.append("%%" + piece)
            continue
        column = bits[:, c]
        unique, inverse = np.unique(column, return_inverse=True)
        values = unique.view(float).tolist()
        if len(unique) == 1:
            out.append(_literal(field % values[0]) + piece)
        elif len(unique) * 4 <= R:
            args[:, c] = np.array([field % v for v in values], dtype=object)[inverse.reshape(-1)]
            keep[c] = True
            out.append("%s" + piece)
        elif field == "%.6g" and (shared := _same_six_digits(numbers[:, c])) is not None:
            args[:, c] = shared
            keep[c] = True
            out.append("%s" + piece)
        else:
            args[:, c] = numbers[:, c].tolist()
            keep[c] = True
            out.append(field + piece)
        c += 1
    template = "".join(out) + _literal(end)
    if not keep.any():
        return (template % ()) * R
    return (template * R) % tuple(args[:, keep].ravel().tolist())


def _in_point_order(n: int, groups: list[tuple[np.ndarray, str]], end: str) -> str:
    """The groups' texts (rows each ending with end) as one text in point order; a block
    whose points all share one row shape is already in order and is not split."""
    if len(groups) == 1:
        return groups[0][1]
    lines = np.empty(n, dtype=object)
    for points, text in groups:
        lines[points] = text.split(end)[:-1]
    return end.join(lines.tolist()) + end


def _same_six_digits(v: np.ndarray) -> np.ndarray | None:
    """'%.6g' % x for each x, formatting once per group of numbers that print alike, or None
    if fewer than three in four share their text with another (then formatting each is cheaper).

    '%.6g' prints the sign, the exponent e and the six-digit rounding M of |x| / 10^(e−5).
    Computed in floating point, M can be off only next to a half-way point: those numbers
    (and zeros, non-finite ones, huge or tiny exponents) are formatted on their own; all
    others with equal (sign, e, M) print the same, so one of each group is formatted.
    """
    a = np.abs(v)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ok = np.isfinite(v) & (a > 0)
        e = np.where(ok, np.floor(np.log10(np.where(ok, a, 1.0))), 0.0)
        ok &= np.abs(e) <= 300
        scaled = np.where(ok, a / 10.0 ** (e - 5), 0.0)
    frac = scaled - np.floor(scaled)
    ok &= np.abs(frac - 0.5) > 1e-6
    key = np.where(ok, np.sign(v) * (np.floor(scaled + 0.5) + 1e7 * (e + 400)), np.nan)
    alone = np.nonzero(~ok)[0]
    shared = np.nonzero(ok)[0]
    keys, first, inverse = np.unique(key[shared], return_index=True, return_inverse=True)
    if (len(keys) + len(alone)) * 4 > len(v):
        return None
    out = np.empty(len(v), dtype=object)
    text = np.array(["%.6g" % x for x in v[shared[first]].tolist()], dtype=object)
    out[shared] = text[inverse.reshape(-1)]
    out[alone] = ["%.6g" % x for x in v[alone].tolist()]
    return out


def _csv_field(text: str) -> str:
    """csv.writer's minimal quoting (delimiter ',', quote '"')."""
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\r\n') else text


def _outcome_template(kind: int, k: int, names: list[str], escape) -> str:
    """The words of one equilibrium as a template; escape(text) quotes the outcome's name
    for the output format (its numbers are never quoted: digits, '.', '-', 'e', 'inf')."""
    if kind == k * k:
        return "mixed US %.6g / China %.6g (%.6g, %.6g)"
    return _literal(escape(names[kind])) + " (%.6g, %.6g)"


def _in_csv_quotes(text: str) -> str:
    return text.replace('"', '""')


def _in_json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _outcome_numbers(b: _Block, eq: np.ndarray, kind: int, k: int) -> np.ndarray:
    return b.short[eq] if kind == k * k else b.short[eq][:, 2:]


def _block_setup(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria, grid: np.ndarray):
    """What csv_rows and json_rows both start from: the grid size, the classified equilibria,
    the parameter values as columns and an empty line per point."""
    n = len(codes)
    value_cols = np.column_stack([np.asarray(v, dtype=float) for v in values.values()])
    return len(grid), _classify(flat, grid, n), value_cols, np.empty(n, dtype=object)


def csv_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria, grid: np.ndarray) -> str:
    """CSV lines of a block: parameter values, regime, number of equilibria, equilibria in words."""
    from games.sweeps.sweep import regime_label

    if len(codes) == 0:
        return ""
    k, b, value_cols, _ = _block_setup(values, codes, flat, grid)
    head = ",".join(["%r"] * value_cols.shape[1])
    groups = []
    for points, eqs, code, kinds in _groups(codes, b):
        words = "; ".join(_outcome_template(t, k, b.names, _in_csv_quotes) for t in kinds)
        template = f"{head},{_literal(_csv_field(regime_label(code)))},{len(kinds)}," + (f'"{words}"' if kinds else "")
        parts = [value_cols[points]] + [_outcome_numbers(b, eqs[:, i], t, k) for i, t in enumerate(kinds)]
        groups.append((points, _fill(template, np.hstack(parts))))
    return _in_point_order(len(codes), groups, "\n")


def json_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria, grid: np.ndarray) -> str:
    """JSON objects of a block, one per point, joined by ',\\n  ' (as the sweep's JSON lists them)."""
    from games.sweeps.sweep import regime_label

    if len(codes) == 0:
        return ""
    k, b, value_cols, _ = _block_setup(values, codes, flat, grid)
    groups = []
    head = "{\"values\": {" + ", ".join(_literal(json.dumps(name, ensure_ascii=False)) + ": %r" for name in values) + "}"
    m_, n_ = flat.x.shape[1], flat.y.shape[1]
    profile = "[[" + ", ".join(["%r"] * m_) + "], [" + ", ".join(["%r"] * n_) + "]]"
    for points, eqs, code, kinds in _groups(codes, b):
        items = []
        for t in kinds:
            outcome = '"' + _outcome_template(t, k, b.names, _in_json_string) + '"'
            pure = "true" if t != k * k else "false"
            items.append('{"outcome": ' + outcome + ', "pure": ' + pure + ', "profile": ' + profile + ', "payoffs": [%r, %r]}')
        regime = _literal(json.dumps(regime_label(code), ensure_ascii=False))
        template = head + ', "regime": ' + regime + ', "equilibria": [' + ", ".join(items) + "]}"
        parts = [value_cols[points]]
        for i, t in enumerate(kinds):
            e = eqs[:, i]
            parts += [_outcome_numbers(b, e, t, k), flat.x[e], flat.y[e], flat.payoffs[e]]
        groups.append((points, _fill(template, np.hstack(parts), ",\n  ")))  # never inside a JSON object's text
    return _in_point_order(len(codes), groups, ",\n  ")[:-4]


def model_csv_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria | None, grid: np.ndarray, spec) -> str:
    """CSV lines of a block of a model file's sweep (its own strategy labels, N players),
    through `games.sweeps.sweep.point_rows` on the block alone, so worker processes can write them."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    names = list(values)
    for vals, regime, eqs in _model_points(values, codes, flat, spec):
        w.writerow([repr(vals[n]) for n in names] + [regime, len(eqs), "; ".join(e["outcome"] for e in eqs)])
    return buf.getvalue()


def model_json_rows(values: dict[str, np.ndarray], codes: np.ndarray, flat: FlatEquilibria | None, grid: np.ndarray, spec) -> str:
    """JSON objects of a block of a model file's sweep, joined by ',\\n  '."""
    return ",\n  ".join(
        json.dumps({"values": vals, "regime": regime, "equilibria": eqs}, ensure_ascii=False)
        for vals, regime, eqs in _model_points(values, codes, flat, spec)
    )


def _model_points(values, codes, flat, spec):
    """point_rows of the block: a sweep result holding only the block's points."""
    from games.sweeps import sweep as sw

    light = sw.SweepSpec(spec.base, spec.form, spec.levels, samples=values, model=spec.model)
    yield from sw.point_rows(sw.SweepResult(light, codes, (), (), flat), 0, len(codes))


#: Formatters that take the (block's) sweep spec as a fifth argument.
model_csv_rows.needs_spec = True
model_json_rows.needs_spec = True
#: What joins two blocks' rows (CSV lines end with a newline; JSON objects are separated).
csv_rows.joiner = model_csv_rows.joiner = ""
json_rows.joiner = model_json_rows.joiner = ",\n  "
