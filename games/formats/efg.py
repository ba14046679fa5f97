"""Read and write Gambit's extensive-form `.efg` files.

Format (Gambit documentation, "Game representation formats"): a header
``EFG 2 R "title" { "P1" "P2" } "comment"``, then the nodes in prefix order:

- ``p "name" player infoset "infoset name" { "a" "b" } outcome "outcome name" { payoffs }``
- ``c "name" infoset "infoset name" { "a" prob "b" prob } outcome ...``
- ``t "name" outcome "outcome name" { payoffs }``

Outcome 0 means no outcome. An outcome number used again may omit its name and payoffs,
and an information set seen before may omit its name and action list; given again, they
must repeat the same payoffs, actions or chance probabilities (Gambit's rule too). Payoffs at a
non-terminal node are added to every play through it (Gambit's meaning); reading pushes
them down to the terminals. Numbers may be integers, decimals or rationals such as
``1/3``; they are kept exact (Fractions). Reading is a tokenizer and a recursive-descent
parser: nothing is evaluated.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path as FilePath

from games.errors import InputError
from games.formats.nfg import _quote, _read_text, _Tokens, float_text
from games.forms.tree import MAX_DEPTH, MAX_NODES, Chance, Decision, GameTree, Node, Terminal, infoset_key, walk


class _Parser:
    """Recursive descent over the node list, keeping outcome and information-set tables."""

    def __init__(self, tokens: _Tokens, players: list[str], source: str):
        self.t = tokens
        self.players = players
        self.source = source
        self.outcomes: dict[int, tuple[str, tuple[Fraction, ...]]] = {}
        self.infosets: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
        self.chance_sets: dict[int, tuple[tuple[str, ...], tuple[Fraction, ...]]] = {}
        self.count = 0

    def fail(self, what: str):
        tok = self.t.peek()
        got = "end of file" if tok is None else repr(tok[1])
        raise InputError(f"{self.source}: expected {what}, got {got} (node {self.count})")

    def integer(self, what: str, low: int, high: int | None = None) -> int:
        value = self.t.number(what)
        if value.denominator != 1 or value < low or (high is not None and value > high):
            bound = f"{low} to {high}" if high is not None else f"at least {low}"
            raise InputError(f"{self.source}: {what} must be an integer {bound}, got {value} (node {self.count})")
        return int(value)

    def optional_string(self) -> str | None:
        tok = self.t.peek()
        return self.t.take("str", "a name") if tok is not None and tok[0] == "str" else None

    def outcome(self) -> tuple[str, tuple[Fraction, ...]]:
        """Read 'number ["name"] [{ payoffs }]' and return (name, payoffs)."""
        n = len(self.players)
        number = self.integer("an outcome number", 0)
        name = self.optional_string()
        tok = self.t.peek()
        if tok is not None and tok[0] == "{":
            self.t.take("{", "'{' opening the payoffs")
            pays = []
            while self.t.peek() is not None and self.t.peek()[0] in ("word", ","):
                if self.t.peek()[0] == ",":
                    self.t.i += 1
                    continue
                pays.append(self.t.number(f"a payoff of outcome {number}"))
            self.t.take("}", f"'}}' closing the payoffs of outcome {number}")
            if len(pays) != n:
                raise InputError(f"{self.source}: outcome {number} has {len(pays)} payoffs, expected {n}")
            if number == 0:
                raise InputError(f"{self.source}: outcome 0 means 'no outcome' and cannot have payoffs")
            if number in self.outcomes and self.outcomes[number][1] != tuple(pays):
                # one outcome number is one outcome (Gambit refuses such a file too)
                raise InputError(
                    f"{self.source}: outcome {number} has payoffs {_listed(self.outcomes[number][1])} earlier "
                    f"but {_listed(pays)} at node {self.count}"
                )
            self.outcomes[number] = (name or (self.outcomes[number][0] if number in self.outcomes else ""), tuple(pays))
        if number == 0:
            return ("", (Fraction(0),) * n)
        if number not in self.outcomes:
            raise InputError(f"{self.source}: outcome {number} is used before its payoffs are given (node {self.count})")
        known_name, pays = self.outcomes[number]
        return (name if name else known_name, pays)

    def actions(self, chance: bool) -> tuple[tuple[str, ...], tuple[Fraction, ...]]:
        self.t.take("{", "'{' opening the action list")
        labels, probs = [], []
        while self.t.peek() is not None and self.t.peek()[0] == "str":
            labels.append(self.t.take("str", "an action name"))
            if chance:
                while self.t.peek() is not None and self.t.peek()[0] == ",":
                    self.t.i += 1
                probs.append(self.t.number(f"the probability of chance action '{labels[-1]}'"))
        self.t.take("}", "'}' closing the action list")
        if not labels:
            raise InputError(f"{self.source}: expected at least one action (node {self.count})")
        return tuple(labels), tuple(probs)

    def node(self, depth: int, offset: tuple[Fraction, ...]) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(f"{self.source}: more than {MAX_NODES:,} nodes, too large")
        if depth > MAX_DEPTH:
            raise InputError(f"{self.source}: deeper than {MAX_DEPTH} moves, too deep")
        kind = self.t.take("word", "a node type 'p', 'c' or 't'")
        name = self.t.take("str", "the node's name in quotes (may be \"\")")
        if kind == "t":
            oname, pays = self.outcome()
            return Terminal(_simplest(tuple(a + b for a, b in zip(offset, pays))), name=name, outcome=oname)
        if kind == "c":
            number = self.integer("a chance information set number", 1)
            self.optional_string()
            if self.t.peek() is not None and self.t.peek()[0] == "{":
                labels, probs = self.actions(chance=True)
                if number in self.chance_sets and self.chance_sets[number] != (labels, probs):
                    # a chance information set has one list of moves and probabilities
                    old_labels, old_probs = self.chance_sets[number]
                    raise InputError(
                        f"{self.source}: chance information set {number} has moves "
                        f"{_moves(old_labels, old_probs)} earlier but {_moves(labels, probs)} at node {self.count}"
                    )
                self.chance_sets[number] = (labels, probs)
            elif number in self.chance_sets:
                labels, probs = self.chance_sets[number]
            else:
                self.fail(f"the action list of new chance information set {number}")
            _, pays = self.outcome()
            here = tuple(a + b for a, b in zip(offset, pays))
            children = tuple(self.node(depth + 1, here) for _ in labels)
            return Chance(labels, _simplest(probs), children, name=name)
        if kind == "p":
            player = self.integer("a player number", 1, len(self.players))
            number = self.integer(f"an information set number of player {player}", 1)
            iname = self.optional_string()
            key = (player, number)
            if self.t.peek() is not None and self.t.peek()[0] == "{":
                labels, _ = self.actions(chance=False)
                if key in self.infosets and self.infosets[key][1] != labels:
                    raise InputError(
                        f"{self.source}: information set {number} of player {player} has actions "
                        f"{list(self.infosets[key][1])} earlier but {list(labels)} at node {self.count}"
                    )
                self.infosets[key] = (iname if iname is not None else self.infosets.get(key, ("", ()))[0], labels)
            elif key in self.infosets:
                labels = self.infosets[key][1]
            else:
                self.fail(f"the action list of new information set {number} of player {player}")
            _, pays = self.outcome()
            here = tuple(a + b for a, b in zip(offset, pays))
            children = tuple(self.node(depth + 1, here) for _ in labels)
            return Decision(
                player - 1, labels, children, infoset=str(number), name=name,
                infoset_name=self.infosets[key][0],
            )
        raise InputError(f"{self.source}: expected a node type 'p', 'c' or 't', got {kind!r} (node {self.count})")


def _listed(values) -> str:
    """Numbers as the file writes them, for an error message: '{ 1, -1/2 }'."""
    return "{ " + ", ".join(str(v) for v in values) + " }"


def _moves(labels, probs) -> str:
    """A chance move list as the file writes it, for an error message."""
    return "{ " + " ".join(f"{_quote(a)} {p}" for a, p in zip(labels, probs)) + " }"


def _simplest(values: tuple[Fraction, ...]) -> tuple:
    """Whole numbers as ints, the rest as Fractions (exact either way)."""
    return tuple(int(v) if v.denominator == 1 else v for v in values)


#: A quoted string (escapes included), and the separators of bare words.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SEPARATORS = str.maketrans({c: " " for c in '\t\n\r\f\v{},"'})
#: Fewest bytes a node can take (`t""0`): smaller files cannot be over the node limit.
_MIN_NODE_BYTES = 4


def node_markers(text: str) -> int:
    """How many node-type words (p, c, t) stand outside quoted strings: the number of nodes.

    Counted at the speed of string methods, without tokenizing, so a file far over
    `MAX_NODES` is refused in a fraction of a second instead of after parsing
    200,000 nodes. In a file that parses, every bare p, c or t is a node type (payoffs
    are numbers; names are quoted), so the count is exact; a file that does not parse is
    refused either way.
    """
    bare = " " + _STRING.sub(" ", text).translate(_SEPARATORS) + " "
    return bare.count(" p ") + bare.count(" c ") + bare.count(" t ")


def parse_efg(text: str, source: str = "<efg>") -> GameTree:
    """Parse .efg text into a `GameTree`."""
    if len(text) > MAX_NODES * _MIN_NODE_BYTES and node_markers(text) > MAX_NODES:
        raise InputError(f"{source}: more than {MAX_NODES:,} nodes, too large")
    t = _Tokens(text, source)
    if t.take("word", "'EFG' at the start of the file") != "EFG":
        raise InputError(f"{source}: expected 'EFG' at the start of the file")
    if t.take("word", "format version 2") != "2":
        raise InputError(f"{source}: expected format version 2")
    if t.take("word", "'R' or 'D' after the version") not in ("R", "D"):
        raise InputError(f"{source}: expected 'R' or 'D' after the version")
    title = t.take("str", "the game's title in quotes")
    t.take("{", "'{' opening the list of player names")
    players = []
    while t.peek() is not None and t.peek()[0] == "str":
        players.append(t.take("str", "a player name"))
    t.take("}", "'}' closing the list of player names")
    if not players:
        raise InputError(f"{source}: expected at least one player name")
    comment = ""
    if t.peek() is not None and t.peek()[0] == "str":
        comment = t.take("str", "the comment")
    parser = _Parser(t, players, source)
    root = parser.node(0, (Fraction(0),) * len(players))
    rest = t.peek()
    if rest is not None:
        raise InputError(f"{source}: unexpected {rest[1]!r} after the last node (the tree is already complete)")
    try:
        return GameTree(title, tuple(players), root, comment=comment)
    except InputError as exc:
        raise InputError(f"{source}: {str(exc)}") from None


def read_efg(path: str | FilePath) -> GameTree:
    """Read a Gambit .efg file."""
    path = FilePath(path)
    return parse_efg(_read_text(path, what="a Gambit .efg game file"), str(path))


# ------------------------------------------------------------------ writing
def _fmt(v) -> str:
    if isinstance(v, bool):
        raise InputError(f"efg: {v!r} is not a number")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        for k in range(1, 13):
            if (10**k) % v.denominator == 0:
                return _decimal(v, k)
        return f"{v.numerator}/{v.denominator}"
    return float_text(float(v))


def _decimal(v: Fraction, places: int) -> str:
    scaled = v * 10**places
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")


def to_efg(tree: GameTree, comment: str | None = None) -> str:
    """Gambit .efg text for the tree (information sets numbered per player in prefix order)."""
    text_comment = tree.comment if comment is None else comment
    lines = [
        f"EFG 2 R {_quote(tree.title)} {{ {' '.join(_quote(p) for p in tree.players)} }}",
        _quote(text_comment),
        "",
    ]
    numbers: dict[tuple[int, str], int] = {}
    per_player = [0] * tree.n_players
    chance_count = 0
    outcomes: dict[tuple[str, tuple], int] = {}
    for path, node in walk(tree.root):
        if isinstance(node, Terminal):
            key = (node.outcome, tuple(node.payoffs))
            if not node.outcome and all(v == 0 for v in node.payoffs):
                lines.append(f"t {_quote(node.name)} 0")
                continue
            fresh = key not in outcomes
            if fresh:
                outcomes[key] = len(outcomes) + 1
            pays = ", ".join(_fmt(v) for v in node.payoffs)
            lines.append(f"t {_quote(node.name)} {outcomes[key]} {_quote(node.outcome)} {{ {pays} }}")
        elif isinstance(node, Chance):
            chance_count += 1
            acts = " ".join(f"{_quote(a)} {_fmt(p)}" for a, p in zip(node.actions, node.probabilities))
            lines.append(f"c {_quote(node.name)} {chance_count} \"\" {{ {acts} }} 0")
        else:
            ident = (node.player, infoset_key(node, path))
            if ident not in numbers:
                per_player[node.player] += 1
                numbers[ident] = per_player[node.player]
            acts = " ".join(_quote(a) for a in node.actions)
            lines.append(
                f"p {_quote(node.name)} {node.player + 1} {numbers[ident]} {_quote(node.infoset_name)} "
                f"{{ {acts} }} 0"
            )
    return "\n".join(lines) + "\n"
