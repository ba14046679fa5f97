"""The trade model's named parameters: unit, meaning, default, valid range, rationale.

The values live in the trade model's file (examples/models/trade.toml, shipped as
games/_models/trade.toml), the single source; the table is the generic one every model
file has (`games.model.parameters`), for the trade model, the default model. This module
keeps the names the trade model's code and its users have always imported.

Payoffs are in normalized *index points*: they fix the relative size of the forces at
play, not dollar amounts. Public figures (USGS, IEA, China customs, company filings)
justify the relative sizes; the rationale of each parameter says which and how sure.
"""

from __future__ import annotations

from types import MappingProxyType

from games.model.catalog import DEFAULT_MODEL, default_model
from games.model.parameters import Parameter, game_parameters
from games.model import parameters as _generic

__all__ = ["Parameter", "DEFAULT_MODEL", "PARAMETERS", "parameter_table", "defaults", "lookup", "validated"]


def parameter_table() -> MappingProxyType[str, Parameter]:
    """Every parameter of the trade model's game, in the file's order, read from its model
    file (the parameters only its instruments use, which change the package form alone, are
    left out: `games.model.scenarios` keeps their values apart)."""
    return game_parameters(default_model())  # type: ignore[return-value]


def __getattr__(name: str):
    """``PARAMETERS``: the table, read from the model file on first use (PEP 562)."""
    if name == "PARAMETERS":
        return parameter_table()
    raise AttributeError(f"module 'games.trade.parameters' has no attribute {name!r}")


def defaults() -> dict[str, float]:
    """Every parameter at its default value."""
    return _generic.defaults(default_model())


def lookup(name: str, where: str = "") -> Parameter:
    """The parameter called name, or an InputError that lists the valid names."""
    return _generic.lookup(name, where, default_model())


def validated(values: dict[str, object], where: str = "") -> dict[str, float]:
    """Defaults overridden by values, each name and value checked."""
    return _generic.validated(values, where, default_model())
