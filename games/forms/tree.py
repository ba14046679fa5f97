"""Extensive-form games (game trees) as immutable values.

A tree is built from three kinds of node:

- `Decision`: a player (index into the tree's players) chooses one of its labelled actions.
  Nodes of the same player with the same ``infoset`` key form one information set: the
  player cannot tell them apart, so they must offer the same actions. An empty key means
  the node is alone in its information set (perfect information at that node).
- `Chance`: nature picks an action with the given probabilities.
- `Terminal`: the game ends with one payoff per player.

A node is addressed by its *path*: the tuple of action indices from the root. Numbers may
be ints, floats or `fractions.Fraction` (kept as given, so `.efg` files round-trip
exactly); solvers work with floats.
"""

from __future__ import annotations

import functools
import math
import weakref
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Union

from games.errors import InputError

Real = Union[int, float, Fraction]
Path = tuple[int, ...]

#: Largest tree tradegame builds (guards memory and time on silly input).
MAX_NODES = 200_000
#: Deepest tree (the solvers recurse along paths).
MAX_DEPTH = 400


@dataclass(frozen=True)
class Terminal:
    """The end of a play: one payoff per player, plus optional node and outcome names."""

    payoffs: tuple[Real, ...]
    name: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class Decision:
    """A player's move: labelled actions, one child per action, and an information set key."""

    player: int
    actions: tuple[str, ...]
    children: tuple["Node", ...] = field(repr=False)
    infoset: str = ""
    name: str = ""
    infoset_name: str = ""


@dataclass(frozen=True)
class Chance:
    """Nature's move: labelled actions with probabilities summing to one."""

    actions: tuple[str, ...]
    probabilities: tuple[Real, ...]
    children: tuple["Node", ...] = field(repr=False)
    name: str = ""


Node = Union[Terminal, Decision, Chance]


@dataclass(frozen=True)
class InfoSet:
    """An information set: whose it is, its key, its actions and the paths of its nodes."""

    player: int
    key: str
    actions: tuple[str, ...]
    paths: tuple[Path, ...]
    name: str = ""

    @property
    def ident(self) -> tuple[int, str]:
        return (self.player, self.key)


@dataclass(frozen=True)
class GameTree:
    """A finite extensive-form game with named players; validated when built."""

    title: str
    players: tuple[str, ...]
    root: Node = field(repr=False)
    comment: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "players", tuple(self.players))
        _validate(self)

    @property
    def n_players(self) -> int:
        return len(self.players)

    def node(self, path: Path) -> Node:
        """The node reached by following action indices from the root."""
        node = self.root
        for k in path:
            node = node.children[k]  # type: ignore[union-attr]
        return node


def infoset_key(node: Decision, path: Path) -> str:
    """The key identifying a decision node's information set (its path if it has none)."""
    return node.infoset if node.infoset != "" else "@" + ".".join(map(str, path))


def walk(root: Node) -> Iterator[tuple[Path, Node]]:
    """Every node with its path, in prefix (depth-first, left-to-right) order."""
    stack: list[tuple[Path, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if not isinstance(node, Terminal):
            for k in reversed(range(len(node.children))):
                stack.append((path + (k,), node.children[k]))


def information_sets(tree: GameTree) -> tuple[InfoSet, ...]:
    """All information sets, in order of their first node in prefix order (kept per tree)."""
    return _information_sets(tree)


def _find_information_sets(tree: GameTree) -> tuple[InfoSet, ...]:
    found: dict[tuple[int, str], list] = {}
    for path, node in walk(tree.root):
        if isinstance(node, Decision):
            key = (node.player, infoset_key(node, path))
            if key not in found:
                found[key] = [node.actions, [], node.infoset_name]
            found[key][1].append(path)
    return tuple(
        InfoSet(player, key, actions, tuple(paths), name)
        for (player, key), (actions, paths, name) in found.items()
    )


def is_perfect_information(tree: GameTree) -> bool:
    """True when every information set holds a single node."""
    return all(len(h.paths) == 1 for h in information_sets(tree))


def own_history(tree: GameTree, path: Path, player: int) -> tuple[tuple[str, int], ...]:
    """The player's own (information set, action) pairs on the way to a node."""
    out = []
    node = tree.root
    prefix: Path = ()
    for k in path:
        if isinstance(node, Decision) and node.player == player:
            out.append((infoset_key(node, prefix), k))
        node = node.children[k]  # type: ignore[union-attr]
        prefix = prefix + (k,)
    return tuple(out)


def has_perfect_recall(tree: GameTree) -> bool:
    """True when every player remembers its own earlier information sets and actions."""
    for h in information_sets(tree):
        seen = {own_history(tree, p, h.player) for p in h.paths}
        if len(seen) > 1:
            return False
    return True


def history_labels(tree: GameTree, path: Path) -> tuple[str, ...]:
    """The action labels taken on the way from the root to a node."""
    out = []
    node = tree.root
    for k in path:
        out.append(node.actions[k])  # type: ignore[union-attr]
        node = node.children[k]  # type: ignore[union-attr]
    return tuple(out)


def mover(tree: GameTree, node: Node) -> str:
    """Who moves at a node: a player's name, 'Chance', or '' at a terminal."""
    if isinstance(node, Decision):
        return tree.players[node.player]
    return "Chance" if isinstance(node, Chance) else ""


def as_float(v: Real) -> float:
    return float(v)


def terminal_payoffs(node: Terminal) -> tuple[float, ...]:
    return tuple(float(v) for v in node.payoffs)


def per_tree(fn):
    """Cache a function of one tree for as long as that tree object lives.

    Trees are immutable, so a whole-tree summary (largest payoff, exactness) never changes;
    explanations ask for it at every node, and walking the tree each time made them
    quadratic. Keyed by identity (hashing a tree would walk it too).
    """
    store: dict[int, tuple] = {}

    @functools.wraps(fn)
    def cached(tree):
        key = id(tree)
        hit = store.get(key)
        if hit is not None and hit[0]() is tree:
            return hit[1]
        value = fn(tree)
        store[key] = (weakref.ref(tree, lambda _, k=key: store.pop(k, None)), value)
        return value

    return cached


_information_sets = per_tree(_find_information_sets)


@per_tree
def prefix_order(tree: GameTree) -> tuple[tuple[Path, Node], ...]:
    """`walk` of the whole tree, kept: the bottom-up passes (backward induction, deviation
    gains, commitments) run once per candidate plan and would otherwise rebuild it each time."""
    return tuple(walk(tree.root))


@per_tree
def max_abs_payoff(tree: GameTree) -> float:
    return max(
        (abs(float(v)) for _, n in walk(tree.root) if isinstance(n, Terminal) for v in n.payoffs),
        default=0.0,
    )


def _validate(tree: GameTree) -> None:
    where = f"game '{tree.title}'"
    n = len(tree.players)
    if n < 1:
        raise InputError(f"{where}: expected at least one player")
    if len(set(tree.players)) != n:
        raise InputError(f"{where}: player names must be distinct, got {list(tree.players)}")
    count = 0
    infosets: dict[tuple[int, str], tuple[str, ...]] = {}
    for path, node in walk(tree.root):
        count += 1
        if count > MAX_NODES:
            raise InputError(f"{where}: more than {MAX_NODES:,} nodes, too large to build")
        if len(path) > MAX_DEPTH:
            raise InputError(f"{where}: deeper than {MAX_DEPTH} moves, too deep to solve")
        at = f"{where}, node {_path_text(path)}"
        if isinstance(node, Terminal):
            if len(node.payoffs) != n:
                raise InputError(f"{at}: expected {n} payoffs, got {len(node.payoffs)}")
            for v in node.payoffs:
                _check_number(v, f"{at}: payoff")
            continue
        if not isinstance(node, (Decision, Chance)):
            raise InputError(f"{at}: expected a Decision, Chance or Terminal node, got {type(node).__name__}")
        if len(node.actions) < 1:
            raise InputError(f"{at}: expected at least one action")
        if len(node.children) != len(node.actions):
            raise InputError(
                f"{at}: {len(node.actions)} actions but {len(node.children)} children"
            )
        # a player's actions name its strategies, so they must differ; nature's labels are
        # only shown (Gambit's catalogue labels chance moves by their odds: "1/2", "1/2")
        if isinstance(node, Decision) and len(set(node.actions)) != len(node.actions):
            raise InputError(f"{at}: repeated action labels {list(node.actions)}")
        if isinstance(node, Decision):
            if not (isinstance(node.player, int) and 0 <= node.player < n):
                raise InputError(f"{at}: player index {node.player} is not one of 0..{n - 1}")
            key = (node.player, infoset_key(node, path))
            if key in infosets and infosets[key] != node.actions:
                raise InputError(
                    f"{at}: information set '{key[1]}' of {tree.players[node.player]} has actions "
                    f"{list(infosets[key])} elsewhere but {list(node.actions)} here"
                )
            infosets[key] = node.actions
        else:
            if len(node.probabilities) != len(node.actions):
                raise InputError(f"{at}: {len(node.actions)} actions but {len(node.probabilities)} probabilities")
            for v in node.probabilities:
                _check_number(v, f"{at}: probability")
                if v < 0:
                    raise InputError(f"{at}: probability {v} is negative")
            total = sum(node.probabilities)
            exact = all(isinstance(v, (int, Fraction)) for v in node.probabilities)
            if (total != 1) if exact else abs(float(total) - 1.0) > 1e-9:
                raise InputError(f"{at}: chance probabilities sum to {float(total):g}, expected 1")


def _check_number(v: object, what: str) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)):
        raise InputError(f"{what} {v!r} is not a number")
    if isinstance(v, float) and not math.isfinite(v):
        raise InputError(f"{what} is NaN or infinite")


def _path_text(path: Path) -> str:
    return "root" if not path else "/".join(str(k + 1) for k in path)


#: Most moves of a history written out in full; a longer one keeps its first and last three.
MAX_HISTORY_MOVES = 8


def history_text(labels: tuple[str, ...]) -> str:
    """Action labels joined by '→': 'Relax → Supply', or for a deep node
    'go → go → go → … 354 moves … → go → go → go'.

    Text about every node of a tree (plans, explanations) would otherwise grow with the
    square of its depth: a chain of 365 moves made a 9 MB explanation. The count keeps the
    nodes of a chain apart; the JSON output keeps every node's full path.
    """
    if len(labels) <= MAX_HISTORY_MOVES:
        return " → ".join(labels)
    return " → ".join((*labels[:3], f"… {len(labels) - 6} moves …", *labels[-3:]))


@per_tree
def _history_texts(tree: GameTree) -> dict:
    return {}


def node_history_text(tree: GameTree, path: Path) -> str:
    """`history_text` of the moves leading to a node, kept per tree: explanations name the
    same nodes again for every listed equilibrium, and a deep node's history is long to walk."""
    texts = _history_texts(tree)
    text = texts.get(path)
    if text is None:
        text = texts[path] = history_text(history_labels(tree, path))
    return text


def path_text(tree: GameTree, path: Path) -> str:
    """A readable address of a node: 'the root' or the actions leading to it joined by '→'."""
    return node_history_text(tree, path) if path else "the root"


#: A behaviour strategy profile: information set (player, key) → probability of each action.
Behaviour = dict


def pure_behaviour(tree: GameTree, plan: dict[tuple[int, str], int]) -> dict[tuple[int, str], tuple[int, ...]]:
    """One-hot behaviour for a pure plan (information set → chosen action index)."""
    out = {}
    for h in information_sets(tree):
        if h.ident in plan:
            out[h.ident] = tuple(1 if k == plan[h.ident] else 0 for k in range(len(h.actions)))
    return out


def node_values(tree: GameTree, behaviour: dict) -> dict[Path, tuple]:
    """Expected payoffs from every node on, when play follows the behaviour profile.

    Nodes whose information set has no entry in the profile are left out, as are their
    ancestors (their value is undefined).
    """
    values: dict[Path, tuple] = {}
    order = prefix_order(tree)
    for path, node in reversed(order):
        if isinstance(node, Terminal):
            values[path] = tuple(node.payoffs)
            continue
        if isinstance(node, Chance):
            probs = node.probabilities
        else:
            probs = behaviour.get((node.player, infoset_key(node, path)))
            if probs is None:
                continue
        kids = [values.get(path + (k,)) for k in range(len(node.children))]
        if any(kids[k] is None for k, p in enumerate(probs) if p):
            continue
        total = [0] * tree.n_players
        for k, p in enumerate(probs):
            if p:
                total = [t + p * v for t, v in zip(total, kids[k])]
        values[path] = tuple(total)
    return values


def reach_probabilities(tree: GameTree, behaviour: dict) -> dict[Path, float]:
    """Probability that play reaches each node under the behaviour profile (0 if never).

    The profile may leave information sets out or map them to None (the reduced normal
    form's behaviour strategies do so where a player's own moves rule a set out)."""
    reach: dict[Path, float] = {(): 1}
    for path, node in walk(tree.root):
        if isinstance(node, Terminal):
            continue
        here = reach.get(path, 0)
        if isinstance(node, Chance):
            probs = node.probabilities
        else:
            # an information set the profile leaves open (absent, or None: no move is given
            # where the player's own earlier moves rule it out) passes on no probability
            probs = behaviour.get((node.player, infoset_key(node, path))) or (0,) * len(node.actions)
        for k, p in enumerate(probs):
            reach[path + (k,)] = here * p
    return reach
