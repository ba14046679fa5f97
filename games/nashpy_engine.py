"""nashpy's algorithms behind plain-array functions (nashpy and SciPy imported lazily)."""

from __future__ import annotations

import warnings

import numpy as np


def _game(A: np.ndarray, B: np.ndarray):
    import nashpy  # lazy: pulls in SciPy (~0.7 s)

    return nashpy.Game(A, B)


def support_enumeration(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's support enumeration, including unequal supports (sound for degenerate games
    only in that it never returns a non-equilibrium; it may miss continua's extreme points)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [tuple(map(np.asarray, eq)) for eq in _game(A, B).support_enumeration(non_degenerate=False)]


def vertex_enumeration(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """nashpy's vertex enumeration (SciPy's half-space intersection)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [tuple(map(np.asarray, eq)) for eq in _game(A, B).vertex_enumeration()]
