"""One entry point for solving normal-form games: pick a method, verify, deduplicate.

Methods (``method=``):

- ``auto``: exact closed form for 2×2, vertex enumeration for other two-player games;
  for three or more players polynomial support enumeration when the game is small enough
  (Σ(strategies − 1) ≤ 6), else every pure equilibrium (up to `MAX_PURE_SEARCH` pure
  profiles checked), or the logit path's equilibrium when none is pure.
- ``closed-form``: 2×2 only; decided exactly (payoff comparisons), each mixed probability
  the float nearest its exact rational value (`games.solvers.closed_form`).
- ``vertex-enumeration``: tradegame's own, complete for every bimatrix game.
- ``support-enumeration``: nashpy's; complete for non-degenerate games.
- ``nashpy-vertex-enumeration``: nashpy's vertex enumeration.
- ``lemke-howson``: tradegame's Lemke–Howson (lexicographic pivoting, so degenerate games
  cannot make it cycle) from every starting label; fast on large games, may miss some.
- ``logit``: the Nash equilibrium the logit quantal response branch selects (Gambit's
  ``logit``), with the λ path of boundedly rational play that leads to it (``qre``).
- ``polynomial-support-enumeration``: every equilibrium of a small N-player game
  (`games.solvers.polynomial_enumeration`): isolated ones all, continua represented.
- ``pure``: pure-strategy equilibria only (any number of players).

``logit`` works for any number of players (`games.solvers.logit_tracing` beyond two).

Whatever the method, each profile is checked by `games.solvers.equilibrium.verify` and only
verified ones are returned; ``complete`` says whether the list provably holds every
extreme equilibrium.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from games.solvers import polytope_vertices as ve
from games.solvers.best_response import first_pure_equilibria
from games.solvers.closed_form import equilibria_2x2_float
from games.solvers.equilibrium import Equilibrium, deduplicate, sort_key, tolerance, verify, verify_all
from games.errors import InputError, SolverError, clip
from games.forms.normal_form import NormalFormGame

METHODS = (
    "auto",
    "closed-form",
    "vertex-enumeration",
    "support-enumeration",
    "nashpy-vertex-enumeration",
    "lemke-howson",
    "logit",
    "polynomial-support-enumeration",
    "pure",
)

#: Most pure equilibria listed (and verified one by one); the count above it stays exact.
MAX_PURE_LISTED = 100

#: Most pure profiles `auto` checks for pure equilibria in a game with three or more
#: players beyond polynomial support enumeration (one vectorized best-response pass over
#: payoff arrays already in memory); above it `auto` gives the logit path's equilibrium alone.
MAX_PURE_SEARCH = 10_000_000

#: Methods the command line offers besides these, computed outside `solve` (they are not
#: Nash equilibria): ``correlated`` is `games.solvers.correlated.correlated_equilibria`.
OTHER_METHODS = ("correlated",)

#: Sizes above which support enumeration (2^(m+n) supports) is refused.
MAX_SUPPORT_ENUMERATION = 2**20


@dataclass(frozen=True)
class Solution:
    """The verified equilibria of a game and how they were found."""

    game: NormalFormGame
    equilibria: tuple[Equilibrium, ...]
    method: str
    complete: bool
    tolerance: float
    note: str = ""
    qre: object | None = None  # the `games.solvers.qre.QREPath` behind method "logit"
    count: int | None = None  # pure equilibria in all, when more than are listed

    def _repr_html_(self) -> str:
        """The matrix with equilibrium cells shaded and every equilibrium, for Jupyter."""
        from games.explanations.rich_display import solution_html

        return solution_html(self)


def _pure_profiles(game: NormalFormGame, limit: int = MAX_PURE_LISTED) -> tuple[list[list[np.ndarray]], int]:
    """The first ``limit`` pure equilibria as one-hot profiles, and how many there are in all.

    Ties can make every profile an equilibrium (an all-zero game), so they are counted from
    the best-response mask and only the first few are built and verified one by one.
    """
    found, total = first_pure_equilibria(game, limit)
    return [[np.eye(n)[s] for n, s in zip(game.shape, prof)] for prof in found], total


def _trimmed(profile, floor: float = 1e-6) -> list[np.ndarray]:
    """The logit path's last point with vanishing probabilities set to zero.

    Used when the limit lies inside a continuum of equilibria (the exact-indifference
    polish then has no unique answer): the point the branch approaches is still one
    equilibrium of the continuum, and `verify` decides whether it is one.
    """
    out = []
    for p in profile:
        p = np.where(np.asarray(p, dtype=float) < floor, 0.0, p)
        out.append(p / p.sum())
    return out


def _check_size(game: NormalFormGame, method: str) -> None:
    """Refuse up front a two-player game too large for the method, naming one that can."""
    m, n = game.shape
    if method == "vertex-enumeration" and m + n > ve.MAX_STRATEGIES:
        raise InputError(
            f"option --method: a {m}×{n} game is too large for vertex enumeration "
            f"(at most {ve.MAX_STRATEGIES} strategies in all); "
            "use --method lemke-howson for some equilibria (fast) or --method pure"
        )
    if method in ("support-enumeration", "nashpy-vertex-enumeration") and 2 ** (m + n) > MAX_SUPPORT_ENUMERATION:
        complete = "vertex-enumeration (complete) or " if m + n <= ve.MAX_STRATEGIES else ""
        raise InputError(
            f"option --method: a {m}×{n} game is too large for {method}; "
            f"use --method {complete}lemke-howson (fast, some equilibria)"
        )


def resolve_method(game: NormalFormGame, method: str) -> str:
    """The concrete method `auto` stands for, after checking the method fits the game."""
    if method not in METHODS:
        from games.suggestions import did_you_mean

        raise InputError(
            f"option --method: expected one of {', '.join(METHODS + OTHER_METHODS)}, got '{clip(method)}'"
            f"{did_you_mean(method, METHODS + OTHER_METHODS)}"
        )
    if method == "auto":
        if game.n_players != 2:
            return _auto_nplayer(game)
        return "closed-form" if game.shape == (2, 2) else "vertex-enumeration"
    if method == "polynomial-support-enumeration":
        from games.solvers.polynomial_enumeration import check_size

        check_size(game)
        return method
    if method == "logit" and game.n_players != 2:
        return method  # the N-player logit path: any number of players, one included
    if method != "pure" and game.n_players != 2:
        count = f"{game.n_players} player{'s' if game.n_players != 1 else ''}"
        raise InputError(
            f"option --method: {method} needs a two-player game, this one has {count}; "
            f"use --method {'logit or pure' if game.n_players == 1 else 'auto, logit or pure'}"
        )
    if method == "closed-form" and game.shape != (2, 2):
        raise InputError(f"option --method: closed-form needs a 2×2 game, got {game.shape}")
    return method


def _auto_nplayer(game: NormalFormGame) -> str:
    """All equilibria when the game is small enough, else the logit path's one (one player: pure)."""
    from games.solvers.polynomial_enumeration import MAX_UNKNOWNS, unknowns

    if game.n_players < 2:
        return "pure"
    return "polynomial-support-enumeration" if unknowns(game.shape) <= MAX_UNKNOWNS else "logit"


def _solve_nplayer(game: NormalFormGame, method: str) -> Solution:
    """The methods for three or more players (other than pure)."""
    if method == "polynomial-support-enumeration":
        from games.solvers.polynomial_enumeration import all_equilibria

        found = all_equilibria(game)
        if not found.equilibria:
            raise SolverError(f"game '{clip(game.title, 40)}': no equilibrium found, which cannot happen for a finite game")
        return Solution(game, found.equilibria, method, found.complete, tolerance(game), found.note)
    from games.solvers.logit_tracing import trace_logit

    path = trace_logit(game)
    candidate = list(path.nash) if path.nash is not None else _trimmed(path.points[-1].profile)
    eq = verify(game, candidate)
    if eq is None:
        raise SolverError(
            f"game '{clip(game.title, 40)}': the logit path ended at λ = {path.limit.lam:.3g} without "
            "reaching a verified equilibrium"
        )
    note = "one equilibrium: the one the logit quantal response branch selects as precision λ grows"
    return Solution(game, (eq,), method, False, tolerance(game), note, path)


def _beyond_enumeration(game: NormalFormGame) -> Solution:
    """What `auto` gives a game with three or more players beyond polynomial support enumeration.

    Every pure equilibrium when the game has at most `MAX_PURE_SEARCH` pure profiles and
    some is an equilibrium (mixed ones are not searched: one vectorized pass finds every
    pure one for sure, as Gambit's enumpure does, and a tree whose reduced normal form this
    is gets the same list); otherwise the one equilibrium the logit path selects. Each is
    verified by the method that finds it; ``complete`` is False and the note says what was
    searched.
    """
    from games.solvers.polynomial_enumeration import MAX_UNKNOWNS, unknowns

    size = "×".join(str(n) for n in game.shape)
    beyond = f"the {size} game is beyond polynomial support enumeration (Σ(strategies − 1) = {unknowns(game.shape)} > {MAX_UNKNOWNS})"
    profiles = int(np.prod(game.shape, dtype=object))
    if profiles <= MAX_PURE_SEARCH:
        pure = solve(game, "pure")
        if pure.equilibria:
            return replace(pure, note=f"{beyond}: all {profiles:,} pure profiles checked; {pure.note} "
                                      "(--method logit gives the equilibrium the logit path selects)")
        searched = f"none of its {profiles:,} pure profiles is an equilibrium"
    else:
        searched = f"its {profiles:,} pure profiles are more than the {MAX_PURE_SEARCH:,} checked for pure equilibria"
    logit = _solve_nplayer(game, "logit")
    return replace(logit, note=f"{beyond}; {searched}; {logit.note}")


def solve(game: NormalFormGame, method: str = "auto", progress=None) -> Solution:
    """All (extreme) Nash equilibria of the game that the method can find, each verified.

    progress(bases visited), if given, is called as vertex enumeration searches a large game.
    """
    requested, method = method, resolve_method(game, method)
    if requested == "auto" and game.n_players > 2 and method == "logit":
        return _beyond_enumeration(game)
    _check_size(game, method) if game.n_players == 2 else None
    if (game.n_players != 2 and method != "pure") or method == "polynomial-support-enumeration":
        return _solve_nplayer(game, method)
    note = ""
    complete = True
    qre = None
    count = None
    if method == "pure":
        candidates, count = _pure_profiles(game)
        complete = False
        note = "pure-strategy equilibria only; mixed equilibria were not computed"
        if count > len(candidates):
            note += f"; {count:,} pure equilibria in all, the first {len(candidates):,} listed"
    else:
        A, B = game.bimatrix()
        if method == "closed-form":
            candidates = [[np.array(x), np.array(y)] for x, y in equilibria_2x2_float(A, B)]
        elif method == "vertex-enumeration":
            candidates = [list(eq) for eq in ve.vertex_enumeration(A, B, progress=progress)]
        elif method == "logit":
            from games.solvers.qre import logit_path

            qre = logit_path(A, B)
            candidates = [list(qre.nash) if qre.nash is not None else _trimmed(qre.points[-1].profile)]
            complete = False
            note = "the equilibrium the logit quantal response branch selects as precision λ grows"
        elif method == "lemke-howson":
            from games.solvers.complementary_pivoting import lemke_howson

            candidates = [list(eq) for eq in lemke_howson(A, B)]
            complete = False
            note = "a subset: Lemke–Howson finds some equilibria, not all"
        else:
            from games.solvers import nashpy_engine

            run = {
                "support-enumeration": nashpy_engine.support_enumeration,
                "nashpy-vertex-enumeration": nashpy_engine.vertex_enumeration,
            }[method]
            candidates = [list(eq) for eq in run(A, B)]
            complete = False
            note = {
                "support-enumeration": "complete only for non-degenerate games",
                "nashpy-vertex-enumeration": "complete only for non-degenerate games",
            }[method]
    verified = [eq for eq in verify_all(game, candidates) if eq is not None]
    if len(verified) < len(candidates) and method in ("closed-form", "vertex-enumeration"):
        raise SolverError(
            f"game '{clip(game.title, 40)}': {len(candidates) - len(verified)} candidate profile(s) failed "
            "verification; the game may be badly scaled"
        )
    if not verified and method in ("support-enumeration", "nashpy-vertex-enumeration"):
        raise SolverError(
            f"method {method} (nashpy) found no equilibrium of game '{clip(game.title, 40)}'; it can miss "
            "them in degenerate games (ties): --method vertex-enumeration finds them all"
        )
    equilibria = sorted(deduplicate(verified), key=sort_key)
    if not equilibria and game.n_players == 2 and method not in ("pure", "lemke-howson", "logit"):
        raise SolverError(f"game '{clip(game.title, 40)}': no equilibrium found, which cannot happen for a finite game")
    return Solution(game, tuple(equilibria), method, complete, tolerance(game), note, qre,
                    count if count is not None and count > len(equilibria) else None)
