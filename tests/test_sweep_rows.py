"""Sweep rows formatted a block at a time equal rows formatted point by point.

The reference here is the per-point way the CLI used to write them: `games.sweeps.sweep.point_rows`
(`describe` for each equilibrium) through `csv.writer` and `json.dumps`. The block
formatter (`cli.sweep_rows`) must give the same bytes, on grids, samples, points exactly
on a regime boundary (ties, mixed equilibria, continua) and graded games.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from cli import sweep_rows
from games.sweeps import sweep
from games.model.scenarios import load


def _reference_csv(result) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    names = list(result.spec.names)
    for values, regime, eqs in sweep.point_rows(result, 0, result.spec.n_points):
        w.writerow([repr(values[n]) for n in names] + [regime, len(eqs), "; ".join(e["outcome"] for e in eqs)])
    return buf.getvalue()


def _reference_json(result) -> str:
    items = [
        json.dumps({"values": values, "regime": regime, "equilibria": eqs}, ensure_ascii=False)
        for values, regime, eqs in sweep.point_rows(result, 0, result.spec.n_points)
    ]
    return ",\n  ".join(items)


def _streamed(spec, fmt: str, block_size: int | None = None, mapper=None) -> tuple[object, str]:
    parts: list[str] = []
    formatter = sweep_rows.csv_rows if fmt == "csv" else sweep_rows.json_rows
    result = sweep.run(spec, rows=formatter, sink=parts.append, block_size=block_size, mapper=mapper)
    return result, ("" if fmt == "csv" else ",\n  ").join(p for p in parts if p)


def _boundary_grid() -> sweep.SweepSpec:
    """A grid through the exact thresholds of the baseline's leverage (ties at those points)."""
    params = dict(load("baseline").parameters)
    roots = [r for r, _ in sweep.exact_thresholds(sweep.make_spec(params, vary=["leverage=0:10:2"]), "leverage", 0, 10)]
    assert roots
    values = np.sort(np.concatenate([np.linspace(0, 10, 7), roots]))
    return sweep.SweepSpec(params, axes=(sweep.Axis("leverage", values),))


SPECS = {
    "1-D grid": lambda: sweep.make_spec(dict(load("baseline").parameters), vary=["re_dependence=0:20:61"]),
    "2-D grid": lambda: sweep.make_spec(
        dict(load("stockholm-2025").parameters), vary=["leverage=0:10:13", "hawk_cost=0:5:11"]
    ),
    "sample": lambda: sweep.make_spec(
        dict(load("baseline").parameters), sample=300,
        dists=["re_dependence=uniform:0:20", "hawk_cost=normal:2:3"], seed=11,
    ),
    "ties on boundaries": _boundary_grid,
    "graded, 3 levels": lambda: sweep.make_spec(dict(load("baseline").parameters), "graded", 3, vary=["leverage=0:10:21"]),
    "graded, 7 levels (pivoting)": lambda: sweep.make_spec(
        dict(load("stockholm-2025").parameters), "graded", 7, vary=["leverage=0:10:11"]
    ),
}


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_block_rows_equal_point_by_point_rows(name, fmt):
    spec = SPECS[name]()
    result, text = _streamed(spec, fmt, block_size=17)  # blocks that cut through points' equilibria lists
    kept = sweep.run(spec, keep_equilibria=True)
    reference = _reference_csv(kept) if fmt == "csv" else _reference_json(kept)
    assert text == reference
    assert np.array_equal(result.codes, kept.codes)


def test_rows_stream_in_point_order_whatever_order_blocks_finish():
    spec = SPECS["2-D grid"]()
    _, in_order = _streamed(spec, "csv", block_size=10)
    _, shuffled = _streamed(spec, "csv", block_size=10, mapper=lambda fn, tasks: reversed([fn(t) for t in tasks]))
    assert shuffled == in_order
    assert in_order.count("\n") == spec.n_points


def test_csv_fields_parse_back():
    spec = _boundary_grid()
    _, text = _streamed(spec, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == spec.n_points
    for row, value in zip(rows, spec.axes[0].values):
        assert float(row[0]) == value  # repr round-trips exactly
        assert int(row[2]) == len(row[3].split("; "))


def test_numbers_printed_alike_are_formatted_once_and_right():
    """Grouping numbers by their six-digit rounding must print each exactly as '%.6g' does,
    next to half-way points, powers of ten, zeros and extremes included."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=300) * 10.0 ** rng.integers(-12, 12, 300)
    base = np.concatenate([base, [0.5, 1.5, 2.5, 1234565, 12345.65, 999999.5, 9999995, 1e-320, 0.0, -0.0,
                                  1e-5, 0.0001, 99999.95, 1e16, 1e300, -123.4565, 0.1 + 0.2]])
    v = np.concatenate([base, np.nextafter(base, np.inf), np.nextafter(base, -np.inf), base * (1 + 1e-9)]).repeat(8)
    text = sweep_rows._same_six_digits(v)
    assert text is not None
    assert text.tolist() == ["%.6g" % x for x in v.tolist()]
    assert sweep_rows._same_six_digits(rng.normal(size=1000)) is None  # all different: format each
