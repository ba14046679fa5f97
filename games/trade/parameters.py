"""The default model's named parameters: unit, meaning, default, valid range, rationale.

The values live in the trade model's file (examples/models/trade.toml, shipped as
games/_models/trade.toml), the single source: this module reads its ``[parameters.NAME]``
tables once, when first asked, and serves them as `Parameter` values — the table
`tradegame parameters` prints and the names every built-in scenario may set. The file's
optional ``side`` key labels whose parameter each one is (US, CN, both, ally); without it
the label is whose payoff the parameter enters.

Payoffs are in normalized *index points*: they fix the relative size of the forces at
play, not dollar amounts. Public figures (USGS, IEA, China customs, company filings)
justify the relative sizes; the rationale of each parameter says which and how sure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

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


#: The built-in model whose parameters this table holds (the default model).
DEFAULT_MODEL = "trade"


def _bound(v: float) -> float | int:
    """A range bound as the table has always given it: whole numbers as int (0, 20)."""
    return int(v) if float(v).is_integer() else v


@lru_cache(maxsize=1)
def parameter_table() -> MappingProxyType[str, Parameter]:
    """Every parameter of the default model's game, in the file's order, read from its model
    file (the parameters only its instruments use, which change the package form alone, are
    left out: `games.model.scenarios` keeps their values apart)."""
    from games.model.catalog import builtin_model

    model = builtin_model(DEFAULT_MODEL)
    return MappingProxyType({
        name: Parameter(
            name, model.sides.get(name, q.side), q.default, _bound(q.low), _bound(q.high), q.unit, q.meaning,
            q.rationale, q.source, q.derivation,
        )
        for name, q in model.parameters.items() if name not in model.package_only
    })


def __getattr__(name: str):
    """``PARAMETERS``: the table, read from the model file on first use (PEP 562), so that
    importing this module (as `games.model.spec` does for `Parameter`) reads no file."""
    if name == "PARAMETERS":
        return parameter_table()
    raise AttributeError(f"module 'games.trade.parameters' has no attribute {name!r}")


def defaults() -> dict[str, float]:
    """Every parameter at its default value."""
    return {name: p.default for name, p in parameter_table().items()}


def lookup(name: str, where: str = "") -> Parameter:
    """The parameter called name, or an InputError that lists the valid names."""
    table = parameter_table()
    try:
        return table[name]
    except KeyError:
        prefix = f"{where}: " if where else ""
        from games.suggestions import did_you_mean

        hint = did_you_mean(name, table)
        raise InputError(
            f"{prefix}unknown parameter '{clip(name)}'{hint}; expected one of {', '.join(table)}"
        ) from None


def validated(values: dict[str, object], where: str = "") -> dict[str, float]:
    """Defaults overridden by values, each name and value checked."""
    out = defaults()
    for name, value in values.items():
        out[name] = lookup(name, where).check(value, where)
    return out
