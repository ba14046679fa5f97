"""Built-in models: the model files shipped with tradegame, found by name.

They live in ``examples/models/*.toml`` (``games/_models`` inside an installed wheel).
``trade`` names the US–China trade model (trade.toml), the *default model*
(`default_model`): a scenario that names no model is a scenario of it, and the built-in
scenarios are its scenarios, which take a fast path of their own (`games.trade` builds its
forms from the file; the generic layers read the file through this catalog, never through
`games.trade`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from games.errors import InputError, clip
from games.model.spec import Model, load_model_file

#: The trade model's name in listings and in a scenario's ``model = "..."``.
TRADE = "trade"
#: The model a scenario that names no model belongs to.
DEFAULT_MODEL = TRADE
ORDER = ("brinkmanship", "cournot", "entry-deterrence", "public-goods")


def model_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent
    return [d for d in (here / "_models", here.parent / "examples" / "models") if d.is_dir()]


def builtin_model_names() -> list[str]:
    names: set[str] = set()
    for d in model_dirs():
        names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def builtin_model_path(name: str) -> Path | None:
    for d in model_dirs():
        path = d / f"{name}.toml"
        try:
            if path.is_file():
                return path
        except (OSError, ValueError):
            return None
    return None


@lru_cache(maxsize=32)
def builtin_model(name: str) -> Model:
    path = builtin_model_path(name)
    if path is None:
        raise InputError(
            f"model '{clip(name)}': no such built-in model; expected one of {', '.join([TRADE] + builtin_model_names())} "
            "or a path to a model .toml file"
        )
    return load_model_file(path, name=name)


def default_model() -> Model:
    """The default model's file (the trade model, examples/models/trade.toml), read once."""
    return builtin_model(DEFAULT_MODEL)


def resolve_model(ref: str, base: Path | None, where: str) -> Model | None:
    """The model a scenario names: a built-in name, or a path (relative to the scenario file).

    Returns None for the Python trade model.
    """
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(f"{where}: model must be a built-in model name or a path to a model .toml file")
    if ref == TRADE:
        return None
    if ref.endswith(".toml") or "/" in ref:
        path = Path(ref)
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():  # name the scenario's key too: the missing file is not the user's file
            raise InputError(f"{where}: no model file {clip(str(path), 300)} (a path is read relative to the scenario file)")
        return load_model_file(path)
    try:
        return builtin_model(ref)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def load_model(target: str) -> Model:
    """A model by built-in name ("brinkmanship") or by the path of a model .toml file."""
    from pathlib import Path

    if builtin_model_path(target) is not None and not Path(target).suffix:
        return builtin_model(target)
    return load_model_file(target)
