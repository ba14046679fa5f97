"""Explain a solved game in plain words: every outcome, the structure, the thresholds.

`explain(solution)` turns a `games.solvers.solver.Solution` into an `Explanation`: for every pure
profile whether it is an equilibrium and why (each player's best alternative and the
margin, or who would move and what it would gain); for mixed equilibria the indifference
that pins each side's probabilities; dominant and dominated strategies and iterated
elimination; Pareto efficiency, payoff dominance and risk dominance; the 2×2 game's
class in the Robinson–Goforth topology; and, for trade-model games (``params`` and
``form`` given), the parameter thresholds at which each equilibrium appears or breaks.

Everything is data (frozen dataclasses, `to_dict()` for JSON); `cli.explain_view`
renders it. Sentences use the game's own player and strategy names.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from games.solvers.best_response import _tie_tol
from games.solvers.dominance import dominant_strategies, dominations, iterated_elimination
from games.forms.normal_form import NormalFormGame
from games.explanations.wording import apart, cap, who

#: Largest number of pure profiles listed one by one (bigger games list equilibria only).
MAX_OUTCOMES = 400


# ----------------------------------------------------------------- value types
@dataclass(frozen=True)
class PlayerCheck:
    """One player at a pure profile: its best alternative and what switching would change."""

    player: str
    plays: str
    best_alternative: str | None  # None when the player has a single strategy
    gain: float  # payoff change from switching to best_alternative (negative: a margin lost)
    best_response: bool


@dataclass(frozen=True)
class Outcome:
    """A pure profile: payoffs, whether it is an equilibrium, and why in one sentence."""

    profile: tuple[str, ...]
    indices: tuple[int, ...]
    payoffs: tuple[float, ...]
    is_equilibrium: bool
    checks: tuple[PlayerCheck, ...]
    sentence: str


@dataclass(frozen=True)
class Indifference:
    """In a mixed equilibrium: one player's mixture and the indifference it creates."""

    player: str  # whose probabilities
    probabilities: dict[str, float]  # over its support
    keeps_indifferent: str  # the other player
    between: tuple[str, ...]  # the other player's support
    value: float  # the common payoff of those strategies to the other player
    sentence: str


@dataclass(frozen=True)
class EquilibriumExplanation:
    """Why one equilibrium of the solution holds, and how it compares with other outcomes."""

    index: int
    label: str  # "(Relax, Supply)" or "mixed"
    pure: bool
    payoffs: tuple[float, ...]
    checks: tuple[PlayerCheck, ...]  # pure equilibria: the margins
    indifferences: tuple[Indifference, ...]  # mixed equilibria
    pareto_efficient: bool
    pareto_improvements: tuple[str, ...]  # pure outcomes every player weakly prefers (some strictly)
    summary: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Dominance:
    """Dominant and dominated strategies, and what iterated elimination leaves."""

    strictly_dominant: dict[str, str]
    weakly_dominant: dict[str, str]
    dominated: tuple[dict[str, Any], ...]  # {player, strategy, by, strict}
    strict_elimination: dict[str, list[str]]  # player -> surviving strategies
    weak_elimination: dict[str, list[str]]
    dominance_solvable: bool
    sentences: tuple[str, ...]
    #: strategies strictly dominated by a mixture of the player's others but by none of them
    #: alone: {player, strategy, by: {strategy: probability}} (a dominating mixture, one of many)
    mixture_dominated: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RiskComparison:
    """Harsanyi–Selten risk dominance between two strict pure equilibria (2×2 restriction)."""

    first: str
    second: str
    first_product: float  # product of the deviation losses at the first equilibrium
    second_product: float
    risk_dominant: str | None  # None when the products are equal
    sentence: str


@dataclass(frozen=True)
class Selection:
    """Payoff and risk dominance among several pure equilibria."""

    payoff_dominant: str | None
    risk: tuple[RiskComparison, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """The structured explanation of one solved game (see module docstring)."""

    title: str
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    outcomes: tuple[Outcome, ...]
    equilibria: tuple[EquilibriumExplanation, ...]
    dominance: Dominance
    selection: Selection | None
    classification: Any  # games.explanations.topology.GameClass or None
    thresholds: tuple[Any, ...]  # games.explanations.thresholds.EquilibriumThresholds, one per equilibrium
    starts: tuple[Any, ...]  # games.explanations.thresholds.ProfileThresholds for non-equilibrium outcomes
    equilibrium_summaries: tuple[str, ...]
    overview: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready nested dict (tuples become lists, numbers plain floats)."""
        return _plain(asdict(self))

    def _repr_html_(self) -> str:
        """Overview, reasons, dominance and thresholds as HTML lists, for Jupyter."""
        from games.explanations.rich_display import explanation_html

        return explanation_html(self)


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float):
        return 0.0 if obj == 0 else obj
    return obj


# ----------------------------------------------------------------- wording
def num(v: float, digits: int = 2) -> str:
    """A short number for sentences: 5.1, -0.6, 3 (rounded to `digits` decimals)."""
    if abs(v) < 0.5 * 10**-digits:
        return "0"
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return text


def value(v: float, tol: float) -> str:
    """A payoff for sentences, as `num`, but one too small for two decimals and still
    beyond `tol` (the player's tie tolerance) keeps two significant digits: in a game in
    millionths, "each pays it 2.7e-06", not "0"."""
    return num(v) if abs(v) >= 0.005 or abs(v) <= tol else f"{v:.2g}"


def amount(v: float) -> str:
    """A gain or loss that is known to be real (beyond the tolerance): never shown as 0.

    Margins below 0.005 keep two significant digits (0.0031), so a sentence never says
    "would lose 0" about a loss that holds an equilibrium together.
    """
    return num(v) if abs(v) >= 0.005 else f"{v:.2g}"


def prob(v: float) -> str:
    """A probability for sentences: 0.89, 0.4, 0.333 for thirds."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if len(text) <= 4 or abs(v * 3 - round(v * 3)) < 1e-9 else f"{v:.2f}"


def profile_label(game: NormalFormGame, indices: Sequence[int]) -> str:
    return "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(indices)) + ")"


def join(parts: Sequence[str]) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ----------------------------------------------------------------- pure outcomes
def explain_tolerances(game: NormalFormGame) -> tuple[float, ...]:
    """Each player's tie tolerance for sentences: the regret `verify` allows that player.

    Per player (relative to the spread of its own payoffs), as in `verify`: a player whose
    payoffs are in units is not called indifferent because the other's are in billions.
    (It exceeds the solvers' tie tolerance, so solver ties are ties here too.)
    """
    from games.solvers.equilibrium import player_tolerances

    return player_tolerances(game)


def player_checks(game: NormalFormGame, profile: Sequence[int], tol: Sequence[float]) -> tuple[PlayerCheck, ...]:
    """Each player's best alternative at a pure profile and the payoff change of switching."""
    out = []
    for i in range(game.n_players):
        index = list(profile)
        index[i] = slice(None)
        column = np.asarray(game.payoffs[i][tuple(index)], dtype=float)
        own = profile[i]
        plays = game.strategies[i][own]
        if len(column) == 1:
            out.append(PlayerCheck(game.players[i], plays, None, 0.0, True))
            continue
        others = [k for k in range(len(column)) if k != own]
        best = max(others, key=lambda k: (column[k], -k))
        gain = float(column[best] - column[own])
        out.append(PlayerCheck(game.players[i], plays, game.strategies[i][best], gain, gain <= tol[i]))
    return tuple(out)


def _switch_phrase(check: PlayerCheck, tol: float) -> str:
    if check.best_alternative is None:
        return f"{who(check.player)} has no alternative"
    if check.gain < -tol:
        return f"{who(check.player)} would lose {amount(-check.gain)} by switching to {check.best_alternative}"
    return f"{who(check.player)} would gain nothing by switching to {check.best_alternative} (it is indifferent)"


def _reasons(checks: Sequence[PlayerCheck], tol: Sequence[float]) -> list[str]:
    return [_switch_phrase(c, t) for c, t in zip(checks, tol) if c.best_alternative is not None]


def outcome_sentence(game: NormalFormGame, label: str, checks: Sequence[PlayerCheck], tol: Sequence[float]) -> str:
    movers = [c for c in checks if not c.best_response]
    if not movers:
        reasons = _reasons(checks, tol)
        return f"{label} is an equilibrium: {join(reasons)}."
    moves = [
        f"{who(c.player)} would switch to {c.best_alternative}, gaining {amount(c.gain)}" for c in movers
    ]
    return f"{label} is not an equilibrium: {'; '.join(moves)}."


def outcomes(game: NormalFormGame, tol: Sequence[float]) -> tuple[Outcome, ...]:
    """Every pure profile, checked (empty when there are more than MAX_OUTCOMES)."""
    if int(np.prod(game.shape)) > MAX_OUTCOMES:
        return ()
    out = []
    for prof in itertools.product(*(range(n) for n in game.shape)):
        checks = player_checks(game, prof, tol)
        label = profile_label(game, prof)
        out.append(
            Outcome(
                profile=tuple(game.strategies[i][s] for i, s in enumerate(prof)),
                indices=tuple(int(s) for s in prof),
                payoffs=tuple(game.payoff(i, prof) for i in range(game.n_players)),
                is_equilibrium=all(c.best_response for c in checks),
                checks=checks,
                sentence=outcome_sentence(game, label, checks, tol),
            )
        )
    return tuple(out)


# ----------------------------------------------------------------- mixed equilibria
def _value_of(game: NormalFormGame, i: int, v: float) -> str:
    """Player i's payoff `v` for a sentence, within its own tie tolerance (`value`)."""
    return value(v, explain_tolerances(game)[i])


def indifferences(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> tuple[Indifference, ...]:
    """For a two-player mixed equilibrium: whose probabilities keep whom indifferent."""
    from games.solvers.equilibrium import strategy_values

    if game.n_players != 2:
        return _nplayer_indifferences(game, profile)
    mix = [np.asarray(p, dtype=float) for p in profile]
    out = []
    for j in range(2):  # j mixes; i = the other is kept indifferent
        i = 1 - j
        support_j = [k for k, v in enumerate(mix[j]) if v > 1e-12]
        support_i = [k for k, v in enumerate(mix[i]) if v > 1e-12]
        if len(support_i) < 2:
            continue  # nobody needs to be kept indifferent
        values = strategy_values(game, mix, i)
        probs = {game.strategies[j][k]: float(mix[j][k]) for k in support_j}
        between = tuple(game.strategies[i][k] for k in support_i)
        value = float(np.mean(values[support_i]))
        value_text = _value_of(game, i, value)
        if len(support_j) == 1:
            how = f"{who(game.players[j])} plays {game.strategies[j][support_j[0]]} for sure"
            rate = "which leaves"
        else:
            how = f"{who(game.players[j])} plays " + join(
                [f"{game.strategies[j][k]} with probability {prob(mix[j][k])}" for k in support_j]
            )
            rate = "exactly the rate that leaves" if len(support_j) == 2 else "exactly the mix that leaves"
        out.append(
            Indifference(
                player=game.players[j],
                probabilities=probs,
                keeps_indifferent=game.players[i],
                between=between,
                value=value,
                sentence=f"{cap(how)}, {rate} {who(game.players[i])} indifferent between "
                f"{join(between)} (each pays it {value_text}).",
            )
        )
    return tuple(out)


def _nplayer_indifferences(game: NormalFormGame, profile: Sequence[Sequence[float]]) -> tuple[Indifference, ...]:
    """Three or more players: for each player, what the others' joint play leaves it.

    A mixing player is indifferent among the strategies it mixes (the others' mixtures
    together make it so: ``keeps_indifferent`` is that player itself and ``player`` names
    the others); a player who plays one strategy is told its margin over its best
    alternative, i.e. whether and how much it would lose by deviating.
    """
    from games.solvers.equilibrium import strategy_values

    mix = [np.asarray(p, dtype=float) for p in profile]
    tols = explain_tolerances(game)
    out = []
    for i, name in enumerate(game.players):
        others = [game.players[j] for j in range(game.n_players) if j != i]
        support = [k for k, v in enumerate(mix[i]) if v > 1e-12]
        values = strategy_values(game, mix, i)
        value = float(np.dot(values, mix[i]))
        if len(support) > 1:
            between = tuple(game.strategies[i][k] for k in support)
            sentence = (
                f"{cap(who(name))} mixes " + join([f"{game.strategies[i][k]} {prob(mix[i][k])}" for k in support])
                + f": against the others' play {join(between)} each pay it {_value_of(game, i, value)}, so it is willing to mix."
            )
        else:
            k = support[0]
            between = (game.strategies[i][k],)
            alts = [a for a in range(game.shape[i]) if a != k]
            if not alts:
                sentence = f"{cap(who(name))} has only {game.strategies[i][k]}."
            else:
                a = max(alts, key=lambda t: values[t])
                loss = value - float(values[a])
                if loss > tols[i]:
                    tail = f"would lose {amount(loss)} by switching to {game.strategies[i][a]}"
                else:
                    tail = f"would gain nothing by switching to {game.strategies[i][a]} (it pays the same)"
                sentence = f"{cap(who(name))} plays {game.strategies[i][k]} for sure (earning {_value_of(game, i, value)}) and {tail}."
        out.append(Indifference(
            player=join([who(o) for o in others]),
            probabilities={game.strategies[i][k]: float(mix[i][k]) for k in support},
            keeps_indifferent=name,
            between=between,
            value=value,
            sentence=sentence,
        ))
    return tuple(out)


# ----------------------------------------------------------------- structure
def _domination_matrix(u: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """(strict, weak) boolean matrices: [s, t] is True when t dominates s (rows of u = own strategies)."""
    n = u.shape[0]
    strict = np.zeros((n, n), dtype=bool)
    weak = np.zeros((n, n), dtype=bool)
    for s in range(n):  # one row of differences at a time: memory grows with u, not n × u
        diff = u - u[s]  # diff[t] = u[t] − u[s]
        strict[s] = np.all(diff > tol, axis=1)
        weak[s] = np.all(diff >= -tol, axis=1) & np.any(diff > tol, axis=1) & ~strict[s]
    return strict, weak


def _mixture_dominating(u: np.ndarray, t: int, tol: float) -> dict[int, float] | None:
    """A mixture of the other rows of u that pays strictly more (by more than tol) than row t
    against every column, or None (rows: own strategies; columns: the others' profiles).

    One LP: maximize ε subject to Σ σ_k u[k] ≥ u[t] + ε, σ ≥ 0, Σ σ = 1. A row that is a
    best reply against some column is beaten by no mixture: no LP (nor scipy) for it."""
    rows = [k for k in range(u.shape[0]) if k != t]
    if len(rows) < 2 or np.any(u[t] >= u[rows].max(axis=0) - tol):
        return None
    from scipy.optimize import linprog

    m = len(rows)
    c = np.zeros(m + 1)
    c[-1] = -1.0  # maximize ε
    a_ub = np.hstack([-u[rows].T, np.ones((u.shape[1], 1))])
    b_ub = -u[t]
    a_eq = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    if res.status != 0 or -res.fun <= tol:
        return None
    sigma = np.clip(res.x[:m], 0, None)
    sigma /= sigma.sum()
    if np.any(sigma @ u[rows] - u[t] <= tol):  # check the mixture found, not the LP's word
        return None
    return {k: float(w) for k, w in zip(rows, sigma) if w > 1e-12}


def _mixture_elimination(game: NormalFormGame) -> tuple[list[list[int]], list[tuple[int, int, dict[int, float]]]]:
    """Iterated elimination of strategies strictly dominated by a pure strategy *or a
    mixture* (the textbook procedure: what survives it is what rational players who know
    each other rational may play, in two-player games). Returns the survivors and the
    strategies of the whole game beaten by a mixture but by no pure strategy."""
    tols = [_tie_tol(game, i) for i in range(game.n_players)]

    def beaten(alive, i):
        """(strategy, dominating mixture or None for a pure dominator) of player i, or None."""
        u = np.moveaxis(game.payoffs[i], i, 0)
        others = [alive[j] for j in range(game.n_players) if j != i]
        sub = u[np.ix_(alive[i], *others)].reshape(len(alive[i]), -1)
        strict, _ = _domination_matrix(sub, tols[i])
        out = []
        for r, t in enumerate(alive[i]):
            if np.any(strict[r]):
                out.append((t, None))
                continue
            mix = _mixture_dominating(sub, r, tols[i])
            if mix is not None:
                out.append((t, {alive[i][k]: w for k, w in mix.items()}))
        return out

    alive = [list(range(n)) for n in game.shape]
    first = [(i, t, mix) for i in range(game.n_players) for t, mix in beaten(alive, i) if mix is not None]
    while True:
        removed = False
        for i in range(game.n_players):
            hit = beaten(alive, i)
            if hit and len(hit) < len(alive[i]):
                gone = {t for t, _ in hit}
                alive[i] = [s for s in alive[i] if s not in gone]
                removed = True
        if not removed:
            return alive, first


def _fast_dominance(game: NormalFormGame) -> Dominance:
    """Vectorized dominance for large games: strict elimination (order-free), no weak elimination."""
    P, S = game.players, game.strategies
    tols = [_tie_tol(game, i) for i in range(game.n_players)]  # per player, as in games.solvers.dominance
    rows = [np.moveaxis(game.payoffs[i], i, 0).reshape(game.shape[i], -1) for i in range(game.n_players)]
    strict_dom, weak_dom, dominated = {}, {}, []
    for i, u in enumerate(rows):
        st, wk = _domination_matrix(u, tols[i])
        n = game.shape[i]
        for t in range(n):
            if n > 1 and all(st[s, t] for s in range(n) if s != t):
                strict_dom[P[i]] = S[i][t]
            elif n > 1 and all(st[s, t] or wk[s, t] for s in range(n) if s != t):
                weak_dom.setdefault(P[i], S[i][t])
        for s_, t_ in zip(*np.nonzero(st)):
            dominated.append({"player": P[i], "strategy": S[i][s_], "by": S[i][t_], "strict": True})
    alive = [list(range(n)) for n in game.shape]
    while True:
        removed = False
        for i in range(game.n_players):
            u = np.moveaxis(game.payoffs[i], i, 0)
            others = [alive[j] for j in range(game.n_players) if j != i]
            sub = u[np.ix_(alive[i], *others)].reshape(len(alive[i]), -1)
            st, _ = _domination_matrix(sub, tols[i])
            beaten = np.any(st, axis=1)
            if beaten.any():
                alive[i] = [s for s, b in zip(alive[i], beaten) if not b]
                removed = True
        if not removed:
            break
    surviving = {P[i]: [S[i][s] for s in a] for i, a in enumerate(alive)}
    solvable = all(len(a) == 1 for a in alive)
    sentences = [
        f"{s} is a strictly dominant strategy for {who(p)}: it pays more whatever the others do."
        for p, s in strict_dom.items()
    ]
    beaten_count = sum(1 for d in dominated)
    if beaten_count:
        sentences.append(f"{beaten_count} strict domination relations between strategies (listed in the data).")
    if solvable:
        sentences.append(
            f"Iterated elimination of strictly dominated strategies leaves only "
            f"{profile_label(game, [a[0] for a in alive])}: the game is dominance-solvable."
        )
    else:
        kept = "; ".join(f"{who(p)}: {len(v)} of {game.shape[i]} strategies" for i, (p, v) in enumerate(surviving.items()))
        sentences.append(f"Iterated elimination of strictly dominated strategies leaves {kept}.")
    sentences.append("(Large game: weak dominance is not eliminated iteratively.)")
    return Dominance(strict_dom, weak_dom, tuple(dominated), surviving, {}, solvable, tuple(sentences))


def dominance_relations(game: NormalFormGame) -> Dominance:
    """Dominant/dominated strategies (strict and weak) and iterated elimination."""
    if int(np.prod(game.shape)) > MAX_OUTCOMES:
        return _fast_dominance(game)
    P, S = game.players, game.strategies
    strict_dom = {P[i]: S[i][s] for i, s in dominant_strategies(game, strict=True).items()}
    weak_dom = {
        P[i]: S[i][s]
        for i, s in dominant_strategies(game, strict=False).items()
        if P[i] not in strict_dom
    }
    rels = dominations(game)
    dominated = tuple(
        {"player": P[d.player], "strategy": S[d.player][d.dominated], "by": S[d.player][d.by], "strict": d.strict}
        for d in rels
    )
    strict_el = iterated_elimination(game, strict=True)
    weak_el = iterated_elimination(game, strict=False)
    surv = lambda el: {P[i]: [S[i][s] for s in alive] for i, alive in enumerate(el.surviving)}
    solvable = all(len(a) == 1 for a in strict_el.surviving)
    sentences = []
    for p, s in strict_dom.items():
        if game.n_players == 1:  # a one-player game (Gambit files may hold one): no one else
            sentences.append(f"{s} is a strictly dominant strategy for {who(p)}: it pays more than any alternative.")
            continue
        others = "the others do" if game.n_players > 2 else f"{who(_other(game, p))} does"
        sentences.append(f"{s} is a strictly dominant strategy for {who(p)}: it pays more whatever {others}.")
    for p, s in weak_dom.items():
        sentences.append(
            f"{s} is a weakly dominant strategy for {who(p)}: it never pays less, and sometimes more."
        )
    alive, by_mixture = _mixture_elimination(game)
    by_mixture = [(i, t, mix) for i, t, mix in by_mixture if (P[i], S[i][t]) not in {
        (d["player"], d["strategy"]) for d in dominated if d["strict"]}]
    mixture_dominated = tuple(
        {"player": P[i], "strategy": S[i][t], "by": {S[i][k]: w for k, w in mix.items()}} for i, t, mix in by_mixture
    )
    strictly_beaten = {(d["player"], d["strategy"]) for d in dominated if d["strict"]}
    for d in dominated:
        if d["player"] in strict_dom and d["strict"]:
            continue  # already said by the dominant-strategy sentence
        if not d["strict"] and (d["player"], d["strategy"]) in strictly_beaten:
            continue  # a strict domination of the same strategy says more
        kind = "strictly" if d["strict"] else "weakly"
        sentences.append(f"For {who(d['player'])}, {d['strategy']} is {kind} dominated by {d['by']}.")
    for d in mixture_dominated:
        mix = " + ".join(f"{prob(w)} {k}" for k, w in d["by"].items())
        sentences.append(
            f"For {who(d['player'])}, {d['strategy']} is strictly dominated by a mixture of its other "
            f"strategies ({mix}, for example), though by none of them alone: it is never a best response."
        )
    mixed_surv = {P[i]: [S[i][s] for s in a] for i, a in enumerate(alive)}
    if mixed_surv != surv(strict_el):  # mixtures eliminate more than pure strategies do
        if all(len(a) == 1 for a in alive):
            solvable = True
            left = profile_label(game, [a[0] for a in alive])
            sentences.append(
                f"Iterated elimination of strictly dominated strategies (by pure strategies or mixtures) "
                f"leaves only {left}: the game is dominance-solvable."
            )
        else:
            kept = "; ".join(f"{who(p)}: {', '.join(v)}" for p, v in mixed_surv.items())
            sentences.append(
                f"Iterated elimination of strictly dominated strategies (by pure strategies or mixtures) leaves {kept}."
            )
        return Dominance(strict_dom, weak_dom, dominated, mixed_surv, surv(weak_el), solvable, tuple(sentences),
                         mixture_dominated)
    if not rels:
        sentences.append("No strategy is dominated: each choice is best against something.")
    elif solvable:
        left = profile_label(game, [s[0] for s in strict_el.surviving])
        sentences.append(
            f"Iterated elimination of strictly dominated strategies leaves only {left}: "
            "the game is dominance-solvable."
        )
    elif strict_el.steps:
        kept = "; ".join(f"{who(p)}: {', '.join(v)}" for p, v in surv(strict_el).items())
        sentences.append(f"Iterated elimination of strictly dominated strategies leaves {kept}.")
    if not solvable and weak_el.steps and all(len(a) == 1 for a in weak_el.surviving):
        left = profile_label(game, [s[0] for s in weak_el.surviving])
        sentences.append(
            f"Eliminating weakly dominated strategies (in tradegame's fixed order; the result can "
            f"depend on the order) leaves {left}."
        )
    return Dominance(strict_dom, weak_dom, dominated, surv(strict_el), surv(weak_el), solvable, tuple(sentences),
                     mixture_dominated)


def _other(game: NormalFormGame, player: str) -> str:
    return next(p for p in game.players if p != player)


def pareto_improvements(game: NormalFormGame, payoffs: Sequence[float], tol: Sequence[float]) -> list[tuple[int, ...]]:
    """Pure profiles every player likes at least as much as `payoffs`, one strictly more."""
    weakly = np.ones(game.shape, dtype=bool)
    strictly = np.zeros(game.shape, dtype=bool)
    for a, target, t in zip(game.payoffs, payoffs, tol):  # player by player: no stacked copy
        weakly &= a >= float(target) - float(t)
        strictly |= a > float(target) + float(t)
    return [tuple(int(v) for v in idx) for idx in np.argwhere(weakly & strictly)]


def _better_off(game: NormalFormGame, profile, payoffs: Sequence[float], tol: Sequence[float]) -> tuple[bool, ...]:
    """For each player: does it get strictly more (beyond its tie tolerance) at `profile`?"""
    return tuple(
        bool(game.payoff(i, profile) > float(payoffs[i]) + float(tol[i])) for i in range(game.n_players)
    )


def _prefer_phrase(game: NormalFormGame, better: Sequence[bool], label: str, short: bool = False) -> str:
    """'both sides would prefer X' when everyone gains strictly; otherwise who gains and
    that the rest lose nothing ('China would prefer X, and the US would do no worse there'):
    a Pareto improvement may leave a player indifferent, and saying it prefers would be false."""
    if all(better):
        if game.n_players == 2:
            return f"both {'would' if short else 'sides would'} prefer {label}"
        return f"{'all' if short else 'every player'} would prefer {label}"
    gainers = [who(p) for p, b in zip(game.players, better) if b]
    rest = [who(p) for p, b in zip(game.players, better) if not b]
    return f"{join(gainers)} would prefer {label}, and {join(rest)} would do no worse there"


def _best_improvement(game: NormalFormGame, improvements, payoffs) -> tuple[int, ...]:
    """The Pareto improvement with the largest smallest gain (what both would most like)."""
    target = np.asarray(payoffs, dtype=float)
    return max(
        improvements,
        key=lambda p: (min(game.payoff(i, p) - target[i] for i in range(game.n_players)),
                       sum(game.payoff(i, p) for i in range(game.n_players))),
    )


def risk_comparison(game: NormalFormGame, e: tuple[int, int], f: tuple[int, int]) -> RiskComparison | None:
    """Harsanyi–Selten risk dominance of two pure equilibria that differ in both strategies.

    In the 2×2 game formed by the two equilibria's strategies, the equilibrium with the
    larger product of the players' deviation losses risk-dominates the other.
    """
    if game.n_players != 2 or e[0] == f[0] or e[1] == f[1]:
        return None
    A, B = game.bimatrix()
    le = (A[e] - A[f[0], e[1]], B[e] - B[e[0], f[1]])
    lf = (A[f] - A[e[0], f[1]], B[f] - B[f[0], e[1]])
    pe, pf = float(le[0] * le[1]), float(lf[0] * lf[1])
    t0, t1 = explain_tolerances(game)  # each player's tie tolerance, in its own payoff units
    if min(le[0], lf[0]) <= t0 or min(le[1], lf[1]) <= t1:
        return None  # not strict equilibria: the criterion does not apply
    lab_e, lab_f = profile_label(game, e), profile_label(game, f)
    # products are in the units of both payoffs: a tie within what each loss's tolerance
    # moves them, so the verdict does not change when either player's payoffs are rescaled
    tol = t0 * max(le[1], lf[1]) + t1 * max(le[0], lf[0]) + t0 * t1
    if abs(pe - pf) <= tol:
        winner = None
        verdict = f"Neither {lab_e} nor {lab_f} risk-dominates the other"
    else:
        winner = lab_e if pe > pf else lab_f
        loser = lab_f if pe > pf else lab_e
        verdict = f"{winner} risk-dominates {loser}"
    losses = (
        "the product of the two sides' losses from deviating is "
        if game.shape == (2, 2)
        else "counting only the strategies of these two equilibria, the product of the two sides' "
        "losses from switching to the other equilibrium's strategy is "
    )
    # numbers that differ never read alike (1 × 1 = 1 against 1 × 1 = 1 for 1.001² and 1)
    (e0, f0), (e1, f1) = (apart(x, y, value(x, t), value(y, t), t) for x, y, t in zip(le, lf, (t0, t1)))
    te, tf = apart(pe, pf, value(pe, tol), value(pf, tol), tol)
    sentence = (
        f"{verdict}: {losses}"
        f"{e0} × {e1} = {te} at {lab_e} against "
        f"{f0} × {f1} = {tf} at {lab_f}"
        + (
            f"; a side unsure which of the two the other will play does better aiming at {winner}."
            if winner
            else "."
        )
    )
    return RiskComparison(lab_e, lab_f, pe, pf, winner, sentence)


def _disagree(pays, tol) -> bool:
    """Does some player strictly prefer one pure equilibrium while another strictly prefers a second?"""
    for e, f in itertools.permutations(pays, 2):
        if np.any(pays[e] > pays[f] + tol) and np.any(pays[f] > pays[e] + tol):
            return True
    return False


def selection(game: NormalFormGame, pure: Sequence[tuple[int, ...]], tol: Sequence[float]) -> Selection | None:
    """Payoff dominance and risk dominance when there are two or more pure equilibria."""
    if len(pure) < 2:
        return None
    tol = np.asarray(tol, dtype=float)
    pays = {p: np.array([game.payoff(i, p) for i in range(game.n_players)]) for p in pure}
    payoff_dom = None
    strict = False
    for p in pure:
        if all(
            np.all(pays[p] >= pays[q] - tol) and np.any(pays[p] > pays[q] + tol) for q in pure if q != p
        ):
            payoff_dom = profile_label(game, p)
            strict = all(np.all(pays[p] > pays[q] + tol) for q in pure if q != p)
    sentences = []
    if payoff_dom and strict:
        sentences.append(
            f"{payoff_dom} is payoff-dominant: every player prefers it to every other pure equilibrium."
        )
    elif payoff_dom:  # a player indifferent between it and another: no one does worse, some better
        sentences.append(
            f"{payoff_dom} is payoff-dominant in the weak sense: no player gets less in it than in any other "
            "pure equilibrium, and against each of them some player gets more (not every player strictly "
            "prefers it)."
        )
    elif game.n_players == 1:
        sentences.append(f"Its strategies {join([profile_label(game, p) for p in pure])} pay {who(game.players[0])} the same: any of them is a best choice.")
    elif _disagree(pays, tol):
        sentences.append("No pure equilibrium is best for every player: the sides disagree on which to reach.")
    else:  # no one prefers one equilibrium while another prefers a second: ties at the top
        best = [p for p in pure if not any(
            np.all(pays[q] >= pays[p] - tol) and np.any(pays[q] > pays[p] + tol) for q in pure if q != p
        )]
        sentences.append(
            f"No pure equilibrium is better for every player than all the others: "
            f"{join([profile_label(game, p) for p in best])} pay each player the same"
            + (", and no player does better in any other." if len(best) < len(pure) else ".")
        )
    risks = []
    for e, f in itertools.combinations(pure, 2):
        rc = risk_comparison(game, e, f)
        if rc is not None:
            risks.append(rc)
            sentences.append(rc.sentence)
    return Selection(payoff_dom, tuple(risks), tuple(sentences))


# ----------------------------------------------------------------- equilibria
def _pure_index(eq) -> tuple[int, ...]:
    return tuple(int(np.argmax(p)) for p in eq.profile)


def explain_equilibrium(game: NormalFormGame, k: int, eq, tol: Sequence[float]) -> EquilibriumExplanation:
    payoffs = tuple(float(v) for v in eq.payoffs)
    improvements = pareto_improvements(game, payoffs, tol)
    improvement_labels = tuple(profile_label(game, p) for p in improvements)
    sentences: list[str] = []
    if eq.is_pure:
        prof = _pure_index(eq)
        label = profile_label(game, prof)
        checks = player_checks(game, prof, tol)
        inds: tuple[Indifference, ...] = ()
        reasons = _reasons(checks, tol)
        sentences.append(f"{label} is an equilibrium: {join(reasons)}.")
        summary = f"Neither side gains by switching alone: {join(reasons)}" if game.n_players == 2 else (
            f"No player gains by switching alone: {join(reasons)}"
        )
    else:
        label = "mixed"
        checks = ()
        inds = indifferences(game, eq.profile)
        sentences += [i.sentence for i in inds]
        summary = " ".join(i.sentence for i in inds).rstrip(".") if inds else (
            "Each side mixes at rates that keep the others indifferent"
        )
        sentences.append(
            "Expected payoffs: " + ", ".join(f"{who(p)} {value(v, t)}" for p, v, t in zip(game.players, payoffs, tol)) + "."
        )
    if improvements:
        best = _best_improvement(game, improvements, payoffs)
        gains = ", ".join(
            "{} {} instead of {}".format(who(game.players[i]), *apart(
                game.payoff(i, best), payoffs[i], value(game.payoff(i, best), tol[i]), value(payoffs[i], tol[i]), tol[i]
            ))
            for i in range(game.n_players)
        )
        what = "this equilibrium" if not eq.is_pure else label
        better = _better_off(game, best, payoffs, tol)
        sentences.append(f"{cap(what)} is not Pareto efficient: {_prefer_phrase(game, better, profile_label(game, best))} ({gains}).")
        summary += f" — yet {_prefer_phrase(game, better, profile_label(game, best), short=True)}"
    else:
        sentences.append(
            f"{cap(label if eq.is_pure else 'this equilibrium')} is Pareto efficient: no outcome is better for one side without being worse for another."
        )
    return EquilibriumExplanation(
        index=k,
        label=label,
        pure=eq.is_pure,
        payoffs=payoffs,
        checks=checks,
        indifferences=inds,
        pareto_efficient=not improvements,
        pareto_improvements=improvement_labels,
        summary=summary.rstrip(".") + ".",
        sentences=tuple(sentences),
    )


# ----------------------------------------------------------------- entry point
def explain(
    solution,
    params: Mapping[str, float] | None = None,
    form: str | None = None,
    levels: int = 5,
    model=None,
) -> "Explanation":
    """The full explanation of a solved game (thresholds for the simultaneous and graded
    forms of the trade model, or of the model file `model` when given)."""
    game: NormalFormGame = solution.game
    tol = explain_tolerances(game)
    outs = outcomes(game, tol)
    eqs = tuple(explain_equilibrium(game, k, eq, tol) for k, eq in enumerate(solution.equilibria))
    pure = [_pure_index(eq) for eq in solution.equilibria if eq.is_pure]
    dom = dominance_relations(game)
    sel = selection(game, pure, tol)
    from games.explanations.topology import classify_game

    cls = classify_game(game)
    thresholds: tuple[Any, ...] = ()
    starts: tuple[Any, ...] = ()
    notes: list[str] = []
    if solution.note:
        notes.append(solution.note)
    if not outs:
        notes.append(
            f"The game has {int(np.prod(game.shape)):,} pure profiles; only the equilibria are explained one by one."
        )
    if params is not None and (form in ("simultaneous", "graded") or (form in ("package", "package-graded") and model is not None)):
        from games.explanations import thresholds as th

        thresholds = th.equilibrium_thresholds(params, form, levels, solution, model=model)
        if form == "simultaneous" and outs:  # every non-equilibrium profile: only when outcomes are listed
            starts = th.start_thresholds(params, form, levels, solution, model=model)
    overview = _overview(game, solution, outs, eqs, dom, sel, cls)
    return Explanation(
        title=game.title,
        players=tuple(game.players),
        strategies=tuple(tuple(s) for s in game.strategies),
        outcomes=outs,
        equilibria=eqs,
        dominance=dom,
        selection=sel,
        classification=cls,
        thresholds=thresholds,
        starts=starts,
        equilibrium_summaries=tuple(e.summary for e in eqs),
        overview=overview,
        notes=tuple(notes),
    )


def _overview(game, solution, outs, eqs, dom, sel, cls) -> tuple[str, ...]:
    """A few sentences a teacher could start with: the kind of game and its equilibria.

    Only what no other section says: the game's type by name (its description is under
    the classification), the equilibria counted, and continua. Pareto efficiency,
    dominance and equilibrium selection are each said once, in their own sections.
    """
    lines = []
    if cls is not None:
        topology = "the Robinson–Goforth topology of 2×2 games" if cls.strict else "the Robinson–Goforth topology"
        lines.append(f"In {topology} this is {_article(cls.name) if cls.strict else cls.name}.")
    n = len(eqs)
    pure = [e for e in eqs if e.pure]
    mixed = n - len(pure)
    parts = []
    if pure:
        parts.append(f"{len(pure)} pure ({', '.join(e.label for e in pure)})")
    if mixed:
        parts.append(f"{mixed} mixed")
    scope = "" if solution.complete else f" ({solution.note})"
    continua = _continua(solution, eqs)
    if continua:  # a segment of equilibria: not "the game has 3 equilibria"
        lines.append(
            f"The game has infinitely many equilibria; these {n} are its extreme ones{scope}: {join(parts)}."
        )
    else:
        lines.append(f"The game has {n} equilibri{'um' if n == 1 else 'a'}{scope}: {join(parts) or 'none found'}.")
    lines += continua
    return tuple(lines)


def _continua(solution, eqs) -> list[str]:
    """Say when listed equilibria are the ends of a continuum (a tie lets a player mix freely)."""
    if solution.game.n_players != 2 or not solution.complete or len(eqs) < 2 or len(eqs) != len(solution.equilibria):
        return []
    from games.solvers.equilibrium_components import components
    from games.errors import InputError

    try:
        comps = components(solution)
    except InputError:
        return []
    out = []
    for c in comps:
        if not c.is_continuum:
            continue
        names = [eqs[k].label if eqs[k].pure else f"the mixed equilibrium {k + 1}" for k in c.extreme_equilibria]
        if len(names) == 2 and len(c.maximal_subsets) == 1:
            out.append(f"{names[0]} and {names[1]} are the two ends of a segment of equilibria: "
                       "every mixture of the two is an equilibrium too.")
        else:
            out.append(f"{join(names)} are the extreme points of a continuum of equilibria; "
                       "mixtures of them are equilibria too (the solve output lists the pieces).")
    return out


def _article(name: str) -> str:
    return ("an " if name[:1] in "AEIOU" else "a ") + name
