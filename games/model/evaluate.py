"""A model's payoffs at every profile of a game form: NumPy arrays, or exact fractions.

The *simultaneous* form uses the strategies as declared (a player's level variable takes
its ``levels`` value for each strategy). The *graded* form replaces each player that has a
level by an evenly spaced grid of ``n`` levels from the smallest to the largest declared
level; players without a level keep their strategies.

Formulas are evaluated once over the whole profile grid by broadcasting: player i's
level is an array along axis i, an indicator ``US.Escalate`` a 0/1 vector along the US's
axis, and parameters may carry leading axes (a sweep evaluates thousands of games in one
pass). Every defined quantity and payoff term must be finite at every profile; the first
profile where one is not is named in the error.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from games.errors import InputError, clip
from games.model import formula as fm
from games.model.spec import Model

FORMS = ("simultaneous", "graded", "package", "package-graded")
PACKAGE_FORMS = ("package", "package-graded")
MAX_LEVELS = 101
#: Most outcomes of a tree form (``[forms.NAME]`` with an order), as for --game sequential.
MAX_TREE_LEAVES = 100_000


@dataclass(frozen=True)
class Axes:
    """What each player's strategies stand for in one game form."""

    labels: tuple[tuple[str, ...], ...]
    values: tuple[tuple[Fraction, ...] | None, ...]  # level value of each strategy (None: no level)
    named: tuple[bool, ...]  # strategies are the declared ones (so indicators apply)
    #: the levels in floating point: np.linspace's values on a graded grid, as NumPy (and
    #: the Python trade model) compute them, so both give bit-identical payoffs
    floats: tuple[tuple[float, ...] | None, ...] = ()
    #: the package forms: per player, (variable, its exact value per strategy, its float value
    #: per strategy) for each instrument the player sets (several variables per player)
    variables: tuple[tuple[tuple[str, tuple[Fraction, ...], tuple[float, ...]], ...], ...] = ()
    package: bool = False

    def level_variables(self, model: Model) -> list[tuple[int, str, tuple[Fraction, ...], tuple[float, ...]]]:
        """(player, variable, exact values, float values) of every level variable in this form."""
        if self.package:
            return [(i, v, ex, fl) for i, row in enumerate(self.variables) for v, ex, fl in row]
        out = []
        for i, p in enumerate(model.players):
            if p.level is not None and self.values[i] is not None:
                out.append((i, p.level, self.values[i], self.floats[i]))
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.labels)


def level_grid(low: Fraction, high: Fraction, n: int) -> tuple[Fraction, ...]:
    """n evenly spaced levels from low to high, exactly."""
    return tuple(low + (high - low) * Fraction(k, n - 1) for k in range(n))


def _g(v: Fraction) -> str:
    f = float(v)
    return f"{f:.4g}"


def graded_label(model: Model, player: int, value) -> str:
    """A graded strategy's name: the model's ``[wording] graded`` template with {level} as a
    percentage ('open 25%'), else 'x=0.25'."""
    graded = model.wording.graded
    if graded:
        return graded[player].format(level=f"{float(value):.0%}")
    return f"{model.players[player].level}={_g(value)}"


def axes(model: Model, form: str = "simultaneous", levels: int = 5) -> Axes:
    """The strategies of each player in this form, with their level values."""
    if form == "simultaneous":
        return Axes(
            tuple(p.strategies for p in model.players),
            tuple(p.levels for p in model.players),
            tuple(True for _ in model.players),
            tuple(None if p.levels is None else tuple(float(v) for v in p.levels) for p in model.players),
        )
    if form in PACKAGE_FORMS:
        return package_axes(model, form == "package-graded", levels)
    if form != "graded":
        raise InputError(f"option --game: expected simultaneous or graded, got '{clip(form)}'")
    if not model.has_levels:
        raise InputError(
            f"option --game: graded needs a player with a level (level = \"x\", levels = [...]); model '{model.name}' has none"
        )
    if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= MAX_LEVELS:
        raise InputError(f"option --levels: expected an integer from 2 to {MAX_LEVELS}, got {levels}")
    labels, values, named, floats = [], [], [], []
    for i, p in enumerate(model.players):
        if p.level is None:
            labels.append(p.strategies)
            values.append(None)
            named.append(True)
            floats.append(None)
            continue
        lo, hi = min(p.levels), max(p.levels)
        if lo == hi:
            raise InputError(f"option --game: graded needs player {p.name}'s levels to span a range, all are {_g(lo)}")
        grid = level_grid(lo, hi, levels)
        labels.append(tuple(graded_label(model, i, v) for v in grid))
        values.append(grid)
        named.append(False)
        floats.append(tuple(float(v) for v in np.linspace(float(lo), float(hi), levels)))
    return Axes(tuple(labels), tuple(values), tuple(named), tuple(floats))


def package_axes(model: Model, graded: bool = False, levels: int = 5) -> Axes:
    """The package form: a player with instruments chooses one setting of each (its strategy
    is the combination, named "setting + setting"); the others keep their strategies. With
    ``graded``, an instrument that sets the player's own level takes ``levels`` evenly
    spaced values (named "x=0.25"), as in the graded form."""
    import itertools

    if not model.has_package:
        raise InputError(
            f"option --game: package needs instruments with settings ([instruments.NAME] with settings, level, levels); "
            f"model '{model.name}' has none"
        )
    if graded and (isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= MAX_LEVELS):
        raise InputError(f"option --levels: expected an integer from 2 to {MAX_LEVELS}, got {levels}")
    labels, values, named, floats, variables = [], [], [], [], []
    for i, p in enumerate(model.players):
        moves = [ins for ins in model.instruments if ins.player == i and ins.is_move]
        if not moves:
            labels.append(p.strategies)
            values.append(p.levels)
            named.append(True)
            fl = None if p.levels is None else tuple(float(v) for v in p.levels)
            floats.append(fl)
            variables.append(() if p.level is None else ((p.level, p.levels, fl),))
            continue
        options = []  # per instrument: [(label, exact, float)]
        for ins in moves:
            if graded and ins.level == p.level:
                lo, hi = min(ins.levels), max(ins.levels)
                if lo == hi:
                    raise InputError(f"option --game: package-graded needs {ins.name}'s levels to span a range, all are {_g(lo)}")
                grid = level_grid(lo, hi, levels)
                fgrid = np.linspace(float(lo), float(hi), levels)
                options.append([(f"{ins.level}={_g(v)}", v, float(f)) for v, f in zip(grid, fgrid)])
            else:
                options.append([(s, v, float(v)) for s, v in zip(ins.settings, ins.levels)])
        combos = list(itertools.product(*options))
        labels.append(tuple(" + ".join(o[0] for o in c) for c in combos))
        named.append(False)
        row = tuple((ins.level, tuple(c[k][1] for c in combos), tuple(c[k][2] for c in combos)) for k, ins in enumerate(moves))
        variables.append(row)
        own = next((r for r in row if r[0] == p.level), None)
        values.append(own[1] if own else None)
        floats.append(own[2] if own else None)
    return Axes(tuple(labels), tuple(values), tuple(named), tuple(floats), tuple(variables), True)


def _profile_text(model: Model, ax: Axes, index: Sequence[int]) -> str:
    return "(" + ", ".join(ax.labels[i][k] for i, k in enumerate(index)) + ")"


# ---------------------------------------------------------------- floats / arrays
def term_arrays(
    model: Model, params: Mapping[str, object], ax: Axes, where: str = "", lead: tuple[int, ...] = ()
) -> list[dict[str, np.ndarray]]:
    """Each player's payoff terms as arrays of shape lead + profile shape.

    Parameter values may be floats or arrays of shape ``lead + (1,)*n_players``.
    """
    n = len(model.players)
    shape = tuple(lead) + ax.shape
    env: dict[str, object] = dict(params)
    for i, var, _, vals in ax.level_variables(model):
        dims = [1] * n
        dims[i] = len(vals)
        env[var] = np.array(vals).reshape(dims)
    cache: dict[tuple[str, str], np.ndarray] = {}

    def indicator(player: str, strategy: str):
        key = (player, strategy)
        if key not in cache:
            i = model.player_names.index(player)
            if not ax.named[i]:
                if ax.package:
                    level = model.players[i].level
                    hint = (f"use {level} instead" if level else
                            f"give {player} a level set by one of its instruments and use it instead")
                    raise InputError(
                        f"{model.source_file}: {player}.{strategy} refers to a strategy that the package form "
                        f"replaces by instrument settings; {hint}"
                    )
                raise InputError(
                    f"{model.source_file}: {player}.{strategy} refers to a strategy that the graded game replaces by levels; "
                    f"use {model.players[i].level} instead"
                )
            dims = [1] * n
            dims[i] = ax.shape[i]
            v = np.zeros(ax.shape[i])
            v[model.players[i].strategies.index(strategy)] = 1.0
            cache[key] = v.reshape(dims)
        return cache[key]

    prefix = f"{where}: " if where else f"{model.source_file}: "
    with np.errstate(all="ignore"):
        for dname, e in model.defines:
            value = fm.calculate(e, env, indicator)
            _finite(value, shape, model, ax, lead, f"{prefix}[define] '{dname}'", params)
            env[dname] = value
        out = []
        for p, terms in zip(model.players, model.payoffs):
            row = {}
            for term, e in terms:
                value = np.asarray(fm.calculate(e, env, indicator), dtype=float)
                _finite(value, shape, model, ax, lead, f"{prefix}[payoffs.{clip(p.name, 40)}] '{clip(term)}'", params)
                row[term] = value
            out.append(row)
        if ax.package:  # each instrument's own terms
            for ins in model.instruments:
                for i, term, e in ins.terms:
                    value = np.asarray(fm.calculate(e, env, indicator), dtype=float)
                    _finite(value, shape, model, ax, lead, f"{prefix}[instruments.{clip(ins.name, 40)}] '{clip(term)}'", params)
                    out[i][term] = value
    return out


def _finite(value, shape, model, ax, lead, what, params: Mapping[str, object] | None = None) -> None:
    arr = np.asarray(value, dtype=float)
    if np.all(np.isfinite(arr)):
        return
    full = np.broadcast_to(arr, np.broadcast_shapes(arr.shape, shape))
    bad = np.argwhere(~np.isfinite(full))[0]
    index = tuple(int(k) for k in bad[len(full.shape) - len(ax.shape):])
    at = _profile_text(model, ax, index)
    extra = " for some of the swept parameter values" if lead else _away_from_defaults(model, params or {})
    raise InputError(f"{what} is not finite at {at}{extra} (division by zero, log of a non-positive number or overflow)")


def _away_from_defaults(model: Model, params: Mapping[str, object]) -> str:
    """' with doses = 0': the values, other than the model's defaults, at which a formula
    failed, so that a file fine at its defaults is not blamed for a what-if's value."""
    changed = [
        f"{name} = {float(v):g}" for name, v in params.items()
        if name in model.parameters and np.ndim(v) == 0 and float(v) != model.parameters[name].default
    ]
    return f" with {', '.join(changed[:4])}{', ...' if len(changed) > 4 else ''}" if changed else ""


def payoff_arrays(model: Model, params: Mapping[str, object], ax: Axes, where: str = "", lead: tuple[int, ...] = ()) -> list[np.ndarray]:
    """Each player's payoff (sum of its terms), broadcast to lead + profile shape."""
    shape = tuple(lead) + ax.shape
    out = []
    for row in term_arrays(model, params, ax, where, lead):
        total = np.zeros(shape)
        for v in row.values():
            total = total + v
        out.append(np.broadcast_to(total, shape))
    return out


def check_finite(model: Model, params: Mapping[str, float], where: str = "") -> None:
    """Refuse a model whose formulas are not finite at some profile of the simultaneous game
    (and of the package form, when the model has one)."""
    term_arrays(model, params, axes(model, "simultaneous"), where)
    if model.has_package:
        term_arrays(model, params, axes(model, "package"), where)


def build_game(model: Model, params: Mapping[str, float] | None = None, form: str = "simultaneous", levels: int = 5, title: str | None = None):
    """The model's game in normal form at these parameter values (defaults for the rest)."""
    from games.forms.normal_form import NormalFormGame

    p = model.validated(dict(params or {}))
    ax = axes(model, form, levels)
    arrays = payoff_arrays(model, p, ax)
    if title is None:
        title = model.title if form == "simultaneous" else f"{model.title} (graded, {levels} levels)"
        if form in PACKAGE_FORMS:
            title = f"{model.title} (package)" if form == "package" else f"{model.title} (package, {levels} levels)"
    return NormalFormGame(title, model.player_names, ax.labels, tuple(np.array(a) for a in arrays))


def terms_at(model: Model, params: Mapping[str, float], profile: Sequence[int], form: str = "simultaneous", levels: int = 5) -> list[dict[str, float]]:
    """Each player's named payoff terms at one pure profile (strategy indices)."""
    ax = axes(model, form, levels)
    rows = term_arrays(model, model.validated(dict(params)), ax)
    idx = tuple(profile)
    return [
        {t: float(np.broadcast_to(v, ax.shape)[idx]) for t, v in row.items()}
        for row in rows
    ]


@dataclass(frozen=True)
class TermMargin:
    """One player's margin at a pure profile against its best alternative, term by term."""

    player: str
    stays: str
    switch_to: str
    margin: float  # payoff of staying minus payoff of switching
    terms: tuple[tuple[str, float], ...]  # (term, its part of the margin), largest first, zeros left out


def term_margins(
    model: Model, params: Mapping[str, float], profile: Sequence[int], form: str = "simultaneous", levels: int = 5
) -> tuple[TermMargin, ...]:
    """Why a pure profile holds (or not), by named payoff term: for each player with an
    alternative, the best alternative and how each term adds to the margin of staying."""
    ax = axes(model, form, levels)
    rows = term_arrays(model, model.validated(dict(params)), ax)
    full = [{t: np.broadcast_to(v, ax.shape) for t, v in row.items()} for row in rows]
    idx = tuple(int(k) for k in profile)
    out = []
    for i, row in enumerate(full):
        if ax.shape[i] < 2:
            continue
        total = sum(row.values())
        alts = [k for k in range(ax.shape[i]) if k != idx[i]]
        dev = lambda k: idx[:i] + (k,) + idx[i + 1 :]
        best = max(alts, key=lambda k: (float(total[dev(k)]), -k))
        parts = [(t, float(v[idx] - v[dev(best)])) for t, v in row.items()]
        parts = [(t, d) for t, d in parts if abs(d) > 1e-12]
        parts.sort(key=lambda td: -abs(td[1]))
        out.append(TermMargin(
            model.player_names[i], ax.labels[i][idx[i]], ax.labels[i][best],
            float(total[idx] - total[dev(best)]), tuple(parts),
        ))
    return tuple(out)


def evaluate_point(model: Model, params: Mapping[str, object], levels: Mapping[str, object]):
    """(defined quantities, each player's terms) at given level values, without indicators.

    Values may be floats, NumPy arrays (broadcasting) or Fractions: when any level or
    parameter is a Fraction the evaluation is exact. This is how the level path
    (`games.model.level_game`: the default, trade model's scenarios) reads payoffs from a
    model file.
    """
    env: dict[str, object] = dict(params)
    env.update(levels)
    exact = any(isinstance(v, Fraction) for v in env.values())

    def indicator(player: str, strategy: str):
        raise InputError(f"{model.source_file}: {player}.{strategy} has no value at given levels")

    if exact:
        env = {k: (v if isinstance(v, Fraction) else Fraction(v)) if isinstance(v, (int, float, Fraction)) else v
               for k, v in env.items()}
    defined = {}
    for dname, e in model.defines:
        env[dname] = defined[dname] = fm.calculate(e, env, indicator, exact)
    terms = [{t: fm.calculate(e, env, indicator, exact) for t, e in row} for row in model.payoffs]
    return defined, terms


# ---------------------------------------------------------------- exact
def to_exact(value: float) -> Fraction:
    """A parameter value as written: 0.1 is 1/10, not the binary float nearest to it."""
    return Fraction(value) if isinstance(value, Fraction) else Fraction(repr(float(value)))


def exact_payoffs(model: Model, params: Mapping[str, float], form: str = "simultaneous", levels: int = 5, where: str = "") -> list[np.ndarray] | None:
    """Each player's payoff array in Fractions, or None if a formula has no exact value
    (exp, log, a fractional power)."""
    ax = axes(model, form, levels)
    env0: dict[str, object] = {k: to_exact(v) for k, v in model.validated(dict(params)).items()}
    out = [np.empty(ax.shape, dtype=object) for _ in model.players]
    prefix = f"{where}: " if where else f"{model.source_file}: "
    for index in np.ndindex(*ax.shape):
        try:
            rows = exact_terms(model, env0, ax, index)
        except fm.NotExact:
            return None
        except ZeroDivisionError:
            raise InputError(f"{prefix}division by zero at {_profile_text(model, ax, index)}") from None
        for i, row in enumerate(rows):
            out[i][index] = sum(row.values(), Fraction(0))
    return out


def exact_terms(model: Model, env0: Mapping[str, Fraction], ax: Axes, index: Sequence[int]) -> list[dict[str, Fraction]]:
    """Each player's named terms at one profile of the form, in exact fractions (the
    instruments' own terms included in the package forms). Parameters must already be
    Fractions; raises fm.NotExact when a formula has no exact value."""
    env = dict(env0)
    for i, var, exact_values, _ in ax.level_variables(model):
        env[var] = exact_values[index[i]]

    def indicator(player: str, strategy: str):
        i = model.player_names.index(player)
        if not ax.named[i]:
            raise InputError(f"{model.source_file}: {player}.{strategy} has no meaning in this game form")
        return Fraction(int(model.players[i].strategies[index[i]] == strategy))

    for dname, e in model.defines:
        env[dname] = fm.calculate(e, env, indicator, exact=True)
    rows = [{t: fm.calculate(e, env, indicator, exact=True) for t, e in terms} for terms in model.payoffs]
    if ax.package:
        for ins in model.instruments:
            for i, term, e in ins.terms:
                rows[i][term] = fm.calculate(e, env, indicator, exact=True)
    return rows


# ---------------------------------------------------------------- sequential play
def sequential_tree(model: Model, params: Mapping[str, float], order: Sequence[str], title: str | None = None):
    """The sequential game tree (see `sequential_game`)."""
    return sequential_game(model, params, order, title)[0]


def sequential_game(model: Model, params: Mapping[str, float], order: Sequence[str], title: str | None = None):
    """(tree, profile of each outcome name): players move one after another in `order`,
    each seeing the earlier moves.

    Terminal payoffs are those of the simultaneous game at the profile the moves make;
    players keep the model's order in payoff vectors. A last move that changes no one's
    payoff (the incumbent's after the entrant stays out) is left out: play ends there.
    """
    from games.forms.tree import Decision, GameTree, Terminal

    p = model.validated(dict(params))
    ax = axes(model, "simultaneous")
    arrays = payoff_arrays(model, p, ax)
    seq = [model.player_index(name, "option --order") for name in order]
    if sorted(seq) != list(range(len(model.players))):
        raise InputError(
            f"option --order: expected every player of '{model.name}' exactly once ({', '.join(model.player_names)}), got {clip(','.join(order))}"
        )
    leaves = 1
    for i in seq:
        leaves *= len(model.players[i].strategies)
    if leaves > 100_000:
        raise InputError(f"option --game: the sequential tree would have {leaves:,} outcomes, more than 100,000")

    profiles: dict[str, tuple[int, ...]] = {}

    def node(depth: int, chosen: dict[int, int]):
        if depth == len(seq):
            index = tuple(chosen[i] for i in range(len(model.players)))
            label = ", ".join(model.players[i].strategies[chosen[i]] for i in range(len(model.players)))
            pays = tuple(round(float(a[index]), 12) + 0.0 for a in arrays)
            profiles[label] = index
            return Terminal(pays, name=label, outcome=label)
        i = seq[depth]
        kids = tuple(node(depth + 1, {**chosen, i: k}) for k in range(len(model.players[i].strategies)))
        if all(isinstance(c, Terminal) and c.payoffs == kids[0].payoffs for c in kids):
            # the last mover's choice changes nothing for anyone (entry deterrence after Out):
            # play ends here, as in the textbook tree
            label = ", ".join(model.players[j].strategies[chosen[j]] for j in seq[:depth])
            profiles[label] = profiles[kids[0].outcome]
            return Terminal(kids[0].payoffs, name=label, outcome=label)
        return Decision(i, model.players[i].strategies, kids)

    names = ", then ".join(model.player_names[i] for i in seq)
    root = node(0, {})
    return GameTree(title or f"{model.title} ({names})", model.player_names, root), profiles


def extra_form(model: Model, name: str):
    """The model's own form called name (``[forms.NAME]``), or a one-line InputError."""
    form = model.forms.get(name)
    if form is None:
        raise InputError(
            f"option --game: model '{model.name}' has no form '{clip(name)}'; its own forms are {', '.join(model.forms) or '(none)'}"
        )
    return form


def form_tree(model: Model, params: Mapping[str, float], name: str, title: str | None = None):
    """(tree, profile of each outcome name) of a tree form (``[forms.NAME]`` with an order).

    The players move in the form's order, each seeing the earlier moves; with a revision,
    the reviser — having played ``after`` — then picks one of its moves, each putting one
    of its strategies in effect. Every terminal pays the simultaneous game's payoffs at the
    profile in effect (rounded to 12 places, so that sums tie exactly); it is named by the
    strategies played, in the model's player order, followed by the revision move.
    Unlike `sequential_game`, no stage is left out.
    """
    from games.forms.tree import Decision, GameTree, Terminal

    form = extra_form(model, name)
    if form.order is None:
        raise InputError(f"option --game: '{clip(name)}' of model '{model.name}' is not a tree form")
    p = model.validated(dict(params))
    ax = axes(model, "simultaneous")
    arrays = payoff_arrays(model, p, ax)
    seq = [model.player_index(n) for n in form.order]
    rev = form.revision
    reviser = None if rev is None else model.player_index(rev.player)
    leaves = math.prod(len(p.strategies) for p in model.players) * (1 if rev is None else len(rev.moves))
    if leaves > MAX_TREE_LEAVES:
        raise InputError(f"option --game: the tree of '{clip(name)}' would have up to {leaves:,} outcomes, more than {MAX_TREE_LEAVES:,}")
    profiles: dict[str, tuple[int, ...]] = {}

    def leaf(index: tuple[int, ...], label: str) -> Terminal:
        profiles[label] = index
        return Terminal(tuple(round(float(a[index]), 12) + 0.0 for a in arrays), name=label, outcome=label)

    def node(depth: int, chosen: dict[int, int]):
        if depth < len(seq):
            i = seq[depth]
            kids = tuple(node(depth + 1, {**chosen, i: k}) for k in range(len(model.players[i].strategies)))
            return Decision(i, model.players[i].strategies, kids)
        index = tuple(chosen[i] for i in range(len(model.players)))
        played = ", ".join(model.players[i].strategies[k] for i, k in enumerate(index))
        strategies = None if rev is None else model.players[reviser].strategies
        if rev is None or strategies[index[reviser]] != rev.after:
            return leaf(index, played)
        kids = []
        for move, holds in rev.moves:
            effect = list(index)
            effect[reviser] = strategies.index(holds)
            kids.append(leaf(tuple(effect), f"{played}, {move}"))
        return Decision(reviser, tuple(m for m, _ in rev.moves), tuple(kids))

    root = node(0, {})
    return GameTree(title or f"{model.title} ({form.title})", model.player_names, root), profiles


def term_drivers(model: Model, params: Mapping[str, float], profiles: Mapping[str, tuple[int, ...]]):
    """``describe(player, a, b)``: the payoff terms behind a player's gap between two
    terminals of a sequential tree ('price war +2, shared market -4'), for tree explanations."""
    p = model.validated(dict(params))
    ax = axes(model, "simultaneous")
    rows = term_arrays(model, p, ax)

    def terms(player: int, outcome: str) -> dict[str, float]:
        idx = profiles[outcome]
        return {t: float(np.broadcast_to(v, ax.shape)[idx]) for t, v in rows[player].items()}

    def describe(player: int, a, b) -> str:
        if a.outcome not in profiles or b.outcome not in profiles:
            return ""
        ta, tb = terms(player, a.outcome), terms(player, b.outcome)
        diffs = [(t, ta[t] - tb[t]) for t in ta if abs(ta[t] - tb[t]) > 1e-9]
        diffs.sort(key=lambda td: -abs(td[1]))
        if not diffs:
            return ""
        return "difference by term: " + ", ".join(f"{t} {d:+.4g}".replace("+-", "−") for t, d in diffs)

    return describe


# ---------------------------------------------------------------- compiled level plans (sweeps)
class _NoPlan(Exception):
    """A formula the level plan does not handle (indicators, unknown names): use `evaluate_point`."""


@dataclass(frozen=True)
class LevelPlan:
    """Each player's payoff at fixed level values for many values of some parameters, as a
    list of NumPy operations written into reusable buffers (a sweep's blocks).

    Built once per model, base parameters and varied names by `level_plan`: every subformula
    that does not involve a varied parameter is evaluated once, by `formula.calculate`, and
    kept; the rest is one ufunc call per operation, in the order `evaluate_point` and
    `level_game.total` perform them, on the same operands, so each payoff is bit for bit the
    one `level_game.level_payoffs` computes. Varied values are 1-D arrays of the block's
    length; a buffer's last axis is that length.
    """

    steps: tuple[tuple, ...]  # (ufunc, operands, buffer): operand ('c', value) | ('v', buffer) | ('p', name)
    shapes: tuple[tuple[int, ...], ...]  # each buffer's shape without its last (block) axis
    results: tuple[tuple, ...]  # each player's payoff as an operand

    def buffers(self, count: int) -> list[np.ndarray]:
        """Fresh buffers for blocks of up to count points."""
        return [np.empty(s + (count,)) for s in self.shapes]

    def run(self, values: Mapping[str, np.ndarray], count: int, buffers: Sequence[np.ndarray] | None = None) -> list:
        """Each player's payoff for these varied values (1-D float arrays of length count):
        views of the buffers (or a constant when the player's payoff involves none of them)."""
        bufs = self.buffers(count) if buffers is None else buffers
        if len(bufs) and bufs[0].shape[-1] != count:
            bufs = [b[..., :count] for b in bufs]

        def get(ref):
            kind, what = ref
            return what if kind == "c" else (bufs[what] if kind == "v" else values[what])

        for func, operands, out in self.steps:
            func(*(get(r) for r in operands), out=bufs[out])
        return [get(r) for r in self.results]


def level_plan(model: Model, params: Mapping[str, object], varied: Sequence[str], levels: Mapping[str, object]) -> LevelPlan | None:
    """The `LevelPlan` of each player's payoff at these level values (fixed arrays or floats)
    when the parameters named in varied take 1-D float arrays, or None when a formula needs
    `evaluate_point` itself (an indicator, an unknown name, exact values)."""
    if any(isinstance(v, Fraction) for v in (*params.values(), *levels.values())):
        return None  # evaluate_point computes in fractions then
    try:
        return _Planner(model, params, varied, levels).plan()
    except _NoPlan:
        return None


class _Planner:
    """Compiles the level path's formulas into a `LevelPlan` (see `level_plan`)."""

    def __init__(self, model: Model, params, varied, levels):
        self.model = model
        self.env: dict[str, object] = {k: v for k, v in params.items() if k not in set(varied)}
        self.env.update(levels)
        self.var: dict[str, tuple] = {name: ("p", name) for name in varied}
        for name in varied:
            self.env.pop(name, None)
        self.steps: list[list] = []  # [func, operands, slot]
        self.slot_shapes: list[tuple[int, ...]] = []

    @staticmethod
    def _indicator(player: str, strategy: str):
        raise _NoPlan

    def _shape(self, ref) -> tuple[int, ...]:
        kind, what = ref
        if kind == "c":
            return np.shape(what)
        return (0,) if kind == "p" else self.slot_shapes[what] + (0,)  # 0 stands for the block's length

    def _emit(self, func, operands, into: int | None = None):
        shape = np.broadcast_shapes(*(self._shape(r) for r in operands))
        if not shape or shape[-1] != 0:
            raise _NoPlan
        dtypes = [np.float64 if r[0] != "c" else r[1] for r in operands]
        if np.result_type(*dtypes) != np.float64:
            raise _NoPlan
        if into is None or self.slot_shapes[into] != shape[:-1]:
            self.slot_shapes.append(shape[:-1])
            into = len(self.slot_shapes) - 1
        self.steps.append([func, tuple(operands), into])
        return ("v", into)

    def _node(self, e):
        if all(n.id not in self.var for n in fm.names(e)):
            if fm.indicators(e) or any(n.id not in self.env for n in fm.names(e)):
                raise _NoPlan
            return ("c", fm.calculate(e, self.env, self._indicator))
        if isinstance(e, fm.Name):
            return self.var[e.id]
        if isinstance(e, fm.Unary):
            v = self._node(e.operand)
            return self._emit(np.negative, [v]) if e.op == "-" else v
        if isinstance(e, fm.Binary):
            a = self._node(e.left)
            if e.op == "**":
                p = fm.constant_value(e.right)
                if p is None:
                    raise _NoPlan
                return self._emit(np.power, [a, ("c", float(p))])
            b = self._node(e.right)
            func = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}[e.op]
            return self._emit(func, [a, b])
        if isinstance(e, fm.Call):
            args = [self._node(x) for x in e.args]
            if e.func in ("min", "max"):
                fn = np.minimum if e.func == "min" else np.maximum
                out = args[0]
                for a in args[1:]:
                    out = ("c", fn(out[1], a[1])) if out[0] == a[0] == "c" else self._emit(fn, [out, a])
                return out
            return self._emit({"abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt}[e.func], args)
        raise _NoPlan

    def _total(self, refs) -> tuple:
        """`level_game.total`: 0 + t1 + t2 + ..., in place once the sum is a buffer of its own."""
        out: tuple = ("c", 0)
        owned = False
        for t in refs:
            if out[0] == "c" and t[0] == "c":
                out = ("c", out[1] + t[1])
                continue
            out = self._emit(np.add, [out, t], out[1] if owned else None)
            owned = True
        return out

    def plan(self) -> LevelPlan:
        with np.errstate(all="ignore"):
            for dname, e in self.model.defines:
                ref = self._node(e)
                if ref[0] == "c":
                    self.env[dname] = ref[1]
                else:
                    self.var[dname] = ref
            results = []
            for terms in self.model.payoffs:
                total = self._total([self._node(e) for _, e in terms])
                if total[0] == "c":
                    total = ("c", np.asarray(total[1], dtype=float))
                results.append(total)
        return self._packed(results)

    def _packed(self, results) -> LevelPlan:
        """The plan with buffers shared: a buffer whose value is no longer needed takes a
        later operation's output of the same shape (fewer buffers, more of them in cache)."""
        end = len(self.steps)
        last = {}
        for k, (_, operands, _) in enumerate(self.steps):
            for kind, what in operands:
                if kind == "v":
                    last[what] = k
        for kind, what in results:
            if kind == "v":
                last[what] = end
        physical: dict[int, int] = {}
        shapes: list[tuple[int, ...]] = []
        free: dict[tuple[int, ...], list[int]] = {}
        steps = []
        for k, (func, operands, slot) in enumerate(self.steps):
            mapped = tuple((kind, physical[what]) if kind == "v" else (kind, what) for kind, what in operands)
            for kind, what in operands:  # inputs read for the last time here may be overwritten by it
                if kind == "v" and last.get(what) == k and what != slot:
                    free.setdefault(self.slot_shapes[what], []).append(physical[what])
            if slot not in physical:
                shape = self.slot_shapes[slot]
                if free.get(shape):
                    physical[slot] = free[shape].pop()
                else:
                    shapes.append(shape)
                    physical[slot] = len(shapes) - 1
            steps.append((func, mapped, physical[slot]))
        out = tuple((kind, physical[what]) if kind == "v" else (kind, what) for kind, what in results)
        return LevelPlan(tuple(steps), tuple(shapes), out)
