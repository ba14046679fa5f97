"""Which options apply where: one table, checked before any command does its work.

An option the user typed that the chosen input or form does not use is an error (exit 2,
one line naming the option and what it applies to), never silently ignored. A
*situation* is the set of tags describing what the command was asked to do: the input
kind (``scenario``, ``nfg``, ``efg``), the ``--game`` form (``simultaneous``,
``us-first``, ...) and, for ``plot``, the picture kind (``dynamics``, ``tree``, ...). An
option applies when its tags meet the situation's.

Only options given on the command line are checked (their defaults are harmless), so the
table lists exactly the options that some situations ignore; options used everywhere
(``--format``, ``--output``, ...) are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from cli.forms import all_forms

#: tree forms built from a scenario
TREE_FORMS = ("us-first", "china-first", "snapback")
#: forms whose equilibria a --method chooses how to find
METHOD_FORMS = ("simultaneous", "graded", *TREE_FORMS, "sequential", "bayesian", "with-ally", "nfg", "efg", "package",
                "package-graded", "own-form")
#: the tag of a model file's own form ([forms.NAME]: a tree, or players added)
OWN_FORM = "own-form"
#: forms solved in exact arithmetic by --exact
EXACT_FORMS = ("simultaneous", "graded", "nfg", "efg", "package", "package-graded")

_SOLVE_RULES: dict[str, tuple[str, ...]] = {
    "--set": ("scenario",),
    "--game": ("scenario",),
    "--levels": ("graded", "package-graded"),
    "--method": METHOD_FORMS,
    "--exact": EXACT_FORMS,
    "--rounds": ("repeated", "bargaining"),
    "--proposer": ("bargaining",),
    "--order": ("sequential",),
    "--with": ("package", "package-graded"),
}

#: command -> option -> the tags it applies to
RULES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "solve": _SOLVE_RULES,
    "explain": _SOLVE_RULES,
    "show": {"--set": ("scenario",), "--game": ("scenario",), "--levels": ("graded", "package-graded"),
             "--with": ("package", "package-graded")},
    "export": {"--set": ("scenario",), "--game": ("scenario",), "--levels": ("graded", "package-graded"),
               "--with": ("package", "package-graded")},
    "compare": {"--levels": ("graded", "package-graded"), "--with": ("package", "package-graded")},
    "sweep": {"--levels": ("graded", "package-graded"), "--with": ("package", "package-graded")},
    "plot": {
        "--set": ("scenario",),
        "--game": ("scenario",),
        "--levels": ("graded", "package-graded"),
        "--with": ("package", "package-graded"),
        "--rule": ("dynamics",),
        "--steps": ("dynamics",),
        "--vary": ("regime-map",),
    },
    "infer": {"--levels": ("graded",)},  # the situation's form is --game, the form of the --then games
}

#: options that only mean something alongside another: (option, needed, why)
REQUIRES: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "sweep": (("--seed", "--sample", "the seed fixes the random draws of --sample N"),),
    "infer": (("--game", "--then", "it is the form of the --then games"),
              ("--levels", "--then", "it sets the levels of graded --then games")),
}

#: with --exact the solver is exact vertex enumeration: the --method values that agree
EXACT_METHODS = ("auto", "vertex-enumeration")


@dataclass(frozen=True)
class Situation:
    """What a command was asked to do: its tags and a few words naming it for errors."""

    tags: frozenset[str]
    words: str


def situation(target: str | None, game: str, kind: str | None = None) -> Situation:
    """The situation of a command on target (scenario or game file) with --game game."""
    from games.errors import clip

    suffix = (target or "").lower().rsplit(".", 1)[-1] if target and "." in target else ""
    tags = {kind} if kind else set()
    if suffix in ("nfg", "efg"):
        tags |= {suffix, "file"}
        words = f"the game file {clip(target)}"
    else:
        tags |= {"scenario", game}
        if game not in all_forms():  # a model file's own [forms.NAME] (the command has checked it is one)
            tags.add(OWN_FORM)
        words = f"--game {clip(game)}"
    if kind:
        words = f"plot {kind} of {words}" if suffix else f"plot {kind} with {words}"
    return Situation(frozenset(tags), words)


def describe(tags: Iterable[str]) -> str:
    """Words for a set of tags: 'scenarios', '--game repeated or bargaining', '.efg files'."""
    tags = list(tags)
    forms = [t for t in tags if t in all_forms()]
    exts = [f".{t}" for t in tags if t in ("nfg", "efg")]
    files = [" and ".join(exts) + " files"] if exts else []
    kinds = [t for t in tags if t not in forms and t not in ("nfg", "efg", "scenario", OWN_FORM)]
    parts = []
    if "scenario" in tags:
        parts.append("scenarios")
    if forms:
        parts.append("--game " + _or(forms + (["a model file's own form"] if OWN_FORM in tags else [])))
    if files:
        parts.append(_or(files))
    if kinds:
        parts.append("plot " + _or(kinds))
    return " and to ".join(parts)


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def check(command: str, given: Iterable[str], where: Situation) -> None:
    """Raise InputError for the first typed option that does not apply to the situation."""
    from games.errors import InputError

    given = list(given)
    rules = RULES.get(command, {})
    for option in given:
        applies = rules.get(option)
        if applies is not None and not (set(applies) & where.tags):
            raise InputError(f"option {option}: applies to {describe(applies)}, not to {where.words}")
    for option, needed, why in REQUIRES.get(command, ()):
        if option in given and needed not in given:
            raise InputError(f"option {option}: applies only with {needed}: {why}")


def check_exact_method(exact: bool, method: str) -> None:
    """--exact solves by exact vertex enumeration: another --method would be ignored."""
    from games.errors import InputError, clip

    if exact and method not in EXACT_METHODS:
        raise InputError(
            f"option --method: --exact always uses exact vertex enumeration; expected "
            f"{' or '.join(EXACT_METHODS)} with --exact, got '{clip(method)}'"
        )


def given_options(command: str) -> list[str]:
    """The long names of the options typed on the command line for the running command.

    Read from the click context typer runs the command in; empty outside that command (a
    library caller, or another command reusing its code, passes what it means to pass).
    """
    ctx = _current_context()
    if ctx is None or ctx.command.name != command:
        return []
    out = []
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name) if param.name else None
        if source is None or getattr(source, "name", "") not in ("COMMANDLINE", "ENVIRONMENT", "PROMPT"):
            continue
        longs = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        if longs:
            out.append(longs[0])
    return out


def _current_context():
    try:
        from typer._click import globals as click_globals  # typer vendors click in recent versions
    except ImportError:
        from click import globals as click_globals
    return click_globals.get_current_context(silent=True)


def check_command(command: str, target: str | None, game: str, kind: str | None = None) -> None:
    """`check` with the options typed for the running command."""
    check(command, given_options(command), situation(target, game, kind))
