"""nashpy's algorithms behind plain-array functions (nashpy and SciPy imported lazily)."""

from __future__ import annotations

import warnings

import numpy as np

from games.errors import SolverError


def _game(A: np.ndarray, B: np.ndarray):
    import nashpy  # lazy: pulls in SciPy (~0.7 s)

    return nashpy.Game(A, B)


def support_enumeration(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's support enumeration, including unequal supports (sound for degenerate games
    only in that it never returns a non-equilibrium; it may miss continua's extreme points)."""
    return _run("support-enumeration", lambda: _game(A, B).support_enumeration(non_degenerate=False))


def vertex_enumeration(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's vertex enumeration (SciPy's half-space intersection)."""
    return _run("nashpy-vertex-enumeration", lambda: _game(A, B).vertex_enumeration())


def _run(method: str, equilibria) -> list[tuple[np.ndarray, np.ndarray]]:
    """Collect nashpy's equilibria; any failure of nashpy or SciPy becomes one SolverError.

    nashpy's methods assume non-degenerate games of at least 2×2: on others SciPy's
    linear programs and half-space intersections can fail in many ways (a 1×1 game gives
    a TypeError deep inside), none of which is the user's fault.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [tuple(map(np.asarray, eq)) for eq in equilibria()]
    except Exception as exc:  # noqa: BLE001 - third-party failure, reported in one line
        raise SolverError(
            f"method {method} (nashpy) failed on this game ({type(exc).__name__}); "
            "--method vertex-enumeration (tradegame's own) solves every two-player game"
        ) from None
