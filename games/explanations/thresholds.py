"""Parameter thresholds: where each equilibrium of a model's game starts or stops.

For an equilibrium of the simultaneous or graded game and one parameter, holding every
other parameter fixed: the interval of values (within the parameter's valid range) over
which it stays an equilibrium, the value at each end, and which condition breaks there —
which player would switch, to what, against what.

*Pure equilibria — exact.* Where a payoff is affine in the parameter (every payoff of the
default, trade model is affine in each single parameter), each deviation gain
``d(θ) = u_i(switch) − u_i(stay)`` is affine: it is computed at the two ends of the range
and its zero solved for — in exact fractions (the cells a condition reads, evaluated from the
model's formulas), so a root at the end of the range is that end, not a rounded value just
inside it. (For a scenario of the default model this is checked at the midpoint, for another
model file read off its formulas (`games.model.symbolic`); if a payoff is not affine the
same interval is found by the numerical search below instead, and the result says so.) The profile is an equilibrium
where every ``d(θ) ≤ 0``, an intersection of half-lines: one interval.

*Mixed equilibria — numerical.* A mixed equilibrium moves as the parameter moves; what
persists is its *support*. The interval reported is where an equilibrium with the same
supports exists, found by solving the support's indifference equations: scanning outward
from the current value in steps of 1/64 of the range, then bisecting the first failure to
1e-12 of the range. At the end, either a probability reaches zero (the mix collapses
towards a pure strategy) or a strategy outside the support becomes a better reply.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from games.model.parameters import game_parameters, validated
from games.explanations.wording import who as _who


def _default_model():
    from games.model.catalog import default_model

    return default_model()


def labels(model=None) -> dict[str, str]:
    """Short names of a model's game parameters for sentences ("stays above 3.2 (now 6)"),
    from the file's ``label`` keys (the default model's when model is None)."""
    model = _default_model() if model is None else model
    return {name: model.parameters[name].label for name in game_parameters(model) if model.parameters[name].label}


def outcome_names(model=None) -> dict[tuple[int, ...], str]:
    """Plain names of the simultaneous game's pure outcomes, from the file's ``[outcomes]``."""
    return dict((_default_model() if model is None else model).outcomes)


def __getattr__(name: str):
    """``LABELS`` and ``OUTCOME_NAMES``: the default model's (`labels`, `outcome_names`)."""
    if name == "LABELS":
        return labels()
    if name == "OUTCOME_NAMES":
        return outcome_names()
    raise AttributeError(f"module 'games.explanations.thresholds' has no attribute {name!r}")

SCAN_STEPS = 64
BISECTIONS = 45


@dataclass(frozen=True)
class Breach:
    """The condition that fails just beyond a threshold: who would switch, to what."""

    player: str
    plays: str
    switch_to: str
    against: str  # the others' strategies at the profile, e.g. "China plays Supply"
    whatever: bool  # beyond the threshold the switch pays more whatever the others do
    sentence: str


@dataclass(frozen=True)
class Threshold:
    """Where one equilibrium holds as one parameter varies, the others fixed."""

    parameter: str
    label: str
    current: float
    low: float  # holds for values in [low, high]
    high: float
    valid_range: tuple[float, float]
    below: Breach | None  # what breaks just below low (None: holds down to the range's minimum)
    above: Breach | None
    exact: bool
    whole_range: bool
    sentence: str
    #: other intervals (low, high) of the range where it holds again, beyond the one around
    #: the current value (numerical thresholds only: a non-affine payoff can come back)
    again: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class EquilibriumThresholds:
    """All parameters' thresholds for one equilibrium of the solution."""

    equilibrium: int  # index in the solution's equilibria
    label: str
    pure: bool
    method: str
    thresholds: tuple[Threshold, ...]  # parameters with a threshold inside the range
    whole_range: tuple[str, ...]  # parameters over whose whole range it holds
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """Values of one parameter (others fixed) that would make a profile an equilibrium."""

    parameter: str
    label: str
    current: float
    low: float
    high: float
    sentence: str


@dataclass(frozen=True)
class ProfileThresholds:
    """For a pure profile that is not an equilibrium: single-parameter changes that would make it one."""

    label: str
    indices: tuple[int, ...]
    windows: tuple[Window, ...]  # the whole profile becomes an equilibrium
    player_fixes: dict[str, tuple[Window, ...]]  # player -> changes that remove its wish to switch
    sentences: tuple[str, ...]

    def to_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------- games as functions of θ
def build(params: Mapping[str, float], form: str, levels: int = 5, model=None):
    """The game of the given form at these parameter values: the model file's when `model`
    (a `games.model.spec.Model`) is given, else the default model's on its level path
    (`games.model.level_game`, the path its scenarios take)."""
    from games.model import level_game

    if model is not None:
        from games.model.evaluate import build_game

        return build_game(model, params, form, levels)
    if form == "simultaneous":
        return level_game.simultaneous_level_game(_default_model(), validated(dict(params)))
    if form == "graded":
        return level_game.graded_level_game(_default_model(), validated(dict(params)), levels)
    from games.errors import InputError

    raise InputError(f"option --game: thresholds need simultaneous or graded, got '{form}'")


@dataclass(frozen=True)
class _Line:
    """Payoff arrays as a function of one parameter: at(θ) = base + slope·(θ − low)."""

    game: object
    base: tuple[np.ndarray, ...]
    slope: tuple[np.ndarray, ...]
    low: float
    high: float
    affine: bool
    rebuild: Callable[[float], tuple[np.ndarray, ...]]
    current: float
    model: object = None  # the model file, None for the default model's scenarios
    #: for payoffs affine in θ: their cells in Fractions (`_ExactCells`), so the thresholds
    #: are the exact roots (correctly rounded), not roots of rounded numbers
    exact: object = None

    def at(self, theta: float) -> tuple[np.ndarray, ...]:
        if self.affine:
            return tuple(b + s * (theta - self.low) for b, s in zip(self.base, self.slope))
        return self.rebuild(theta)


def line(params: Mapping[str, float], form: str, levels: int, name: str, model=None) -> _Line:
    par = _parameters(model)[name]
    base_params = _validated(params, model)

    def arrays(theta: float) -> tuple[np.ndarray, ...]:
        p = dict(base_params)
        p[name] = float(theta)
        if model is not None:
            from games.errors import InputError

            try:
                return tuple(np.asarray(a, dtype=float) for a in build(p, form, levels, model).payoffs)
            except InputError:  # a formula not finite at this value (1/b at b = 0): no equilibrium here
                shape = tuple(len(pl.strategies) for pl in model.players) if form == "simultaneous" else None
                game = build(base_params, form, levels, model)
                return tuple(np.full(game.shape if shape is None else shape, np.nan) for _ in game.players)
        return tuple(np.asarray(a, dtype=float) for a in build(p, form, levels, model).payoffs)

    lo, hi = float(par.low), float(par.high)
    g0, g1, gm = arrays(lo), arrays(hi), arrays((lo + hi) / 2)
    slope = tuple((b - a) / (hi - lo) for a, b in zip(g0, g1))
    exact = None
    if model is not None:  # a model file: read affinity off the formulas, symbolically
        from games.model.symbolic import affine_in

        affine = affine_in(model, name)
        if affine and any(np.any(sl != 0) for sl in slope):  # a parameter that moves some payoff
            exact = _exact_line(model, base_params, form, levels, name, lo, hi)
    else:
        scale = max(1.0, max(float(np.max(np.abs(a))) for a in g0 + g1))
        affine = all(np.allclose(m, (a + b) / 2, rtol=0, atol=1e-9 * scale) for a, b, m in zip(g0, g1, gm))
        if affine and any(np.any(sl != 0) for sl in slope):  # exact roots, as for a model file:
            # a root rounded in floats can fall just inside the range when the exact one is
            # its end, reporting a threshold no valid value crosses ("stays below 20")
            from games.model.symbolic import affine_in

            if affine_in(_default_model(), name):
                exact = _exact_line(_default_model(), base_params, form, levels, name, lo, hi)
    return _Line(
        build(base_params, form, levels, model), g0, slope, lo, hi, affine, arrays, base_params[name], model, exact,
    )


class _ExactCells:
    """A model's payoffs as affine functions of θ in exact fractions, one profile at a time.

    Evaluated only at the profiles a threshold's conditions read (a profile and its
    one-player deviations), and kept: a graded game's whole table in fractions would cost
    seconds, its few cells near an equilibrium almost nothing."""

    def __init__(self, model, params, form, levels, name, lo, hi):
        from games.model.evaluate import axes, to_exact

        self.model, self.ax = model, axes(model, form, levels)
        env = {k: to_exact(v) for k, v in model.validated(dict(params)).items()}
        self.env_lo, self.env_hi = {**env, name: to_exact(lo)}, {**env, name: to_exact(hi)}
        self.width = to_exact(hi) - to_exact(lo)
        self.cells: dict[tuple[int, ...], tuple | None] = {}

    def cell(self, index: tuple[int, ...]):
        """Each player's (payoff at the range's low end, slope) at one profile; None if a
        formula has no exact value there."""
        if index not in self.cells:
            from fractions import Fraction

            from games.model import formula as fm
            from games.model.evaluate import exact_terms

            try:
                lo = [sum(r.values(), Fraction(0)) for r in exact_terms(self.model, self.env_lo, self.ax, index)]
                hi = [sum(r.values(), Fraction(0)) for r in exact_terms(self.model, self.env_hi, self.ax, index)]
                self.cells[index] = tuple((a, (b - a) / self.width) for a, b in zip(lo, hi))
            except (fm.NotExact, ZeroDivisionError):
                self.cells[index] = None
        return self.cells[index]

    def gain(self, profile, i: int, k: int):
        """Player i's gain from switching to k at the profile: (value at low end, slope), exact."""
        dev = list(profile)
        dev[i] = k
        here, there = self.cell(tuple(profile)), self.cell(tuple(dev))
        if here is None or there is None:
            return None
        return there[i][0] - here[i][0], there[i][1] - here[i][1]


def _exact_line(model, params, form, levels, name, lo, hi):
    """The lazily evaluated exact payoffs of a model in θ (`_ExactCells`)."""
    return _ExactCells(model, params, form, levels, name, lo, hi)


def _parameters(model=None):
    """The parameter table: the default model's game parameters, or a model file's."""
    return game_parameters() if model is None else model.parameters


def _validated(params: Mapping[str, float], model=None) -> dict[str, float]:
    return validated(dict(params)) if model is None else model.validated(dict(params))


def _what(name: str, model=None) -> str:
    """A parameter's short name for sentences, or '' when it has none beyond its own name."""
    if model is None:
        return labels().get(name, name)
    return model.parameters[name].label if name in model.parameters else ""


def _named(name: str, model=None) -> str:
    """'the cost of escalation to the US (escalation_cost_us)', or just 'war' in a model without labels."""
    what = _what(name, model)
    if model is None:
        return f"{what} ({name})"
    return f"{what} ({name})" if what and what != name else name


# ----------------------------------------------------------------- pure profiles
def _conditions(game, profile: Sequence[int], players: Sequence[int] | None = None):
    """(player, alternative) pairs whose deviation gain must stay ≤ 0 at the profile."""
    players = range(game.n_players) if players is None else players
    return [(i, k) for i in players for k in range(game.shape[i]) if k != profile[i]]


def _gain(arrays, profile, i: int, k: int) -> float:
    dev = list(profile)
    dev[i] = k
    return float(arrays[i][tuple(dev)] - arrays[i][tuple(profile)])


def pure_interval(ln: _Line, profile: Sequence[int], tol: float, players=None):
    """(low, high, condition at low, condition at high) where the profile is an equilibrium.

    Returns None if it is an equilibrium for no value in the range. The conditions are the
    (player, alternative) pairs that bind at each end (None at an end of the range).
    """
    conds = _conditions(ln.game, profile, players)
    if not ln.affine:
        return _numeric_pure_interval(ln, profile, tol, players)
    low, high = ln.low, ln.high
    c_low = c_high = None
    for i, k in conds:
        a = _gain(ln.base, profile, i, k)
        b = _gain(ln.slope, profile, i, k)
        if abs(b) * (ln.high - ln.low) <= tol:
            if a > tol:
                return None
            continue
        root = ln.low - a / b  # where the gain is exactly zero
        exact = ln.exact.gain(profile, i, k) if ln.exact is not None else None
        if exact is not None:  # the same root in exact arithmetic
            from fractions import Fraction

            ea, eb = exact
            if eb != 0:
                root = float(Fraction(repr(ln.low)) - ea / eb)
        if b > 0 and root < high:
            high, c_high = root, (i, k)
        elif b < 0 and root > low:
            low, c_low = root, (i, k)
    if low > high:
        return None
    return low, high, c_low, c_high


def affects(ln: _Line) -> bool:
    """Does the parameter change any payoff of the game at all?"""
    return any(np.any(s != 0) for s in ln.slope) or not ln.affine


def _holds(arrays, profile, conds, tol) -> bool:
    return all(_gain(arrays, profile, i, k) <= tol for i, k in conds)


def _numeric_pure_interval(ln: _Line, profile, tol, players):
    """Fallback for payoffs that are not affine: scan and bisect around the current value.

    Where the profile fails at the current value, the window nearest to it is searched for
    on the same grid (a parameter inside a square can make it hold for values on both sides)."""
    conds = _conditions(ln.game, profile, players)
    pred = lambda t: _holds(ln.at(t), profile, conds, tol)
    current = _current(ln)
    width = ln.high - ln.low
    if pred(current):
        low = _edge(pred, current, ln.low, -1.0, width)
        high = _edge(pred, current, ln.high, +1.0, width)
    else:
        near = [(w, abs(w[0] - current)) for w in _holds_again(pred, current, ln.high, width)[:1]]
        near += [(w, abs(current - w[1])) for w in _holds_again(pred, current, ln.low, width)[:1]]
        if not near:
            return None
        low, high = min(near, key=lambda wd: wd[1])[0]
    beyond = lambda t: min((c for c in conds if _gain(ln.at(t), profile, *c) > tol), default=None)
    c_low = beyond(low - 1e-7 * width) if low > ln.low else None
    c_high = beyond(high + 1e-7 * width) if high < ln.high else None
    return low, high, c_low, c_high


def _holds_again(pred, start: float, end: float, width: float) -> list[tuple[float, float]]:
    """Intervals between start (where pred fails) and end where pred holds, nearest first:
    a scan in steps of 1/SCAN_STEPS of the range, each edge bisected. A window narrower
    than a step can be missed: the search is numerical."""
    direction = 1.0 if end > start else -1.0
    step = width / SCAN_STEPS
    out: list[tuple[float, float]] = []
    prev, prev_ok, opened = start, False, start
    t = start
    while (end - t) * direction > 0:
        t = min(t + step, end) if direction > 0 else max(t - step, end)
        ok = pred(t)
        if ok and not prev_ok:
            opened = _boundary(pred, t, prev)
        elif prev_ok and not ok:
            closed = _boundary(pred, prev, t)
            out.append((min(opened, closed), max(opened, closed)))
        prev, prev_ok = t, ok
    if prev_ok:
        out.append((min(opened, end), max(opened, end)))
    return out


def _boundary(pred, inside: float, outside: float) -> float:
    """The last value from `inside` (pred holds) towards `outside` (it fails) where it holds."""
    for _ in range(BISECTIONS):
        mid = (inside + outside) / 2
        if pred(mid):
            inside = mid
        else:
            outside = mid
    return inside


def _again(pred, ln: _Line, low: float, high: float) -> tuple[tuple[float, float], ...]:
    """Numerical thresholds: the other intervals of the range where it holds (not only the
    one around the current value), so "above it, ... would rather" is not read as "for
    every value above it"."""
    width = ln.high - ln.low
    step = 1e-7 * width
    out = []
    if high < ln.high:
        out += _holds_again(pred, min(ln.high, high + step), ln.high, width)
    if low > ln.low:
        out += _holds_again(pred, max(ln.low, low - step), ln.low, width)
    return tuple(sorted(out))


def _current(ln: _Line) -> float:
    """The parameter value the line's base game was built at."""
    return float(ln.current)


def _breach(game, arrays_beyond, profile, cond, tol) -> Breach:
    i, k = cond
    others = [j for j in range(game.n_players) if j != i]
    against = " and ".join(f"{_who(game.players[j])} plays {game.strategies[j][profile[j]]}" for j in others)
    # does k beat the profile's strategy against every strategy of the others?
    own = np.moveaxis(arrays_beyond[i], i, 0)
    whatever = bool(np.all(own[k] - own[profile[i]] > 0))
    plays, switch = game.strategies[i][profile[i]], game.strategies[i][k]
    tail = (
        f", whatever {_others_phrase(game, i)}" if whatever else f" when {against}"
    )
    sentence = f"{_who(game.players[i])} would rather play {switch} than {plays}{tail}"
    return Breach(game.players[i], plays, switch, against, whatever, sentence)


def _others_phrase(game, i: int) -> str:
    if game.n_players == 2:
        return f"{_who(game.players[1 - i])} does"
    return "the others do"


def n(v: float) -> str:
    """Threshold values for sentences: exact when up to 6 significant digits say it (7.125),
    else 3 significant digits (0.417), so a value that is short stays exact; from 1 up, at
    least to the hundredth (26.98, not 27, which would read as exact; 1234.57, not 1.23e+03)."""
    if abs(v) < 5e-13:
        return "0"
    for digits in range(3, 7):
        text = f"{v:.{digits}g}"
        if abs(float(text) - v) <= 1e-9 * max(1.0, abs(v)):
            return text
    text = f"{v:.3g}"
    if abs(v) >= 1 and ("e" in text or "." not in text):
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text


def outcome_label(game, form: str, profile: Sequence[int], model=None) -> str:
    label = "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(profile)) + ")"
    if model is not None:  # a model file names its outcomes in [outcomes]
        name = model.outcomes.get(tuple(profile)) if form == "simultaneous" else None
        return f"{name} {label}" if name else label
    names = outcome_names()
    if form == "simultaneous" and tuple(profile) in names:
        return f"{names[tuple(profile)]} {label}"
    return label


def _pure_threshold(ln, name, current, profile, label, tol) -> Threshold | None:
    res = pure_interval(ln, profile, tol)
    if res is None:  # cannot happen for a verified equilibrium; be safe
        return None
    low, high, c_low, c_high = res
    low, high = min(low, current), max(high, current)
    step = 1e-7 * (ln.high - ln.low)
    below = _breach(ln.game, ln.at(max(ln.low, low - step)), profile, c_low, tol) if c_low else None
    above = _breach(ln.game, ln.at(min(ln.high, high + step)), profile, c_high, tol) if c_high else None
    again: tuple[tuple[float, float], ...] = ()
    if not ln.affine:  # exact roots of affine gains leave one interval; a curve may come back
        conds = _conditions(ln.game, profile)
        again = _again(lambda t: _holds(ln.at(t), profile, conds, tol), ln, low, high)
    return _threshold(name, current, low, high, ln, below, above, ln.affine, label, "holds", again)


def _threshold(name, current, low, high, ln, below, above, exact, label, verb, again=()) -> Threshold:
    what = _what(name, ln.model) or name
    named = _named(name, ln.model)
    whole = below is None and above is None
    cap_label = label[:1].upper() + label[1:]
    if whole:
        sentence = f"{cap_label} {verb} over the whole range of {name} ({n(ln.low)}–{n(ln.high)})."
    elif below and above:
        sentence = (
            f"{cap_label} {verb} while {named} stays between {n(low)} and {n(high)} "
            f"(now {n(current)}); below {n(low)}, {below.sentence}; above {n(high)}, {above.sentence}."
        )
    elif below:
        sentence = (
            f"{cap_label} {verb} while {named} stays above {n(low)} (now {n(current)}); "
            f"below it, {below.sentence}."
        )
    else:
        sentence = (
            f"{cap_label} {verb} while {named} stays below {n(high)} (now {n(current)}); "
            f"above it, {above.sentence}."
        )
    if again:
        where = "; ".join(f"between {n(a)} and {n(b)}" if b > a else f"at {n(a)}" for a, b in again)
        sentence = sentence[:-1] + (
            f"; it {verb} again for {name} {where} (found numerically)."
        )
    return Threshold(
        parameter=name,
        label=what,
        current=float(current),
        low=float(low),
        high=float(high),
        valid_range=(ln.low, ln.high),
        below=below,
        above=above,
        exact=exact,
        whole_range=whole,
        sentence=sentence,
        again=tuple(again),
    )


# ----------------------------------------------------------------- mixed equilibria
def support_equilibrium(arrays, supports, tol: float):
    """The equilibrium with exactly these supports in a bimatrix game, or None.

    Solves the indifference equations (equal-size supports only) and checks that the
    probabilities are non-negative and no outside strategy does better.
    """
    A, B = arrays
    S1, S2 = supports
    if len(S1) != len(S2):
        return None
    y = _indifference_mix(A[np.ix_(S1, S2)])
    x = _indifference_mix(B[np.ix_(S1, S2)].T)
    if x is None or y is None or np.any(x < -1e-12) or np.any(y < -1e-12):
        return None
    X = np.zeros(A.shape[0]); X[list(S1)] = np.clip(x, 0, None)
    Y = np.zeros(A.shape[1]); Y[list(S2)] = np.clip(y, 0, None)
    from games.solvers.equilibrium import verify
    from games.forms.normal_form import NormalFormGame

    game = NormalFormGame("support check", ("1", "2"), (tuple(map(str, range(A.shape[0]))), tuple(map(str, range(A.shape[1])))), (A, B))
    eq = verify(game, [X, Y])
    return None if eq is None else (X, Y)


def _indifference_mix(M: np.ndarray):
    """Mixture z over columns making every row of M pay the same: M z = v·1, Σz = 1."""
    k = M.shape[0]
    system = np.zeros((k + 1, k + 1))
    system[:k, :k] = M
    system[:k, k] = -1.0
    system[k, :k] = 1.0
    rhs = np.zeros(k + 1)
    rhs[k] = 1.0
    try:
        sol = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        return None
    return sol[:k]


def _mixed_threshold(ln, name, current, supports, label, tol) -> Threshold:
    pred = lambda t: support_equilibrium(ln.at(t), supports, tol) is not None
    low = _edge(pred, current, ln.low, -1.0, ln.high - ln.low)
    high = _edge(pred, current, ln.high, +1.0, ln.high - ln.low)
    step = 1e-7 * (ln.high - ln.low)
    below = _mixed_breach(ln, low - step, supports, label) if low > ln.low else None
    above = _mixed_breach(ln, high + step, supports, label) if high < ln.high else None
    return _threshold(name, current, low, high, ln, below, above, False, label, "exists", _again(pred, ln, low, high))


def _edge(pred, start: float, end: float, direction: float, width: float) -> float:
    """Last value from start towards end where pred holds (scan, then bisect)."""
    inside = start
    step = width / SCAN_STEPS
    t = start
    while (end - t) * direction > 0:
        t_next = t + direction * step
        t_next = min(t_next, end) if direction > 0 else max(t_next, end)
        if not pred(t_next):
            return _boundary(pred, inside, t_next)
        inside = t = t_next
    return end


def _mixed_breach(ln, beyond: float, supports, label) -> Breach:
    """Why the support fails just beyond the edge: a probability turns negative or a reply outside pays more."""
    A, B = ln.at(beyond)
    game = ln.game
    S = [list(s) for s in supports]
    mixes = [_indifference_mix(B[np.ix_(S[0], S[1])].T), _indifference_mix(A[np.ix_(S[0], S[1])])]
    for j in range(2):  # j's probabilities pinned by the other's indifference
        z = mixes[j]
        if z is not None and np.any(z < 0):
            k = S[j][int(np.argmin(z))]
            i = 1 - j
            sentence = (
                f"no mix of {_who(game.players[j])}'s can keep {_who(game.players[i])} indifferent any more "
                f"(the probability of {game.strategies[j][k]} would have to fall below zero)"
            )
            return Breach(game.players[j], game.strategies[j][k], "", "", False, sentence)
    # otherwise a strategy outside the support became a better reply
    x = np.zeros(A.shape[0]); y = np.zeros(A.shape[1])
    if mixes[0] is not None:
        x[S[0]] = mixes[0]
    if mixes[1] is not None:
        y[S[1]] = mixes[1]
    values = [A @ y, B.T @ x]
    for i in range(2):
        inside = max(values[i][S[i]]) if S[i] else -np.inf
        k = int(np.argmax(values[i]))
        if k not in S[i] and values[i][k] > inside:
            sentence = (
                f"{_who(game.players[i])} would rather play {game.strategies[i][k]}, which is outside the mix"
            )
            return Breach(game.players[i], "", game.strategies[i][k], "", False, sentence)
    return Breach("", "", "", "", False, "the mixed equilibrium changes its support")


# ----------------------------------------------------------------- entry points
def equilibrium_thresholds(
    params: Mapping[str, float], form: str, levels: int, solution, model=None
) -> tuple[EquilibriumThresholds, ...]:
    """Thresholds of every equilibrium of `solution` (a solved trade-model game, or a game of
    the model file `model`) for every parameter."""
    params = _validated(params, model)
    tol = _tolerance(solution)
    lines = _lines(params, form, levels, model)
    out = []
    for k, eq in enumerate(solution.equilibria):
        game = solution.game
        if eq.is_pure:
            profile = tuple(int(np.argmax(p)) for p in eq.profile)
            label = outcome_label(game, form, profile, model)
            found = [_pure_threshold(lines[nm], nm, params[nm], profile, label, tol) for nm in lines]
            method = "exact: payoffs are affine in each parameter"
            if model is not None:
                bent = [nm for nm in lines if not lines[nm].affine]
                if bent:
                    method = (
                        "exact where a payoff is affine in the parameter; numerical (scan and bisection) for "
                        + ", ".join(bent)
                    )
        elif game.n_players == 2:
            supports = (eq.support(0), eq.support(1))
            label = "the mixed equilibrium"
            if len(supports[0]) != len(supports[1]):
                out.append(EquilibriumThresholds(k, label, False, "not computed", (), (), (
                    "Thresholds are not computed for this degenerate mixed equilibrium (supports of different sizes).",
                )))
                continue
            found = [_mixed_threshold(lines[nm], nm, params[nm], supports, label, tol) for nm in lines]
            method = "numerical: where an equilibrium mixing the same strategies exists"
        else:
            continue
        found = [t for t in found if t is not None]
        moving = tuple(t for t in found if not t.whole_range)
        whole = tuple(t.parameter for t in found if t.whole_range)
        sentences = [t.sentence for t in moving]
        if whole:
            verb = "holds" if eq.is_pure else "exists"
            sentences.append(
                f"{label[:1].upper() + label[1:]} {verb} over the whole valid range of "
                + ", ".join(whole) + "."
            )
        out.append(EquilibriumThresholds(k, label, eq.is_pure, method, moving, whole, tuple(sentences)))
    return tuple(out)


def _tolerance(solution) -> float:
    """The tie tolerance of threshold conditions: the solver's, but never looser than 1e-9 of
    the game's largest payoff, so a game in billionths is not all ties (the solver's floor of
    1e-8 made (Hold, Hold) 'an equilibrium for every war' where escalating gains 4e-9)."""
    scale = max((float(np.max(np.abs(a))) for a in solution.game.payoffs), default=0.0)
    return min(float(solution.tolerance), 1e-9 * scale)


def start_thresholds(params: Mapping[str, float], form: str, levels: int, solution, model=None) -> tuple[ProfileThresholds, ...]:
    """For each pure profile that is not an equilibrium: single-parameter changes that would make it one."""
    params = _validated(params, model)
    tol = _tolerance(solution)
    game = solution.game
    eq_profiles = {tuple(int(np.argmax(p)) for p in e.profile) for e in solution.equilibria if e.is_pure}
    lines = _lines(params, form, levels, model)
    out = []
    for profile in np.ndindex(*game.shape):
        profile = tuple(int(v) for v in profile)
        if profile in eq_profiles:
            continue
        label = outcome_label(game, form, profile, model)
        found = [(nm, ln, pure_interval(ln, profile, tol)) for nm, ln in lines.items()]
        windows = [_window(nm, params[nm], res[0], res[1], label, ln) for nm, ln, res in _reported(found)]
        fixes: dict[str, tuple[Window, ...]] = {}
        for i in range(game.n_players):
            if _holds(game.payoffs, profile, _conditions(game, profile, [i]), tol):
                continue  # this player is content already
            found = [(nm, ln, pure_interval(ln, profile, tol, players=[i])) for nm, ln in lines.items()]
            part = f"{_who(game.players[i])}'s part"
            fixes[game.players[i]] = tuple(
                _window(nm, params[nm], res[0], res[1], part, ln) for nm, ln, res in _reported(found)
            )
        cap_label = label[:1].upper() + label[1:]
        sentences = []
        if windows:  # one sentence per outcome: every parameter that would do it alone
            sentences.append(
                f"{cap_label} would become an equilibrium if "
                + "; or if ".join(_window_phrase(w, lines[w.parameter]) for w in windows) + "."
            )
        else:
            bare = "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(profile)) + ")"
            parts = []
            stuck = False  # a player no single parameter moves: "more than one change" is not known to do it
            for p, ws in fixes.items():
                who = _who(p)[:1].upper() + _who(p)[1:]
                if ws:
                    parts.append(
                        f"{who} would stop wanting to leave it if "
                        + ", or ".join(_fix_phrase(w, lines[w.parameter]) for w in ws) + "."
                    )
                elif any(_moves(ln, nm, profile, game.players.index(p)) for nm, ln in lines.items()):
                    parts.append(f"No single parameter removes {_who(p)}'s wish to leave it.")
                else:
                    parts.append(
                        f"No single parameter changes {_who(p)}'s gain from leaving it: "
                        "moved alone, none enters its payoffs here."
                    )
                    stuck = True
            bent = [nm for nm, ln in lines.items() if not ln.affine]
            caveat = (
                f" ({', '.join(bent)} searched numerically, in steps of 1/{SCAN_STEPS} of the range: "
                "a narrower window could be missed.)" if bent else ""
            )
            more = "." if stuck or len(lines) < 2 else "; it takes more than one change."
            sentences.append(
                f"No single parameter, moved alone within its range, makes {label} an equilibrium{more} "
                f"At {bare}: " + " ".join(parts) + caveat
            )
        out.append(ProfileThresholds(label, profile, tuple(windows), fixes, tuple(sentences)))
    return tuple(out)


def _lines(params, form, levels, model=None) -> dict[str, _Line]:
    """One line per parameter that changes this game's payoffs (others are left out)."""
    out = {}
    for name in _parameters(model):
        ln = line(params, form, levels, name, model)
        if affects(ln):
            out[name] = ln
    return out


def _moves(ln: _Line, name: str, profile, i: int) -> bool:
    """Does moving this parameter alone change any of player i's deviation gains at the profile?"""
    if not ln.affine:  # a curve: moved unless the parameter is absent from i's formulas
        if ln.model is None or len(ln.game.players) != len(ln.model.players):
            return True
        from games.model.symbolic import enters_payoff

        return enters_payoff(ln.model, name, i)
    return any(_gain(ln.slope, profile, i, k) != 0 for _, k in _conditions(ln.game, profile, [i]))


def _reported(found):
    """The (name, line, window) triples to report, of (name, line, pure_interval result):
    windows wider than rounding; and only when there are none, the single values where two
    conditions meet exactly (an equilibrium exactly there, from exact roots), so that "no
    single parameter" is never said when one value of one parameter would do."""
    wide = [(nm, ln, r) for nm, ln, r in found if r is not None and r[1] - r[0] > 1e-9 * (ln.high - ln.low)]
    if wide:
        return wide
    return [(nm, ln, r) for nm, ln, r in found if r is not None and ln.exact is not None and r[1] >= r[0]]


def _single(low: float, high: float, ln: _Line) -> bool:
    return high - low <= 1e-9 * (ln.high - ln.low)


def _window(name, current, low, high, label, ln) -> Window:
    what = _what(name, ln.model) or name
    if _single(low, high, ln):
        where = f"exactly {n(low)}"
    elif low <= ln.low and high >= ln.high:
        where = "anywhere in its range"
    elif low <= ln.low:
        where = f"below {n(high)}"
    elif high >= ln.high:
        where = f"above {n(low)}"
    else:
        where = f"between {n(low)} and {n(high)}"
    cap_label = label[:1].upper() + label[1:]
    sentence = f"{cap_label} would become an equilibrium if {_named(name, ln.model)} were {where} (now {n(current)})."
    return Window(name, what, float(current), float(low), float(high), sentence)


def _window_phrase(w: Window, ln: _Line) -> str:
    """'China's rare-earth revenue (re_revenue) were above 3.75 (now 2)'."""
    lo, hi = ln.low, ln.high
    if _single(w.low, w.high, ln):
        where = f"exactly {n(w.low)}"
    elif w.low <= lo and w.high >= hi:
        where = "anywhere in its range"
    elif w.low <= lo:
        where = f"below {n(w.high)}"
    elif w.high >= hi:
        where = f"above {n(w.low)}"
    else:
        where = f"between {n(w.low)} and {n(w.high)}"
    named = f"{w.label} ({w.parameter})" if ln.model is None or w.label != w.parameter else w.parameter
    return f"{named} were {where} (now {n(w.current)})"


def _fix_phrase(w: Window, ln: _Line) -> str:
    lo, hi = ln.low, ln.high
    if _single(w.low, w.high, ln):
        return f"{w.parameter} were exactly {n(w.low)} (now {n(w.current)})"
    if w.low <= lo:
        return f"{w.parameter} fell to {n(w.high)} or below (now {n(w.current)})"
    if w.high >= hi:
        return f"{w.parameter} rose to {n(w.low)} or above (now {n(w.current)})"
    return f"{w.parameter} were between {n(w.low)} and {n(w.high)} (now {n(w.current)})"
