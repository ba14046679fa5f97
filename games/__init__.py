"""tradegame: US–China trade moves (chips against rare earths) as games, solved and explained.

The public API is re-exported here lazily, so importing `games` stays cheap.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "NormalFormGame": "games.normal_form",
    "from_bimatrix": "games.normal_form",
    "Equilibrium": "games.equilibrium",
    "verify": "games.equilibrium",
    "solve": "games.solver",
    "Solution": "games.solver",
    "best_responses": "games.best_response",
    "pure_equilibria": "games.best_response",
    "iterated_elimination": "games.dominance",
    "read_nfg": "games.nfg",
    "to_nfg": "games.nfg",
    "PARAMETERS": "games.parameters",
    "simultaneous_game": "games.trade",
    "graded_game": "games.trade",
    "load_scenario": ("games.scenarios", "load"),
    "load_model": ("games.model.catalog", "load_model"),
    "model_game": ("games.model.evaluate", "build_game"),
    "timeline": "games.record",
    "record_episodes": ("games.record", "episodes"),
    "record_conditions": "games.identified_set",
    "identified_bounds": ("games.identified_set", "bounds"),
    "smallest_change": "games.identified_set",
    "conflicting_episodes": "games.identified_set",
}


def __getattr__(name: str):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'games' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    return getattr(importlib.import_module(module), attr)


__all__ = sorted(_EXPORTS)
