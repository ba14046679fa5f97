"""Placeholder: loops over single-game vertex enumeration (replaced by the batched kernel)."""
from __future__ import annotations
import numpy as np
from games.batch_2x2 import FlatEquilibria

def games_per_chunk(m, n):
    return 1000

def equilibria(A, B):
    from games.solve import solve
    from games.normal_form import from_bimatrix
    G, m, n = A.shape
    g_, xs, ys, us = [], [], [], []
    for g in range(G):
        sol = solve(from_bimatrix(A[g], B[g]), "vertex-enumeration")
        for eq in sol.equilibria:
            g_.append(g); xs.append(eq.profile[0]); ys.append(eq.profile[1]); us.append(eq.payoffs)
    return FlatEquilibria(np.array(g_, dtype=np.int64), np.array(xs).reshape(-1, m), np.array(ys).reshape(-1, n), np.array(us).reshape(-1, 2))
