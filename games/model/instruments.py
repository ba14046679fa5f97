"""Which instrument carries which part of an outcome: deviation gains split by instrument.

A model's payoff terms may each be carried by a policy instrument (a tariff, export
controls, licensing; see `games.model.spec.Instrument`). At a pure profile, a player's
gain from switching to another strategy is the sum over its payoff terms of each term's
change; grouping those changes by the instrument that carries each term says how much of
the gain (or loss) each instrument carries — "of the US's 3 loss from switching, 3 comes
from rare-earth licensing, −1 from ...". Terms no instrument carries are grouped under
None. The parts add up to the whole gain, term by term, by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from games.model.spec import Model


@dataclass(frozen=True)
class InstrumentPart:
    """The part of a deviation gain carried by one instrument (None: terms no instrument carries)."""

    instrument: str | None
    amount: float
    terms: tuple[tuple[str, float], ...]  # (term, its change), the terms this part sums

    def to_dict(self) -> dict:
        return {"instrument": self.instrument, "amount": self.amount, "terms": dict(self.terms)}


@dataclass(frozen=True)
class Deviation:
    """One player's switch from a pure profile, its payoff gain, and that gain by instrument."""

    player: str
    stays: str
    switch_to: str
    gain: float  # payoff after switching minus payoff of staying (< 0: a loss)
    parts: tuple[InstrumentPart, ...]  # largest first by size; they sum to gain

    def to_dict(self) -> dict:
        return {
            "player": self.player, "stays": self.stays, "switch_to": self.switch_to,
            "gain": self.gain, "by_instrument": [p.to_dict() for p in self.parts],
        }


def group_by_instrument(model: Model, player: int, changes: Mapping[str, float]) -> tuple[InstrumentPart, ...]:
    """A player's term changes grouped by the instrument carrying each term, largest first
    (zero changes left out; the parts sum to the sum of the changes)."""
    groups: dict[str | None, list[tuple[str, float]]] = {}
    for term, d in changes.items():
        if d == 0 or abs(float(d)) <= 1e-12:
            continue
        groups.setdefault(model.instrument_of(player, term), []).append((term, float(d)))
    parts = [InstrumentPart(name, float(sum(d for _, d in terms)), tuple(terms)) for name, terms in groups.items()]
    parts.sort(key=lambda p: (-abs(p.amount), p.instrument is None, p.instrument or ""))
    return tuple(parts)


def deviation_attribution(
    model: Model, params: Mapping[str, float], profile: Sequence[int], form: str = "simultaneous", levels: int = 5
) -> tuple[Deviation, ...]:
    """Every unilateral deviation from a pure profile, its gain, and the gain by instrument."""
    from games.model.evaluate import axes, term_arrays

    ax = axes(model, form, levels)
    rows = term_arrays(model, model.validated(dict(params)), ax)
    idx = tuple(int(k) for k in profile)
    out = []
    for i, row in enumerate(rows):
        full = {t: np.broadcast_to(v, ax.shape) for t, v in row.items()}
        for k in range(ax.shape[i]):
            if k == idx[i]:
                continue
            dev = idx[:i] + (k,) + idx[i + 1:]
            changes = {t: float(v[dev] - v[idx]) for t, v in full.items()}
            gain = float(sum(float(v[dev]) for v in full.values()) - sum(float(v[idx]) for v in full.values()))
            out.append(Deviation(
                model.player_names[i], ax.labels[i][idx[i]], ax.labels[i][k], gain,
                group_by_instrument(model, i, changes),
            ))
    return tuple(out)


def payoff_by_instrument(
    model: Model, params: Mapping[str, float], profile: Sequence[int], form: str = "simultaneous", levels: int = 5
) -> tuple[tuple[str, float, tuple[InstrumentPart, ...]], ...]:
    """Each player's payoff at a pure profile and its split by instrument: (player, payoff, parts)."""
    from games.model.evaluate import axes, term_arrays

    ax = axes(model, form, levels)
    rows = term_arrays(model, model.validated(dict(params)), ax)
    idx = tuple(int(k) for k in profile)
    out = []
    for i, row in enumerate(rows):
        values = {t: float(np.broadcast_to(v, ax.shape)[idx]) for t, v in row.items()}
        out.append((model.player_names[i], float(sum(values.values())), group_by_instrument(model, i, values)))
    return tuple(out)


def exact_deviation_parts(
    model: Model, params: Mapping[str, float], profile: Sequence[int], player: int, switch_to: int,
    form: str = "simultaneous", levels: int = 5,
) -> tuple[Fraction, dict[str | None, Fraction]]:
    """(gain, gain by instrument) of one deviation, in exact fractions (for checks and tests)."""
    from games.model.evaluate import axes, exact_terms, to_exact

    ax = axes(model, form, levels)
    env = {k: to_exact(v) for k, v in model.validated(dict(params)).items()}
    idx = tuple(int(k) for k in profile)
    dev = idx[:player] + (switch_to,) + idx[player + 1:]
    stay, switch = exact_terms(model, env, ax, idx)[player], exact_terms(model, env, ax, dev)[player]
    parts: dict[str | None, Fraction] = {}
    for term in stay:
        name = model.instrument_of(player, term)
        parts[name] = parts.get(name, Fraction(0)) + switch[term] - stay[term]
    return sum(switch.values(), Fraction(0)) - sum(stay.values(), Fraction(0)), parts
