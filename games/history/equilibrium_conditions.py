"""The conditions under which an observed pure profile is a Nash equilibrium, as affine
inequalities in chosen parameters.

At a pure profile s* a player cannot gain by switching: for player i and every other
strategy s_i, u_i(s*) − u_i(s_i, s*_−i) ≥ 0. In the trade model (the default model, whose
scenarios the record's episodes are) each payoff is a polynomial
in the parameters; in some sets of parameters (not all: ``chip_linkage · chip_sales`` is a
product) it is affine, and then every condition is a linear inequality a·θ + b ≥ 0 and the
set of θ satisfying them is a polyhedron — the identified set of Ciliberto and Tamer
(Econometrica 2009) for a game whose observed outcome is an equilibrium.

Affinity is *verified*, not assumed: the coefficients are read off exact (Fraction)
evaluations at θ₀ and θ₀ + e_k, and every second difference g(θ₀+e_k+e_l) − g(θ₀+e_k) −
g(θ₀+e_l) + g(θ₀) (k = l included) must vanish exactly, which for polynomials of degree
at most two (the trade model's) is equivalent to affinity; a further exact check at a
random rational point guards against higher degrees.

An episode's parameter changes are applied as *shifts*: for a free parameter k, its value
in episode e is θ_k + (p_e[k] − default_k), so the episodes share the unknown base values
θ (the model's judgement values) and differ by what each episode changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping, Sequence

from games.errors import InputError
from games.solvers.exact import to_fraction
from games.model.parameters import any_lookup


def parameter(name: str):
    """A default-model parameter: its game's, or an instrument parameter of its model file
    (the package form's tariffs)."""
    return any_lookup(name)


@dataclass(frozen=True)
class Condition:
    """constant + Σ coefficients[k]·θ_k ≥ 0: a player does not gain by one deviation."""

    episode: str
    player: str
    stay: str  # the observed strategy
    deviation: str  # the strategy it must not gain by switching to
    coefficients: tuple[Fraction, ...]  # one per free parameter, in the order given
    constant: Fraction

    def value(self, theta: Sequence[Fraction]) -> Fraction:
        return self.constant + sum((a * t for a, t in zip(self.coefficients, theta)), Fraction(0))

    def to_dict(self, names: Sequence[str]) -> dict:
        return {
            "episode": self.episode,
            "player": self.player,
            "stay": self.stay,
            "deviation": self.deviation,
            "coefficients": {n: str(a) for n, a in zip(names, self.coefficients)},
            "constant": str(self.constant),
            "reads": "constant + sum(coefficients[name] * value[name]) >= 0",
        }


def exact_values(params: Mapping[str, float]) -> dict[str, Fraction]:
    """Every parameter as a Fraction (floats read as the decimals they print as)."""
    return {name: to_fraction(v, f"parameter '{name}'") for name, v in params.items()}


def shifted(episode: Mapping[str, Fraction], free: Sequence[str], theta: Sequence[Fraction]) -> dict[str, Fraction]:
    """The episode's parameters with each free one at θ_k plus the episode's own change."""
    out = dict(episode)
    for name, t in zip(free, theta):
        out[name] = t + (episode[name] - to_fraction(parameter(name).default))
    return out


def offsets(episode: Mapping[str, Fraction], free: Sequence[str]) -> tuple[Fraction, ...]:
    """What the episode changed in each free parameter, relative to the model's value."""
    return tuple(episode[n] - to_fraction(parameter(n).default) for n in free)


#: payoff(player, cell, params) for the episode's game: exact
PayoffFn = Callable[[int, tuple[int, int], Mapping[str, Fraction]], Fraction]


def level_payoff(grid: Sequence[Fraction], model=None) -> PayoffFn:
    """Exact payoffs of a model whose two players have levels, on one grid of levels for
    both (the default model's unless model is given: x for the US, y for China)."""
    from games.model.level_game import level_terms

    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    names = model.player_names

    def payoff(player: int, cell: tuple[int, int], p: Mapping[str, Fraction]) -> Fraction:
        terms = level_terms(model, (grid[cell[0]], grid[cell[1]]), p)
        return sum(terms[names[player]].values(), Fraction(0))

    return payoff


def package_payoff(model, form: str, levels: int) -> PayoffFn:
    """Exact payoffs of a model's package form (parameters given as Fractions, every one)."""
    from games.model.evaluate import axes, exact_terms

    ax = axes(model, form, levels)

    def payoff(player: int, cell: tuple[int, int], p: Mapping[str, Fraction]) -> Fraction:
        return sum(exact_terms(model, p, ax, cell)[player].values(), Fraction(0))

    return payoff


def deviation_pairs(profile: tuple[int, int], n_strategies: tuple[int, int]):
    """(player, observed cell, deviation cell, deviation index) for every unilateral switch."""
    for player in (0, 1):
        for k in range(n_strategies[player]):
            if k == profile[player]:
                continue
            cell = list(profile)
            cell[player] = k
            yield player, profile, tuple(cell), k


def affine_conditions(
    episode_name: str,
    episode_params: Mapping[str, Fraction],
    free: Sequence[str],
    payoff: PayoffFn,
    profile: tuple[int, int],
    labels: tuple[Sequence[str], Sequence[str]],
    players: Sequence[str] = ("US", "China"),
    seed: int = 20091101,
) -> list[Condition]:
    """The equilibrium conditions of one observed profile as affine inequalities in θ.

    Raises InputError naming the parameters whose products enter a payoff (the
    conditions are then not affine in the free set)."""
    k = len(free)
    base = [to_fraction(parameter(n).default) for n in free]
    rng = random.Random(seed)
    point = [b + Fraction(rng.randint(-97, 97), rng.randint(1, 13)) for b in base]

    def e(*idx: int) -> list[Fraction]:
        v = list(base)
        for i in idx:
            v[i] += 1
        return v

    out = []
    n_strats = (len(labels[0]), len(labels[1]))
    for player, stay, dev, alt in deviation_pairs(profile, n_strats):
        def g(theta: Sequence[Fraction]) -> Fraction:
            p = shifted(episode_params, free, theta)
            return payoff(player, stay, p) - payoff(player, dev, p)

        g0 = g(base)
        singles = [g(e(i)) for i in range(k)]
        slopes = [s - g0 for s in singles]
        for i in range(k):
            for j in range(i, k):
                second = g(e(i, j)) - singles[i] - singles[j] + g0
                if second != 0:
                    what = f"'{free[i]}'" if i == j else f"'{free[i]}' and '{free[j]}'"
                    raise InputError(
                        f"option --free: the equilibrium conditions are not affine in {what} "
                        f"({episode_name}: a payoff multiplies them); free one of them at a time"
                    )
        predicted = g0 + sum((a * (t - b) for a, t, b in zip(slopes, point, base)), Fraction(0))
        if g(point) != predicted:
            raise InputError(
                f"option --free: the equilibrium conditions of {episode_name} are not affine in "
                f"{', '.join(free)}; free fewer parameters"
            )
        constant = g0 - sum((a * b for a, b in zip(slopes, base)), Fraction(0))
        out.append(Condition(
            episode_name, players[player], labels[player][profile[player]], labels[player][alt],
            tuple(slopes), constant,
        ))
    return out
