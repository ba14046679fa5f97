"""The record: dated historical episodes, and the model's track record on them.

An *episode* is a built-in scenario with a ``date`` and ``[observed]`` moves. For each, in
date order, `assess` asks whether the observed moves are a Nash equilibrium of the model
at the episode's parameters (checked exactly, in fractions: a move is an equilibrium move
when no deviation gains anything), and if not, which player falls short and by how much
(the *deviation gain*: what its best alternative would have earned above its observed
move) and what the model predicts instead (its verified equilibria). It also lists the
parameters changed since the previous episode and why (the new value's provenance).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from games.history.observed import player_keys, strategy_labels, grid, observed_profile
from games.model.scenarios import Scenario, builtin, builtin_names


@dataclass(frozen=True)
class Shortfall:
    """One player's best deviation from its observed move and what it would gain."""

    player: str
    observed: str
    best_alternative: str
    gain: Fraction  # > 0: the observed move falls short by this much

    def to_dict(self) -> dict:
        return {
            "player": self.player,
            "observed": self.observed,
            "best_alternative": self.best_alternative,
            "gain": float(self.gain),
            "gain_exact": str(self.gain),
        }


@dataclass(frozen=True)
class Change:
    """A parameter changed since the previous episode, and why (the new value's provenance)."""

    name: str
    before: float
    after: float
    why: str

    def to_dict(self) -> dict:
        return {"parameter": self.name, "before": self.before, "after": self.after, "why": self.why}


@dataclass(frozen=True)
class Assessment:
    """The model's verdict on one episode."""

    name: str
    date: str
    title: str
    form: str
    observed: tuple[str, ...] | None  # labels, None when no moves were recorded
    equilibrium: bool | None  # None when no moves were recorded
    shortfalls: tuple[Shortfall, ...]
    predicted: tuple[str, ...]  # the model's equilibria, described
    changes: tuple[Change, ...]
    note: str = ""

    @property
    def largest_gain(self) -> float:
        return max((float(s.gain) for s in self.shortfalls), default=0.0)

    def to_dict(self) -> dict:
        return {
            "episode": self.name,
            "date": self.date,
            "title": self.title,
            "game": self.form,
            "observed": None if self.observed is None else dict(zip(player_keys(), self.observed)),
            "equilibrium": self.equilibrium,
            "shortfalls": [s.to_dict() for s in self.shortfalls],
            "deviation_gain": self.largest_gain,
            "model_predicts": list(self.predicted),
            "changes": [c.to_dict() for c in self.changes],
            "note": self.note,
        }


def episodes() -> list[Scenario]:
    """The built-in scenarios that are dated episodes, in date order (then by name)."""
    found = [builtin(n) for n in builtin_names()]
    return sorted((s for s in found if s.date), key=lambda s: (s.date, s.name))


def _model():
    """The model episodes are scenarios of: the catalog's default model."""
    from games.model.catalog import default_model

    return default_model()


def _game(sc: Scenario, form: str, levels: int):
    from games.model import level_game
    from games.model.parameters import validated

    params = validated(dict(sc.parameters))
    if form == "graded":
        return level_game.graded_level_game(_model(), params, levels, title=f"{sc.name} (graded, {levels} levels)")
    return level_game.simultaneous_level_game(_model(), params, title=sc.name)


def _exact_payoffs(sc: Scenario, form: str, levels: int):
    from games.solvers import exact

    if form == "graded":
        return exact.exact_graded_payoffs(dict(sc.parameters), levels)
    return exact.exact_simultaneous_game(dict(sc.parameters))[1]


def package_with(package: bool | tuple[str, ...]) -> tuple[str, ...]:
    """The optional instruments in play: ``package`` is True (the package form) or the
    names of the optional instruments put in it (``--with``)."""
    return tuple(package) if isinstance(package, tuple) else ()


def records_package(sc: Scenario, package: bool | tuple[str, ...] = True) -> bool:
    """Does the episode record package moves, for every optional instrument in play?"""
    from games.history.observed import recorded_instruments

    pkg = sc.observed.package if sc.observed is not None else None
    return pkg is not None and set(package_with(package)) <= set(recorded_instruments(pkg))


def package_setting(sc: Scenario, package: bool | tuple[str, ...] = True):
    """(model, parameters, form, levels, observed profile) of an episode's package-form
    observation: the default model file with the episode's values, tariffs included (and the
    optional instruments of ``package``, when it names some)."""
    from games.model.evaluate import axes
    from games.history.observed import package_profile

    with_ = package_with(package)
    model = _model().with_instruments(with_)
    params = model.validated({**dict(sc.parameters), **dict(sc.model_values)})
    obs = sc.observed.package
    where = f"{sc.source_file or sc.name}: [observed.package]"
    return model, params, obs.form, obs.levels, package_profile(obs, where, with_), axes(model, obs.form, obs.levels).labels


def shortfalls(sc: Scenario, package: bool | tuple[str, ...] = False) -> list[Shortfall]:
    """Each player's best deviation gain at the observed profile, exactly (≤ 0: none)."""
    obs = sc.observed
    if package:
        from games.model.evaluate import exact_payoffs

        model, params, form, levels, (i, j), labels = package_setting(sc, package)
        A, B = exact_payoffs(model, params, form, levels)
    else:
        A, B = _exact_payoffs(sc, obs.form, obs.levels)
        labels = strategy_labels(obs.form, obs.levels)
        i, j = observed_profile(obs)
    out = []
    for player, (own, line) in enumerate((
        (i, [A[k, j] for k in range(A.shape[0])]),
        (j, [B[i, k] for k in range(B.shape[1])]),
    )):
        alts = [k for k in range(len(line)) if k != own]
        best = max(alts, key=lambda k: line[k])
        out.append(Shortfall(player_keys()[player], labels[player][own], labels[player][best], line[best] - line[own]))
    return out


def describe(game, eq) -> str:
    """An equilibrium in a few words: the pure outcome, or each side's mixture."""
    if eq.is_pure:
        cells = [game.strategies[k][max(range(len(p)), key=lambda s: p[s])] for k, p in enumerate(eq.profile)]
        return f"({', '.join(cells)})"
    parts = []
    for k, p in enumerate(eq.profile):
        mix = ", ".join(f"{game.strategies[k][s]} {v:.2f}" for s, v in enumerate(p) if v > 1e-9)
        parts.append(f"{game.players[k]}: {mix}")
    return "mixed (" + "; ".join(parts) + ")"


def changes(before: Scenario | None, after: Scenario, package: bool = False) -> list[Change]:
    """Parameters whose value differs from the previous episode's, with the new value's why
    (with ``package``, the tariff instruments' parameters too)."""
    if before is None:
        return []
    out = []
    values, old_values = dict(after.parameters), dict(before.parameters)
    if package:
        model = _model()
        values = model.validated({**values, **dict(after.model_values)})
        old_values = model.validated({**old_values, **dict(before.model_values)})
    for name, value in values.items():
        old = old_values[name]
        if old != value:
            prov = after.value_provenance(name)
            why = prov.line() if prov is not None else "no provenance given"
            out.append(Change(name, old, value, why))
    return out


def assess(sc: Scenario, previous: Scenario | None = None, package: bool | tuple[str, ...] = False) -> Assessment:
    """The model's verdict on one episode (see the module docstring); with ``package``, on
    its moves in the package form (tariffs as instruments), when recorded (``package`` may
    name optional instruments to put in the form, such as purchases)."""
    if package:
        return _assess_package(sc, previous, package)
    obs = sc.observed
    form = obs.form if obs is not None else "simultaneous"
    levels = obs.levels if obs is not None else 2
    game = _game(sc, form, levels)
    equilibria, unsearched = _model_equilibria(game)
    predicted = tuple(describe(game, eq) for eq in equilibria) + unsearched
    diff = tuple(changes(previous, sc))
    if obs is None:
        return Assessment(sc.name, sc.date, sc.title, form, None, None, (), predicted, diff,
                          "no observed moves recorded")
    falls = [s for s in shortfalls(sc) if s.gain > 0]
    labels = strategy_labels(obs.form, obs.levels)
    i, j = observed_profile(obs)
    return Assessment(
        sc.name, sc.date, sc.title, form, (labels[0][i], labels[1][j]), not falls, tuple(falls),
        predicted, diff, obs.note,
    )


def _model_equilibria(game) -> tuple[tuple, tuple[str, ...]]:
    """The model's verified equilibria at an episode, and what was not searched.

    Every equilibrium (solve's ``auto``) when the game is small enough for vertex
    enumeration; beyond it (an episode may be stated on a grid of up to 101 levels), every
    pure equilibrium, with a last entry saying that mixed ones were not searched — rather
    than refusing a valid episode over a ``--method`` the timeline does not have."""
    from games.solvers import polytope_vertices as ve
    from games.solvers.solver import solve

    if sum(game.shape) <= ve.MAX_STRATEGIES:
        return tuple(solve(game, "auto").equilibria), ()
    m, n = game.shape
    note = f"mixed equilibria not searched (the {m}×{n} game is beyond vertex enumeration)"
    return tuple(solve(game, "pure").equilibria), (note,)


def _pure_first(game) -> tuple[str, ...]:
    """The pure equilibria described, and how many mixed ones there are besides (a package
    game has many mixed equilibria; the pure ones are the packages one can name)."""
    equilibria, unsearched = _model_equilibria(game)
    pure = [describe(game, eq) for eq in equilibria if eq.is_pure]
    mixed = sum(1 for eq in equilibria if not eq.is_pure)
    if mixed:
        pure.append(f"{mixed} mixed equilibri{'um' if mixed == 1 else 'a'}")
    return tuple(pure) + unsearched


def _assess_package(sc: Scenario, previous: Scenario | None, package: bool | tuple[str, ...] = True) -> Assessment:
    from games.model.evaluate import build_game

    diff = tuple(changes(previous, sc, package=True))
    pkg = sc.observed.package if sc.observed is not None else None
    if not records_package(sc, package):
        model = _model().with_instruments(package_with(package))
        game = build_game(model, {**dict(sc.parameters), **dict(sc.model_values)}, "package", title=sc.name)
        predicted = _pure_first(game)
        what = " and ".join(("package", *package_with(package)))
        return Assessment(sc.name, sc.date, sc.title, "package", None, None, (), predicted, diff,
                          f"no {what} moves recorded")
    model, params, form, levels, (i, j), labels = package_setting(sc, package)
    game = build_game(model, params, form, levels, title=sc.name)
    predicted = _pure_first(game)
    falls = [s for s in shortfalls(sc, package) if s.gain > 0]
    return Assessment(
        sc.name, sc.date, sc.title, form, (labels[0][i], labels[1][j]), not falls, tuple(falls),
        predicted, diff, pkg.note,
    )


def timeline(items: Sequence[Scenario] | None = None, package: bool | tuple[str, ...] = False) -> list[Assessment]:
    """Assess every episode in date order, each against the one before it (with
    ``package``, in the package form: tariffs as instruments; a tuple of names puts those
    optional instruments in it too)."""
    items = list(items) if items is not None else episodes()
    out = []
    previous = None
    for sc in sorted(items, key=lambda s: (s.date, s.name)):
        out.append(assess(sc, previous, package))
        previous = sc
    return out


__all__ = ["Assessment", "Change", "Shortfall", "assess", "episodes", "timeline", "shortfalls", "grid"]
