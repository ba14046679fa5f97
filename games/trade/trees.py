"""The trade model's tree forms, as its model file declares them: who moves first, snapback.

The forms are the ``[forms.NAME]`` tables with an ``order`` in examples/models/trade.toml
(``us-first``, ``china-first``, ``snapback``: US first, China answers, then a US that
relaxed may keep chips flowing or snap controls back). The trees are built by the generic
`games.model.evaluate.form_tree`, so every terminal pays exactly what the simultaneous 2×2
game pays at the profile in effect; only the order of moves and what each side sees
differ. This module names them for the command line and the classroom page.
"""

from __future__ import annotations

from functools import partial
from typing import Mapping

from games.forms.tree import GameTree


def _model():
    from games.trade import model_file

    return model_file()


def tree_form(name: str, p: Mapping[str, float] | None = None, title: str | None = None) -> GameTree:
    """The trade model's tree form called name at parameters p (defaults for the rest)."""
    from games.model.evaluate import form_tree

    tree, _ = form_tree(_model(), dict(p or {}), name, title)
    return tree


def us_first(p: Mapping[str, float] | None = None, title: str | None = None) -> GameTree:
    """The US sets export controls; China sees the choice and answers with its supply."""
    return tree_form("us-first", p, title)


def china_first(p: Mapping[str, float] | None = None, title: str | None = None) -> GameTree:
    """China sets rare-earth supply; the US sees it and answers (players stay in the order US, China)."""
    return tree_form("china-first", p, title)


def snapback(p: Mapping[str, float] | None = None, title: str | None = None) -> GameTree:
    """US moves, China answers, then a US that relaxed may keep chips flowing or snap back."""
    return tree_form("snapback", p, title)


def form_title(name: str) -> str:
    """The words naming a tree form in a game's title ('US moves first')."""
    return _model().forms[name].title


def tree_title(scenario: str, name: str) -> str:
    """A scenario's tree title: 'US–China trade — baseline (US moves first)'."""
    from games.trade import scenario_title

    return f"{scenario_title(scenario)} ({form_title(name)})"


def _tree_forms() -> dict[str, object]:
    return {name: partial(tree_form, name) for name, f in _model().forms.items() if f.order is not None}


def _focus() -> dict[str, dict[tuple[int, ...], str]]:
    return {name: dict(f.focus) for name, f in _model().forms.items() if f.order is not None}


def profiles() -> dict[str, tuple[int, ...]]:
    """Every tree form's outcome names, each with the profile (strategy indices) in effect."""
    from games.model.evaluate import form_tree

    model, out = _model(), {}
    for name in _tree_forms():
        out.update(form_tree(model, model.defaults(), name)[1])
    return out


def drivers(p: Mapping[str, float]):
    """A function naming the payoff terms behind a player's gap between two terminals.

    ``drivers(p)(player, a, b)`` → 'deal value +1.5, leverage −4.5' (terms of a minus b,
    largest first, zero terms left out), for `games.explanations.tree_explain`.
    """
    from games.model.evaluate import term_drivers

    return term_drivers(_model(), p, profiles())


def __getattr__(name: str):
    """``FORMS`` (--game name → builder(p, title=...)) and ``FOCUS`` (--game name → {path of
    move indices: "move:what to call it"}), read from the model file on first use."""
    if name == "FORMS":
        return _tree_forms()
    if name == "FOCUS":
        return _focus()
    raise AttributeError(f"module 'games.trade.trees' has no attribute {name!r}")
