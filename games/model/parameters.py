"""A model's named parameters as a table: unit, meaning, default, valid range, rationale.

Every model file declares its parameters (``[parameters.NAME]``); `game_parameters` serves
those that enter the model's game (not the ones only its instruments use, which change the
package form alone) as `Parameter` values — the table `tradegame parameters` prints and the
names a scenario may set. A parameter's optional ``side`` key labels whose parameter it is
(US, CN, both, ally); without it the label is whose payoff the parameter enters.

`lookup`, `validated` and `defaults` take the table of a model; left out, the *default
model*'s (`games.model.catalog.default_model`, the trade model), which is what a scenario
that names no model is a scenario of.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping
from weakref import WeakKeyDictionary

from games.errors import InputError, clip
from games.model.provenance import Provenance


@dataclass(frozen=True)
class Parameter:
    """One named, documented model parameter."""

    name: str
    side: str  # "US", "CN", "both" or "ally"
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    rationale: str
    #: where the default value comes from (publication, table or series, year) or "judgement"
    source: str = ""
    #: how the index value was derived from the source, or why it is a judgement
    derivation: str = ""

    @property
    def provenance(self) -> Provenance:
        """The default value's provenance (source and derivation)."""
        return Provenance(self.source, self.derivation)

    def check(self, value: object, where: str = "") -> float:
        """Return value as a float, or raise InputError naming the parameter."""
        prefix = f"{where}: " if where else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(
                f"{prefix}parameter '{self.name}' must be a number, got {type(value).__name__} {clip(repr(value))}"
            )
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError(f"{prefix}parameter '{self.name}' must be a finite number, got {value}")
        if not self.low <= v <= self.high:
            raise InputError(
                f"{prefix}parameter '{self.name}' must be between {_n(self.low)} and {_n(self.high)}, got {_n(v)}"
            )
        return v


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _bound(v: float) -> float | int:
    """A range bound as the table has always given it: whole numbers as int (0, 20)."""
    return int(v) if float(v).is_integer() else v


_TABLES: "WeakKeyDictionary[object, Mapping[str, Parameter]]" = WeakKeyDictionary()


def game_parameters(model=None) -> Mapping[str, Parameter]:
    """Every parameter of a model's game, in the file's order (the default model's when
    model is None), each labelled with the side the file gives it; read once per model."""
    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    table = _TABLES.get(model)
    if table is None:
        table = _TABLES[model] = MappingProxyType({
            name: Parameter(
                name, model.sides.get(name, q.side), q.default, _bound(q.low), _bound(q.high), q.unit, q.meaning,
                q.rationale, q.source, q.derivation,
            )
            for name, q in model.parameters.items() if name not in model.package_only
        })
    return table


def defaults(model=None) -> dict[str, float]:
    """Every game parameter of the model at its default value."""
    return {name: p.default for name, p in game_parameters(model).items()}


def lookup(name: str, where: str = "", model=None) -> Parameter:
    """The model's game parameter called name, or an InputError that lists the valid names."""
    table = game_parameters(model)
    try:
        return table[name]
    except KeyError:
        prefix = f"{where}: " if where else ""
        from games.suggestions import did_you_mean

        hint = did_you_mean(name, table)
        raise InputError(
            f"{prefix}unknown parameter '{clip(name)}'{hint}; expected one of {', '.join(table)}"
        ) from None


def validated(values: Mapping[str, object], where: str = "", model=None) -> dict[str, float]:
    """The model's defaults overridden by values, each name and value checked."""
    out = defaults(model)
    for name, value in values.items():
        out[name] = lookup(name, where, model).check(value, where)
    return out


def any_lookup(name: str, where: str = "", model=None):
    """Any parameter of the model file (its instruments' too, which enter only the package
    form): a game parameter from the table, else the file's own; else `lookup`'s error."""
    table = game_parameters(model)
    if name in table:
        return table[name]
    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    if isinstance(name, str) and name in model.parameters:
        return model.parameters[name]
    from games.suggestions import did_you_mean

    # the instruments' names are accepted here too: a misspelt tariff parameter is suggested
    # and they are listed ('us_tarif_high': did you mean us_tariff_high?); a name nearest a
    # game parameter gets `lookup`'s error, as it always did
    extra = [n for n in model.parameters if n not in table]
    hint = did_you_mean(name, list(table) + extra)
    if not extra or hint == did_you_mean(name, table):
        return lookup(name, where, model)
    prefix = f"{where}: " if where else ""
    raise InputError(
        f"{prefix}unknown parameter '{clip(name)}'{hint}; expected one of {', '.join(table)}, "
        f"or of the package form's instrument parameters {', '.join(extra)}"
    )


def is_package_only(name: str, model=None) -> bool:
    """Is name a parameter of the model file that enters only its package form?"""
    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    return name in model.parameters and name not in game_parameters(model)


def __getattr__(name: str):
    """``PARAMETERS``: the default model's table, read from its file on first use (PEP 562),
    so that importing this module (as `games.model.spec` does for `Parameter`) reads no file."""
    if name == "PARAMETERS":
        return game_parameters()
    raise AttributeError(f"module 'games.model.parameters' has no attribute {name!r}")
