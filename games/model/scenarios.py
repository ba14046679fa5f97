"""Scenarios: a set of parameter values plus the story they tell, read from TOML.

Built-in scenarios live in ``examples/scenarios/*.toml`` (shipped inside the package as
``games/_scenarios`` when installed from a wheel). A user's own TOML file has the same
shape::

    title = "What if hawks return"
    summary = "One line shown by `tradegame scenarios`."
    story = "A paragraph or two."
    sources = ["USGS Mineral Commodity Summaries 2025"]

    [parameters]
    hawk_cost = 4.0        # any parameter left out keeps its default

    [provenance.hawk_cost] # where the value comes from (or "judgement" and why)
    source = "judgement"
    derivation = "Hawks back in key posts: twice the default."

A historical *episode* adds a date and the moves each side was seen to make (see
`games.history.observed`)::

    date = 2025-05-12
    [observed]
    game = "graded"        # or "simultaneous" (the default)
    levels = 5
    US = 0                 # a strategy name, or in the graded game a level in [0, 1]
    China = 0.25
    note = "What was seen, in a sentence."
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from games.formats.bounded_read import read_limited_text
from games.errors import InputError, clip
from games.history.observed import Observation, parse_observation
from games.model.parameters import any_lookup, game_parameters, is_package_only, lookup, validated
from games.suggestions import did_you_mean
from games.model.provenance import WHAT_IF_SOURCE, Provenance, parse_provenance

DEFAULT_SCENARIO = "baseline"
_KEYS = {
    "title": str, "summary": str, "story": str, "sources": list, "parameters": dict,
    "provenance": dict, "date": (str, datetime.date), "observed": dict,
}
MAX_SCENARIO_BYTES = 1_000_000


@dataclass(frozen=True)
class Scenario:
    """Parameter values (all of them, defaults filled in) and the story behind them."""

    name: str
    title: str
    summary: str
    story: str
    sources: tuple[str, ...]
    parameters: Mapping[str, float] = field(repr=False)
    source_file: str = ""
    overrides: tuple[tuple[str, float], ...] = ()
    #: provenance of the values the scenario file sets (by parameter name)
    provenance: Mapping[str, Provenance] = field(default_factory=dict, repr=False)
    #: names of the parameters the scenario file sets (the rest keep the model's values)
    set_names: tuple[str, ...] = ()
    #: ISO date (YYYY-MM-DD) of a historical episode, "" for a what-if
    date: str = ""
    #: the moves each side was seen to make (historical episodes only)
    observed: Observation | None = None
    #: a default-model (trade) scenario's values of the model file's parameters that its
    #: game does not use (the tariff instruments of --game package), set by the file or --set
    model_values: Mapping[str, float] = field(default_factory=dict, repr=False)

    def value_provenance(self, name: str) -> Provenance | None:
        """Where this scenario's value of a parameter comes from (None: nobody said).

        A --set value is a what-if; a value the file sets carries the file's provenance; a
        value left at the model's default carries the file's provenance if it gives one (why
        the default holds in this episode), else the model's.
        """
        for key, value in reversed(self.overrides):
            if key == name:
                return Provenance(WHAT_IF_SOURCE, f"set to {value:g} for this run")
        if name in self.set_names or name in self.provenance:
            return self.provenance.get(name)
        if self.model is not None:  # a model file's scenario: the model's provenance
            return self.model.parameters[name].provenance
        return any_lookup(name).provenance  # a game or an instrument parameter of the default model

    def with_values(self, values: Mapping[str, float], where: str = "option --set") -> "Scenario":
        """A copy with some parameters changed (each checked against its range)."""
        params = dict(self.parameters)
        extra = dict(self.model_values)
        find = self.model.lookup if self.model is not None else any_lookup
        for name, value in values.items():
            checked = find(name, where).check(value, where)
            if self.model is None and name not in game_parameters():
                extra[name] = checked
            else:
                params[name] = checked
        return replace(
            self,
            parameters=MappingProxyType(params),
            overrides=self.overrides + tuple(values.items()),
            model_values=MappingProxyType(extra),
        )

    #: the `games.model.spec.Model` a model file's scenario belongs to; None for the default
    #: (trade) model's own scenarios, whose model is `games.model.catalog.default_model()`
    #: (see `model_scenario`, `parse_scenario` and `scenario_model`)
    model: object = field(default=None, repr=False, compare=False)


def scenario_dirs() -> list[Path]:
    """Where built-in scenarios are looked for: the installed copy, then the source tree."""
    here = Path(__file__).resolve().parent.parent  # the `games` package
    return [d for d in (here / "_scenarios", here.parent / "examples" / "scenarios") if d.is_dir()]


def builtin_names() -> list[str]:
    names: set[str] = set()
    for d in scenario_dirs():
        names.update(p.stem for p in d.glob("*.toml"))
    order = ["baseline", "controls-2023", "escalation-2025", "stockholm-2025"]
    # the teaching scenarios first, then the dated record (its names sort by date), then the rest
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), not n.startswith("record-"), n))


def builtin(name: str) -> Scenario:
    for d in scenario_dirs():
        path = d / f"{name}.toml"
        try:
            found = path.is_file()
        except (OSError, ValueError):  # a name too long for the file system, or a NUL byte
            found = False
        if found:
            return load_file(path, name=name)
    from games.model import catalog

    if name == catalog.TRADE:
        return builtin(DEFAULT_SCENARIO)
    if catalog.builtin_model_path(name) is not None:
        return model_scenario(catalog.builtin_model(name))
    models = list(dict.fromkeys([catalog.TRADE] + catalog.builtin_model_names()))  # each name once
    raise InputError(
        f"scenario '{clip(name)}': no such built-in scenario or model"
        f"{did_you_mean(name, builtin_names() + models)}; "
        f"expected one of {', '.join(builtin_names())}, a model "
        f"({', '.join(models)}) or a path to a .toml file"
    )


def model_scenario(model) -> Scenario:
    """A model at its default parameters, as a scenario: a model file (one with
    ``[players]``) is accepted wherever a scenario is."""
    return Scenario(
        name=model.name,
        title=model.title,
        summary=model.description.strip().split("\n")[0] if model.description else "",
        story=model.description.strip(),
        sources=(),
        parameters=MappingProxyType(model.defaults()),
        source_file=model.source_file,
        model=model,
    )


def parse_scenario(text: str, source: str, name: str) -> Scenario:
    """Parse and validate scenario TOML text; errors name the source and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError(f"{source}: not valid TOML (arrays or tables nested too deeply)") from None
    if "players" in data or "payoffs" in data:  # a model file (games.model.spec.is_model_data)
        from games.model.spec import model_from_data

        return model_scenario(model_from_data(data, source, name))
    if "model" in data:  # a scenario of a model file (model = "trade": the trade model's own)
        scenario = scenario_of_model(data, source, name)
        if scenario is not None:
            return scenario
        data = {k: v for k, v in data.items() if k != "model"}
    for key, value in data.items():
        if key not in _KEYS:
            raise InputError(
                f"{source}: unknown key '{clip(key)}'; expected one of {', '.join(_KEYS)}"
            )
        expected = _KEYS[key]
        if not isinstance(value, expected):
            kind = "date" if key == "date" else expected.__name__
            raise InputError(
                f"{source}: key '{clip(key)}' must be a {kind}, got {type(value).__name__}"
            )
    sources = data.get("sources", [])
    for i, s in enumerate(sources):
        if not isinstance(s, str):
            raise InputError(f"{source}: sources[{i}] must be a string, got {type(s).__name__}")
    raw = data.get("parameters", {})
    if not isinstance(raw, dict):
        raise InputError(f"{source}: key 'parameters' must be a table")
    table = game_parameters()
    extra = {k: any_lookup(k, f"{source}: [parameters]").check(v, f"{source}: [parameters]")
             for k, v in raw.items() if k not in table}
    params = validated({k: v for k, v in raw.items() if k in table}, where=f"{source}: [parameters]")
    provenance = {}
    for pname, entry in data.get("provenance", {}).items():
        any_lookup(pname, f"{source}: [provenance]")
        provenance[pname] = parse_provenance(entry, f"{source}: [provenance.{clip(pname)}]")
    date = data.get("date", "")
    if isinstance(date, datetime.datetime):
        date = date.date()
    if isinstance(date, datetime.date):
        date = date.isoformat()
    elif date or "date" in data:  # an empty date is a mistake, not "no date"
        try:
            date = datetime.date.fromisoformat(date).isoformat()
        except ValueError:
            raise InputError(f"{source}: key 'date' must be a date YYYY-MM-DD, got '{clip(date)}'") from None
    observed = parse_observation(data["observed"], f"{source}: [observed]") if "observed" in data else None
    return Scenario(
        name=name,
        title=data.get("title", name),
        summary=data.get("summary", ""),
        story=data.get("story", "").strip(),
        sources=tuple(sources),
        parameters=MappingProxyType(params),
        source_file=source,
        provenance=MappingProxyType(provenance),
        set_names=tuple(raw),
        date=date,
        observed=observed,
        model_values=MappingProxyType(extra),
    )


def scenario_model(scenario: Scenario):
    """The model a scenario is a scenario of: its own, or the default model's file."""
    if scenario.model is not None:
        return scenario.model
    from games.model.catalog import default_model

    return default_model()


def scenario_of_model(data: Mapping, source: str, name: str) -> Scenario | None:
    """A scenario that names a model: ``model = "brinkmanship"`` (a built-in model) or
    ``model = "my-model.toml"`` (a path, relative to the scenario file), with the usual
    title, summary, story and sources, and ``[parameters]`` of that model. None when the
    model named is the trade model itself."""
    from games.model.catalog import resolve_model

    model = resolve_model(data["model"], Path(source).parent if source else None, f"{source}: model")
    if model is None:
        return None
    for key, value in data.items():
        if key == "model":
            continue
        if key == "observed":
            raise InputError(f"{source}: key '{key}' applies to scenarios of the trade model, not of model '{clip(model.name)}'")
        if key not in _KEYS:
            raise InputError(f"{source}: unknown key '{clip(key)}'; expected one of {', '.join(_KEYS)}, model")
        if not isinstance(value, _KEYS[key]):
            kind = getattr(_KEYS[key], "__name__", "value of another type")
            raise InputError(f"{source}: key '{clip(key)}' must be a {kind}, got {type(value).__name__}")
    sources = data.get("sources", [])
    for i, s in enumerate(sources):
        if not isinstance(s, str):
            raise InputError(f"{source}: sources[{i}] must be a string, got {type(s).__name__}")
    params = model.validated(data.get("parameters", {}), where=f"{source}: [parameters]")
    provenance = {}
    for pname, entry in data.get("provenance", {}).items():
        model.lookup(pname, f"{source}: [provenance]")
        provenance[pname] = parse_provenance(entry, f"{source}: [provenance.{clip(pname)}]")
    return Scenario(
        name=name,
        title=data.get("title", name),
        summary=data.get("summary", ""),
        story=data.get("story", "").strip(),
        sources=tuple(sources),
        parameters=MappingProxyType(params),
        source_file=source,
        set_names=tuple(data.get("parameters", {})),
        provenance=MappingProxyType(provenance),
        model=model,
    )


def load_file(path: str | Path, name: str | None = None) -> Scenario:
    path = Path(path)
    text = read_limited_text(path, MAX_SCENARIO_BYTES, "a scenario .toml file")
    return parse_scenario(text, str(path), name or path.stem)


def load(target: str | None) -> Scenario:
    """A built-in scenario by name, or a scenario .toml file by path (None: the default).

    An empty name is refused like any unknown one, not read as the default: `tradegame solve
    "$FILE"` with FILE unset must not silently answer for the baseline."""
    if target is None:
        target = DEFAULT_SCENARIO
    if target.endswith(".toml") or "/" in target or Path(target).suffix:
        return load_file(target)
    return builtin(target)


def parse_assignments(items: Iterable[str], option: str = "--set", model=None, package: bool = False) -> dict[str, float]:
    """Parse ``name=value`` strings from the command line into checked parameter values
    (the default, trade model's game parameters — with ``package``, its instruments' too —
    or `model`'s when one is given)."""
    find = model.lookup if model is not None else (any_lookup if package else lookup)
    out: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise InputError(f"option {option}: expected name=value (for example re_dependence=8), got '{clip(item)}'")
        if not package and is_package_only(name, model):  # a what-if that would change nothing
            whose = "the trade model" if model is None else f"model '{clip(model.name)}'"
            raise InputError(
                f"option {option}: parameter '{clip(name)}' enters only the package form of {whose}; add --game package"
            )
        param = find(name, f"option {option}")
        try:
            if "_" in text:  # Python's digit grouping: '1_0' is 10, most likely a typo for 1.0
                raise ValueError(text)
            value = float(text)
        except ValueError:
            raise InputError(f"option {option}: value of '{clip(name)}' must be a number, got '{clip(text)}'") from None
        out[name] = param.check(value, f"option {option}")
    return out


def __getattr__(name: str):
    """``PARAMETERS``: the default model's parameter table (`games.model.parameters`)."""
    if name == "PARAMETERS":
        return game_parameters()
    raise AttributeError(f"module 'games.model.scenarios' has no attribute {name!r}")


__all__ = ["Scenario", "load", "load_file", "builtin", "builtin_names", "parse_assignments", "PARAMETERS"]
