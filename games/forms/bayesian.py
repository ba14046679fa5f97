"""Bayesian games with one informed player: the Harsanyi transformation and belief thresholds.

An uninformed *row* player (the US) faces a *column* player (China) of one of several
types, drawn from a common prior. Harsanyi's transformation turns this into an ordinary
game: the column player's strategies are type-contingent plans (one move per type) and
payoffs are expectations under the prior. Its Nash equilibria are the Bayesian Nash
equilibria (BNE) when every type has positive prior probability; each one is re-checked in
the *agent form* (the row player against one player per type), which also covers priors
of 0 or 1.

Every payoff is affine in the prior, so the prior at which the row player's best move
changes is found exactly: for a fixed plan of the types, the row player's gain from its
second move is ``π·gain_1 + (1 − π)·gain_2``, zero at ``π* = gain_2 / (gain_2 − gain_1)``.
Thresholds are computed for two types and a row player with two moves (the trade model).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from games.solvers.equilibrium import deduplicate, verify
from games.errors import InputError
from games.forms.normal_form import NormalFormGame
from games.solvers.solver import solve


@dataclass(frozen=True, eq=False)
class BayesianGame:
    """Row player against a column player of several types with a common prior.

    ``row_payoffs[t]`` and ``column_payoffs[t]`` are m×n matrices: payoffs when the column
    player is of type t. ``prior[t]`` is the probability of type t. ``exact_row_payoffs``
    (optional) holds the row payoffs as Fractions of the numbers as written (0.1 is 1/10),
    for exact belief thresholds; without it the thresholds are exact in the binary floats.
    """

    title: str
    players: tuple[str, str]
    row_moves: tuple[str, ...]
    column_moves: tuple[str, ...]
    types: tuple[str, ...]
    prior: tuple[float, ...]
    row_payoffs: tuple[np.ndarray, ...]
    column_payoffs: tuple[np.ndarray, ...]
    exact_row_payoffs: tuple[np.ndarray, ...] | None = None

    def __post_init__(self) -> None:
        k, m, n = len(self.types), len(self.row_moves), len(self.column_moves)
        if k < 1 or len(self.prior) != k or len(self.row_payoffs) != k or len(self.column_payoffs) != k:
            raise InputError(f"game '{self.title}': expected a prior and payoffs for each of {k} types")
        if any(not 0.0 <= q <= 1.0 for q in self.prior) or abs(sum(self.prior) - 1.0) > 1e-9:
            raise InputError(f"game '{self.title}': the prior must be probabilities summing to 1, got {list(self.prior)}")
        for arrays in (self.row_payoffs, self.column_payoffs):
            for a in arrays:
                if np.shape(a) != (m, n):
                    raise InputError(f"game '{self.title}': type payoffs must be {m}×{n}, got {np.shape(a)}")

    def with_prior(self, prior: Sequence[float]) -> "BayesianGame":
        return BayesianGame(self.title, self.players, self.row_moves, self.column_moves, self.types,
                            tuple(float(q) for q in prior), self.row_payoffs, self.column_payoffs,
                            self.exact_row_payoffs)

    def exact_row_payoff(self, t: int, i: int, a: int) -> Fraction:
        """The row player's payoff at (row move i, column move a) against type t, as a Fraction:
        the exact value when the game carries one, else the float's binary value."""
        if self.exact_row_payoffs is not None:
            return Fraction(self.exact_row_payoffs[t][i][a])
        return Fraction(float(self.row_payoffs[t][i, a]))


@dataclass(frozen=True)
class BayesNash:
    """A verified Bayesian Nash equilibrium in behaviour form.

    ``row``: the row player's mixture; ``types[t]``: type t's mixture over column moves;
    ``row_payoff``: the row player's expected payoff; ``type_payoffs[t]``: type t's
    interim payoff; ``ex_ante``: the same profile in the Harsanyi game (product of the
    types' mixtures over plans); ``max_regret``: largest gain from deviating in the agent form.
    """

    row: tuple[float, ...]
    types: tuple[tuple[float, ...], ...]
    row_payoff: float
    type_payoffs: tuple[float, ...]
    ex_ante: tuple[tuple[float, ...], tuple[float, ...]]
    ex_ante_payoffs: tuple[float, float]
    max_regret: float

    @property
    def is_pure(self) -> bool:
        return all(max(p) > 1 - 1e-12 for p in (self.row, *self.types))


@dataclass(frozen=True)
class Threshold:
    """A prior of the first type at which the row player's best move changes.

    Given the types' plan ``plan`` (one column move index per type), the row player
    prefers move ``above`` when the prior of the first type exceeds ``prior`` and move
    ``below`` when it is lower. ``exact`` is the same prior as a fraction of the
    (binary-exact) payoffs.
    """

    prior: float
    exact: Fraction
    plan: tuple[int, ...]
    above: int
    below: int


#: Most type-contingent plans (column moves ** types) a Harsanyi or agent form is built with.
MAX_PLANS = 10_000
#: Most tie-breaks of the types' replies the move-first analysis lists one by one; beyond it,
#: the two extremes (every type breaking ties for the row player, and against it).
MAX_TIE_BREAKS = 64


def plan_count(game: BayesianGame) -> int:
    """The number of type-contingent plans, column moves ** types."""
    return len(game.column_moves) ** len(game.types)


def _check_plans(game: BayesianGame) -> None:
    n, k = len(game.column_moves), len(game.types)
    if plan_count(game) > MAX_PLANS:
        raise InputError(
            f"option --game: bayesian: {game.players[1]} has {n} moves for each of {k} types, "
            f"{n}**{k} type-contingent plans (at most {MAX_PLANS:,}); use fewer types or moves"
        )


def check_solvable(game: BayesianGame, method: str = "auto") -> None:
    """Refuse up front, in one line, a game whose Harsanyi form the method cannot solve:
    vertex enumeration (``auto``) takes at most 40 strategies in all, row moves plus plans."""
    from games.solvers import polytope_vertices as ve

    _check_plans(game)
    m, plans_n = len(game.row_moves), plan_count(game)
    if method in ("auto", "vertex-enumeration") and m + plans_n > ve.MAX_STRATEGIES:
        n, k = len(game.column_moves), len(game.types)
        raise InputError(
            f"option --game: bayesian: the Harsanyi game is {m}×{plans_n} ({n} moves for each of "
            f"{k} types), too large for vertex enumeration (at most {ve.MAX_STRATEGIES} strategies "
            "in all); use fewer types or moves"
        )


def plans(game: BayesianGame) -> list[tuple[int, ...]]:
    """Every type-contingent plan: one column move index per type, in lexicographic order."""
    return list(itertools.product(range(len(game.column_moves)), repeat=len(game.types)))


def plan_label(game: BayesianGame, plan: Sequence[int]) -> str:
    """E.g. 'Supply if pragmatist, Restrict if self-reliant'."""
    return ", ".join(f"{game.column_moves[a]} if {t}" for a, t in zip(plan, game.types))


def harsanyi_game(game: BayesianGame) -> NormalFormGame:
    """The ex-ante normal form: row moves against type-contingent plans, expected payoffs."""
    _check_plans(game)
    ps = plans(game)
    m = len(game.row_moves)
    A = np.zeros((m, len(ps)))
    B = np.zeros((m, len(ps)))
    for j, plan in enumerate(ps):
        for t, a in enumerate(plan):
            A[:, j] += game.prior[t] * np.asarray(game.row_payoffs[t], dtype=float)[:, a]
            B[:, j] += game.prior[t] * np.asarray(game.column_payoffs[t], dtype=float)[:, a]
    return NormalFormGame(
        f"{game.title} (Harsanyi form)",
        game.players,
        (game.row_moves, tuple(plan_label(game, p) for p in ps)),
        (A, B),
    )


def agent_form(game: BayesianGame) -> NormalFormGame:
    """The row player against one player per type; a type's payoff is its interim payoff."""
    _check_plans(game)
    k = len(game.types)
    m, n = len(game.row_moves), len(game.column_moves)
    shape = (m,) + (n,) * k
    row = np.zeros(shape)
    agents = [np.zeros(shape) for _ in range(k)]
    for idx in itertools.product(*(range(s) for s in shape)):
        i, plan = idx[0], idx[1:]
        row[idx] = sum(game.prior[t] * game.row_payoffs[t][i, a] for t, a in enumerate(plan))
        for t, a in enumerate(plan):
            agents[t][idx] = game.column_payoffs[t][i, a]
    names = (game.players[0],) + tuple(f"{game.players[1]} ({t})" for t in game.types)
    return NormalFormGame(
        f"{game.title} (agent form)", names, (game.row_moves,) + (game.column_moves,) * k, (row, *agents)
    )


def _type_marginals(game: BayesianGame, mix: Sequence[float]) -> list[np.ndarray]:
    ps = plans(game)
    out = [np.zeros(len(game.column_moves)) for _ in game.types]
    for q, plan in zip(mix, ps):
        for t, a in enumerate(plan):
            out[t][a] += q
    return out


def _product_plan_mix(game: BayesianGame, marginals: Sequence[np.ndarray]) -> np.ndarray:
    return np.array([np.prod([marginals[t][a] for t, a in enumerate(plan)]) for plan in plans(game)])


def bayes_nash_equilibria(game: BayesianGame, method: str = "auto") -> list[BayesNash]:
    """Every extreme BNE found by solving the Harsanyi game, each verified in the agent form.

    The Harsanyi game is solved by `games.solvers.solver.solve` (``auto``: vertex enumeration,
    complete; other two-player methods may miss equilibria).
    Equilibria that give the same behaviour to every type are merged. A game too large for
    the method is refused up front (`check_solvable`).
    """
    check_solvable(game, method)
    harsanyi = harsanyi_game(game)
    agents = agent_form(game)
    solution = solve(harsanyi, method)
    found = []
    for eq in solution.equilibria:
        marginals = _type_marginals(game, eq.profile[1])
        checked = verify(agents, [np.asarray(eq.profile[0]), *marginals])
        if checked is None:  # a type of prior 0 not best-responding: not an interim equilibrium
            continue
        found.append(checked)
    out = []
    for eq in deduplicate(found):
        row = np.asarray(eq.profile[0])
        marginals = [np.asarray(p) for p in eq.profile[1:]]
        plan_mix = _product_plan_mix(game, marginals)
        ex = verify(harsanyi, [row, plan_mix])
        if ex is None:
            continue
        out.append(BayesNash(
            row=eq.profile[0], types=tuple(eq.profile[1:]), row_payoff=eq.payoffs[0],
            type_payoffs=tuple(eq.payoffs[1:]), ex_ante=ex.profile, ex_ante_payoffs=ex.payoffs,
            max_regret=max(eq.max_regret, ex.max_regret),
        ))
    return sorted(out, key=lambda e: (not e.is_pure, tuple(-v for v in e.row), tuple(-v for p in e.types for v in p)))


def row_gain(game: BayesianGame, plan: Sequence[int], prior: Sequence[float] | None = None) -> float:
    """Row player's expected payoff of its second move minus its first against a plan."""
    prior = game.prior if prior is None else prior
    return float(sum(q * (game.row_payoffs[t][1, a] - game.row_payoffs[t][0, a])
                     for t, (q, a) in enumerate(zip(prior, plan))))


def has_belief_thresholds(game: BayesianGame) -> bool:
    """Whether belief thresholds are defined: two types and an uninformed player with two
    moves (one prior, one switch). Larger games are solved and explained without them."""
    return len(game.types) == 2 and len(game.row_moves) == 2


def _check_two_by_two_types(game: BayesianGame) -> None:
    if not has_belief_thresholds(game):
        raise InputError(
            f"game '{game.title}': belief thresholds need two types and two row moves, got "
            f"{len(game.types)} types and {len(game.row_moves)} moves"
        )


def threshold_for_plan(game: BayesianGame, plan: Sequence[int]) -> Threshold | None:
    """The prior of the first type at which the row player switches moves against plan.

    None when the row player's best move is the same for every prior strictly between 0
    and 1 (the switch, if any, would lie outside the open interval).
    """
    _check_two_by_two_types(game)
    g = [game.exact_row_payoff(t, 1, a) - game.exact_row_payoff(t, 0, a) for t, a in enumerate(plan)]
    if g[0] == g[1]:
        return None
    pi = g[1] / (g[1] - g[0])  # π·g0 + (1 − π)·g1 = 0
    if not 0 < pi < 1:
        return None
    above, below = (1, 0) if g[0] > g[1] else (0, 1)
    return Threshold(float(pi), pi, tuple(plan), above, below)


def column_best_replies(game: BayesianGame, type_index: int, row_move: int, tol: float = 1e-9) -> tuple[int, ...]:
    """Moves of the given type that are best replies to a pure row move."""
    v = np.asarray(game.column_payoffs[type_index], dtype=float)[row_move]
    scale = tol * max(1.0, float(np.max(np.abs(v))))
    return tuple(int(a) for a in np.flatnonzero(v >= v.max() - scale))


def relevant_thresholds(game: BayesianGame) -> list[Threshold]:
    """Thresholds for plans that are the types' best replies to some pure row move.

    Only those can separate pure BNE of the simultaneous game: at such a plan the types
    are content, and the prior decides whether the row player is. Empty when the game has
    no belief thresholds (`has_belief_thresholds`).
    """
    if not has_belief_thresholds(game):
        return []
    out: dict[tuple, Threshold] = {}
    for i in range(len(game.row_moves)):
        replies = [column_best_replies(game, t, i) for t in range(len(game.types))]
        for plan in itertools.product(*replies):
            th = threshold_for_plan(game, plan)
            if th is not None:
                out.setdefault(th.plan, th)
    return sorted(out.values(), key=lambda th: (th.exact, th.plan))


@dataclass(frozen=True)
class SequentialOutcome:
    """The row player moves first and each type replies, knowing the row move.

    ``replies[i][t]``: type t's reply to row move i; ``values[i]``: the row player's
    expected payoff of move i given the replies; ``best``: the row moves that maximize it;
    ``threshold``: the prior of the first type at which the row player's choice flips.
    """

    replies: tuple[tuple[int, ...], ...]
    values: tuple[float, ...]
    best: tuple[int, ...]
    threshold: Threshold | None
    #: "" when every tie-break is listed; else "for" / "against": every type breaks its ties
    #: in the row player's favour / against it (see `sequential_outcomes`)
    tie_break: str = ""


def tie_break_count(game: BayesianGame, tol: float = 1e-9) -> int:
    """How many ways the types can break ties among their best replies, over all row moves."""
    count = 1
    for i in range(len(game.row_moves)):
        for t in range(len(game.types)):
            count *= len(column_best_replies(game, t, i, tol))
    return count


def sequential_outcomes(game: BayesianGame, tol: float = 1e-9) -> list[SequentialOutcome]:
    """Perfect Bayesian equilibria when the row player moves first (one per tie-break of the types).

    The row player learns nothing before moving, so its belief is the prior; each type
    replies optimally to the row move it sees; the row player picks the move with the
    higher expected payoff given those replies. ``threshold`` is computed only where the
    game has belief thresholds (`has_belief_thresholds`), None elsewhere. With more than
    `MAX_TIE_BREAKS` tie-breaks (types indifferent in many ways: they multiply over types
    and row moves) only the two extremes are given, every type breaking its ties in the row
    player's favour and against it: the row player's expected payoff of each move lies
    between those two, since it is a sum over types.
    """
    m, k = len(game.row_moves), len(game.types)
    options = [[column_best_replies(game, t, i, tol) for t in range(k)] for i in range(m)]
    if tie_break_count(game, tol) > MAX_TIE_BREAKS:
        return _extreme_tie_breaks(game, options, tol)
    per_move = [list(itertools.product(*options[i])) for i in range(m)]
    return [_sequential_outcome(game, choice, tol) for choice in itertools.product(*per_move)]


def _sequential_outcome(game: BayesianGame, choice, tol: float, tie_break: str = "") -> SequentialOutcome:
    m = len(game.row_moves)
    values = tuple(
        float(sum(game.prior[t] * game.row_payoffs[t][i, a] for t, a in enumerate(choice[i])))
        for i in range(m)
    )
    top = max(values)
    scale = tol * max(1.0, max(abs(v) for v in values))
    best = tuple(i for i, v in enumerate(values) if v >= top - scale)
    threshold = _switch_prior(game, choice) if has_belief_thresholds(game) else None
    return SequentialOutcome(tuple(tuple(c) for c in choice), values, best, threshold, tie_break)


def _extreme_tie_breaks(game: BayesianGame, options, tol: float) -> list[SequentialOutcome]:
    """Every type breaking its ties for the row player ("for"), then against it ("against");
    among equally good replies for the row player, the first move."""
    out = []
    for side, sign in (("for", 1.0), ("against", -1.0)):
        choice = tuple(
            tuple(max(options[i][t], key=lambda a, i=i, t=t: (sign * float(game.row_payoffs[t][i, a]), -a))
                  for t in range(len(game.types)))
            for i in range(len(game.row_moves))
        )
        out.append(_sequential_outcome(game, choice, tol, side))
    return out


def _switch_prior(game: BayesianGame, choice) -> Threshold | None:
    """The prior of the first type at which the row player's first move flips, given the
    types' replies to each row move (two types, two row moves); None outside (0, 1)."""
    # expected value of move 1 minus move 0, affine in the prior
    g = [game.exact_row_payoff(t, 1, choice[1][t]) - game.exact_row_payoff(t, 0, choice[0][t]) for t in range(2)]
    if g[0] == g[1]:
        return None
    pi = g[1] / (g[1] - g[0])
    if not 0 < pi < 1:
        return None
    above, below = (1, 0) if g[0] > g[1] else (0, 1)
    return Threshold(float(pi), pi, (), above, below)


# ------------------------------------------------------------------ a model's hidden types
def hidden_type_game(
    params: Mapping[str, float] | None = None, prior: float | None = None, model=None
) -> BayesianGame:
    """A model's game with a player's type hidden, as its file's ``[types.PLAYER]`` declares
    it (the default, trade model's unless model is given: China is a pragmatist, prior
    ``prior_pragmatist``, or self-reliant, its self-reliance drive ``self_reliance_hardliner``).
    ``prior`` overrides the prior of the first type."""
    from dataclasses import replace

    from games.model.bayes import bayesian_game

    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    game = bayesian_game(model, model.validated(dict(params or {})))
    return game if prior is None else replace(game, prior=(float(prior), 1.0 - float(prior)))


def trade_bayesian_game(params: Mapping[str, float] | None = None, prior: float | None = None) -> BayesianGame:
    """The 2×2 trade game with China's type hidden: `hidden_type_game` of the default model
    (the name `tradegame solve --game bayesian` has always called)."""
    return hidden_type_game(params, prior)
