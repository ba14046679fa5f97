"""Where a parameter value comes from: a cited source and how the index value was derived.

Every number in the trade model is an *index point*, a relative size, not a measured
dollar amount. A value's provenance says which public figure (publication, table or
series, year) fixes its size relative to the others and how, or that it is a
``judgement`` and why. Values typed on the command line (``--set``) are what-ifs and say
so. A scenario value without provenance is reported as such, never silently given the
model default's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from games.errors import InputError, clip

JUDGEMENT = "judgement"
#: Provenance of a value set with --set on the command line.
WHAT_IF_SOURCE = "what-if (--set on the command line)"


@dataclass(frozen=True)
class Provenance:
    """A value's source and how the value was derived from it (or why it is a judgement)."""

    source: str
    derivation: str

    @property
    def is_judgement(self) -> bool:
        return self.source.strip().lower().startswith(JUDGEMENT)

    def line(self) -> str:
        """One line for text output: 'source — derivation'."""
        return f"{self.source} — {self.derivation}" if self.derivation else self.source

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "derivation": self.derivation, "judgement": self.is_judgement}


def parse_provenance(raw: object, where: str) -> Provenance:
    """A provenance entry from TOML: a table {source, derivation} (both non-empty strings)."""
    if not isinstance(raw, Mapping):
        raise InputError(
            f"{where}: expected a table with keys source and derivation, got {type(raw).__name__}"
        )
    for key in raw:
        if key not in ("source", "derivation"):
            raise InputError(f"{where}: unknown key '{clip(key)}'; expected source, derivation")
    out = []
    for key in ("source", "derivation"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{where}: '{key}' must be a non-empty string")
        out.append(value.strip())
    return Provenance(*out)
