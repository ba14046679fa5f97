"""tradegame: US–China trade moves (chips against rare earths) as games, solved and explained.

The public API is re-exported here lazily, so importing `games` stays cheap. The trade
model is the default model (a model file, examples/models/trade.toml): `simultaneous_game`,
`graded_game` and `PARAMETERS` are its games and parameters unless given another model.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "NormalFormGame": "games.forms.normal_form",
    "from_bimatrix": "games.forms.normal_form",
    "Equilibrium": "games.solvers.equilibrium",
    "verify": "games.solvers.equilibrium",
    "solve": "games.solvers.solver",
    "Solution": "games.solvers.solver",
    "best_responses": "games.solvers.best_response",
    "pure_equilibria": "games.solvers.best_response",
    "iterated_elimination": "games.solvers.dominance",
    "read_nfg": "games.formats.nfg",
    "to_nfg": "games.formats.nfg",
    "PARAMETERS": "games.model.parameters",  # the default (trade) model's parameter table
    "simultaneous_game": "games.model.level_game",  # a model's games; the default model's unless model= is given
    "graded_game": "games.model.level_game",
    "load_scenario": ("games.model.scenarios", "load"),
    "load_model": ("games.model.catalog", "load_model"),
    "model_game": ("games.model.evaluate", "build_game"),
    "timeline": "games.history.record",
    "record_episodes": ("games.history.record", "episodes"),
    "record_conditions": "games.history.identified_set",
    "identified_bounds": ("games.history.identified_set", "bounds"),
    "smallest_change": "games.history.identified_set",
    "conflicting_episodes": "games.history.identified_set",
}


def __getattr__(name: str):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'games' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    return getattr(importlib.import_module(module), attr)


__all__ = sorted(_EXPORTS)
