"""Parameter sweeps: solve a game over a grid or a Monte Carlo sample of parameters.

A sweep varies one or two named parameters of a scenario — on a grid (``start:stop:count``)
or drawn from distributions (uniform, normal clipped to the valid range, triangular) —
builds the simultaneous 2×2 or the graded game at every point in one vectorized step,
solves all of them with the batched solvers, and classifies each point by its *regime*:
which pure outcomes are equilibria ("deal only", "conflict only", "both", "mixed only", ...).

For a one-parameter grid of the 2×2 game the regime boundaries are exact: each payoff is
affine in each parameter, so the four incentives (gains from opening) are affine too and
the regime can change only where one of them crosses zero. Those crossings are computed
in closed form, not read off the grid.

A scenario that names no model is a scenario of the default (trade) model
(`games.model.catalog.default_model`), swept on its level path (`games.model.level_game`)
with one code bit per named outcome; its words come from its model file's ``[wording]``.
Any other two-player model file (`games.model`) is swept the same way: its games are evaluated
for all points at once from the formulas, its regimes are named by its own outcomes, and
exact boundaries are used only for parameters its payoffs are affine in (detected from the
formulas); other boundaries are bisected.

Library code: nothing here prints. Progress is reported through an optional callback.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from games.model import level_game
from games.model.level_game import INCENTIVE_NAMES
from games.model.parameters import lookup
from games.sweeps.batch_2x2 import FlatEquilibria
from games.errors import InputError, SolverError, clip


def _default_model():
    """The model of a scenario that names none (the trade model), from the catalog."""
    from games.model.catalog import default_model

    return default_model()

FORMS = ("simultaneous", "graded")
#: Most pure profiles of a model game a sweep will classify (one code bit each, plus mixed).
MAX_MODEL_PROFILES = 63
#: Largest number of points one sweep may have.
MAX_POINTS = 100_000_000
#: Largest --seed (NumPy's generators take any non-negative integer; 64 bits is plenty).
MAX_SEED = 2**64 - 1
#: Regime bits: which outcomes are among a point's equilibria.
DEAL, CONFLICT, US_ALONE, CN_ALONE, PARTIAL, MIXED = 1, 2, 4, 8, 16, 32


class OutcomeNames(dict):
    """Regime bit → outcome name, with ``regimes``: names replacing composed regime names
    ("deal + conflict" → "both"), from the model file's ``[wording]``, keyed by the set of
    outcomes they compose (a reader writing the key cannot be expected to know the order
    the outcomes print in)."""

    def __init__(self, names: Mapping[int, str], regimes: Mapping[str, str] | None = None):
        super().__init__(names)
        self.regimes = {frozenset(key.split(" + ")): name for key, name in (regimes or {}).items()}


@lru_cache(maxsize=1)
def trade_outcome_names() -> OutcomeNames:
    """The default model's sweep regime bits in the words of its model file's ``[wording]``:
    the pure outcomes at the extreme levels, partial opening, mixed."""
    w = _default_model().wording
    words = {DEAL: w.outcomes[(1, 1)], CONFLICT: w.outcomes[(0, 0)], US_ALONE: w.outcomes[(1, 0)],
             CN_ALONE: w.outcomes[(0, 1)], PARTIAL: w.partial, MIXED: "mixed"}
    return OutcomeNames(words, w.regimes)


@lru_cache(maxsize=1)
def pure_outcome_words() -> dict[tuple[float, float], str]:
    """(US level, China level) of each named pure outcome → its short name ('deal')."""
    model = _default_model()
    us, cn = model.players[0].levels, model.players[1].levels
    return {(float(us[i]), float(cn[j])): name for (i, j), name in model.wording.outcomes.items()}


def incentive_words(model) -> dict[str, str]:
    """The four 2×2 incentives (`INCENTIVE_NAMES`) in a model file's own words
    (``[wording.incentives]``), or {} when it gives none for some of them."""
    words = model.wording.incentives
    keys = ((0, 0), (0, 1), (1, 0), (1, 1))
    if not all(k in words for k in keys):
        return {}
    return {name: words[k] for name, k in zip(INCENTIVE_NAMES, keys)}


def __getattr__(name: str):
    """``OUTCOME_NAMES`` (`trade_outcome_names()`) and ``INCENTIVE_WORDS`` (the four
    incentives in words: each a gain from opening; a boundary is where one is 0): the
    default model's, read from its model file on first use."""
    if name == "OUTCOME_NAMES":
        return trade_outcome_names()
    if name == "INCENTIVE_WORDS":
        return incentive_words(_default_model())
    raise AttributeError(f"module 'games.sweeps.sweep' has no attribute {name!r}")


# ---------------------------------------------------------------- designs
@dataclass(frozen=True)
class Axis:
    """One grid axis: a parameter and its values."""

    name: str
    values: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Distribution:
    """A parameter's sampling distribution: kind is uniform, normal or triangular."""

    name: str
    kind: str
    args: tuple[float, ...]

    def describe(self) -> str:
        return f"{self.kind}({', '.join(f'{a:g}' for a in self.args)})"


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep: base parameters, game form, and a grid or a sample of points."""

    base: Mapping[str, float] = field(repr=False)
    form: str = "simultaneous"
    levels: int = 5
    axes: tuple[Axis, ...] = ()
    samples: Mapping[str, np.ndarray] | None = field(default=None, repr=False)
    distributions: tuple[Distribution, ...] = ()
    seed: int | None = None
    #: a two-player `games.model.spec.Model`; None for the default (trade) model's scenarios
    model: object = field(default=None, repr=False, compare=False)

    @property
    def outcome_names(self) -> Mapping[int, str]:
        """Regime bit → outcome name: the trade model's words, or a model's own profiles."""
        if self.model is None:
            return trade_outcome_names()
        return self._model_outcome_names

    @cached_property
    def _model_outcome_names(self) -> Mapping[int, str]:
        labels = self._strategy_labels
        wording = self.model.wording
        named = wording.outcomes if self.form == "simultaneous" else {}
        names = {}
        for k, profile in enumerate(np.ndindex(*self.game_shape)):
            names[1 << k] = named.get(profile) or "(" + ", ".join(labels[i][s] for i, s in enumerate(profile)) + ")"
        if len(labels) == 2:
            names[self.mixed_bit] = "mixed"
        return OutcomeNames(names, wording.regimes)

    @property
    def game_shape(self) -> tuple[int, ...]:
        """Number of strategies of each player in the swept game."""
        if self.model is None:
            k = len(self.strategy_levels())
            return (k, k)
        return tuple(len(s) for s in self._strategy_labels)

    @property
    def mixed_bit(self) -> int:
        """A model sweep's code bit for 'some mixed equilibrium' (after one bit per pure profile)."""
        return MIXED if self.model is None else 1 << int(np.prod(self.game_shape))

    @property
    def code_dtype(self):
        # one byte while every pure profile and the mixed bit fit in it (2×2, 2×3: the
        # regimes are then counted by value, no sort), else 64 bits
        return np.uint8 if self.model is None or int(np.prod(self.game_shape)) < 8 else np.uint64

    @property
    def incentive_words(self) -> Mapping[str, str]:
        """The four 2×2 incentives in words (gains from each player's second strategy)."""
        own = incentive_words(_default_model() if self.model is None else self.model)
        if own or self.model is None:
            return own
        from games.explanations.wording import who

        if len(self.model.players) != 2:
            return {}
        (p1, p2), (s1, s2) = (who(p) for p in self.model.player_names), self._strategy_labels
        return {
            "us_vs_restrict": f"{p1}'s gain from {s1[-1]} over {s1[0]} when {p2} plays {s2[0]}",
            "us_vs_supply": f"{p1}'s gain from {s1[-1]} over {s1[0]} when {p2} plays {s2[-1]}",
            "cn_vs_restrict": f"{p2}'s gain from {s2[-1]} over {s2[0]} when {p1} plays {s1[0]}",
            "cn_vs_relax": f"{p2}'s gain from {s2[-1]} over {s2[0]} when {p1} plays {s1[-1]}",
        }

    def labels(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """Each player's strategy labels in this form (None for the trade model)."""
        return None if self.model is None else self._strategy_labels

    @cached_property
    def _strategy_labels(self):
        """The model's strategy labels in the swept form (worked out once per spec: the
        regime names of every block ask for them)."""
        from games.model.evaluate import axes

        return axes(self.model, self.form, self.levels).labels

    @property
    def names(self) -> tuple[str, ...]:
        if self.samples is not None:
            return tuple(self.samples)
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        if self.samples is not None:
            size = getattr(self.samples, "size", None)  # a sample drawn block by block (games.sweeps.draws)
            return (size if isinstance(size, int) else len(next(iter(self.samples.values()))),)
        return tuple(len(a.values) for a in self.axes)

    @property
    def n_points(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def is_grid(self) -> bool:
        return self.samples is None

    def values(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """The varied parameters' values at points start..stop-1 (grid in C order)."""
        if self.samples is not None:
            block = getattr(self.samples, "block", None)
            if block is not None:  # drawn here, as the block is solved
                return block(start, stop)
            return {k: v[start:stop] for k, v in self.samples.items()}
        if len(self.axes) == 1:
            return {self.axes[0].name: self.axes[0].values[start:stop]}
        if len(self.axes) == 2 and stop > start:  # C order: runs of the first axis, the second repeated
            (a, b), n = self.axes, len(self.axes[1].values)
            first, last = divmod(start, n), divmod(stop - 1, n)
            rows = np.arange(first[0], last[0] + 1)
            lengths = np.full(len(rows), n)
            lengths[0] -= first[1]
            lengths[-1] -= n - 1 - last[1]
            if len(rows) == 1:
                inner = b.values[first[1] : last[1] + 1]
            else:
                inner = np.concatenate([b.values[first[1] :]] + [b.values] * (len(rows) - 2) + [b.values[: last[1] + 1]])
            return {a.name: np.repeat(a.values[rows], lengths), b.name: inner}
        idx = np.unravel_index(np.arange(start, stop), self.shape)
        return {a.name: a.values[i] for a, i in zip(self.axes, idx)}

    def strategy_levels(self) -> np.ndarray:
        """Openness / supply level of each strategy (0 and 1 for the 2×2 game).

        For a model file: evenly spaced values from 0 to 1 for the first player's strategies."""
        if self.model is not None:
            return np.linspace(0.0, 1.0, self.game_shape[0])
        if self.form == "simultaneous":
            return level_game.declared_levels(_default_model())[0]
        return level_game.graded_levels(self.levels)

    @property
    def closed_form(self) -> bool:
        """Is every point solved by the batched 2×2 closed form? (The trade model's
        simultaneous game; a model file's game when each player has two strategies.)"""
        if self.model is None:
            return self.form == "simultaneous"
        return self.game_shape == (2, 2)


def _number(text: str, option: str, what: str) -> float:
    try:
        if "_" in text:  # Python's digit grouping: '1_0' is 10, most likely a typo for 1.0
            raise ValueError(text)
        v = float(text)
    except ValueError:
        raise InputError(f"option {option}: {what} must be a number, got '{clip(text)}'") from None
    if not math.isfinite(v):
        raise InputError(f"option {option}: {what} must be finite, got '{clip(text)}'")
    return v


def _find(model):
    """The parameter lookup: the default model's game parameters, or a model file's."""
    return lookup if model is None else model.lookup


def _check_in_range(name: str, value: float, option: str, model=None) -> None:
    _find(model)(name, f"option {option}").check(value, f"option {option}")


def parse_axis(text: str, option: str = "--vary", model=None) -> Axis:
    """Parse ``NAME=START:STOP:COUNT`` into a grid axis, checking name, range and count."""
    name, sep, rest = text.partition("=")
    parts = rest.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise InputError(f"option {option}: expected NAME=START:STOP:COUNT (e.g. re_dependence=0:10:101), got '{clip(text)}'")
    name = name.strip()
    _find(model)(name, f"option {option}")
    start = _number(parts[0], option, f"start of '{name}'")
    stop = _number(parts[1], option, f"stop of '{name}'")
    try:
        count = int(parts[2])
    except ValueError:
        raise InputError(f"option {option}: count of '{name}' must be a whole number, got '{clip(parts[2])}'") from None
    if count < 1 or count > MAX_POINTS:
        raise InputError(f"option {option}: count of '{name}' must be between 1 and {MAX_POINTS:,}, got {count}")
    if count == 1 and start != stop:  # linspace would keep START and drop STOP without a word
        raise InputError(
            f"option {option}: a count of 1 is the single value START, so '{name}' needs START = STOP "
            f"(e.g. {name}={start:g}:{start:g}:1), got {start:g}:{stop:g}:1"
        )
    if count > 1 and not start < stop:
        raise InputError(f"option {option}: range of '{name}' must have start < stop, got {start:g}:{stop:g}")
    for v in (start, stop):
        _check_in_range(name, v, option, model)
    return Axis(name, np.linspace(start, stop, count))


_DIST_ARITY = {"uniform": 2, "normal": 2, "triangular": 3}


def parse_distribution(text: str, option: str = "--dist", model=None) -> Distribution:
    """Parse ``NAME=uniform:A:B``, ``NAME=normal:MU:SIGMA`` or ``NAME=triangular:A:MODE:B``.

    The function-call spelling ``uniform(3,8)`` is accepted as well.
    """
    name, sep, rest = text.partition("=")
    name, rest = name.strip(), rest.strip()
    m = re.fullmatch(r"(\w+)\s*\(([^)]*)\)", rest)
    parts = [m.group(1)] + m.group(2).split(",") if m else rest.split(":")
    kind = parts[0].strip().lower()
    if not sep or not name or kind not in _DIST_ARITY:
        raise InputError(
            f"option {option}: expected NAME=uniform:A:B, NAME=normal:MU:SIGMA or "
            f"NAME=triangular:A:MODE:B, got '{clip(text)}'"
        )
    _find(model)(name, f"option {option}")
    args = tuple(_number(p.strip(), option, f"argument of {kind} for '{name}'") for p in parts[1:])
    if len(args) != _DIST_ARITY[kind]:
        raise InputError(f"option {option}: {kind} for '{name}' takes {_DIST_ARITY[kind]} numbers, got {len(args)}")
    if kind == "uniform":
        if not args[0] < args[1]:
            raise InputError(f"option {option}: uniform for '{name}' needs A < B, got {args[0]:g}, {args[1]:g}")
        for v in args:
            _check_in_range(name, v, option, model)
    elif kind == "normal":
        if not args[1] > 0:
            raise InputError(f"option {option}: normal for '{name}' needs SIGMA > 0, got {args[1]:g}")
        _check_in_range(name, args[0], option, model)
    else:
        a, mode, b = args
        if not (a <= mode <= b and a < b):
            raise InputError(f"option {option}: triangular for '{name}' needs A <= MODE <= B and A < B, got {a:g}, {mode:g}, {b:g}")
        for v in (a, b):
            _check_in_range(name, v, option, model)
    return Distribution(name, kind, args)


def draw(dists: Sequence[Distribution], n: int, seed: int | None = None, model=None) -> dict[str, np.ndarray]:
    """n points drawn independently per parameter; normal draws are clipped to the valid range."""
    from games.sweeps.draws import one_output_each

    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for d in dists:
        if d.kind == "normal":
            p = _find(model)(d.name)
            out[d.name] = np.clip(rng.normal(d.args[0], d.args[1], n), p.low, p.high)
        else:
            out[d.name] = one_output_each(rng, d, n)
    return out


def sample_of(dists: Sequence[Distribution], n: int, seed: int | None = None, model=None) -> Mapping[str, np.ndarray]:
    """The values `draw` gives, drawn a block at a time where each block is solved when
    every distribution allows it (`games.sweeps.draws`), else drawn whole now."""
    from games.sweeps.draws import seeded_draws

    lazy = seeded_draws(dists, n, seed)
    return lazy if lazy is not None else draw(dists, n, seed, model)


def make_spec(
    base: Mapping[str, float],
    form: str = "simultaneous",
    levels: int = 5,
    vary: Sequence[str] = (),
    sample: int | None = None,
    dists: Sequence[str] = (),
    seed: int | None = None,
    model=None,
) -> SweepSpec:
    """Build a sweep from command-line style strings, checking everything up front.

    ``model``: a model file (`games.model.spec.Model`) to sweep instead of the trade model."""
    if form not in FORMS and not (form in ("package", "package-graded") and model is not None):
        raise InputError(f"option --game: sweeps support {', '.join(FORMS)}, package, package-graded, got '{clip(form)}'")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InputError(f"option --seed: expected a whole number from 0 to {MAX_SEED} (2**64 - 1), got {clip(seed)}")
    if form == "graded":
        level_game.graded_levels(levels)  # validates --levels
    if model is not None:
        _check_model(model, form, levels)
    elif form == "graded":
        check_graded_size(levels)
    if sample is None:
        if dists:
            raise InputError("option --dist: distributions need --sample N (the number of draws)")
        if not vary:
            raise InputError("option --vary: give one or two parameters, e.g. --vary re_dependence=0:10:101")
        axes = tuple(parse_axis(v, model=model) for v in vary)
        _check_in_form(model, form, [a.name for a in axes], "--vary")
        if len(axes) > 2:
            raise InputError(f"option --vary: at most two parameters on a grid, got {len(axes)}")
        if len({a.name for a in axes}) != len(axes):
            raise InputError("option --vary: each parameter may be varied only once")
        spec = SweepSpec(dict(base), form, levels, axes=axes, model=model)
        if spec.n_points > MAX_POINTS:
            raise InputError(f"option --vary: {spec.n_points:,} points is more than the {MAX_POINTS:,} allowed")
        return spec
    if vary:
        raise InputError("option --vary: cannot be combined with --sample; give distributions with --dist")
    if not 1 <= sample <= MAX_POINTS:
        raise InputError(f"option --sample: expected a number of draws from 1 to {MAX_POINTS:,}, got {sample}")
    if not dists:
        raise InputError("option --dist: --sample needs at least one distribution, e.g. --dist re_dependence=uniform:3:8")
    parsed = tuple(parse_distribution(d, model=model) for d in dists)
    _check_in_form(model, form, [d.name for d in parsed], "--dist")
    if len({d.name for d in parsed}) != len(parsed):
        raise InputError("option --dist: each parameter may have only one distribution")
    return SweepSpec(
        dict(base), form, levels, samples=sample_of(parsed, sample, seed, model), distributions=parsed, seed=seed, model=model
    )


def _check_in_form(model, form: str, names: Sequence[str], option: str) -> None:
    """Refuse to vary a model file's parameter that enters only its package form in a sweep
    of another form: every point would be the same game (as --set refuses it)."""
    if model is None or form.startswith("package"):
        return
    for name in names:
        if name in model.package_only:
            raise InputError(
                f"option {option}: parameter '{clip(name)}' enters only the package form of model "
                f"'{clip(model.name)}'; add --game package"
            )


def _check_model(model, form: str, levels: int) -> None:
    """A model can be swept if it has two players with as many strategies each (in this form)."""
    from games.solvers import polytope_vertices as ve
    from games.model.evaluate import axes

    shape = axes(model, form, levels).shape
    profiles = int(np.prod(shape))
    if profiles > MAX_MODEL_PROFILES:
        raise InputError(
            f"sweep: the {'×'.join(map(str, shape))} game of '{clip(model.name)}' has {profiles} pure outcomes; a sweep "
            f"names each regime by its equilibria and allows at most {MAX_MODEL_PROFILES} (use fewer --levels)"
        )
    if len(shape) == 2 and sum(shape) > ve.MAX_STRATEGIES:
        raise InputError(
            f"sweep: {shape[0]}×{shape[1]} games have {sum(shape)} strategies in all, more than the "
            f"{ve.MAX_STRATEGIES} solved completely at every point (use fewer --levels)"
        )


def check_graded_size(levels: int) -> None:
    """Refuse graded sweeps whose games the single-game solver cannot hold.

    Every point is solved completely; games larger than 6×6 by lexicographic pivoting
    (`games.solvers.polytope_vertices`), which takes at most MAX_STRATEGIES strategies in all
    (20 levels). Its work limit (MAX_WORK bases) still stops a game too large to finish.
    """
    from games.solvers import polytope_vertices as ve

    most = ve.MAX_STRATEGIES // 2
    if levels > most:
        raise InputError(
            f"option --levels: a graded sweep finds every equilibrium at every point; {levels} levels is "
            f"{2 * levels} strategies in all, more than the {ve.MAX_STRATEGIES} vertex enumeration handles "
            f"(use at most {most} levels)"
        )


def work(spec: SweepSpec) -> int:
    """Rough cost of the sweep: points times candidate bases per game (for progress display)."""
    from games.solvers import polytope_vertices as ve

    shape = spec.game_shape
    return spec.n_points * (ve.n_bases(*shape) if len(shape) == 2 else int(np.prod(shape)))


# ---------------------------------------------------------------- games for a block of points
def bimatrices(
    spec: SweepSpec, values: Mapping[str, np.ndarray], workspace: list[np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(A, B) of shape (C, k, k): the spec's game at each of C points, built in one step.

    The default model's simultaneous game is built by its compiled `LevelPlan` (formulas
    walked once per sweep, terms that no varied parameter touches evaluated once); with
    ``workspace`` (that plan's buffers, from `_workspace`) the games are written into it and
    are valid only until the next block uses it.

    For the default model, uses its level path (`games.model.level_game`) with the varied
    parameters as arrays, so each matrix is elementwise identical to its simultaneous or
    graded game at that point.
    """
    count = len(next(iter(values.values())))
    if spec.model is not None:
        return _model_bimatrices(spec, values, count, workspace)
    params: dict[str, object] = dict(spec.base)
    if spec.form == "simultaneous":
        plan = _simultaneous_plan(spec, tuple(values))
        if plan is not None:
            floats = {name: np.asarray(v, dtype=float) for name, v in values.items()}
            U, V = (np.broadcast_to(W, (4, count)) for W in plan.run(floats, count, workspace))
            return tuple(W.reshape(2, 2, count).transpose(2, 0, 1) for W in (U, V))
        # the four cells as rows of one (4, count) evaluation: each game gets the same
        # operations in the same order as the single-game payoffs (bit for bit), the
        # formulas are walked once per block, and A[:, i, j] is a contiguous row
        for name, v in values.items():
            params[name] = np.asarray(v, dtype=float)
        x = np.array([[0.0], [0.0], [1.0], [1.0]])
        y = np.array([[0.0], [1.0], [0.0], [1.0]])
        U, V = (np.broadcast_to(W, (4, count)) for W in level_game.level_payoffs(_default_model(), (x, y), params))
        # a player whose payoffs the varied parameters do not touch keeps a stride-0 view
        A, B = (W.reshape(2, 2, count).transpose(2, 0, 1) for W in (U, V))
        return A, B
    for name, v in values.items():
        params[name] = np.asarray(v, dtype=float)[:, None, None]
    grid = spec.strategy_levels()
    x = grid[None, :, None]
    y = grid[None, None, :]
    U, V = level_game.level_payoffs(_default_model(), (x, y), params)
    k = len(grid)
    return np.broadcast_to(U, (count, k, k)), np.broadcast_to(V, (count, k, k))


#: Compiled level plans by (model, base parameters, varied names); a few sweeps' worth.
_PLANS: dict[tuple, tuple] = {}


def _simultaneous_plan(spec: SweepSpec, varied: tuple[str, ...]):
    """The `games.model.evaluate.LevelPlan` of the spec's model (the default model's when the
    spec has none) for the simultaneous game with these parameters varied (cached), or None
    when its formulas need the general path."""
    from games.model.evaluate import level_plan

    last = getattr(_WORK, "last", None)
    if last is not None and last[0] is spec and last[1] == varied:  # the same sweep's next block
        return last[2]
    model = spec.model if spec.model is not None else _default_model()
    try:
        key = (id(model), tuple(sorted(spec.base.items())), varied)
        hash(key)
    except TypeError:
        key = None
    if key is not None and key in _PLANS:
        _WORK.last = (spec, varied, _PLANS[key][1])
        return _PLANS[key][1]
    # every profile of the two players' levels, the first player's slowest: (0, 0), (0, 1), ...
    lx, ly = (np.asarray(p.levels, dtype=float) for p in model.players)
    x, y = np.repeat(lx, len(ly))[:, None], np.tile(ly, len(lx))[:, None]
    base = spec.base if spec.model is None else spec.model.validated(dict(spec.base))
    params = {k: v for k, v in base.items() if k not in varied}
    plan = level_plan(model, params, varied, dict(zip(level_game.level_names(model), (x, y))))
    if key is not None:
        if len(_PLANS) >= 8:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = (model, plan)  # the model is kept so that its id is not reused
    _WORK.last = (spec, varied, plan)
    return plan


_WORK = threading.local()


def _workspace(spec: SweepSpec, varied: tuple[str, ...], count: int) -> list[np.ndarray] | None:
    """This thread's buffers for the plan of a block of up to count points (kept between
    blocks: no large temporaries, so no fresh pages to fault in for every block)."""
    plannable = spec.form == "simultaneous" and (spec.model is None or _plannable(spec))
    plan = _simultaneous_plan(spec, varied) if plannable else None
    if plan is None:
        return None
    held = getattr(_WORK, "held", None)
    if held is None or held[0] is not plan or held[1] < count:
        held = (plan, count, plan.buffers(count))
        _WORK.held = held
    return held[2]


def _model_bimatrices(spec: SweepSpec, values: Mapping[str, np.ndarray], count: int, workspace=None):
    """A model file's payoff arrays (one per player, shape (count, *game)) from its formulas in one pass."""
    from games.model.evaluate import axes, payoff_arrays

    planned = _planned_model_bimatrices(spec, values, count, workspace)
    if planned is not None:
        return planned
    params: dict[str, object] = dict(spec.model.validated(dict(spec.base)))
    n = len(spec.model.players)
    for name, v in values.items():
        params[name] = np.asarray(v, dtype=float).reshape((count,) + (1,) * n)
    return tuple(payoff_arrays(spec.model, params, axes(spec.model, spec.form, spec.levels), "sweep", lead=(count,)))


def _plannable(spec: SweepSpec) -> bool:
    """Is the spec a two-player level model's simultaneous game (what a `LevelPlan` builds)?"""
    model = spec.model
    return spec.form == "simultaneous" and len(model.players) == 2 and all(p.level is not None for p in model.players)


def _planned_model_bimatrices(spec: SweepSpec, values: Mapping[str, np.ndarray], count: int, workspace=None):
    """A two-player level model's simultaneous games by its compiled `LevelPlan`, as the
    default model's are (the same numbers as `payoff_arrays`: 0 + t1 + t2 + ... in the terms'
    order), or None where the plan does not apply or a payoff is not finite (the term-by-term
    path then names the term and profile)."""
    model = spec.model
    if not _plannable(spec):
        return None
    plan = _simultaneous_plan(spec, tuple(values))
    if plan is None:
        return None
    k = tuple(len(p.levels) for p in model.players)
    floats = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    with np.errstate(all="ignore"):  # a non-finite payoff is caught below, then named
        U, V = (np.broadcast_to(W, (k[0] * k[1], count)) for W in plan.run(floats, count, workspace))
    if not (np.isfinite(U).all() and np.isfinite(V).all()):
        return None
    return tuple(W.reshape(k[0], k[1], count).transpose(2, 0, 1) for W in (U, V))


def _model_block(spec: SweepSpec, start: int, stop: int, keep: bool) -> tuple[np.ndarray, FlatEquilibria | None]:
    """A model sweep's block: one code bit per pure profile that is an equilibrium, plus the
    mixed bit (two players: every equilibrium, verified; three or more: pure ones only)."""
    from games.sweeps import batch, batch_2x2
    from games.errors import SolverError

    values = spec.values(start, stop)
    arrays = bimatrices(spec, values, _workspace(spec, tuple(values), stop - start))
    count, shape = stop - start, spec.game_shape
    weights = (np.uint64(1) << np.arange(int(np.prod(shape)), dtype=np.uint64)).reshape(shape)
    if len(shape) > 2:
        return _pure_codes(arrays, weights), None
    A, B = (np.asarray(a) for a in arrays)
    mixed = np.uint64(spec.mixed_bit)
    if shape == (2, 2):
        c, ok = batch_2x2.candidates_verified(A, B, keep_p=keep)
        if not ok.all():
            raise SolverError("sweep: an equilibrium failed verification")
        # candidate index 0 is p = 0 (the second strategy), 1 is p = 1: profile (0, 0) is
        # candidate (1, 1); bits 1, 2, 4, 8 the profiles (0, 0), (0, 1), (1, 0), (1, 1)
        cells = {(1, 1): 1, (1, 0): 2, (0, 1): 4, (0, 0): 8}
        return _mask_codes(c.mask, cells, spec.mixed_bit), (batch_2x2.expand(A, B, c) if keep else None)
    flat = batch.equilibria(A, B)
    pure = (flat.x.max(axis=1) > 1 - 1e-12) & (flat.y.max(axis=1) > 1 - 1e-12)
    bits = np.where(pure, weights[np.argmax(flat.x, axis=1), np.argmax(flat.y, axis=1)], mixed).astype(np.uint64)
    codes = np.zeros(count, dtype=np.uint64)
    np.bitwise_or.at(codes, flat.game, bits)
    return codes, (flat if keep else None)


def _pure_codes(arrays, weights) -> np.ndarray:
    """Pure equilibria of a batch of n-player games by best responses: a profile is one when
    no player's payoff there falls short of its best reply by more than the single-game
    solver's tie tolerance (`games.solvers.best_response`: 1e-9 of half the spread of that
    player's own payoffs, so ties do not depend on the payoffs' size or on the others')."""
    from games.solvers.best_response import TIE_TOLERANCE

    count = arrays[0].shape[0]
    ok = np.ones(arrays[0].shape, dtype=bool)
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        flat = a.reshape(count, -1)
        half = ((flat.max(axis=1) - flat.min(axis=1)) / 2).reshape((count,) + (1,) * (a.ndim - 1))
        ok &= a >= a.max(axis=i + 1, keepdims=True) - TIE_TOLERANCE * half
    return (ok * weights).reshape(count, -1).sum(axis=1, dtype=np.uint64)


# ---------------------------------------------------------------- regimes
def outcome_bits(flat: FlatEquilibria, grid: np.ndarray) -> np.ndarray:
    """Regime bit of each equilibrium: deal, conflict, one side alone, partial, or mixed."""
    pure = (flat.x.max(axis=1) > 1 - 1e-12) & (flat.y.max(axis=1) > 1 - 1e-12)
    xo = grid[np.argmax(flat.x, axis=1)]
    yo = grid[np.argmax(flat.y, axis=1)]
    bits = np.full(len(flat), PARTIAL, dtype=np.uint8)
    bits[(xo == 1) & (yo == 1)] = DEAL
    bits[(xo == 0) & (yo == 0)] = CONFLICT
    bits[(xo == 1) & (yo == 0)] = US_ALONE
    bits[(xo == 0) & (yo == 1)] = CN_ALONE
    bits[~pure] = MIXED
    return bits


def regime_codes(flat: FlatEquilibria, n_points: int, grid: np.ndarray) -> np.ndarray:
    """Per point: the OR of its equilibria's outcome bits (uint8)."""
    codes = np.zeros(n_points, dtype=np.uint8)
    np.bitwise_or.at(codes, flat.game, outcome_bits(flat, grid))
    return codes


def regime_label(code: int, names: Mapping[int, str] | None = None) -> str:
    """Plain-words regime of a point from its outcome bits.

    Pure outcomes decide: {deal} → "deal only", {conflict} → "conflict only",
    {deal, conflict} → "both", none → "mixed only", others joined with "+". A single pure
    outcome alongside mixed equilibria gets "+ mixed" (with two or more pure outcomes, mixed
    equilibria between them are the rule and are not named).
    """
    trade_words = names is None or names is trade_outcome_names()
    names = trade_outcome_names() if names is None else names
    renames = getattr(names, "regimes", {})
    code = int(code)
    if trade_words:
        pure_bits, mixed = (DEAL, CONFLICT, US_ALONE, CN_ALONE, PARTIAL), MIXED
    else:  # a model's names: one bit per pure profile, the highest (if named "mixed") for mixed
        mixed = max(names) if names[max(names)] == "mixed" else 0
        pure_bits = tuple(b for b in sorted(names) if b != mixed)
    pure = [names[b] for b in pure_bits if code & b]
    if not pure:
        return "mixed only" if code & mixed else "none"
    if not trade_words and len(pure) == len(pure_bits) > 2:
        return "every pure outcome" + (" + mixed" if code & mixed else "")
    if len(pure) == 1:
        return f"{pure[0]} only" + (" + mixed" if code & mixed else "")
    return renames.get(frozenset(pure)) or " + ".join(pure)


# ---------------------------------------------------------------- running
@dataclass(frozen=True)
class Boundary:
    """A parameter value where the regime changes along a one-parameter grid."""

    parameter: str
    value: float
    below: str
    above: str
    at: str
    exact: bool
    incentives: tuple[str, ...] = ()
    bracket: tuple[float, float] | None = None


@dataclass(frozen=True)
class BoundaryCurve:
    """Where one incentive of the 2×2 game is zero on a two-parameter grid: a regime boundary.

    Each payoff is affine in each parameter, so each incentive is bilinear in the two varied
    ones: c₀ + c₁·a + c₂·b + c₃·a·b = 0, with a the first ``--vary`` parameter and b the
    second. ``sides`` lists the regimes met on either side inside the grid, as pairs
    (where the incentive is negative, where it is positive).
    """

    incentive: str
    parameters: tuple[str, str]
    coefficients: tuple[float, float, float, float]
    equation: str
    sides: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RegimeShare:
    label: str
    count: int
    share: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class SweepResult:
    """Regime of every point, their shares, the boundaries, and (optionally) all equilibria."""

    spec: SweepSpec
    codes: np.ndarray = field(repr=False)
    regimes: tuple[RegimeShare, ...]
    boundaries: tuple[Boundary, ...]
    equilibria: FlatEquilibria | None = field(default=None, repr=False)
    method: str = ""
    curves: tuple[BoundaryCurve, ...] = ()


def _pure_rows(result: SweepResult, start: int, stop: int, values) -> Iterator[tuple[dict[str, float], str, list[dict]]]:
    """point_rows for a game of three or more players: its pure equilibria, from the codes."""
    spec = result.spec
    arrays = bimatrices(spec, values)
    labels = spec.labels()
    profiles = list(np.ndindex(*spec.game_shape))
    for i in range(stop - start):
        code = int(result.codes[start + i])
        eqs = []
        for k, prof in enumerate(profiles):
            if code >> k & 1:
                pays = [float(a[(i,) + prof]) for a in arrays]
                eqs.append({
                    "outcome": "(" + ", ".join(labels[j][s] for j, s in enumerate(prof)) + ") (" + ", ".join(_g(v) for v in pays) + ")",
                    "pure": True,
                    "profile": [[float(s == t) for t in range(n)] for s, n in zip(prof, spec.game_shape)],
                    "payoffs": pays,
                })
        yield {k: float(v[i]) for k, v in values.items()}, regime_label(code, spec.outcome_names), eqs


def solve_block(spec: SweepSpec, start: int, stop: int) -> FlatEquilibria:
    """All equilibria (verified) of the points start..stop-1; game indices are 0-based in the block."""
    from games.sweeps import batch

    A, B = bimatrices(spec, spec.values(start, stop))
    return batch.equilibria(A, B)


def codes_2x2(mask: np.ndarray) -> np.ndarray:
    """Regime bits straight from the closed form's (G, 3, 3) candidate mask.

    Candidate p is the US's probability of Restrict (index 0: p = 0, i.e. Relax) and q
    China's probability of Restrict (index 0: q = 0, i.e. Supply); index 2 is interior.
    Read candidate by candidate (contiguous rows when the mask is stored candidate-major,
    as `batch_2x2` stores it).
    """
    return _mask_codes(mask, {(0, 0): DEAL, (1, 1): CONFLICT, (0, 1): US_ALONE, (1, 0): CN_ALONE}, MIXED)


def _mask_codes(mask: np.ndarray, cells: Mapping[tuple[int, int], int], mixed: int) -> np.ndarray:
    """One byte per game from a (G, 3, 3) candidate mask: ``cells`` gives the bit of each
    pure candidate, ``mixed`` the bit of any candidate with an interior (index 2) part."""
    m = mask.transpose(1, 2, 0)
    codes = np.zeros(mask.shape[0], dtype=np.uint8)
    for (i, j), bit in cells.items():
        codes |= m[i, j].view(np.uint8) * np.uint8(bit)
    interior = m[2, 0] | m[2, 1]
    for i, j in ((2, 2), (0, 2), (1, 2)):
        interior |= m[i, j]
    codes |= interior.view(np.uint8) * np.uint8(mixed)
    return codes


def _block_2x2(spec: SweepSpec, start: int, stop: int, keep: bool, offset: int = 0) -> tuple[np.ndarray, FlatEquilibria | None]:
    from games.sweeps import batch_2x2
    from games.errors import SolverError

    values = spec.values(start, stop)
    A, B = bimatrices(spec, values, _workspace(spec, tuple(values), stop - start))
    c, ok = batch_2x2.candidates_verified(A, B, keep_p=keep)
    if not ok.all():
        g = int(np.nonzero(~ok)[0][0]) + start + offset
        raise SolverError(f"sweep: an equilibrium at point {g} failed verification")
    return codes_2x2(c.mask), (batch_2x2.expand(A, B, c) if keep else None)


#: Formats a block's rows for output: (parameter values, regime codes, equilibria, strategy
#: levels) → text; one with a true ``needs_spec`` attribute also gets the block's spec (a
#: model file's labels and outcome names), and one with a ``deliver`` method has a task's
#: joined text (with a mapper) turned into what is sent back and given to the sink (say, where
#: the process spooled it). A top-level function, so worker processes can run it.
RowFormatter = Callable[[dict, np.ndarray, FlatEquilibria, np.ndarray], str]


def _block_task(
    args: tuple[SweepSpec, int, int, bool] | tuple[SweepSpec, int, int, bool, RowFormatter | None],
) -> tuple[int, np.ndarray, FlatEquilibria | None, str | None]:
    """Solve points start..stop-1: (start, regime codes, equilibria if kept, formatted rows if asked).

    An optional sixth item is an offset added to start: the point number of the block's
    first point when spec holds only the block's own values (see `_light_task`).
    """
    spec, start, stop, keep = args[:4]
    rows = args[4] if len(args) > 4 else None
    offset = args[5] if len(args) > 5 else 0
    need = keep or rows is not None
    if spec.model is not None:
        codes, flat = _model_block(spec, start, stop, need)
    elif spec.closed_form:
        codes, flat = _block_2x2(spec, start, stop, need, offset)
    else:
        flat = solve_block(spec, start, stop)
        codes = regime_codes(flat, stop - start, spec.strategy_levels())
    text = None
    if rows is not None:
        extra = (spec,) if getattr(rows, "needs_spec", False) else ()
        text = rows(spec.values(start, stop), codes, flat, spec.strategy_levels(), *extra)
    return start + offset, codes, (flat if keep else None), text


#: A grid whose axes hold at most this many values in all goes to worker processes whole.
SMALL_AXES = 100_000


def _light_task(spec: SweepSpec, start: int, stop: int, keep: bool, rows: RowFormatter | None) -> tuple:
    """A block's task carrying only the block's parameter values, not the whole design:
    what is sent to worker processes (a 1-D grid of 10 M points would otherwise be
    pickled whole for every block). A grid of short axes (a 2-D grid of 10 M points has two
    axes of about 3,000 values) is sent as it is, with the task's span: the worker works out
    its points' values itself rather than receiving them (16 bytes a point otherwise); so
    is a sample drawn block by block (`games.sweeps.draws`: the worker draws its points)."""
    short_axes = spec.samples is None and len(spec.axes) > 1 and sum(len(a.values) for a in spec.axes) <= SMALL_AXES
    if short_axes or hasattr(spec.samples, "block"):
        return (spec, start, stop, keep, rows, 0)
    light = SweepSpec(spec.base, spec.form, spec.levels, samples=spec.values(start, stop), model=spec.model)
    return (light, 0, stop - start, keep, rows, start)


#: Sweeps solved by worker processes forked after `run` put them here (a mapper with a true
#: ``forks_after_call``): such a worker finds the spec — design, samples, model — in the
#: memory it inherited, so a task carries only its key, not the points' values (160 MB
#: pickled and unpickled for a 10 M-draw sample of two parameters).
_INHERITED: dict[int, "SweepSpec"] = {}
_KEYS = itertools.count()


def _span_task(args: tuple) -> tuple[int, np.ndarray, FlatEquilibria | None, str | None]:
    """Several consecutive blocks in one task (what a worker process gets): each solved as
    `_block_task` solves it, the codes, equilibria and rows joined in point order. Fewer,
    larger tasks keep the cost of sending work between processes small beside the work.
    The spec may be given by its key in `_INHERITED`."""
    from games.sweeps import batch

    spec, start, stop, keep, rows, offset, size = args
    if isinstance(spec, int):
        spec = _INHERITED[spec]
    parts = [_block_task((spec, a, min(a + size, stop), keep, rows, offset)) for a in range(start, stop, size)]
    codes = np.concatenate([p[1] for p in parts])
    flat = None
    if keep and parts[0][2] is not None:
        flat = batch.concatenate([p[2] for p in parts], [p[0] - parts[0][0] for p in parts], *spec.game_shape)
    text = None
    if rows is not None:
        text = getattr(rows, "joiner", "").join(p[3] for p in parts if p[3])
        deliver = getattr(rows, "deliver", None)
        if deliver is not None and text:  # e.g. kept where this process spooled it; a reference sent back
            text = deliver(text)
    return start + offset, codes, flat, text


#: Blocks per task when blocks go to worker processes: at most this many (ROW_BLOCKS_PER_TASK
#: when the task also formats rows, whose text is sent back), and at least MIN_TASKS tasks
#: in all (so the workers share the work evenly).
BLOCKS_PER_TASK, ROW_BLOCKS_PER_TASK, MIN_TASKS = 40, 4, 32


def _spans(spec: SweepSpec, block_size: int | None, rows: bool = False) -> tuple[list[tuple[int, int]], int]:
    """Consecutive runs of blocks for worker processes, and the block size."""
    edges = list(blocks(spec, block_size))
    size = edges[0][1] - edges[0][0] if edges else 1
    group = max(1, min(ROW_BLOCKS_PER_TASK if rows else BLOCKS_PER_TASK, len(edges) // MIN_TASKS))
    return [(edges[i][0], edges[min(i + group, len(edges)) - 1][1]) for i in range(0, len(edges), group)], size


def blocks(spec: SweepSpec, size: int | None = None) -> Iterator[tuple[int, int]]:
    from games.sweeps import batch

    shape = spec.game_shape
    size = size or (batch.chunk_size(*shape) if len(shape) == 2 else max(1, 2_000_000 // int(np.prod(shape))))
    for start in range(0, spec.n_points, size):
        yield start, min(start + size, spec.n_points)


def method_name(spec: SweepSpec) -> str:
    from games.sweeps import batch

    if len(spec.game_shape) > 2:
        return "pure equilibria only, by batched best responses (mixed equilibria not computed)"
    if spec.closed_form:
        return "batched closed form (2×2)"
    k = len(spec.strategy_levels()) if spec.model is None else max(spec.game_shape)
    return "vertex enumeration by lexicographic pivoting" if batch.by_pivoting(k, k) else "batched vertex enumeration"


def run(
    spec: SweepSpec,
    keep_equilibria: bool = False,
    progress: Callable[[int, int], None] | None = None,
    mapper: Callable | None = None,
    block_size: int | None = None,
    rows: RowFormatter | None = None,
    sink: Callable[[str], object] | None = None,
) -> SweepResult:
    """Solve every point of the sweep; summarize regimes and (1-D grids) their boundaries.

    ``mapper(function, iterable)`` may be an executor's ``map`` (processes, Dask) to run
    blocks in parallel, and may return blocks in any order (Dask returns them as they
    finish); results do not depend on it. ``progress(done, total)`` is called after each
    block. With ``rows`` and ``sink``, each block's rows are formatted where the block is
    solved (in the worker, from the solver's arrays) and ``sink(text)`` receives them in
    point order as soon as they are ready, so per-point output streams instead of being
    kept or solved twice. A mapper with a true ``forks_after_call`` attribute promises that
    its worker processes are forked when it is called (so they inherit `_INHERITED`): its
    tasks then name the spec instead of carrying the points' values.
    """
    key = None
    if mapper is None:
        tasks = [(spec, a, b, keep_equilibria, rows) for a, b in blocks(spec, block_size)]
        results = map(_block_task, tasks)
    elif getattr(mapper, "forks_after_call", False):  # workers inherit the spec: tasks name it
        spans, size = _spans(spec, block_size, rows is not None)
        tasks = [(spec, a, b) for a, b in spans]
        key = next(_KEYS)
        _INHERITED[key] = spec
        results = mapper(_span_task, ((key, a, b, keep_equilibria, rows, 0, size) for a, b in spans))
    else:  # runs of blocks, built as the mapper asks for them, each with its own values only
        spans, size = _spans(spec, block_size, rows is not None)
        tasks = [(spec, a, b) for a, b in spans]
        results = mapper(_span_task, (_light_task(spec, a, b, keep_equilibria, rows) + (size,) for a, b in spans))
    try:
        return _collect(spec, tasks, results, keep_equilibria, progress, sink)
    finally:
        if key is not None:
            del _INHERITED[key]
        close = getattr(results, "close", None)
        if close is not None:  # a mapper's generator stopped early (an error): its processes end now
            close()


def _collect(spec: SweepSpec, tasks, results, keep_equilibria: bool, progress, sink) -> SweepResult:
    """run's second half: the blocks' results put in place (in any order), rows sent to the
    sink in point order, regimes summarized."""
    from games.sweeps import batch

    codes = np.zeros(spec.n_points, dtype=spec.code_dtype)
    kept: list[tuple[int, FlatEquilibria]] = []
    pending: dict[int, str] = {}
    stops = {task[1]: task[2] for task in tasks}
    next_start = 0
    done = 0
    tally = np.zeros(256, dtype=np.int64) if codes.dtype == np.uint8 else None
    for start, block_codes, flat, text in results:
        codes[start : start + len(block_codes)] = block_codes
        if tally is not None:  # counted while the block is in cache
            tally += np.bincount(block_codes, minlength=256)
        if flat is not None:
            kept.append((start, flat))
        if sink is not None and text is not None:
            pending[start] = text
            while next_start in pending:  # blocks may finish out of order; rows go out in order
                sink(pending.pop(next_start))
                next_start = stops[next_start]
        done += len(block_codes)
        if progress:
            progress(done, spec.n_points)
    if done != spec.n_points or pending:  # a mapper that lost or repeated a block: never a partial answer
        raise SolverError(f"sweep: {done:,} of {spec.n_points:,} points came back from the blocks; the sweep is incomplete")
    kept.sort(key=lambda item: item[0])  # point order: readers search the game index
    keep_equilibria = keep_equilibria and len(spec.game_shape) == 2
    eqs = batch.concatenate([f for _, f in kept], [s for s, _ in kept], *spec.game_shape) if keep_equilibria else None
    curves = boundary_curves(spec)
    return SweepResult(
        spec, codes, summarize(codes, spec.outcome_names, tally), find_boundaries(spec, codes), eqs, method_name(spec), curves
    )


def summarize(codes: np.ndarray, names: Mapping[int, str] | None = None, tally: np.ndarray | None = None) -> tuple[RegimeShare, ...]:
    """Each regime's count and share, largest first, with a 95% (Wilson) interval.

    tally: the number of points with each code, when the caller counted them already (uint8 codes)."""
    if codes.dtype == np.uint8:  # the trade model's codes: one count per byte value, no sort
        counts = np.bincount(codes, minlength=256) if tally is None else tally
        values = np.nonzero(counts)[0]
        counts = counts[values]
    else:
        values, counts = np.unique(codes, return_counts=True)
    total = int(codes.size)
    merged: dict[str, int] = {}
    for v, c in zip(values, counts):
        label = regime_label(int(v), names)
        merged[label] = merged.get(label, 0) + int(c)
    out = [RegimeShare(label, c, c / total, _wilson(c, total)) for label, c in merged.items()]
    return tuple(sorted(out, key=lambda r: (-r.count, r.label)))


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


# ---------------------------------------------------------------- boundaries
def incentive_lines(spec: SweepSpec, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Intercepts and slopes of the four 2×2 incentives as affine functions of parameter name."""
    from games.sweeps import batch_2x2

    two = SweepSpec(spec.base, spec.form, spec.levels, axes=(Axis(name, np.array([0.0, 1.0])),), model=spec.model)
    A, B = bimatrices(two, two.values(0, 2))
    r0, r1, c0, c1 = batch_2x2.incentives(A, B)
    # our four in trade.incentives' orientation: gain from *opening* (second strategy)
    gains = np.stack([-r0, -r1, -c0, -c1])  # (4, 2): at value 0 and at value 1
    return gains[:, 0], gains[:, 1] - gains[:, 0]


def exact_thresholds(spec: SweepSpec, name: str, low: float, high: float) -> list[tuple[float, tuple[str, ...]]]:
    """Values in (low, high) where a 2×2 incentive crosses zero, with the incentives' names."""
    intercept, slope = incentive_lines(spec, name)
    roots: dict[float, list[str]] = {}
    for label, a, s in zip(INCENTIVE_NAMES, intercept, slope):
        if s == 0:
            continue
        r = float(-a / s)
        if low < r < high:
            roots.setdefault(r, []).append(label)
    return sorted((r, tuple(v)) for r, v in roots.items())


def _regime_at(spec: SweepSpec, name: str, value: float) -> int:
    one = SweepSpec(spec.base, spec.form, spec.levels, axes=(Axis(name, np.array([value])),), model=spec.model)
    return int(_block_task((one, 0, 1, False))[1][0])


def line_axis(spec: SweepSpec) -> Axis | None:
    """The axis a grid varies along when it varies along one: a one-parameter grid's, or
    the other axis of a two-parameter grid one of whose axes holds a single value."""
    if not spec.is_grid:
        return None
    moving = [a for a in spec.axes if len(a.values) > 1]
    if len(spec.axes) == 1 or len(moving) == 1:
        return moving[0] if moving else spec.axes[0]
    return None


def find_boundaries(spec: SweepSpec, codes: np.ndarray) -> tuple[Boundary, ...]:
    """Regime changes along a one-parameter grid: exact for 2×2, bisected for graded.

    A two-parameter grid with one value of one parameter is the one-parameter grid of the
    other, that value fixed (its codes are in the order of the other's values)."""
    if not spec.is_grid or spec.n_points < 2:
        return ()
    if len(spec.axes) == 2:
        axis = line_axis(spec)
        if axis is None:
            return ()
        fixed = next(a for a in spec.axes if a is not axis)
        line = SweepSpec({**spec.base, fixed.name: float(fixed.values[0])}, spec.form, spec.levels, axes=(axis,), model=spec.model)
        return find_boundaries(line, codes)
    if len(spec.axes) != 1:
        return ()
    axis = spec.axes[0]
    lo, hi = float(axis.values[0]), float(axis.values[-1])
    names = spec.outcome_names
    pure_only = len(spec.game_shape) > 2
    if (spec.closed_form or pure_only) and _is_affine(spec, axis.name):
        out = []
        roots = exact_thresholds(spec, axis.name, lo, hi) if not pure_only else _deviation_roots(spec, axis.name, lo, hi)
        edges = [lo] + [r for r, _ in roots] + [hi]
        between = [_regime_at(spec, axis.name, (a + b) / 2) for a, b in zip(edges[:-1], edges[1:])]
        for i, (r, labels) in enumerate(roots):
            below, above = between[i], between[i + 1]
            if below != above:
                at = _regime_at(spec, axis.name, r)
                out.append(Boundary(
                    axis.name, r, regime_label(below, names), regime_label(above, names), regime_label(at, names), True, labels
                ))
        return tuple(out)
    out = []
    change = np.nonzero(codes[1:] != codes[:-1])[0]
    last = len(axis.values) - 1
    for i in change:
        a, b = float(axis.values[i]), float(axis.values[i + 1])
        (lo_end, ca), (hi_end, cb) = _inside_ends(spec, axis.name, a, b, int(codes[i]), int(codes[i + 1]), i == 0, i + 1 == last)
        if regime_label(ca, names) == regime_label(cb, names):
            continue
        for value, ca, cb in _changes_between(spec, axis.name, lo_end, hi_end, ca, cb):
            out.append(Boundary(axis.name, value, regime_label(ca, names), regime_label(cb, names), "", False, (), (a, b)))
    merged = _merge_point_regimes(out, axis)
    # a change of the mixed equilibria alone, inside a regime named by its pure ones, is no boundary
    return tuple(b for b in merged if b.below != b.above or (b.at and b.at != b.below))


def _inside_ends(
    spec: SweepSpec, name: str, a: float, b: float, ca: int, cb: int, first: bool, last: bool
) -> tuple[tuple[float, int], tuple[float, int]]:
    """The ends of a grid interval to bisect between and their regimes, ((a, ca), (b, cb)),
    except where a is the first grid point or b the last and that point's regime holds there
    alone (a player exactly indifferent at the end of the range): then the regime just
    inside (a bisection width in) stands for it. Such a regime is no boundary inside the
    range — on the far side of the end there is no grid — and bisecting towards it put a
    boundary a hair from the end whose regime 'above' held at the end point only."""
    width = 1e-7 * max(1.0, abs(a), abs(b))
    named = lambda c: regime_label(c, spec.outcome_names)  # noqa: E731
    if b - a > 2 * width:
        if last:
            inner = _regime_at(spec, name, b - width)
            if named(inner) != named(cb):
                b, cb = b - width, inner
        if first:
            inner = _regime_at(spec, name, a + width)
            if named(inner) != named(ca):
                a, ca = a + width, inner
    return (a, ca), (b, cb)


def _changes_between(spec: SweepSpec, name: str, a: float, b: float, ca: int, cb: int, depth: int = 0):
    """[(value, regime below, regime above)]: where the regime changes between grid points a
    and b (regimes ca at a, cb at b), bisected.

    The regime at a grid point may hold there alone (a tie exactly at it), and another may
    lie between the points, unseen by the grid: the change away from ca and the change into
    cb are bisected separately, and what lies between them is searched in turn: the interval
    is split where the regime between them was solved, and each half searched the same way
    (each half knows the regimes at both its ends; searching between the two changes as if
    that middle regime held at both lost a third regime there: '(S01, S11) only' up to about
    1.38, then '... only + mixed' up to √2, reported as one change at √2)."""
    named = lambda c: regime_label(c, spec.outcome_names)  # noqa: E731
    if named(ca) == named(cb):
        return []
    leave = _bisect(spec, name, a, b, ca)
    enter = _bisect(spec, name, a, b, cb, from_b=True)
    width = 1e-6 * max(1.0, abs(a), abs(b))
    if enter - leave <= width or depth >= 3:
        return [(leave, ca, cb)]
    mid = (leave + enter) / 2
    middle = _regime_at(spec, name, mid)
    return (_changes_between(spec, name, a, mid, ca, middle, depth + 1)
            + _changes_between(spec, name, mid, b, middle, cb, depth + 1))


def _merge_point_regimes(found: list[Boundary], axis: Axis) -> tuple[Boundary, ...]:
    """One boundary at a grid point whose regime holds there alone (a tie exactly at the
    point), instead of two bisected within a hair of it on either side.

    Bisection stops at a relative width of 1e-7; two boundaries that close to the same grid
    point, the first's regime above being the second's below, are that point's own regime:
    the boundary is the grid point, with that regime exactly at it."""
    out: list[Boundary] = []
    k = 0
    while k < len(found):
        first = found[k]
        if k + 1 < len(found):
            second = found[k + 1]
            point = first.bracket[1] if first.bracket else None
            width = 2e-7 * max(1.0, abs(point or 0.0))
            if (point is not None and second.bracket and second.bracket[0] == point
                    and first.above == second.below and abs(first.value - point) <= width
                    and abs(second.value - point) <= width):
                out.append(Boundary(axis.name, point, first.below, second.above, first.above, False, (),
                                    (first.bracket[0], second.bracket[1])))
                k += 2
                continue
        out.append(first)
        k += 1
    return tuple(out)


def _deviation_roots(spec: SweepSpec, name: str, lo: float, hi: float) -> list[tuple[float, tuple[str, ...]]]:
    """Values in (lo, hi) where some player's gain from some deviation at some profile is 0.

    With payoffs affine in the parameter every such gain is affine, and the pure equilibria
    can change only there: the exact boundaries of a pure-equilibrium sweep."""
    ends = bimatrices(spec, {**{a.name: np.array([lo, hi]) for a in spec.axes}})
    found: list[float] = []
    for i, a in enumerate(ends):
        own = np.moveaxis(np.asarray(a), i + 1, -1)  # (2, ..., own strategies)
        gain = own[..., None, :] - own[..., :, None]  # [..., s, k]: switching from s to k
        g0, g1 = gain[0].ravel(), gain[1].ravel()
        slope = (g1 - g0) / (hi - lo)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = lo - g0 / slope
        keep = (slope != 0) & np.isfinite(r) & (r > lo) & (r < hi)
        found += r[keep].tolist()
    # one root for the same crossing computed from several gains (a rounding apart), kept
    # at full precision: rounding to a number of decimals lost a parameter of order 1e-9
    # (1e-9 / 3 became 3.33e-10, and the regime 'at' it was solved off the tie)
    roots: list[float] = []
    for r in sorted(found):
        if not roots or r - roots[-1] > 1e-12 * max(abs(r), abs(roots[-1]), hi - lo):
            roots.append(r)
    return [(r, ()) for r in roots]


def _is_affine(spec: SweepSpec, name: str) -> bool:
    """Are the payoffs affine in this parameter? Read off the model file's formulas
    (`games.model.symbolic`; the default model's for its scenarios)."""
    from games.model.symbolic import affine_in

    return affine_in(_default_model() if spec.model is None else spec.model, name)


def _bisect(spec: SweepSpec, name: str, a: float, b: float, code: int, from_b: bool = False) -> float:
    """Where the regime first differs from code between a and b, coming from a (code is the
    regime at a); with from_b, coming from b (code is the regime at b: where it begins).

    Stops at a relative width of 1e-7: closer to a boundary the game is so nearly
    degenerate that floating-point ties, not the model, would decide the regime.
    Regimes are compared as they are named (`regime_label`): a mixed equilibrium that the
    solver merges into a pure one a hair from the boundary, inside a regime named by its
    pure equilibria, is no change.
    """
    from games.errors import SolverError

    width = 1e-7 * max(1.0, abs(a), abs(b))
    target = regime_label(code, spec.outcome_names)
    while b - a > width:
        mid = (a + b) / 2
        try:
            same = regime_label(_regime_at(spec, name, mid), spec.outcome_names) == target
        except SolverError:
            break
        if same != from_b:
            a = mid
        else:
            b = mid
    return (a + b) / 2


def bilinear_incentives(spec: SweepSpec) -> np.ndarray | None:
    """(4, 4) array: for each incentive, (c₀, c₁, c₂, c₃) of c₀ + c₁·a + c₂·b + c₃·a·b.

    From the games at the four corners a, b ∈ {0, 1}; checked at the grid's centre (None if
    an incentive were not bilinear there, which the model's payoffs rule out).
    """
    from games.sweeps import batch_2x2

    (a, b) = spec.axes
    centre = (float(a.values.mean()), float(b.values.mean()))
    pts = {a.name: np.array([0.0, 0.0, 1.0, 1.0, centre[0]]), b.name: np.array([0.0, 1.0, 0.0, 1.0, centre[1]])}
    A, B = bimatrices(spec, pts)
    g = -np.stack(batch_2x2.incentives(A, B))  # (4 incentives, 5 points): gains from opening
    c = np.stack([g[:, 0], g[:, 2] - g[:, 0], g[:, 1] - g[:, 0], g[:, 3] - g[:, 2] - g[:, 1] + g[:, 0]], axis=1)
    at_centre = c[:, 0] + c[:, 1] * centre[0] + c[:, 2] * centre[1] + c[:, 3] * centre[0] * centre[1]
    scale = max(1.0, float(np.abs(g).max()), float(np.abs(c).max()) * max(1.0, abs(centre[0])) * max(1.0, abs(centre[1])))
    if not np.allclose(at_centre, g[:, 4], rtol=0, atol=1e-9 * scale):
        return None
    return c


def _zero_points(c: np.ndarray, a: Axis, b: Axis, n: int = 64) -> np.ndarray:
    """Points (a, b) of the zero set of c₀ + c₁a + c₂b + c₃ab inside the grid's rectangle."""
    mid = (np.arange(n) + 0.5) / n  # interior sample positions: the grid's edges may be degenerate
    bs = b.values[0] + mid * (b.values[-1] - b.values[0])
    as_ = a.values[0] + mid * (a.values[-1] - a.values[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        on_a = -(c[0] + c[2] * bs) / (c[1] + c[3] * bs)  # a as a function of b
        on_b = -(c[0] + c[1] * as_) / (c[2] + c[3] * as_)  # b as a function of a
    pts = np.concatenate([np.stack([on_a, bs], 1), np.stack([as_, on_b], 1)])
    return pts[_in_rectangle(pts, a, b, pad=1e-12)]


def _in_rectangle(pts: np.ndarray, a: Axis, b: Axis, pad: float = 0.0) -> np.ndarray:
    """Which points (a, b) lie in the grid's rectangle (widened by pad, relative to the values)."""
    alo, ahi, blo, bhi = float(a.values[0]), float(a.values[-1]), float(b.values[0]), float(b.values[-1])
    pa, pb = pad * max(1.0, abs(alo), abs(ahi)), pad * max(1.0, abs(blo), abs(bhi))
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(pts).all(axis=1)
            & (pts[:, 0] >= alo - pa) & (pts[:, 0] <= ahi + pa)
            & (pts[:, 1] >= blo - pb) & (pts[:, 1] <= bhi + pb)
        )


def boundary_curves(spec: SweepSpec) -> tuple[BoundaryCurve, ...]:
    """Exact regime boundaries of a two-parameter 2×2 grid: the incentives' zero sets that separate regimes.

    For each incentive, points of its zero set inside the grid are taken, and the regime is
    solved just off the curve on both sides (a step of 1e-6 of the grid's extent along the
    gradient); the curve is a boundary if the two sides differ somewhere.
    """
    if not spec.closed_form or not spec.is_grid or len(spec.axes) != 2 or min(spec.shape) < 2:
        return ()
    if not all(_is_affine(spec, a.name) for a in spec.axes):
        return ()
    coeffs = bilinear_incentives(spec)
    if coeffs is None:
        return ()
    a, b = spec.axes
    span = np.array([float(np.ptp(a.values)), float(np.ptp(b.values))])
    out = []
    for name, c in zip(INCENTIVE_NAMES, coeffs):
        pts = _zero_points(c, a, b)
        if len(pts) == 0:
            continue
        grad = np.stack([c[1] + c[3] * pts[:, 1], c[2] + c[3] * pts[:, 0]], axis=1) * span  # in grid units
        norm = np.linalg.norm(grad, axis=1)
        keep = norm > 0
        pts, step = pts[keep], (grad[keep] / norm[keep, None]) * span * 1e-6
        if len(pts) == 0:
            continue
        lo_pt, hi_pt = pts - step, pts + step
        inside = _in_rectangle(lo_pt, a, b) & _in_rectangle(hi_pt, a, b)  # a curve along an edge has no outside
        if not inside.any():
            continue
        pts, lo_pt, hi_pt = pts[inside], lo_pt[inside], hi_pt[inside]
        off = np.concatenate([lo_pt, hi_pt])  # negative side first, then positive side
        probe = SweepSpec(spec.base, spec.form, spec.levels, samples={a.name: off[:, 0], b.name: off[:, 1]}, model=spec.model)
        codes = _block_task((probe, 0, len(off), False))[1]
        neg, pos = codes[: len(pts)], codes[len(pts) :]
        label = lambda c: regime_label(int(c), spec.outcome_names)
        sides = sorted({(label(x), label(y)) for x, y in zip(neg, pos) if label(x) != label(y)})
        if sides:
            out.append(BoundaryCurve(name, (a.name, b.name), tuple(float(v) for v in c), _equation(c, a.name, b.name), tuple(sides)))
    return tuple(out)


def curves_solvable(spec: SweepSpec) -> bool:
    """Can `boundary_curves` solve this two-parameter grid's boundaries? Only when the
    payoffs are affine in each varied parameter (so every 2×2 incentive is bilinear);
    otherwise its empty answer says nothing about where the regime changes."""
    return len(spec.axes) == 2 and all(_is_affine(spec, a.name) for a in spec.axes)


def _equation(c: np.ndarray, a: str, b: str) -> str:
    """The zero set of c₀ + c₁a + c₂b + c₃ab written for reading, e.g. 're_dependence = 0.5·hawk_cost − 2'."""
    c0, c1, c2, c3 = (float(v) for v in c)
    tiny = 1e-12 * max(1.0, abs(c0), abs(c1), abs(c2), abs(c3))
    if abs(c3) <= tiny:
        if abs(c1) > tiny:
            return f"{a} = {_affine(-c0 / c1, -c2 / c1, b)}"
        if abs(c2) > tiny:
            return f"{b} = {_g(-c0 / c2)}"
        return f"{a}, {b}: none"
    if abs(c0 * c3 - c1 * c2) <= 1e-12 * max(abs(c0 * c3), abs(c1 * c2), tiny * tiny):
        # c₀ + c₁a + c₂b + c₃ab = c₃(a + c₂/c₃)(b + c₁/c₃): two lines, not a hyperbola
        # (written as one, 't = 3·u / u' or 't = 0 / (u − 2)')
        return f"{a} = {_g(-c2 / c3)} or {b} = {_g(-c1 / c3)}"
    sign = -1.0 if c3 < 0 else 1.0  # a positive coefficient of b in the denominator
    num, den = _affine(-sign * c0, -sign * c2, b), _affine(sign * c1, sign * c3, b)
    # a sum needs brackets; so does a product below the line ('1 / 2·u' would read as u / 2)
    top = f"({num})" if " " in num else num
    bottom = f"({den})" if " " in den or "·" in den else den
    return f"{a} = {top} / {bottom}"


def _affine(k: float, m: float, var: str) -> str:
    """'k + m·var' with tidy signs: '0.5·hawk_cost − 2', '3', '−hawk_cost'."""
    if abs(m) < 1e-15:
        return _g(k)
    slope = "" if abs(abs(m) - 1) < 1e-15 else f"{_g(abs(m))}·"
    head = f"{'−' if m < 0 else ''}{slope}{var}"
    if abs(k) < 1e-15:
        return head
    return f"{head} {'−' if k < 0 else '+'} {_g(abs(k))}"


# ---------------------------------------------------------------- compact per-point description
def describe(x: np.ndarray, y: np.ndarray, payoffs: np.ndarray, grid: np.ndarray, labels=None) -> str:
    """One equilibrium in a few words, e.g. ``deal (3, 4)`` or ``mixed US 0.4 / China 0.6 (1.2, 0.5)``.

    With ``labels`` (a model file's strategies): ``(Hold, Escalate) (-4, 4)`` or ``mixed (-1.6, -1.6)``."""
    pay = f"({_g(payoffs[0])}, {_g(payoffs[1])})"
    pure = x.max() > 1 - 1e-12 and y.max() > 1 - 1e-12
    if labels is not None:
        return f"({labels[0][int(np.argmax(x))]}, {labels[1][int(np.argmax(y))]}) {pay}" if pure else f"mixed {pay}"
    if not pure:
        return f"mixed US {_g(float(x @ grid))} / China {_g(float(y @ grid))} {pay}"
    xo, yo = grid[int(np.argmax(x))], grid[int(np.argmax(y))]
    name = pure_outcome_words().get((float(xo), float(yo)), f"partial US {_g(xo)} / China {_g(yo)}")
    return f"{name} {pay}"


def _g(v: float) -> str:
    v = float(v)
    return "0" if abs(v) < 1e-12 else f"{v:.6g}"


def point_rows(result: SweepResult, start: int, stop: int) -> Iterator[tuple[dict[str, float], str, list[dict]]]:
    """(parameter values, regime, equilibria) for points start..stop-1.

    Equilibria come from the kept ones if the sweep kept them, else the block is re-solved
    (cheap for 2×2). Each equilibrium: outcome text, pure flag, profile, payoffs.
    """
    spec = result.spec
    grid = spec.strategy_levels()
    values = spec.values(start, stop)
    if len(spec.game_shape) > 2:
        yield from _pure_rows(result, start, stop, values)
        return
    if result.equilibria is not None:
        eq = result.equilibria
        lo, hi = np.searchsorted(eq.game, [start, stop])
        flat = FlatEquilibria(eq.game[lo:hi] - start, eq.x[lo:hi], eq.y[lo:hi], eq.payoffs[lo:hi])
    else:
        flat = solve_block(spec, start, stop)
    bounds = np.searchsorted(flat.game, np.arange(stop - start + 1))
    labels = spec.labels()
    for i in range(stop - start):
        vals = {k: float(v[i]) for k, v in values.items()}
        eqs = []
        for e in range(bounds[i], bounds[i + 1]):
            x, y, u = flat.x[e], flat.y[e], flat.payoffs[e]
            eqs.append({
                "outcome": describe(x, y, u, grid, labels),
                "pure": bool(x.max() > 1 - 1e-12 and y.max() > 1 - 1e-12),
                "profile": [[float(v) for v in x], [float(v) for v in y]],
                "payoffs": [float(u[0]), float(u[1])],
            })
        yield vals, regime_label(int(result.codes[start + i]), spec.outcome_names), eqs
