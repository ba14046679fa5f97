"""A model file's hidden types as a Bayesian game (``--game bayesian``).

``[types.PLAYER]`` in a model file says that PLAYER is one of several types, each a set
of parameter values that differ from the scenario's (formulas of its parameters), drawn
with a common prior (a formula of the parameters). The other player — the uninformed
one — is the row player of `games.forms.bayesian.BayesianGame`; the game is built from the
model's simultaneous game at each type's parameter values, and the Harsanyi
transformation, Bayesian Nash equilibria, belief thresholds and the move-first analysis
are `games.forms.bayesian`'s.
"""

from __future__ import annotations

from typing import Mapping

from games.errors import InputError, clip
from games.model import formula as fm
from games.model.spec import Model


def _value(e: fm.Expr, params: Mapping[str, float], where: str) -> float:
    import math

    import numpy as np

    with np.errstate(all="ignore"):
        v = float(fm.calculate(e, params, lambda p, s: 0.0))
    if not math.isfinite(v):
        raise InputError(f"{where}: is not finite at these parameter values")
    return v


def type_parameters(model: Model, params: Mapping[str, float]) -> tuple[tuple[str, dict[str, float]], ...]:
    """Each type's full parameter values (the scenario's, with the type's own overrides)."""
    spec = model.types
    base = model.validated(dict(params))
    out = []
    for tname, overrides in spec.types:
        q = dict(base)
        for pname, e in overrides:
            where = f"{model.source_file}: [types.{clip(spec.player, 40)}.{clip(tname, 40)}] '{pname}'"
            q[pname] = model.lookup(pname, where).check(_value(e, base, where), where)
        out.append((tname, q))
    return tuple(out)


def prior(model: Model, params: Mapping[str, float]) -> tuple[float, ...]:
    """The prior over the types: the formulas' values, the last type getting the rest."""
    base = model.validated(dict(params))
    where = f"{model.source_file}: [types.{clip(model.types.player, 40)}] prior"
    first = [_value(e, base, where) for e in model.types.prior]
    out = tuple(first) + (1.0 - sum(first),)
    if any(not -1e-12 <= q <= 1 + 1e-12 for q in out):
        raise InputError(f"{where}: the prior must be probabilities between 0 and 1 that sum to 1, got {[round(q, 6) for q in out]}")
    return tuple(min(1.0, max(0.0, q)) for q in out)


def bayesian_game(model: Model, params: Mapping[str, float]):
    """The `games.forms.bayesian.BayesianGame`: the uninformed player (rows) against the typed one."""
    from games.forms.bayesian import BayesianGame
    from games.model.evaluate import build_game

    if model.types is None:
        raise InputError(f"option --game: bayesian needs hidden types; model '{clip(model.name)}' has no [types.PLAYER]")
    if len(model.players) != 2:
        raise InputError(f"option --game: bayesian needs a two-player model; '{clip(model.name)}' has {len(model.players)} players")
    informed = model.player_names.index(model.types.player)
    uninformed = 1 - informed
    rows, cols = [], []
    for _, q in type_parameters(model, params):
        g = build_game(model, q)
        a, b = g.payoffs[uninformed], g.payoffs[informed]
        if informed == 0:  # the informed player becomes the column player
            a, b = a.T, b.T
        rows.append(a)
        cols.append(b)
    exact = None
    if len(model.types.types) == 2 and len(model.players[uninformed].strategies) == 2:
        exact = exact_uninformed_payoffs(model, params, uninformed)  # for exact belief thresholds
    return BayesianGame(
        f"{model.title}, {model.types.player}'s type unknown",
        (model.player_names[uninformed], model.player_names[informed]),
        model.players[uninformed].strategies,
        model.players[informed].strategies,
        tuple(t for t, _ in model.types.types),
        prior(model, params),
        tuple(rows),
        tuple(cols),
        exact,
    )


def exact_uninformed_payoffs(model: Model, params: Mapping[str, float], uninformed: int):
    """The uninformed player's payoffs against each type in exact fractions (parameters as
    written, 0.1 being 1/10; the types' overrides computed exactly), rows its strategies —
    or None when a formula has no exact value (exp, log, ...) or divides by zero."""
    from fractions import Fraction

    import numpy as np

    from games.model.evaluate import axes, exact_terms, to_exact

    env0 = {k: to_exact(v) for k, v in model.validated(dict(params)).items()}
    ax = axes(model, "simultaneous")
    out = []
    try:
        for _, overrides in model.types.types:
            env = dict(env0)
            for pname, e in overrides:
                env[pname] = fm.calculate(e, env0, lambda p, s: Fraction(0), exact=True)
            table = np.empty(ax.shape, dtype=object)
            for index in np.ndindex(*ax.shape):
                table[index] = sum(exact_terms(model, env, ax, index)[uninformed].values(), Fraction(0))
            out.append(table if uninformed == 0 else table.T)
    except (fm.NotExact, ZeroDivisionError):
        return None
    return tuple(out)


def type_difference(model: Model, params: Mapping[str, float]) -> str:
    """What separates the types: the model's own sentence (``difference`` in
    ``[types.PLAYER]``, its {formula} fields computed at params), else
    'The types differ in: self_reliance = 2 (pragmatist), 7 (self-reliant).'"""
    from games.explanations.bayesian_explain import fmt

    if model.types.difference:
        base = model.validated(dict(params))
        where = f"{model.source_file}: [types.{clip(model.types.player, 40)}] difference"
        return "".join(q if isinstance(q, str) else fmt(_value(q, base, where)) for q in model.types.difference)
    kinds = type_parameters(model, params)
    names = sorted({p for _, overrides in model.types.types for p, _ in overrides})
    if not names:
        return "The types have the same parameter values."
    parts = [f"{n} = " + ", ".join(f"{fmt(q[n])} ({t})" for t, q in kinds) for n in names]
    return "The types differ in: " + "; ".join(parts) + "."
