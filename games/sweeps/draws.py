"""A Monte Carlo sample drawn a block at a time, where each block is solved.

A sweep's sample of uniform and triangular draws is not held whole: numpy's PCG64 makes
one 64-bit output per uniform or triangular draw, so the draws of points start..stop-1
of the k-th parameter are the outputs after ``k * size + start`` of them, and its
``advance`` jumps there directly. A block (in whichever worker process solves it) draws
its own points, bit for bit the values that ``default_rng(seed)`` drawing each parameter's
whole column in turn gives (`games.sweeps.sweep.draw`), so a seed names the same sample as
before, with or without workers, and a 10 M-draw sample needs no 160 MB of values up front.

Normal draws (a ziggurat with rejection: a varying number of outputs per draw) cannot be
split this way; a sample with one is drawn whole (`games.sweeps.sweep.draw`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

#: The distributions whose draws take exactly one output of the generator each.
SPLITTABLE = ("uniform", "triangular")


@dataclass(frozen=True)
class SeededDraws(Mapping):
    """Parameter name → its `size` independent draws, made on demand from one seeded stream.

    ``distributions`` are `games.sweeps.sweep.Distribution` values (name, kind, args), each
    uniform or triangular; ``entropy`` is the `numpy.random.SeedSequence` entropy (the
    seed, or the fresh entropy drawn for an unseeded sample, so every block of it agrees).
    Reading a whole column (``draws[name]``) draws it; `block` draws a range of points.
    """

    distributions: tuple
    size: int
    entropy: int

    def __post_init__(self) -> None:
        kinds = {d.kind for d in self.distributions} - set(SPLITTABLE)
        if kinds:
            raise ValueError(f"SeededDraws: {sorted(kinds)[0]} draws cannot be made a block at a time")

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise KeyError(name)
        return self.block(0, self.size)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.distributions)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.distributions)

    def block(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """The draws of points start..stop-1 of every parameter."""
        start, stop = max(0, start), min(stop, self.size)
        count = max(0, stop - start)
        bits = np.random.PCG64(np.random.SeedSequence(self.entropy))
        bits.advance(start)
        rng = np.random.Generator(bits)
        out: dict[str, np.ndarray] = {}
        for k, d in enumerate(self.distributions):
            if k:  # past the rest of the previous column and the start of this one
                bits.advance(self.size - count)
            out[d.name] = one_output_each(rng, d, count)
        return out


def one_output_each(rng: np.random.Generator, d, count: int) -> np.ndarray:
    """count draws of a uniform or triangular distribution d, one generator output each."""
    return rng.uniform(*d.args, count) if d.kind == "uniform" else rng.triangular(*d.args, count)


def seeded_draws(distributions: Sequence, size: int, seed: int | None) -> SeededDraws | None:
    """The sample as `SeededDraws`, or None if some distribution's draws cannot be split."""
    if any(d.kind not in SPLITTABLE for d in distributions):
        return None
    return SeededDraws(tuple(distributions), int(size), int(np.random.SeedSequence(seed).entropy))
