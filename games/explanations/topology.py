"""Name a 2×2 game in the Robinson–Goforth ordinal topology, ties included.

Only the *order* of each player's four payoffs matters (4 = best, 1 = worst). Relabelling
a player's two strategies does not change the game, so each game is first put in a
canonical orientation: the columns are swapped if needed so the row player's best payoff
is in the left column, and the rows so the column player's best payoff is in the top
row. Each player's oriented ranks then match one of the twelve payoff patterns of the
symmetric games (Robinson & Goforth 2005; names as in Bruns, "Names for Games", Games
6(4), 2015): the game is symmetric when both players share a pattern (12 games) and an
asymmetric hybrid otherwise, named by its two patterns — 12 × 12 = 144 strict games.

Patterns are written as the row player's ranks ``((a, b), (c, d))``; the column player's
ranks are read transposed, so in a symmetric game ``B = Aᵀ``. With ``a = R`` (both play
the first strategy), ``b = S``, ``c = T`` and ``d = P``, the Prisoner's Dilemma is
``T > R > P > S``: ``((3, 1), (4, 2))``.

Ties are ranked "1224"-style from the top (two payoffs tied for best both get 4) and
named by Bruns' tie families: *low* (the two lowest tied), *middle*, *high* (the two
highest), *double* (two pairs), *triple* (the three highest), *basic* (the three
lowest) and *zero* (all four equal). A game with ties is also given the strict games its
ties can be broken into, the "closest" strict classification.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

Ranks = tuple[tuple[int, int], tuple[int, int]]

#: The twelve strict symmetric patterns (row player's ranks, left-up orientation).
STRICT_PATTERNS: dict[Ranks, str] = {
    ((3, 1), (4, 2)): "Prisoner's Dilemma",
    ((2, 1), (4, 3)): "Deadlock",
    ((1, 2), (4, 3)): "Compromise",
    ((1, 3), (4, 2)): "Hero",
    ((2, 3), (4, 1)): "Battle of the Sexes",
    ((3, 2), (4, 1)): "Chicken",
    ((4, 1), (3, 2)): "Stag Hunt",
    ((4, 1), (2, 3)): "Assurance",
    ((4, 2), (1, 3)): "Coordination",
    ((4, 3), (1, 2)): "Peace",
    ((4, 3), (2, 1)): "Harmony",
    ((4, 2), (3, 1)): "Concord",
}

#: Other names the same symmetric games go by.
ALIASES: dict[str, str] = {
    "Battle of the Sexes": "Rapoport's Leader; Bruns' Battle",
    "Hero": "Rapoport's Hero, a Battle of the Sexes in which yielding pays more than leading",
    "Chicken": "Hawk–Dove, Snowdrift",
    "Stag Hunt": "Trust dilemma",
    "Harmony": "no conflict",
}

#: One plain sentence per symmetric class (with "C" the first strategy in the orientation).
DESCRIPTIONS: dict[str, str] = {
    "Prisoner's Dilemma": "each side does better by holding back whatever the other does, "
    "yet both would be better off if both cooperated",
    "Deadlock": "each side holds back whatever the other does and prefers mutual holding "
    "back to mutual cooperation: no dilemma, just no deal",
    "Compromise": "each side has a dominant strategy to hold back; the equilibrium is "
    "second-best for both and mutual cooperation is the worst outcome",
    "Hero": "two equilibria in which one side leads and the other gives way; giving way "
    "pays well, but each would rather the other led",
    "Battle of the Sexes": "two equilibria in which one side leads and the other follows; "
    "each wants to be the leader, and failing to coordinate hurts both",
    "Chicken": "two equilibria in which one side backs down; each wants the other to back "
    "down, and if neither does both get their worst outcome",
    "Stag Hunt": "two equilibria: cooperating together is best for both, but cooperating "
    "alone is worst, so each cooperates only if it trusts the other to",
    "Assurance": "two equilibria: cooperating together is best for both; each cooperates "
    "if it is assured the other will",
    "Coordination": "two equilibria that both sides rank the same way; failing to "
    "coordinate is the worst outcome",
    "Peace": "cooperation is a dominant strategy for both and mutual cooperation is best "
    "for both",
    "Harmony": "cooperation is a dominant strategy for both and mutual cooperation is best "
    "for both: no conflict of interest",
    "Concord": "cooperation is a dominant strategy for both and mutual cooperation is best "
    "for both",
}

#: Bruns' name for each oriented pattern with ties: (tie family, base symmetric game).
TIE_PATTERNS: dict[Ranks, str] = {
    ((2, 3), (4, 2)): "Battle of the Sexes",
    ((2, 2), (4, 3)): "Deadlock",
    ((3, 2), (4, 2)): "Prisoner's Dilemma",
    ((4, 2), (2, 3)): "Coordination",
    ((4, 3), (2, 2)): "Harmony",
    ((4, 2), (3, 2)): "Concord",
    ((3, 3), (4, 1)): "Battle of the Sexes",
    ((1, 3), (4, 3)): "Compromise",
    ((3, 1), (4, 3)): "Deadlock",
    ((4, 1), (3, 3)): "Stag Hunt",
    ((4, 3), (1, 3)): "Peace",
    ((4, 3), (3, 1)): "Harmony",
    ((1, 4), (4, 2)): "Hero",
    ((2, 4), (4, 1)): "Hero",
    ((4, 2), (4, 1)): "Concord",
    ((4, 1), (4, 2)): "Stag Hunt",
    ((4, 2), (1, 4)): "Coordination",
    ((4, 1), (2, 4)): "Coordination",
    ((4, 4), (1, 2)): "Peace",
    ((2, 1), (4, 4)): "Peace",
    ((4, 4), (2, 1)): "Harmony",
    ((1, 2), (4, 4)): "Harmony",
    ((4, 2), (4, 2)): "Stag Hunt",
    ((4, 2), (2, 4)): "Coordination",
    ((2, 4), (4, 2)): "Coordination",
    ((4, 4), (2, 2)): "Harmony",
    ((2, 2), (4, 4)): "Harmony",
    ((4, 4), (1, 4)): "Deadlock",
    ((4, 1), (4, 4)): "Deadlock",
    ((4, 4), (4, 1)): "Harmony",
    ((1, 4), (4, 4)): "Harmony",
    ((3, 3), (4, 3)): "Prisoner's Dilemma",
    ((4, 3), (3, 3)): "Harmony",
}

#: Tie family of a multiset of ranks (sorted from best to worst).
TIE_FAMILIES: dict[tuple[int, ...], str | None] = {
    (4, 3, 2, 1): None,
    (4, 3, 2, 2): "low",
    (4, 3, 3, 1): "middle",
    (4, 4, 2, 1): "high",
    (4, 4, 2, 2): "double",
    (4, 4, 4, 1): "triple",
    (4, 3, 3, 3): "basic",
    (4, 4, 4, 4): "zero",
}


@dataclass(frozen=True)
class GameClass:
    """Where a 2×2 game sits in the ordinal topology, in plain words."""

    name: str  # "Prisoner's Dilemma", "Stag Hunt / Chicken", "a game with ties: low Battle of the Sexes"
    symmetric: bool
    strict: bool
    row_pattern: str  # the row player's pattern, with its tie family ("low Battle of the Sexes")
    column_pattern: str
    row_ties: str | None
    column_ties: str | None
    ranks: tuple[Ranks, Ranks]  # oriented ordinal ranks (row player's, column player's transposed)
    cooperative_strategies: tuple[int, int]  # each player's strategy that plays the oriented first role
    nearest: tuple[str, ...]  # for games with ties: strict classes the ties can be broken into
    description: str

    def to_dict(self) -> dict:
        return asdict(self)


def ordinal_ranks(values: Sequence[float], tol: float = 0.0) -> tuple[int, ...]:
    """Ranks 1–4 of four payoffs, 4 for the best; tied payoffs share the higher rank.

    Payoffs tie when a chain of steps of at most tol joins them (sorted, each within tol of
    the next), so ties are always a weak order: with tol comparable to the payoffs' own
    differences, "a ties b, b ties c, a beats c" cannot give ranks that fit no pattern.
    """
    vals = [float(v) for v in values]
    order = sorted(range(len(vals)), key=lambda k: vals[k], reverse=True)
    ranks = [0] * len(vals)
    above = 0  # how many payoffs are strictly better than the current group
    for pos, k in enumerate(order):
        if pos and vals[order[pos - 1]] - vals[k] > tol:
            above = pos
        ranks[k] = len(vals) - above
    return tuple(ranks)


def _oriented(R: np.ndarray, C: np.ndarray) -> list[tuple[Ranks, Ranks, tuple[int, int]]]:
    """Every strategy relabelling meeting the orientation rule: (row ranks, column ranks ᵀ, roles)."""
    out = []
    for swap_rows, swap_cols in itertools.product((False, True), repeat=2):
        r = R[::-1] if swap_rows else R
        c = C[::-1] if swap_rows else C
        r = r[:, ::-1] if swap_cols else r
        c = c[:, ::-1] if swap_cols else c
        if 4 in r[:, 0] and 4 in c[0, :]:
            rows = _as_ranks(r)
            cols = _as_ranks(c.T)
            out.append((rows, cols, (int(swap_rows), int(swap_cols))))
    return out


def _as_ranks(m: np.ndarray) -> Ranks:
    return ((int(m[0, 0]), int(m[0, 1])), (int(m[1, 0]), int(m[1, 1])))


def pattern_name(ranks: Ranks) -> tuple[str, str | None]:
    """(name, tie family) of one player's oriented ranks; strict patterns have family None."""
    family = TIE_FAMILIES[tuple(sorted((v for row in ranks for v in row), reverse=True))]
    if family is None:
        return STRICT_PATTERNS[ranks], None
    if family == "zero":
        return "zero (indifferent everywhere)", family
    return f"{family} {TIE_PATTERNS[ranks]}", family


def _strict_refinements(ranks: Ranks) -> set[Ranks]:
    """The strict oriented patterns obtained by breaking this pattern's ties every way."""
    flat = [v for row in ranks for v in row]
    out = set()
    for order in itertools.permutations(range(4)):
        # order lists cell indices from best to worst; must respect the strict part of flat
        if all(flat[order[k]] >= flat[order[k + 1]] for k in range(3)):
            strict = [0] * 4
            for rank, cell in zip((4, 3, 2, 1), order):
                strict[cell] = rank
            m = ((strict[0], strict[1]), (strict[2], strict[3]))
            if m in STRICT_PATTERNS:  # the best payoff stays in the left column
                out.add(m)
    return out


def _strict_class_name(rows: Ranks, cols: Ranks) -> str:
    r, c = STRICT_PATTERNS[rows], STRICT_PATTERNS[cols]
    return r if r == c else f"{r} / {c}"


def _tie_breakings(R: np.ndarray, C: np.ndarray) -> set[str]:
    """Names of every strict game reachable by breaking each player's ties."""
    names = set()
    for r in _strict_matrices(R):
        for c in _strict_matrices(C):
            rows, cols, _ = _oriented(r, c)[0]
            names.add(_strict_class_name(rows, cols))
    return names


def _strict_matrices(M: np.ndarray) -> list[np.ndarray]:
    flat = M.ravel()
    out = []
    for order in itertools.permutations(range(4)):
        if all(flat[order[k]] >= flat[order[k + 1]] for k in range(3)):
            strict = np.zeros(4, dtype=int)
            strict[list(order)] = (4, 3, 2, 1)
            out.append(strict.reshape(2, 2))
    return out


def classify(A, B, tol: float | tuple[float, float] = 0.0) -> GameClass:
    """The topology class of the 2×2 game with payoff matrices A (row) and B (column).

    tol: payoff differences up to it count as ties; a pair gives each player its own (a
    player's ties do not depend on the scale of the other player's payoffs).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.shape != (2, 2) or B.shape != (2, 2):
        raise ValueError(f"classify needs 2×2 payoff matrices, got {A.shape} and {B.shape}")
    row_tol, col_tol = tol if isinstance(tol, tuple) else (tol, tol)
    R = np.array(ordinal_ranks(A.ravel(), row_tol)).reshape(2, 2)
    C = np.array(ordinal_ranks(B.ravel(), col_tol)).reshape(2, 2)
    candidates = _oriented(R, C)
    # several orientations only when a player's best payoff is tied: prefer a symmetric one
    candidates.sort(key=lambda t: (t[0] != t[1], t[0], t[1], t[2]))
    rows, cols, (swap_rows, swap_cols) = candidates[0]
    row_name, row_ties = pattern_name(rows)
    col_name, col_ties = pattern_name(cols)
    symmetric = rows == cols
    strict = row_ties is None and col_ties is None
    roles = (int(swap_rows), int(swap_cols))
    if strict:
        name = _strict_class_name(rows, cols)
        nearest: tuple[str, ...] = ()
        if symmetric:
            description = DESCRIPTIONS[name]
        else:
            description = (
                f"an asymmetric game: the row player's payoffs follow the {row_name} pattern, "
                f"the column player's the {col_name} pattern"
            )
    else:
        nearest = tuple(sorted(_tie_breakings(R, C)))
        core = row_name if symmetric else f"{row_name} / {col_name}"
        name = f"a game with ties: {core}"
        listed = ", ".join(nearest[:-1]) + f" and {nearest[-1]}" if len(nearest) > 1 else nearest[0]
        description = (
            "some payoffs are tied, so the game sits on the border between strict games; "
            f"breaking the ties gives {listed}"
            if len(nearest) <= 6
            else f"some payoffs are tied; breaking the ties gives any of {len(nearest)} strict games"
        )
    return GameClass(
        name=name,
        symmetric=symmetric,
        strict=strict,
        row_pattern=row_name,
        column_pattern=col_name,
        row_ties=row_ties,
        column_ties=col_ties,
        ranks=(rows, cols),
        cooperative_strategies=roles,
        nearest=nearest,
        description=description,
    )


def classify_game(game) -> GameClass | None:
    """The class of a two-player 2×2 `NormalFormGame`, or None for any other shape."""
    if game.n_players != 2 or game.shape != (2, 2):
        return None
    from games.solvers.best_response import _tie_tol

    A, B = game.bimatrix()
    return classify(A, B, tol=(_tie_tol(game, 0), _tie_tol(game, 1)))  # the solvers' ties


def strict_games() -> dict[tuple[Ranks, Ranks], str]:
    """The 144 strict ordinal 2×2 games in canonical orientation, with their names."""
    return {
        (rows, cols): _strict_class_name(rows, cols)
        for rows in STRICT_PATTERNS
        for cols in STRICT_PATTERNS
    }


def as_bimatrix(rows: Ranks, cols: Ranks) -> tuple[np.ndarray, np.ndarray]:
    """Payoff matrices (A, B) of an oriented class: B is the column pattern transposed."""
    return np.array(rows, dtype=float), np.array(cols, dtype=float).T
