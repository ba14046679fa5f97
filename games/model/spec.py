"""A model file, read and checked: players, parameters, defined quantities, payoff terms.

A *model* is a parameterized game written as data (TOML): the players and their
strategies (optionally with a *level* variable standing for the move), named parameters
with default, range, unit, meaning and source, named intermediate quantities
(``[define]``) and each player's payoff as a sum of named terms, each a formula
(`games.model.formula`). `parse_model` turns the text into a frozen `Model`, refusing
anything malformed with one line that names the file, the table, the key and what was
expected. docs/models.md is the reference for the format.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

from games.errors import InputError, clip
from games.model import formula as fm
from games.model.parameters import Parameter

MAX_MODEL_BYTES = 1_000_000
MAX_PLAYERS = 8
MAX_STRATEGIES = 200
MAX_PARAMETERS = 500
MAX_FORMULAS = 1000
#: Largest number of pure profiles a model's normal form may have.
MAX_PROFILES = 200_000
#: Largest polynomial degree of a payoff (bounds the size of exact evaluation).
MAX_DEGREE = 1000

TOP_KEYS = ("title", "description", "players", "parameters", "define", "payoffs", "order", "outcomes", "types", "wording", "forms", "instruments")
FORM_KEYS = ("description", "title", "story", "order", "revision", "focus", "players", "define", "payoffs")
REVISION_KEYS = ("player", "after", "moves")
WORDING_KEYS = ("graded", "outcomes", "partial", "regimes", "incentives", "why")
MAX_FORMS = 20
PLAYER_KEYS = ("strategies", "level", "levels", "key")
PARAMETER_KEYS = ("default", "range", "side", "unit", "meaning", "source", "derivation", "rationale", "label")
INSTRUMENT_KEYS = ("player", "meaning", "settings", "level", "levels", "terms", "payoffs", "optional")
TERM_KEYS = ("formula", "instrument")


@dataclass(frozen=True)
class PlayerSpec:
    """A player: its strategies and, optionally, the level variable and its value per strategy."""

    name: str
    strategies: tuple[str, ...]
    level: str | None = None
    levels: tuple[Fraction, ...] | None = None
    #: the player's short name in parameter names (``discount_<key>``); "" = the name in lower case
    key: str = ""

    @property
    def parameter_key(self) -> str:
        """The suffix of this player's own parameters: ``discount_us``, ``outside_option_cn``."""
        return self.key or self.name.lower()


@dataclass(frozen=True)
class ModelParameter(Parameter):
    """A model file's parameter: the trade model's fields (with the default's source and
    derivation) plus a short label for sentences."""

    label: str = ""


#: Added to every model that does not define its own ``discount``: the common discount
#: factor δ of ``--game repeated`` (it enters no payoff of the one-shot game).
DISCOUNT = ModelParameter(
    name="discount", side="none", default=0.9, low=0.0, high=0.999, unit="factor per round (0–0.999)",
    meaning="Common discount factor δ of the repeated game: how much a round of the future is worth today.",
    rationale="Added by tradegame to every model without its own discount; used only by --game repeated.",
    source="judgement", derivation="tradegame's default for repeated play; set it with --set discount=...",
)


def _unpickled_model(values: dict) -> "Model":
    """A pickled Model again, its mappings read-only as parse_model makes them."""
    return Model(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in values.items()})


@dataclass(frozen=True)
class HiddenTypes:
    """One player's private type: each type is a set of parameter values that differ, drawn
    with a common prior (``--game bayesian``)."""

    player: str
    prior: tuple[fm.Expr, ...]  # one formula per type but the last (which gets the rest)
    types: tuple[tuple[str, tuple[tuple[str, fm.Expr], ...]], ...]  # (type, ((parameter, formula), ...))
    #: a sentence saying what separates the types: text and {formula} fields, in order
    difference: tuple[str | fm.Expr, ...] = ()


@dataclass(frozen=True)
class Revision:
    """A last stage of a tree form: ``player``, having played ``after``, may change its move.

    ``moves``: (move name, the player's strategy that then holds), in order."""

    player: str
    after: str
    moves: tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class ExtraForm:
    """A model's own game form (``[forms.NAME]``), played with ``--game NAME``.

    A *tree* form (``order``) has the players move one after another, each seeing the
    earlier moves, optionally followed by a ``revision``; a form that adds players, defined
    quantities or payoff terms is the model with those added (``model``: the full model of
    the form, checked like any model file)."""

    name: str
    description: str
    title: str
    order: tuple[str, ...] | None = None
    revision: Revision | None = None
    #: a paragraph saying who moves and what each move means, for explanations ("" if none)
    story: str = ""
    #: moves whose credibility a tree's explanation names: (path of move indices, "move:what to call it")
    focus: tuple[tuple[tuple[int, ...], str], ...] = ()
    model: "Model | None" = field(default=None, repr=False)


@dataclass(frozen=True)
class Wording:
    """Words a model gives for its levels and outcomes (``[wording]``), used in labels,
    sweeps and regime maps."""

    #: one template per player for the graded game's strategy names; {level} = the level as a percentage
    graded: tuple[str, ...] | None = None
    #: short names of pure profiles for sweeps ("deal"), by strategy indices
    outcomes: Mapping[tuple[int, ...], str] = field(default_factory=dict)
    #: a sweep's name for an equilibrium at intermediate levels (graded)
    partial: str = ""
    #: names that replace a regime's composed name ("deal + conflict" → "both")
    regimes: Mapping[str, str] = field(default_factory=dict)
    #: a two-player 2×2 game's four incentives in words, by (player index, the other
    #: player's strategy index): the player's gain from its second strategy over its first
    incentives: Mapping[tuple[int, int], str] = field(default_factory=dict)
    #: why a parameter moves a player's margin, by (parameter, player name): said by compare
    why: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def __reduce__(self):
        """Pickled (inside a Model, for a sweep's workers) with its read-only mappings as dicts."""
        return _unpickled_wording, (
            self.graded, dict(self.outcomes), self.partial, dict(self.regimes), dict(self.incentives), dict(self.why),
        )


def _unpickled_wording(graded, outcomes, partial, regimes, incentives=None, why=None) -> Wording:
    return Wording(
        graded, MappingProxyType(outcomes), partial, MappingProxyType(regimes),
        MappingProxyType(incentives or {}), MappingProxyType(why or {}),
    )


@dataclass(frozen=True)
class Instrument:
    """A policy instrument of one player (``[instruments.NAME]``): a tariff, export controls,
    purchases. With ``settings`` (and the ``level`` variable each setting gives a value) it is
    a move of the *package* form, where a player's strategy is one setting of each of its
    instruments. Its own payoff terms (``[instruments.NAME.payoffs.PLAYER]``) count only in
    the package form; every term it carries — its own, and the model's terms that name it —
    is attributed to it in explanations."""

    name: str
    player: int
    meaning: str = ""
    settings: tuple[str, ...] | None = None
    level: str | None = None
    levels: tuple[Fraction, ...] | None = None
    #: its own payoff terms: (player index, term name, formula), in file order
    terms: tuple[tuple[int, str, fm.Expr], ...] = ()
    #: ``optional = true``: part of the package form only when asked for (``--with NAME``),
    #: so the default package form keeps its size
    optional: bool = False

    @property
    def is_move(self) -> bool:
        return self.settings is not None


@dataclass(frozen=True, eq=False)
class Model:
    """A parameterized game read from a model file."""

    name: str
    title: str
    description: str
    players: tuple[PlayerSpec, ...]
    parameters: Mapping[str, ModelParameter] = field(repr=False)
    defines: tuple[tuple[str, fm.Expr], ...] = field(repr=False)  # in evaluation order
    payoffs: tuple[tuple[tuple[str, fm.Expr], ...], ...] = field(repr=False)  # per player: (term, formula)
    order: tuple[str, ...] | None = None
    source_file: str = ""
    texts: Mapping[str, str] = field(default_factory=dict, repr=False)  # "define.x" / "payoffs.US.war" -> as written
    #: names of some pure profiles of the simultaneous game ("the deal"), used in sentences
    outcomes: Mapping[tuple[int, ...], str] = field(default_factory=dict, repr=False)
    #: a player's hidden type ([types.PLAYER]), or None
    types: HiddenTypes | None = field(default=None, repr=False)
    #: each parameter's declared ``side`` label (whose parameter it is: "US", "CN", "ally"),
    #: where the file gives one; a parameter's ``side`` attribute is whose payoff it enters
    sides: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: the model's own game forms ([forms.NAME]), by name
    forms: Mapping[str, ExtraForm] = field(default_factory=dict, repr=False)
    #: its words for levels and outcomes ([wording])
    wording: Wording = field(default_factory=Wording, repr=False)
    #: the policy instruments ([instruments.NAME]), in file order
    instruments: tuple[Instrument, ...] = field(default=(), repr=False)
    #: (player index, term name) -> the instrument that carries the term (model terms only;
    #: an instrument's own terms are carried by it)
    term_instruments: Mapping[tuple[int, str], str] = field(default_factory=dict, repr=False)
    #: parameters that only instruments' own terms use: they change the package form alone
    package_only: frozenset[str] = field(default=frozenset(), repr=False)
    #: optional instruments (``optional = true``) not in play: `with_instruments` adds them
    #: to `instruments`, and so to the package form
    optional_instruments: tuple[Instrument, ...] = field(default=(), repr=False)
    #: every instrument's name in file order (optional ones included)
    instrument_names: tuple[str, ...] = field(default=(), repr=False)
    #: parameters that only optional instruments' own terms use -> those instruments' names
    optional_uses: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def idle_parameters(self) -> frozenset[str]:
        """Parameters that enter only optional instruments not in play (so no payoff of
        any form of this model as it stands): the package form leaves them out."""
        playing = {ins.name for ins in self.instruments}
        return frozenset(p for p, users in self.optional_uses.items() if not (users & playing))

    def __reduce__(self):
        """Pickled (for a sweep's worker processes) with its read-only mappings as plain dicts."""
        from dataclasses import fields

        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return _unpickled_model, ({k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in values.items()},)

    @property
    def has_package(self) -> bool:
        """Does the model have a package form (some instrument with settings)?"""
        return any(ins.is_move for ins in self.instruments)

    def with_instruments(self, names: Sequence[str], where: str = "option --with") -> "Model":
        """The model with the optional instruments called names in play (in file order among
        the instruments), or an InputError with a did-you-mean for an unknown name. No
        names: the model itself."""
        if not names:
            return self
        available = [ins.name for ins in self.optional_instruments]
        active = [ins.name for ins in self.instruments]
        for name in names:
            if name in active:
                raise InputError(f"{where}: instrument '{clip(name)}' is always in the package form; --with adds optional ones"
                                 + (f" ({', '.join(available)})" if available else ""))
            if name not in available:
                if not available:
                    raise InputError(f"{where}: unknown instrument '{clip(name)}': model '{self.name}' has no optional instruments")
                raise InputError(
                    f"{where}: unknown instrument '{clip(name)}'{_hint(str(name), available)}; expected one of {', '.join(available)}"
                )
        chosen = [ins for ins in self.optional_instruments if ins.name in names]
        rest = tuple(ins for ins in self.optional_instruments if ins.name not in names)
        order = {name: k for k, name in enumerate(self.instrument_order)}
        merged = sorted([*self.instruments, *chosen], key=lambda ins: order.get(ins.name, len(order)))
        return replace(self, instruments=tuple(merged), optional_instruments=rest)

    @property
    def instrument_order(self) -> tuple[str, ...]:
        """Every instrument's name, optional ones included, in file order."""
        return self.instrument_names or tuple(ins.name for ins in (*self.instruments, *self.optional_instruments))

    def instrument_of(self, player: int, term: str) -> str | None:
        """The instrument that carries a player's payoff term (None: no instrument named)."""
        found = self.term_instruments.get((player, term))
        if found is not None:
            return found
        for ins in self.instruments:
            if any(i == player and t == term for i, t, _ in ins.terms):
                return ins.name
        return None

    @property
    def player_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.players)

    @property
    def has_levels(self) -> bool:
        return any(p.level for p in self.players)

    def defaults(self) -> dict[str, float]:
        return {name: p.default for name, p in self.parameters.items()}

    def lookup(self, name: str, where: str = "") -> ModelParameter:
        """The parameter called name, or an InputError with a did-you-mean."""
        try:
            return self.parameters[name]
        except (KeyError, TypeError):
            prefix = f"{where}: " if where else ""
            raise InputError(
                f"{prefix}unknown parameter '{clip(name)}' of model '{self.name}'{_hint(str(name), self.parameters)}; "
                f"expected one of {', '.join(self.parameters) or '(none)'}"
            ) from None

    def validated(self, values: Mapping[str, object], where: str = "") -> dict[str, float]:
        """Defaults overridden by values, each name and value checked against its range."""
        out = self.defaults()
        for name, value in values.items():
            out[name] = self.lookup(name, where).check(value, where)
        return out

    def player_index(self, name: str, where: str = "") -> int:
        names = self.player_names
        if name in names:
            return names.index(name)
        prefix = f"{where}: " if where else ""
        raise InputError(f"{prefix}unknown player '{clip(name)}'{_hint(name, names)}; expected one of {', '.join(names)}")


def _known_keys(table: Mapping, allowed: tuple[str, ...], where: str) -> None:
    """Refuse a key not in allowed, with a did-you-mean."""
    for key in table:
        if key not in allowed:
            raise InputError(f"{where}: unknown key '{clip(key)}'{_hint(key, allowed)}; expected one of {', '.join(allowed)}")


def _hint(name: str, choices) -> str:
    close = get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _type(v: object) -> str:
    return {str: "a string", list: "an array", dict: "a table", bool: "a boolean"}.get(type(v), type(v).__name__)


def _identifier(name: str, what: str, where: str) -> None:
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise InputError(f"{where}: {what} '{clip(name)}' must be a name of letters, digits and _ (not starting with a digit)")
    if len(name) > fm.MAX_NAME_CHARS:
        raise InputError(f"{where}: {what} '{clip(name)}' is longer than {fm.MAX_NAME_CHARS} characters")
    if name in fm.RESERVED:
        raise InputError(f"{where}: {what} '{name}' is the name of a function; choose another name")


#: Control characters (code points below 32); in multi-line texts newline and tab are allowed.
_CONTROL = re.compile(r"[\x00-\x1f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _label_text(v: object, where: str, limit: int = 200, multiline: bool = False) -> str:
    if not isinstance(v, str):
        raise InputError(f"{where}: expected a string, got {_type(v)}")
    if not v.strip():
        raise InputError(f"{where}: expected a non-empty string")
    if len(v) > limit:
        raise InputError(f"{where}: '{clip(v)}' is longer than {limit} characters")
    if (_CONTROL_IN_TEXT if multiline else _CONTROL).search(v):
        raise InputError(f"{where}: '{clip(v)}' contains control characters")
    return v


# ---------------------------------------------------------------- reading
def read_text(path: str | Path, what: str = "model") -> str:
    """A model file's text (a regular UTF-8 file of at most 1 MB), or a one-line InputError.
    Devices, FIFOs and files that grow while read are refused (`games.formats.bounded_read`)."""
    from games.formats.bounded_read import read_limited_text

    return read_limited_text(path, MAX_MODEL_BYTES, f"a {what} .toml file")


def load_toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({clip(exc, 200)})") from None
    except RecursionError:
        raise InputError(f"{source}: not valid TOML (arrays or tables nested too deeply)") from None


def is_model_data(data: Mapping) -> bool:
    """Does parsed TOML describe a model (players and payoffs) rather than a scenario?"""
    return "players" in data or "payoffs" in data


def load_model_file(path: str | Path, name: str | None = None) -> Model:
    path = Path(path)
    return parse_model(read_text(path), str(path), name or path.stem)


def parse_model(text: str, source: str, name: str) -> Model:
    """Parse and check model TOML text; every error is one line naming source and key."""
    return model_from_data(load_toml(text, source), source, name)


def model_from_data(data: Mapping, source: str, name: str) -> Model:
    if not is_model_data(data):
        raise InputError(f"{source}: not a model file: expected [players.NAME] tables and [payoffs.NAME] tables")
    _known_keys(data, TOP_KEYS, source)
    title = _label_text(data["title"], f"{source}: title") if "title" in data else name
    description = _label_text(data["description"], f"{source}: description", 5000, multiline=True) if "description" in data else ""
    players = _players(data, source)
    parameters = _parameters(data, source)
    texts: dict[str, str] = {}
    registry = _registry(players, parameters, data, source)
    if DISCOUNT.name not in registry and DISCOUNT.name not in data.get("define", {}):
        parameters[DISCOUNT.name] = DISCOUNT  # so every model can be repeated (--game repeated)
    defines = _defines(data, source, texts)
    tags: dict[tuple[int, str], str] = {}
    payoffs = _payoffs(data, source, players, texts, tags)
    for dname, _ in defines:
        if dname in registry:
            raise InputError(f"{source}: [define] '{dname}' is defined twice: also as {registry[dname]}")
        registry[dname] = "a defined quantity"
    _check_references(defines, payoffs, players, registry, source)
    ordered = _define_order(defines, source)
    _check_degree(ordered, payoffs, players, parameters, source)
    order = _order(data, source, players)
    outcomes = _outcomes(data, source, players)
    types = _types(data, source, players, parameters, texts)
    instruments = _instruments(data, source, players, payoffs, registry, texts, tags)
    _check_degree(ordered, [[(t, e) for ins in instruments for k, t, e in ins.terms if k == i] for i in range(len(players))],
                  players, parameters, source, "instrument")
    n_formulas = len(defines) + sum(len(t) for t in payoffs) + sum(len(ins.terms) for ins in instruments)
    if n_formulas > MAX_FORMULAS:
        raise InputError(f"{source}: {n_formulas} formulas, more than the {MAX_FORMULAS} allowed")
    profiles = math.prod(len(p.strategies) for p in players)
    if profiles > MAX_PROFILES:
        raise InputError(f"{source}: the players' strategies make {profiles:,} pure profiles, more than the {MAX_PROFILES:,} allowed")
    wording = _wording(data, source, players)
    forms = _forms(data, source, players, name)
    if any(ins.is_move for ins in instruments):  # the largest package form: every optional instrument in play
        package = math.prod(
            math.prod(len(ins.settings) for ins in instruments if ins.is_move and ins.player == i)
            if any(ins.is_move and ins.player == i for ins in instruments) else len(p.strategies)
            for i, p in enumerate(players)
        )
        if package > MAX_PROFILES:
            raise InputError(f"{source}: [instruments]: the package form would have {package:,} pure profiles, more than the {MAX_PROFILES:,} allowed")
    extended = [list(t) for t in payoffs]
    for ins in instruments:
        for i, t, e in ins.terms:
            extended[i].append((t, e))
    used = _parameter_users(ordered, extended, players, parameters)
    package_only = _package_only(ordered, payoffs, players, parameters, used, forms)
    optional_uses = _optional_uses(ordered, payoffs, instruments, players, parameters, used)
    sides = {pname: p.side for pname, p in parameters.items() if p.side}
    params = MappingProxyType({
        pname: ModelParameter(
            name=pname, side=used[pname], default=p.default, low=p.low, high=p.high, unit=p.unit, meaning=p.meaning,
            rationale=p.rationale, source=p.source, derivation=p.derivation, label=p.label,
        )
        for pname, p in parameters.items()
    })
    model = Model(
        name=name, title=title, description=description, players=tuple(players), parameters=params,
        defines=tuple(ordered), payoffs=tuple(payoffs), order=order, source_file=source,
        texts=MappingProxyType(texts), outcomes=MappingProxyType(outcomes), types=types,
        sides=MappingProxyType(sides), forms=MappingProxyType(forms), wording=wording,
        instruments=tuple(ins for ins in instruments if not ins.optional), term_instruments=MappingProxyType(tags),
        package_only=package_only, optional_instruments=tuple(ins for ins in instruments if ins.optional),
        instrument_names=tuple(ins.name for ins in instruments),
        optional_uses=MappingProxyType(optional_uses),
    )
    from games.model.evaluate import check_finite

    check_finite(model, model.defaults(), f"{source}")
    if model.optional_instruments:  # and the package form with every optional instrument
        check_finite(model.with_instruments([ins.name for ins in model.optional_instruments]), model.defaults(), f"{source}")
    return model


def _players(data: Mapping, source: str) -> list[PlayerSpec]:
    table = data.get("players")
    if table is None:
        raise InputError(f"{source}: missing [players]; a model needs at least two players, each with strategies")
    if not isinstance(table, dict):
        raise InputError(f"{source}: players must be a table ([players.NAME]), got {_type(table)}")
    if not 2 <= len(table) <= MAX_PLAYERS:
        raise InputError(f"{source}: [players] has {len(table)} player(s); expected 2 to {MAX_PLAYERS}")
    out = []
    for pname, spec in table.items():
        where = f"{source}: [players.{clip(pname, 40)}]"
        _label_text(pname, f"{source}: [players] player name", 40)
        if not isinstance(spec, dict):
            raise InputError(f"{where}: expected a table with strategies, got {_type(spec)}")
        _known_keys(spec, PLAYER_KEYS, where)
        strategies = spec.get("strategies")
        if strategies is None:
            raise InputError(f"{where}: missing strategies (a list of names, e.g. [\"Hold\", \"Escalate\"])")
        if not isinstance(strategies, list):
            raise InputError(f"{where}: strategies must be an array of names, got {_type(strategies)}")
        if not strategies:
            raise InputError(f"{where}: player '{clip(pname, 40)}' has no strategies; give at least one")
        if len(strategies) > MAX_STRATEGIES:
            raise InputError(f"{where}: {len(strategies)} strategies, more than the {MAX_STRATEGIES} allowed")
        for k, s in enumerate(strategies):
            _label_text(s, f"{where}: strategies[{k}]", 60)
        if len(set(strategies)) != len(strategies):
            dup = next(s for s in strategies if strategies.count(s) > 1)
            raise InputError(f"{where}: strategy '{clip(dup)}' is listed twice")
        level, levels = spec.get("level"), spec.get("levels")
        if (level is None) != (levels is None):
            missing = "levels" if levels is None else "level"
            raise InputError(f"{where}: level and levels go together; missing {missing}")
        values = None
        if level is not None:
            _identifier(level, "level", where)
            if not isinstance(levels, list) or not all(_is_number(v) and math.isfinite(v) for v in levels):
                raise InputError(f"{where}: levels must be an array of finite numbers, one per strategy")
            if len(levels) != len(strategies):
                raise InputError(
                    f"{where}: levels has {len(levels)} value(s) but there are {len(strategies)} strategies; give one per strategy"
                )
            if any(abs(v) > fm.MAX_LITERAL for v in levels):
                raise InputError(f"{where}: levels must be at most {fm.MAX_LITERAL:g} in size")
            values = tuple(Fraction(repr(v)) if isinstance(v, float) else Fraction(v) for v in levels)
        key = spec.get("key", "")
        if "key" in spec:
            _identifier(key, "key", where)
        out.append(PlayerSpec(pname, tuple(strategies), level, values, key))
    return out


def _parameters(data: Mapping, source: str) -> dict[str, ModelParameter]:
    table = data.get("parameters", {})
    if not isinstance(table, dict):
        raise InputError(f"{source}: parameters must be a table ([parameters.NAME]), got {_type(table)}")
    if len(table) > MAX_PARAMETERS:
        raise InputError(f"{source}: {len(table)} parameters, more than the {MAX_PARAMETERS} allowed")
    out = {}
    for pname, spec in table.items():
        where = f"{source}: [parameters.{clip(pname, 40)}]"
        _identifier(pname, "parameter", f"{source}: [parameters]")
        if _is_number(spec):
            raise InputError(f"{where}: expected a table with default and range (e.g. default = 4, range = [0, 20])")
        if not isinstance(spec, dict):
            raise InputError(f"{where}: expected a table with default and range, got {_type(spec)}")
        _known_keys(spec, PARAMETER_KEYS, where)
        default = spec.get("default")
        if default is None:
            raise InputError(f"{where}: missing default (a number)")
        if not _is_number(default) or not math.isfinite(default):
            raise InputError(f"{where}: default must be a finite number, got {clip(repr(default))}")
        rng = spec.get("range")
        if rng is None:
            raise InputError(f"{where}: missing range (e.g. range = [0, 20])")
        if not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(v) and math.isfinite(v) for v in rng):
            raise InputError(f"{where}: range must be two finite numbers [low, high], got {clip(repr(rng))}")
        low, high = float(rng[0]), float(rng[1])
        if not low < high:
            raise InputError(f"{where}: range must have low < high, got [{low:g}, {high:g}]")
        if max(abs(low), abs(high)) > fm.MAX_LITERAL:
            raise InputError(f"{where}: range must lie within ±{fm.MAX_LITERAL:g}")
        if not low <= default <= high:
            raise InputError(f"{where}: default {default:g} is outside its range [{low:g}, {high:g}]")
        texts = {}
        for key in ("side", "unit", "meaning", "source", "derivation", "rationale", "label"):
            if key in spec:
                multiline = key in ("meaning", "rationale", "derivation", "source")
                limit = 20 if key == "side" else 2000  # side: a short label such as US or ally
                texts[key] = _label_text(spec[key], f"{where}: {key}", limit, multiline=multiline)
        out[pname] = ModelParameter(
            name=pname, side=texts.get("side", ""), default=float(default), low=low, high=high,
            unit=texts.get("unit", ""),
            meaning=texts.get("meaning", ""), rationale=texts.get("rationale", ""), source=texts.get("source", ""),
            derivation=texts.get("derivation", ""), label=texts.get("label", ""),
        )
    return out


def _registry(players, parameters, data, source) -> dict[str, str]:
    reg: dict[str, str] = {}
    for pname in parameters:
        reg[pname] = "a parameter"
    for p in players:
        if p.level:
            if p.level in reg:
                raise InputError(
                    f"{source}: [players.{clip(p.name, 40)}] level '{p.level}' is defined twice: also as {reg[p.level]}"
                )
            reg[p.level] = f"player {p.name}'s level"
    return reg


def _formula(text: object, where: str) -> fm.Expr:
    try:
        return fm.parse(text)
    except fm.FormulaError as exc:
        raise InputError(f"{where}: {exc}") from None


def _defines(data, source, texts) -> list[tuple[str, fm.Expr]]:
    table = data.get("define", {})
    if not isinstance(table, dict):
        raise InputError(f"{source}: define must be a table of name = \"formula\", got {_type(table)}")
    out = []
    for dname, text in table.items():
        _identifier(dname, "defined quantity", f"{source}: [define]")
        if isinstance(text, dict):
            raise InputError(f"{source}: [define] '{dname}': expected a formula string, got a table")
        out.append((dname, _formula(text, f"{source}: [define] '{dname}'")))
        texts[f"define.{dname}"] = str(text)
    return out


def _payoffs(data, source, players, texts, tags=None) -> list[tuple[tuple[str, fm.Expr], ...]]:
    table = data.get("payoffs")
    names = [p.name for p in players]
    if table is None:
        raise InputError(f"{source}: missing [payoffs]; give [payoffs.PLAYER] for each of {', '.join(names)}")
    if not isinstance(table, dict):
        raise InputError(f"{source}: payoffs must be a table ([payoffs.PLAYER]), got {_type(table)}")
    for key in table:
        if key not in names:
            raise InputError(f"{source}: [payoffs.{clip(key, 40)}]: unknown player{_hint(key, names)}; expected one of {', '.join(names)}")
    out = []
    for pname in names:
        if pname not in table:
            raise InputError(f"{source}: missing [payoffs.{clip(pname, 40)}]: every player needs a payoff")
        terms = table[pname]
        where = f"{source}: [payoffs.{clip(pname, 40)}]"
        if isinstance(terms, (str, int, float)) and not isinstance(terms, bool):
            terms = {"payoff": terms}
        if not isinstance(terms, dict):
            raise InputError(f"{where}: expected a table of \"term\" = \"formula\", got {_type(terms)}")
        if not terms:
            raise InputError(f"{where}: no payoff terms; give at least one \"term\" = \"formula\"")
        parsed = []
        for term, text in terms.items():
            _label_text(term, f"{where} term name", 80)
            if isinstance(text, dict):  # "term" = { formula = "...", instrument = "NAME" }
                text = _tagged_term(text, f"{where} '{clip(term)}'", (names.index(pname), term), tags)
            parsed.append((term, _formula(text, f"{where} '{clip(term)}'")))
            texts[f"payoffs.{pname}.{term}"] = str(text)
        out.append(tuple(parsed))
    return out


def _tagged_term(table: Mapping, where: str, key: tuple[int, str], tags: dict | None) -> object:
    """A term written as a table: its formula, and the instrument that carries it (checked
    against [instruments] once those are read)."""
    if not any(k in TERM_KEYS for k in table):
        raise InputError(f"{where}: expected a formula string, got a table (a tagged term is {{ formula = \"...\", instrument = \"NAME\" }})")
    for k in table:
        if k not in TERM_KEYS:
            raise InputError(f"{where}: unknown key '{clip(k)}'{_hint(k, TERM_KEYS)}; expected formula and instrument")
    if "formula" not in table:
        raise InputError(f"{where}: missing formula (a term written as a table is {{ formula = \"...\", instrument = \"NAME\" }})")
    if "instrument" in table:
        name = _label_text(table["instrument"], f"{where}: instrument", 60)
        if tags is not None:
            tags[key] = name
    return table["formula"]


def _instruments(data, source, players, payoffs, registry, texts, tags) -> list[Instrument]:
    """``[instruments.NAME]``: player, meaning, settings/level/levels (a move of the package
    form), terms (model terms it carries) and payoffs (its own terms, package form only).
    Every instrument a term names must be declared here."""
    table = data.get("instruments", {})
    if not isinstance(table, dict):
        raise InputError(f"{source}: instruments must be a table ([instruments.NAME]), got {_type(table)}")
    names = [p.name for p in players]
    term_names = [{t for t, _ in terms} for terms in payoffs]
    specs = []
    levels_seen: dict[str, str] = {}
    for iname, spec in table.items():
        where = f"{source}: [instruments.{clip(iname, 40)}]"
        _label_text(iname, f"{source}: [instruments] instrument name", 60)
        if not isinstance(spec, dict):
            raise InputError(f"{where}: expected a table with player (and settings, level, levels), got {_type(spec)}")
        for key in spec:
            if key not in INSTRUMENT_KEYS:
                raise InputError(f"{where}: unknown key '{clip(key)}'{_hint(key, INSTRUMENT_KEYS)}; expected one of {', '.join(INSTRUMENT_KEYS)}")
        player = spec.get("player")
        if not isinstance(player, str):
            raise InputError(f"{where}: missing player (the name of the player who sets this instrument, one of {', '.join(names)})")
        if player not in names:
            raise InputError(f"{where}: player: unknown player '{clip(player)}'{_hint(player, names)}; expected one of {', '.join(names)}")
        i = names.index(player)
        meaning = _label_text(spec["meaning"], f"{where}: meaning", 2000, multiline=True) if "meaning" in spec else ""
        settings, level, values = None, None, None
        given = [k for k in ("settings", "level", "levels") if k in spec]
        if given and len(given) != 3:
            missing = ", ".join(k for k in ("settings", "level", "levels") if k not in spec)
            raise InputError(f"{where}: settings, level and levels go together; missing {missing}")
        if given:
            raw = spec["settings"]
            if not isinstance(raw, list) or not raw:
                raise InputError(f"{where}: settings must be a non-empty array of names, e.g. [\"high\", \"low\"]")
            for k, s_ in enumerate(raw):
                _label_text(s_, f"{where}: settings[{k}]", 40)
                if "+" in s_:
                    raise InputError(f"{where}: settings[{k}] '{clip(s_)}' must not contain '+' (it joins settings in the package form's strategy names)")
            if len(set(raw)) != len(raw):
                raise InputError(f"{where}: setting '{clip(next(x for x in raw if raw.count(x) > 1))}' is listed twice")
            level = spec["level"]
            _identifier(level, "level", where)
            lv = spec["levels"]
            if not isinstance(lv, list) or not all(_is_number(v) and math.isfinite(v) for v in lv):
                raise InputError(f"{where}: levels must be an array of finite numbers, one per setting")
            if len(lv) != len(raw):
                raise InputError(f"{where}: levels has {len(lv)} value(s) but there are {len(raw)} settings; give one per setting")
            if any(abs(v) > fm.MAX_LITERAL for v in lv):
                raise InputError(f"{where}: levels must be at most {fm.MAX_LITERAL:g} in size")
            own = players[i].level
            if level != own:
                if level in registry:
                    raise InputError(f"{where}: level '{level}' is defined twice: also as {registry[level]}")
                if level in levels_seen:
                    raise InputError(f"{where}: level '{level}' is defined twice: also as {levels_seen[level]}")
            elif level in levels_seen:
                raise InputError(f"{where}: level '{level}' is set by two instruments ({levels_seen[level]} too)")
            levels_seen[level] = f"instrument {iname}'s level"
            settings = tuple(raw)
            values = tuple(Fraction(repr(v)) if isinstance(v, float) else Fraction(v) for v in lv)
        optional = spec.get("optional", False)
        if not isinstance(optional, bool):
            raise InputError(f"{where}: optional must be true or false, got {_type(optional)}")
        if optional:
            if settings is None:
                raise InputError(f"{where}: an optional instrument is a move of the package form; give it settings, level and levels")
            if level == players[i].level:
                raise InputError(f"{where}: an optional instrument cannot set {player}'s level '{level}' (the package form needs it always); give it a level of its own")
            if "terms" in spec:
                raise InputError(f"{where}: an optional instrument carries only its own payoffs, not the model's terms (drop terms)")
        carried = spec.get("terms", [])
        if not isinstance(carried, list) or not all(isinstance(t, str) for t in carried):
            raise InputError(f"{where}: terms must be an array of payoff term names")
        for t in carried:
            hits = [k for k, ts in enumerate(term_names) if t in ts]
            if not hits:
                every = sorted({x for ts in term_names for x in ts})
                raise InputError(f"{where}: terms: no player has a payoff term '{clip(t)}'{_hint(t, every)}")
            for k in hits:
                if (k, t) in tags and tags[(k, t)] != iname:
                    raise InputError(f"{where}: terms: '{clip(t)}' of {names[k]} is carried by two instruments ({tags[(k, t)]} too)")
                tags[(k, t)] = iname
        specs.append((iname, i, meaning, settings, level, values, spec.get("payoffs", {}), where, optional))
    declared = [s_[0] for s_ in specs]
    for (k, t), iname in tags.items():
        if iname not in declared:
            hint = _hint(iname, declared)
            expected = f"one of {', '.join(declared)}" if declared else "an instrument declared in [instruments.NAME]"
            raise InputError(
                f"{source}: [payoffs.{clip(names[k], 40)}] '{clip(t)}': unknown instrument '{clip(iname)}'{hint}; expected {expected}"
            )
    # the package form replaces a player's strategies: its level must be set by an instrument
    for i, p in enumerate(players):
        moves = [s_ for s_ in specs if s_[1] == i and s_[3] is not None]
        if moves and p.level and not any(s_[4] == p.level for s_ in moves):
            raise InputError(
                f"{source}: [instruments]: player {clip(p.name, 40)}'s level '{p.level}' is set by none of its instruments; "
                f"give one of them level = \"{p.level}\""
            )
    known = dict(registry)
    optional_levels = {s_[4] for s_ in specs if s_[8]}
    for lv, what in levels_seen.items():
        if lv not in optional_levels:
            known.setdefault(lv, what)
    known_all = dict(known)
    for lv in optional_levels:
        known_all.setdefault(lv, levels_seen[lv])
    out = []
    for iname, i, meaning, settings, level, values, own, where, optional in specs:
        if not isinstance(own, dict):
            raise InputError(f"{where}: payoffs must be a table ([instruments.{clip(iname, 40)}.payoffs.PLAYER])")
        terms = []
        for pname, rows in own.items():
            at = f"{source}: [instruments.{clip(iname, 40)}.payoffs.{clip(pname, 40)}]"
            if pname not in names:
                raise InputError(f"{at}: unknown player{_hint(pname, names)}; expected one of {', '.join(names)}")
            k = names.index(pname)
            if not isinstance(rows, dict) or not rows:
                raise InputError(f"{at}: expected a table of \"term\" = \"formula\"")
            for term, text in rows.items():
                _label_text(term, f"{at} term name", 80)
                if term in term_names[k]:
                    raise InputError(f"{at} '{clip(term)}': {pname} already has a payoff term of that name")
                term_names[k].add(term)
                if isinstance(text, dict):
                    raise InputError(f"{at} '{clip(term)}': expected a formula string, got a table (the term is carried by {iname})")
                e = _formula(text, f"{at} '{clip(term)}'")
                if not optional:  # an optional instrument's level exists only when it is in play
                    for n in fm.names(e):
                        if n.id in optional_levels:
                            raise InputError(
                                f"{at} '{clip(term)}': column {n.col}: '{n.id}' is the level of an optional instrument; "
                                f"only that instrument's own terms may use it"
                            )
                _check_names(e, known_all if optional else known, players, f"{at} '{clip(term)}'")
                terms.append((k, term, e))
                texts[f"instruments.{iname}.{pname}.{term}"] = str(text)
        out.append(Instrument(iname, i, meaning, settings, level, values, tuple(terms), optional))
    return out


def _check_names(e: fm.Expr, known: Mapping[str, str], players, where: str) -> None:
    for n in fm.names(e):
        if n.id not in known:
            raise InputError(f"{where}: column {n.col}: unknown name '{clip(n.id)}'{_hint(n.id, list(known))}")
    if fm.indicators(e):
        ind = fm.indicators(e)[0]
        raise InputError(
            f"{where}: column {ind.col}: an instrument's terms use level variables, not strategy indicators "
            f"({clip(ind.player)}.{clip(ind.strategy)})"
        )


def _check_references(defines, payoffs, players, registry, source) -> None:
    by_name = {p.name: p for p in players}
    known = list(registry)

    def check(e: fm.Expr, where: str) -> None:
        for n in fm.names(e):
            if n.id not in registry:
                extra = ""
                if n.id in by_name:
                    extra = f"; a player is not a number: write {n.id}.STRATEGY for 1 when {n.id} plays STRATEGY"
                raise InputError(
                    f"{where}: column {n.col}: unknown name '{clip(n.id)}'{_hint(n.id, known)}{extra}"
                )
        for ind in fm.indicators(e):
            if ind.player not in by_name:
                raise InputError(
                    f"{where}: column {ind.col}: unknown player '{clip(ind.player)}' in {clip(ind.player)}.{clip(ind.strategy)}"
                    f"{_hint(ind.player, by_name)}; expected one of {', '.join(by_name)}"
                )
            strategies = by_name[ind.player].strategies
            if ind.strategy not in strategies:
                raise InputError(
                    f"{where}: column {ind.col}: player {clip(ind.player)} has no strategy '{clip(ind.strategy)}'"
                    f"{_hint(ind.strategy, strategies)}; expected one of {', '.join(strategies)}"
                )

    for dname, e in defines:
        check(e, f"{source}: [define] '{dname}'")
    for p, terms in zip(players, payoffs):
        for term, e in terms:
            check(e, f"{source}: [payoffs.{clip(p.name, 40)}] '{clip(term)}'")


def _define_order(defines, source) -> list[tuple[str, fm.Expr]]:
    """Defines sorted so each comes after the quantities it uses; a cycle is an error."""
    table = dict(defines)
    state: dict[str, int] = {}  # 1 visiting, 2 done
    out: list[tuple[str, fm.Expr]] = []
    for start in table:
        if state.get(start):
            continue
        stack = [(start, iter([n.id for n in fm.names(table[start]) if n.id in table]))]
        state[start] = 1
        path = [start]
        while stack:
            node, deps = stack[-1]
            nxt = next(deps, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                out.append((node, table[node]))
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise InputError(f"{source}: [define] '{nxt}' is defined in a cycle: {' → '.join(cycle)}")
            if state.get(nxt) == 2:
                continue
            state[nxt] = 1
            path.append(nxt)
            stack.append((nxt, iter([n.id for n in fm.names(table[nxt]) if n.id in table])))
    return out


def _check_degree(ordered, payoffs, players, parameters, source, what: str = "payoffs") -> None:
    """Refuse formula bombs built across defines, e.g. a = x**100, b = a**100, c = b**100."""
    deg: dict[str, float] = {}
    of = lambda n: deg.get(n, 1)
    for dname, e in ordered:
        deg[dname] = fm.degree(e, of)
        if deg[dname] != math.inf and deg[dname] > MAX_DEGREE:
            raise InputError(f"{source}: [define] '{dname}' has polynomial degree {deg[dname]:g}, more than the {MAX_DEGREE} allowed")
    for p, terms in zip(players, payoffs):
        for term, e in terms:
            d = fm.degree(e, of)
            if d != math.inf and d > MAX_DEGREE:
                table = f"payoffs.{clip(p.name, 40)}" if what == "payoffs" else "instruments"
                raise InputError(
                    f"{source}: [{table}] '{clip(term)}' has polynomial degree {d:g}, more than the {MAX_DEGREE} allowed"
                )


def _order(data, source, players) -> tuple[str, ...] | None:
    if "order" not in data:
        return None
    order = data["order"]
    names = [p.name for p in players]
    if not isinstance(order, list) or not all(isinstance(o, str) for o in order):
        raise InputError(f"{source}: order must be an array of player names, e.g. {names}")
    for o in order:
        if o not in names:
            raise InputError(f"{source}: order: unknown player '{clip(o)}'{_hint(o, names)}; expected one of {', '.join(names)}")
    if sorted(order) != sorted(names):
        raise InputError(f"{source}: order must name every player exactly once, got {clip(order)}")
    return tuple(order)


def _outcomes(data, source, players) -> dict[tuple[int, ...], str]:
    """``[outcomes]``: "Relax, Supply" = "the deal" — a name for a pure profile."""
    table = data.get("outcomes", {})
    if not isinstance(table, dict):
        raise InputError(f"{source}: outcomes must be a table of \"STRATEGY, STRATEGY\" = \"name\", got {_type(table)}")
    out = {}
    for key, name in table.items():
        where = f"{source}: [outcomes] '{clip(key)}'"
        out[_profile_key(key, players, where)] = _label_text(name, where, 80)
    return out


def _types(data, source, players, parameters, texts) -> HiddenTypes | None:
    """``[types.PLAYER]``: prior = formula(s); [types.PLAYER.TYPE]: parameter = formula, ..."""
    table = data.get("types")
    if table is None:
        return None
    names = [p.name for p in players]
    if not isinstance(table, dict) or len(table) != 1:
        raise InputError(f"{source}: types must be one table [types.PLAYER] (one player's type is hidden)")
    (player, spec), = table.items()
    where = f"{source}: [types.{clip(player, 40)}]"
    if player not in names:
        raise InputError(f"{where}: unknown player{_hint(player, names)}; expected one of {', '.join(names)}")
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected a table with prior and one table per type")
    kinds = [(k, v) for k, v in spec.items() if k not in ("prior", "difference")]
    if len(kinds) < 2 or not all(isinstance(v, dict) for _, v in kinds):
        raise InputError(f"{where}: expected at least two types, each a table [types.{clip(player, 40)}.TYPE] of parameter = formula")
    if "prior" not in spec:
        raise InputError(f"{where}: missing prior (the probability of the first type, a formula of the parameters)")
    raw = spec["prior"]
    raw = raw if isinstance(raw, list) else [raw]
    if len(raw) != len(kinds) - 1:
        raise InputError(
            f"{where}: prior must give the probability of each type but the last ({len(kinds) - 1} formula(s)), got {len(raw)}"
        )

    def formula(text, at):
        e = _formula(text, at)
        for n in fm.names(e):
            if n.id not in parameters:
                raise InputError(f"{at}: column {n.col}: '{clip(n.id)}' is not a parameter{_hint(n.id, parameters)}")
        if fm.indicators(e):
            raise InputError(f"{at}: a type's values depend on parameters only, not on strategies")
        return e

    prior = tuple(formula(t, f"{where} prior") for t in raw)
    out = []
    for tname, overrides in kinds:
        _label_text(tname, f"{where} type name", 40)
        pairs = []
        for pname, text in overrides.items():
            at = f"{source}: [types.{clip(player, 40)}.{clip(tname, 40)}] '{clip(pname)}'"
            if pname not in parameters:
                raise InputError(f"{at}: unknown parameter{_hint(pname, parameters)}")
            pairs.append((pname, formula(text, at)))
            texts[f"types.{tname}.{pname}"] = str(text)
        out.append((tname, tuple(pairs)))
    texts["types.prior"] = ", ".join(str(t) for t in raw)
    difference: tuple[str | fm.Expr, ...] = ()
    if "difference" in spec:
        at = f"{where} difference"
        text = _label_text(spec["difference"], at, 2000)
        difference = _template(text, at, lambda field, col: formula(field, f"{at}: field {{{clip(field)}}} at character {col}"))
        texts["types.difference"] = text
    return HiddenTypes(player, prior, tuple(out), difference)


def _template(text: str, where: str, parse) -> tuple[str | fm.Expr, ...]:
    """A sentence with {formula} fields: its literal pieces and parsed fields, in order."""
    import re

    parts: list[str | fm.Expr] = []
    pos = 0
    for m in re.finditer(r"\{([^{}]*)\}", text):
        parts.append(text[pos:m.start()])
        parts.append(parse(m.group(1), m.start() + 1))
        pos = m.end()
    parts.append(text[pos:])
    if any(isinstance(q, str) and ("{" in q or "}" in q) for q in parts):
        raise InputError(f"{where}: unbalanced brace; write each formula as {{formula}}")
    return tuple(q for q in parts if not (isinstance(q, str) and not q))


def _package_only(ordered, payoffs, players, parameters, used, forms) -> frozenset[str]:
    """Parameters that enter some payoff only through instruments' own terms (so only the
    package form): used with the instruments, unused by the payoffs and by every form's model."""
    base = _parameter_users(ordered, payoffs, players, parameters)
    in_forms = {
        pname for f in forms.values() if f.model is not None
        for pname, q in f.model.parameters.items() if q.side != "none" and pname not in f.model.package_only
    }
    return frozenset(
        pname for pname in parameters
        if used[pname] != "none" and base[pname] == "none" and pname not in in_forms
    )


def _optional_uses(ordered, payoffs, instruments, players, parameters, used) -> dict[str, frozenset[str]]:
    """For each parameter that only optional instruments' own terms use, those instruments."""
    active = [list(t) for t in payoffs]
    for ins in instruments:
        if not ins.optional:
            for i, t, e in ins.terms:
                active[i].append((t, e))
    base = _parameter_users(ordered, active, players, parameters)
    by_instrument = {}  # each optional instrument's own terms: whose payoff each parameter enters
    for ins in instruments:
        if ins.optional:
            rows: list[list] = [[] for _ in players]
            for i, t, e in ins.terms:
                rows[i].append((t, e))
            by_instrument[ins.name] = _parameter_users(ordered, rows, players, parameters)
    return {
        pname: frozenset(name for name, users in by_instrument.items() if users[pname] != "none")
        for pname in parameters if used[pname] != "none" and base[pname] == "none"
    }


def _parameter_users(ordered, payoffs, players, parameters) -> dict[str, str]:
    """Whose payoff each parameter enters: a player's name, 'all', or 'none'."""
    uses: dict[str, set[str]] = {}
    for dname, e in ordered:
        s: set[str] = set()
        for n in fm.names(e):
            s |= uses.get(n.id, {n.id})
        uses[dname] = s
    reach = []  # every name each player's payoff depends on, through the definitions
    for terms in payoffs:
        found: set[str] = set()
        for _, e in terms:
            for n in fm.names(e):
                found |= uses.get(n.id, {n.id})
        reach.append(found)
    out = {}
    for pname in parameters:
        who = [p.name for p, found in zip(players, reach) if pname in found]
        out[pname] = who[0] if len(who) == 1 else ("none" if not who else ("both" if len(players) == 2 and len(who) == 2 else "all" if len(who) == len(players) else "+".join(who)))
    return out


def _profile_key(key: object, players, where: str) -> tuple[int, ...]:
    """Strategy indices of "STRATEGY, STRATEGY" (one per player, in player order)."""
    parts = [k.strip() for k in str(key).split(",")]
    if len(parts) != len(players):
        raise InputError(f"{where}: expected one strategy per player, separated by commas ({len(players)} players)")
    index = []
    for p, s in zip(players, parts):
        if s not in p.strategies:
            raise InputError(f"{where}: player {clip(p.name)} has no strategy '{clip(s)}'{_hint(s, p.strategies)}")
        index.append(p.strategies.index(s))
    return tuple(index)


def _wording(data, source, players) -> Wording:
    """``[wording]``: graded = ["open {level}", ...], partial = "...", [wording.outcomes], [wording.regimes]."""
    table = data.get("wording")
    if table is None:
        return Wording()
    where = f"{source}: [wording]"
    if not isinstance(table, dict):
        raise InputError(f"{where}: expected a table, got {_type(table)}")
    _known_keys(table, WORDING_KEYS, where)
    graded = None
    if "graded" in table:
        g = table["graded"]
        if not isinstance(g, list) or len(g) != len(players):
            raise InputError(f"{where}: graded must be an array of {len(players)} names, one per player, each with {{level}}")
        graded = tuple(_label_text(t, f"{where}: graded[{k}]", 60) for k, t in enumerate(g))
        for k, t in enumerate(graded):
            try:
                ok = t.format(level="50%") and t.count("{") == 1
            except (KeyError, IndexError, ValueError):
                ok = False
            if not ok or "{level}" not in t:
                raise InputError(f"{where}: graded[{k}] '{clip(t)}' must contain {{level}} once and no other braces")
    outcomes = {
        _profile_key(key, players, at): _label_text(word, at, 60)
        for key, word, at in _word_table(table, "outcomes", "\"STRATEGY, STRATEGY\" = \"name\"", source)
    }
    partial = _label_text(table["partial"], f"{where}: partial", 60) if "partial" in table else ""
    regimes = {
        _label_text(key, at, 200): _label_text(word, at, 60)
        for key, word, at in _word_table(table, "regimes", "\"composed name\" = \"name\"", source)
    }
    incentives = {
        _incentive_key(key, players, at): _label_text(word, at, 200)
        for key, word, at in _word_table(table, "incentives", "\"PLAYER, OTHER'S STRATEGY\" = \"words\"", source)
    }
    why = {
        _why_key(key, players, data, at): _label_text(word, at, 600)
        for key, word, at in _word_table(table, "why", "\"PARAMETER, PLAYER\" = \"reason\"", source)
    }
    return Wording(
        graded, MappingProxyType(outcomes), partial, MappingProxyType(regimes),
        MappingProxyType(incentives), MappingProxyType(why),
    )


def _incentive_key(key: object, players, where: str) -> tuple[int, int]:
    """(player index, the other player's strategy index) of "PLAYER, OTHER'S STRATEGY"."""
    parts = [k.strip() for k in str(key).split(",")]
    names = [p.name for p in players]
    if len(players) != 2 or len(parts) != 2:
        raise InputError(f"{where}: expected \"PLAYER, OTHER'S STRATEGY\" in a two-player model")
    if parts[0] not in names:
        raise InputError(f"{where}: no player '{clip(parts[0])}'{_hint(parts[0], names)}; expected one of {', '.join(names)}")
    i = names.index(parts[0])
    other = players[1 - i]
    if parts[1] not in other.strategies:
        raise InputError(f"{where}: player {clip(other.name)} has no strategy '{clip(parts[1])}'{_hint(parts[1], other.strategies)}")
    return i, other.strategies.index(parts[1])


def _why_key(key: object, players, data: Mapping, where: str) -> tuple[str, str]:
    """(parameter, player name) of "PARAMETER, PLAYER"."""
    parts = [k.strip() for k in str(key).split(",")]
    names = [p.name for p in players]
    known = data.get("parameters", {}) if isinstance(data.get("parameters"), dict) else {}
    if len(parts) != 2:
        raise InputError(f"{where}: expected \"PARAMETER, PLAYER\"")
    if parts[0] not in known:
        raise InputError(f"{where}: no parameter '{clip(parts[0])}'{_hint(parts[0], list(known))}")
    if parts[1] not in names:
        raise InputError(f"{where}: no player '{clip(parts[1])}'{_hint(parts[1], names)}; expected one of {', '.join(names)}")
    return parts[0], parts[1]


def _word_table(table: Mapping, key: str, shape: str, source: str) -> list[tuple[object, object, str]]:
    """(key, word, where) of each entry of [wording.KEY], which must be a table."""
    raw = table.get(key, {})
    if not isinstance(raw, dict):
        raise InputError(f"{source}: [wording]: {key} must be a table of {shape}, got {_type(raw)}")
    return [(k, v, f"{source}: [wording.{key}] '{clip(k)}'") for k, v in raw.items()]


def _forms(data, source, players, name) -> dict[str, ExtraForm]:
    """``[forms.NAME]``: a model's own game forms (trees with an order and a revision; added players)."""
    table = data.get("forms")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise InputError(f"{source}: forms must be a table ([forms.NAME]), got {_type(table)}")
    if len(table) > MAX_FORMS:
        raise InputError(f"{source}: {len(table)} forms, more than the {MAX_FORMS} allowed")
    from games.model.evaluate import FORMS as BUILT_IN

    reserved = (*BUILT_IN, "sequential", "repeated", "bargaining", "bayesian")
    out = {}
    for fname, spec in table.items():
        where = f"{source}: [forms.{clip(fname, 40)}]"
        _label_text(fname, f"{source}: [forms] form name", 40)
        if fname in reserved:
            raise InputError(f"{where}: '{fname}' is a form every model has; choose another name")
        if not isinstance(spec, dict):
            raise InputError(f"{where}: expected a table, got {_type(spec)}")
        _known_keys(spec, FORM_KEYS, where)
        description = _label_text(spec.get("description", fname), f"{where}: description", 200)
        title = _label_text(spec.get("title", fname), f"{where}: title", 80)
        story = _label_text(spec["story"], f"{where}: story", 2000, multiline=True) if "story" in spec else ""
        adds = {k: spec[k] for k in ("players", "define", "payoffs") if k in spec}
        if adds and ("order" in spec or "revision" in spec or "focus" in spec):
            raise InputError(f"{where}: a form either adds players or terms, or is a tree (order, revision, focus); not both")
        if adds:
            out[fname] = ExtraForm(
                fname, description, title, story=story, model=_added(data, adds, f"{source} [forms.{clip(fname, 40)}]", name)
            )
            continue
        if "order" not in spec:
            raise InputError(f"{where}: expected order (a tree: who moves when) or players and payoffs to add")
        order = _order({"order": spec["order"]}, f"{where}", players)
        revision = _revision(spec.get("revision"), where, players, order)
        focus = _focus(spec.get("focus", {}), where, players, order, revision)
        out[fname] = ExtraForm(fname, description, title, order, revision, story, focus)
    return out


def _revision(spec, where, players, order) -> Revision | None:
    if spec is None:
        return None
    where = f"{where} revision"
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected a table with player, after and moves")
    _known_keys(spec, REVISION_KEYS, where)
    for key in REVISION_KEYS:
        if key not in spec:
            raise InputError(f"{where}: missing {key}")
    by_name = {p.name: p for p in players}
    who = spec["player"]
    if who not in by_name:
        raise InputError(f"{where}: unknown player '{clip(who)}'{_hint(str(who), by_name)}; expected one of {', '.join(by_name)}")
    if order[-1] == who:
        raise InputError(f"{where}: {clip(who)} moves last already; only an earlier mover can revise its move")
    strategies = by_name[who].strategies
    after = spec["after"]
    if after not in strategies:
        raise InputError(f"{where}: after: player {clip(who)} has no strategy '{clip(after)}'{_hint(str(after), strategies)}")
    moves = spec["moves"]
    if not isinstance(moves, dict) or not 2 <= len(moves) <= MAX_STRATEGIES:
        raise InputError(f"{where}: moves must be a table of at least two \"move\" = \"STRATEGY in effect\"")
    pairs = []
    for move, holds in moves.items():
        _label_text(move, f"{where}: move name", 60)
        if holds not in strategies:
            raise InputError(f"{where}: move '{clip(move)}': player {clip(who)} has no strategy '{clip(holds)}'{_hint(str(holds), strategies)}")
        pairs.append((move, holds))
    return Revision(who, after, tuple(pairs))


def _focus(spec, where, players, order, revision) -> tuple[tuple[tuple[int, ...], str], ...]:
    """``[forms.NAME.focus]``: "MOVE, MOVE" = ["MOVE", "what to call it"]: after that path, that move's credibility."""
    where = f"{where} focus"
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected a table of \"MOVE, MOVE\" = [\"MOVE\", \"what to call it\"]")
    by_name = {p.name: p for p in players}
    stages = [by_name[o].strategies for o in order] + ([tuple(m for m, _ in revision.moves)] if revision else [])
    out = []
    for key, value in spec.items():
        at = f"{where} '{clip(key)}'"
        path = [k.strip() for k in str(key).split(",")]
        if len(path) >= len(stages):
            raise InputError(f"{at}: a path of at most {len(stages) - 1} move(s) from the root")
        index = []
        for depth, move in enumerate(path):
            if move not in stages[depth]:
                raise InputError(f"{at}: '{clip(move)}' is not a move at stage {depth + 1}; expected one of {', '.join(stages[depth])}")
            index.append(stages[depth].index(move))
        if revision and len(path) == len(order) and path[order.index(revision.player)] != revision.after:
            raise InputError(f"{at}: {revision.player} revises only after {revision.after}")
        if not isinstance(value, list) or len(value) != 2:
            raise InputError(f"{at}: expected [\"MOVE\", \"what to call it\"]")
        move, what = (_label_text(v, at, 200) for v in value)
        if move not in stages[len(path)]:
            raise InputError(f"{at}: '{clip(move)}' is not a move at stage {len(path) + 1}; expected one of {', '.join(stages[len(path)])}")
        out.append((tuple(index), f"{move}:{what}"))
    return tuple(out)


def _added(data, adds, source, name) -> Model:
    """The model with a form's players, defined quantities and payoff terms added (its
    parameters are the model's, so that scenarios and --set reach every form)."""
    merged = {k: v for k, v in data.items() if k not in ("forms", "outcomes", "types", "order", "wording")}
    for key in ("players", "define"):
        extra = adds.get(key, {})
        if not isinstance(extra, dict):
            raise InputError(f"{source}: {key} must be a table, got {_type(extra)}")
        base = dict(merged.get(key, {}))
        for k in extra:
            if k in base:
                raise InputError(f"{source}: [{key}] '{clip(k)}' is defined twice: also in the model")
        merged[key] = {**base, **extra}
    payoffs = {k: dict(v) if isinstance(v, dict) else {"payoff": v} for k, v in merged.get("payoffs", {}).items()}
    extra = adds.get("payoffs", {})
    if not isinstance(extra, dict):
        raise InputError(f"{source}: payoffs must be a table ([payoffs.PLAYER]), got {_type(extra)}")
    for player, terms in extra.items():
        terms = terms if isinstance(terms, dict) else {"payoff": terms}
        row = payoffs.setdefault(player, {})
        for t in terms:
            if t in row:
                raise InputError(f"{source}: [payoffs.{clip(player, 40)}] '{clip(t)}' is defined twice: also in the model")
        row.update(terms)
    merged["payoffs"] = payoffs
    return model_from_data(merged, source, name)
