"""The moves each side was seen to make in a historical episode, and where they sit in a game.

An episode's ``[observed]`` table names the game form in which its moves are stated
(``simultaneous``: Restrict/Relax against Restrict/Supply; ``graded``: openness and supply
levels on an n-point grid) and one move per player: a strategy name, or a level in [0, 1]
that must lie on the grid (0.25 with 5 levels, not 0.3). Moves are pure: what a government
did, not a probability.

Episodes are scenarios of the default (trade) model (`games.model.catalog.default_model`):
the players, their strategies and the graded labels are read from its model file.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from games.errors import InputError, clip

FORMS = ("simultaneous", "graded")
PACKAGE_FORMS = ("package", "package-graded")


def _model():
    """The model episodes are scenarios of: the catalog's default model."""
    from games.model.catalog import default_model

    return default_model()


def player_keys() -> tuple[str, ...]:
    """The keys naming each player's move in ``[observed]``: the default model's players."""
    return _model().player_names


def __getattr__(name: str):
    """``PLAYER_KEYS``: `player_keys()` (US, China), read from the model file on first use."""
    if name == "PLAYER_KEYS":
        return player_keys()
    raise AttributeError(f"module 'games.history.observed' has no attribute {name!r}")


@dataclass(frozen=True)
class PackageObservation:
    """Observed moves in the trade model's package form: for each player, one setting (or,
    in ``package-graded``, a level on the grid) of each of its instruments."""

    form: str
    levels: int
    moves: tuple[tuple[tuple[str, str | float], ...], ...]  # per player: (instrument, setting or level)
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "game": self.form,
            "levels": self.levels,
            "moves": {p: dict(m) for p, m in zip(player_keys(), self.moves)},
            "note": self.note,
        }


@dataclass(frozen=True)
class Observation:
    """Observed pure moves: the game form they are stated in and one move per player."""

    form: str
    levels: int
    moves: tuple[str | float, ...]  # in player order (US, China)
    note: str = ""
    #: the same episode's moves in the package form (tariffs as instruments), if recorded
    package: PackageObservation | None = None

    def to_dict(self) -> dict:
        return {
            "game": self.form,
            "levels": self.levels,
            "moves": dict(zip(player_keys(), self.moves)),
            "note": self.note,
        }


def parse_observation(raw: Mapping, where: str) -> Observation:
    """Validate an [observed] table; errors name the key and what was expected."""
    PLAYER_KEYS = player_keys()
    _KEYS = ("game", "levels") + PLAYER_KEYS + ("note", "package")
    for key in raw:
        if key not in _KEYS:
            raise InputError(f"{where}: unknown key '{clip(key)}'; expected one of {', '.join(_KEYS)}")
    form = raw.get("game", "simultaneous")
    if form not in FORMS:
        raise InputError(f"{where}: 'game' must be one of {', '.join(FORMS)}, got '{clip(form)}'")
    levels = raw.get("levels", 5 if form == "graded" else 2)
    if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 101:
        raise InputError(f"{where}: 'levels' must be an integer from 2 to 101, got {clip(repr(levels))}")
    if form == "simultaneous" and levels != 2:
        raise InputError(f"{where}: 'levels' applies to game = \"graded\" only")
    moves = []
    for player in PLAYER_KEYS:
        if player not in raw:
            raise InputError(f"{where}: missing '{player}' (the move {player} was seen to make)")
        move = raw[player]
        if isinstance(move, bool) or not isinstance(move, (str, int, float)):
            raise InputError(f"{where}: '{player}' must be a strategy name or a level in [0, 1], got {type(move).__name__}")
        moves.append(move)
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise InputError(f"{where}: 'note' must be a string")
    package = None
    if "package" in raw:
        package = parse_package_observation(raw["package"], f"{where.rstrip(']')}.package]")
    obs = Observation(form, levels, tuple(moves), note.strip(), package)
    strategies = strategy_labels(form, levels)
    found = [_index(obs.moves[k], strategies[k], levels, f"{where}: '{player}'") for k, player in enumerate(PLAYER_KEYS)]
    # a move named in other case or with spaces ('relax', ' supply ', 'OPEN 50%') is kept
    # as the strategy it names, so show and its JSON print 'Relax', 'Supply', 'open 50%'
    moves = tuple(strategies[k][i] if isinstance(m, str) else m for k, (m, i) in enumerate(zip(obs.moves, found)))
    return Observation(form, levels, moves, obs.note, package)


def parse_package_observation(raw: object, where: str) -> PackageObservation:
    """Validate an [observed.package] table: game (package or package-graded), levels, and
    for US and China a table of instrument = setting (or level)."""
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}: expected a table with US and China, each a table of instrument = setting")
    PLAYER_KEYS = player_keys()
    _PACKAGE_KEYS = ("game", "levels") + PLAYER_KEYS + ("note",)
    for key in raw:
        if key not in _PACKAGE_KEYS:
            raise InputError(f"{where}: unknown key '{clip(key)}'; expected one of {', '.join(_PACKAGE_KEYS)}")
    form = raw.get("game", "package")
    if form not in PACKAGE_FORMS:
        raise InputError(f"{where}: 'game' must be one of {', '.join(PACKAGE_FORMS)}, got '{clip(form)}'")
    levels = raw.get("levels", 5 if form == "package-graded" else 2)
    if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 101:
        raise InputError(f"{where}: 'levels' must be an integer from 2 to 101, got {clip(repr(levels))}")
    if form == "package" and "levels" in raw:
        raise InputError(f"{where}: 'levels' applies to game = \"package-graded\" only")
    moves = []
    for player in PLAYER_KEYS:
        if player not in raw:
            raise InputError(f"{where}: missing '{player}' (a table of instrument = setting, the moves {player} was seen to make)")
        table = raw[player]
        if not isinstance(table, Mapping):
            raise InputError(f"{where}: '{player}' must be a table of instrument = setting, got {type(table).__name__}")
        for v in table.values():
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise InputError(f"{where}: '{player}': each instrument's move must be a setting name or a level")
        moves.append(tuple(table.items()))
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise InputError(f"{where}: 'note' must be a string")
    obs = PackageObservation(form, levels, tuple(moves), note.strip())
    package_profile(obs, where)  # validate now
    return _settings_as_named(obs)


def _settings_as_named(obs: PackageObservation) -> PackageObservation:
    """The observation with each setting written as the model names it: a setting given in
    other case or with spaces ('TARIFF HIGH', ' Restrict ') is kept as the one it names, so
    show and its JSON print 'tariff high', 'restrict'. Levels stay as written."""
    model = _model().with_instruments(recorded_instruments(obs))
    settings = {ins.name: ins.settings for ins in model.instruments if ins.is_move}

    def named(instrument: str, value):
        if isinstance(value, str):
            for setting in settings.get(instrument, ()):
                if setting.lower() == value.strip().lower():
                    return setting
        return value

    moves = tuple(tuple((k, named(k, v)) for k, v in given) for given in obs.moves)
    return PackageObservation(obs.form, obs.levels, moves, obs.note)


def package_axes(obs: PackageObservation, with_: tuple[str, ...] = ()):
    """The default model file's package-form axes the observation is stated in (``with_``: the
    optional instruments in play)."""
    from games.model.evaluate import axes

    return axes(_model().with_instruments(with_), obs.form, obs.levels)


def recorded_instruments(obs: PackageObservation) -> tuple[str, ...]:
    """The optional instruments (purchases) whose moves the observation records."""
    optional = [ins.name for ins in _model().optional_instruments]
    return tuple(name for name in optional if any(name in dict(given) for given in obs.moves))


def package_profile(obs: PackageObservation, where: str = "[observed.package]", with_: tuple[str, ...] = ()) -> tuple[int, int]:
    """The observed package moves as strategy indices of the package game (US, China), with
    the optional instruments ``with_`` in play (moves of other optional instruments the
    observation records are checked, then left out)."""
    full = _model()
    recorded = recorded_instruments(obs)
    if recorded:  # check the optional moves recorded (the full model knows their settings)
        _profile(full.with_instruments(recorded), package_axes(obs, recorded), obs, where)
    model = full.with_instruments(with_)
    return _profile(model, package_axes(obs, with_), obs, where, ignore=set(recorded) - set(with_))


def _profile(model, ax, obs: PackageObservation, where: str, ignore=frozenset()) -> tuple[int, int]:
    """The observed moves as strategy indices of ``model``'s package game (axes ``ax``),
    leaving out the instruments in ``ignore``."""
    from games.model.evaluate import _g, level_grid

    out = []
    for i, (player, given) in enumerate(zip(player_keys(), obs.moves)):
        moves = [ins for ins in model.instruments if ins.player == i and ins.is_move]
        names = [ins.name for ins in moves]
        given = {k: v for k, v in dict(given).items() if k not in ignore}
        for key in given:
            if key not in names:
                optional = [ins.name for ins in model.optional_instruments if ins.player == i]
                extra = f" (or the optional {', '.join(optional)})" if optional else ""
                raise InputError(f"{where}: '{player}': unknown instrument '{clip(key)}'; expected {', '.join(names)}{extra}")
        parts = []
        for ins in moves:
            if ins.name not in given:
                raise InputError(f"{where}: '{player}': missing '{ins.name}' (one of {', '.join(ins.settings)})")
            value = given[ins.name]
            graded = obs.form == "package-graded" and ins.level == model.players[i].level
            if graded:
                lo, hi = min(ins.levels), max(ins.levels)
                grid = level_grid(lo, hi, obs.levels)
                if isinstance(value, str):
                    match = [v for s_, v in zip(ins.settings, ins.levels) if s_.lower() == value.strip().lower()]
                    if not match:
                        raise InputError(f"{where}: '{player}': '{ins.name}': unknown setting '{clip(value)}'; expected one of {', '.join(ins.settings)} or a level")
                    value = match[0]
                v = _level(value, f"{where}: '{player}': '{ins.name}'")
                if v not in grid:
                    raise InputError(f"{where}: '{player}': '{ins.name}': level {value} is not on the {obs.levels}-level grid from {_g(lo)} to {_g(hi)}")
                parts.append(f"{ins.level}={_g(v)}")
            else:
                if not isinstance(value, str):
                    raise InputError(f"{where}: '{player}': '{ins.name}': expected one of {', '.join(ins.settings)}, got {value}")
                match = [s_ for s_ in ins.settings if s_.lower() == value.strip().lower()]
                if not match:
                    raise InputError(f"{where}: '{player}': '{ins.name}': unknown setting '{clip(value)}'; expected one of {', '.join(ins.settings)}")
                parts.append(match[0])
        out.append(ax.labels[i].index(" + ".join(parts)))
    return tuple(out)  # type: ignore[return-value]


def strategy_labels(form: str, levels: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each player's strategy names in the form's game (the default model's, as its level
    path `games.model.level_game` names them)."""
    from games.model.level_game import graded_labels

    model = _model()
    if form == "simultaneous":
        return tuple(pl.strategies for pl in model.players)  # type: ignore[return-value]
    grid = [k / (levels - 1) for k in range(levels)]
    return graded_labels(model, [grid, grid])  # type: ignore[return-value]


def _level(value: float | int, where: str) -> Fraction:
    """A level as written, exactly (0.25 is 1/4); NaN and infinities (TOML's nan, inf) are
    refused in one line, not left to fail inside Fraction."""
    from games.solvers.exact import to_fraction

    return to_fraction(value, f"{where}: a level")


def _index(move: str | float, labels: Sequence[str], levels: int, where: str) -> int:
    if isinstance(move, str):
        for k, label in enumerate(labels):
            if label.lower() == move.strip().lower():
                return k
        raise InputError(f"{where}: unknown move '{clip(move)}'; expected one of {', '.join(labels)} or a level")
    value = _level(move, where)
    if not 0 <= value <= 1:
        raise InputError(f"{where}: a level must be between 0 and 1, got {move}")
    k = value * (levels - 1)
    if k.denominator != 1:
        step = Fraction(1, levels - 1)
        raise InputError(f"{where}: level {move} is not on the {levels}-level grid (steps of {step})")
    return int(k)


def observed_profile(obs: Observation) -> tuple[int, int]:
    """The observed moves as strategy indices of the episode's game (US, China)."""
    labels = strategy_labels(obs.form, obs.levels)
    keys = player_keys()
    return tuple(_index(m, labels[k], obs.levels, keys[k]) for k, m in enumerate(obs.moves))  # type: ignore[return-value]


def grid(obs: Observation) -> list[Fraction]:
    """The levels x (and y) the episode's game is played on, exactly."""
    return [Fraction(k, obs.levels - 1) for k in range(obs.levels)]
