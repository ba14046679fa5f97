"""What a model's formulas say about a parameter, read off the expression trees.

`affine_in` decides whether every payoff is *affine* in one parameter (holding the others
and the profile fixed): then each deviation gain is affine too and equilibrium thresholds
are solved exactly (`games.explanations.thresholds`). The test is the polynomial degree of the
formulas in that parameter, following defined quantities: degree ≤ 1 everywhere means
affine. It is conservative — a formula such as ``war * war / war`` is called non-affine —
which only sends that parameter to the numerical search, never gives a wrong exact answer.
"""

from __future__ import annotations

from functools import lru_cache

from games.model import formula as fm
from games.model.spec import Model


def degrees_in(model: Model, name: str) -> dict[str, float]:
    """Degree in parameter `name` of each defined quantity (and of `name` itself: 1)."""
    deg: dict[str, float] = {name: 1}
    of = lambda n: deg.get(n, 0)
    for dname, e in model.defines:
        deg[dname] = fm.degree(e, of)
    return deg


def affine_in(model: Model, name: str) -> bool:
    """Is every payoff term affine in parameter `name`?"""
    return _affine(model, name)


@lru_cache(maxsize=1024)
def _affine(model: Model, name: str) -> bool:
    deg = degrees_in(model, name)
    of = lambda n: deg.get(n, 0)
    return all(fm.degree(e, of) <= 1 for e in _formulas(model))


def _formulas(model: Model):
    """Every payoff formula: the model's terms and its instruments' own terms (those count
    in the package form only; including them here is conservative for the other forms)."""
    for terms in model.payoffs:
        for _, e in terms:
            yield e
    for ins in model.instruments:
        for _, _, e in ins.terms:
            yield e


def enters_payoff(model: Model, name: str, player: int) -> bool:
    """Does parameter `name` enter any payoff term of player number `player` (its own terms
    and its instruments' terms), through defined quantities too? Conservative: a player
    the model does not list (a form's added player) counts as entered."""
    if not 0 <= player < len(model.payoffs):
        return True
    deg = degrees_in(model, name)
    of = lambda n: deg.get(n, 0)
    formulas = [e for _, e in model.payoffs[player]]
    formulas += [e for ins in model.instruments for i, _, e in ins.terms if i == player]
    return any(fm.degree(e, of) != 0 for e in formulas)


def payoff_degree(model: Model, name: str) -> float:
    """Highest degree in `name` of any payoff term (math.inf if some term is not polynomial)."""
    deg = degrees_in(model, name)
    of = lambda n: deg.get(n, 0)
    return max((fm.degree(e, of) for e in _formulas(model)), default=0) or 0


__all__ = ["affine_in", "degrees_in", "enters_payoff", "payoff_degree"]
