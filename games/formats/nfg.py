"""Read and write Gambit's strategic-form `.nfg` files, payoff form and outcome form.

Format (Gambit documentation, "Game representation formats"): a header
``NFG 1 R "title" { "player" ... }`` followed by either strategy counts ``{ 2 2 }`` or
strategy names ``{ { "a" "b" } { "c" "d" } }``, an optional comment string, then either
payoffs for every profile (player 1's strategy changing fastest, all players' payoffs per
profile) or a list of outcomes ``{ "name" p1, p2 }`` and one outcome number per profile
(0 = the null outcome, all payoffs zero). Numbers may be integers, decimals, exponents or
rationals such as ``3/4``. Reading never evaluates anything: it is a tokenizer and a
recursive-descent parser.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from games.formats.bounded_read import read_limited_text
from games.errors import InputError, clip
from games.forms.normal_form import MAX_PROFILES, NormalFormGame

_TOKEN = re.compile(r'\s*(?:(")((?:[^"\\]|\\.)*)"|([{}])|(,)|([^\s{},"]+))', re.S)
_UNESCAPE = re.compile(r"\\(.)", re.S)
#: a numeric character reference, as written by `_quote` for what Gambit cannot hold
_CHAR_REF = re.compile(r"&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?$")
MAX_FILE_BYTES = 50_000_000
#: Largest strategy count a file may declare for one player (the profile limit applies too).
MAX_STRATEGIES = 100_000
#: Largest magnitude accepted for a number (beyond it floats overflow or lose meaning).
MAX_ABS_PAYOFF = Fraction(10) ** 100
#: From this many payoffs on, a payoff list in plain decimals is read as floats in one pass.
PLAIN_PAYOFFS_FROM = 200_000
_PLAIN = re.compile(r"[0-9eE+\-.\s,]*")


class _Tokens:
    """The tokens of a file, made on demand: an error near the top of a large file (a game
    declared too big, a tree over the node limit) is found without tokenizing the rest."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.text = text.rstrip()
        self.pos = 0
        self.items: list[tuple[str, str]] = []
        self.i = 0

    def _more(self) -> bool:
        """Append the next token to items; False at the end of the text."""
        text = self.text
        while self.pos < len(text):
            m = _TOKEN.match(text, self.pos)
            if not m or m.end() == self.pos:
                raise InputError(f"{self.source}: {_unreadable_at(text, self.pos)}")
            self.pos = m.end()
            if m.group(1):
                self.items.append(("str", decode_label(_UNESCAPE.sub(r"\1", m.group(2)))))
                return True
            if m.group(3):
                self.items.append((m.group(3), m.group(3)))
                return True
            if m.group(5):
                self.items.append(("word", m.group(5)))
                return True
        return False

    def peek(self) -> tuple[str, str] | None:
        if self.i >= 4096 and self.i * 2 >= len(self.items):  # forget what has been read
            del self.items[: self.i]
            self.i = 0
        if self.i >= len(self.items) and not self._more():
            return None
        return self.items[self.i]

    def take(self, kind: str, what: str) -> str:
        tok = self.peek()
        if tok is None or tok[0] != kind:
            got = "end of file" if tok is None else f"'{clip(tok[1], 40)}'"
            raise InputError(f"{self.source}: expected {what}, got {got}")
        self.i += 1
        return tok[1]

    def number(self, what: str) -> Fraction:
        word = self.take("word", what)
        match = _NUMBER.match(word) if len(word) <= 400 else None
        if not match:
            raise InputError(f"{self.source}: expected {what}, got {word[:40]!r}")
        if match.group(3) and abs(int(match.group(3)[1:])) > 400:
            raise InputError(f"{self.source}: {what} {word[:40]} is out of range")
        try:
            value = Fraction(word)
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{self.source}: expected {what}, got '{clip(word, 40)}'") from None
        if abs(value) > MAX_ABS_PAYOFF:
            raise InputError(f"{self.source}: {what} {word} is out of range (too large for a float)")
        return value


def _unreadable_at(text: str, pos: int) -> str:
    """Where tokenizing stopped, by line and column, and why (the only cause is an open quote)."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    if text[pos:pos + 1] == '"':
        return f"line {line}, column {column}: a quoted string is never closed (missing '\"', or the file is cut short)"
    return f"line {line}, column {column}: unexpected character {text[pos:pos + 1]!r}"


def _strings(tokens: _Tokens, what: str) -> list[str]:
    tokens.take("{", f"'{{' opening the {what}")
    out = []
    while tokens.peek() and tokens.peek()[0] == "str":
        out.append(tokens.take("str", what))
    tokens.take("}", f"'}}' closing the {what}")
    return out


def parse_nfg(text: str, source: str = "<nfg>") -> tuple[NormalFormGame, list[np.ndarray] | None]:
    """Parse .nfg text into a game; also return the payoffs as exact Fraction arrays (None
    for a large game written in plain decimals, read as floats: see `_plain_payoffs`)."""
    t = _Tokens(text, source)
    if t.take("word", "'NFG' at the start of the file") != "NFG":
        raise InputError(f"{source}: expected 'NFG' at the start of the file")
    if t.take("word", "format version 1") != "1":
        raise InputError(f"{source}: expected format version 1")
    if t.take("word", "'R' or 'D' after the version") not in ("R", "D"):
        raise InputError(f"{source}: expected 'R' or 'D' after the version")
    title = t.take("str", "the game's title in quotes")
    players = _strings(t, "list of player names")
    if not players:
        raise InputError(f"{source}: expected at least one player name")
    t.take("{", "'{' opening the strategy counts or names")
    strategies: list[list[str]] = []
    if t.peek() and t.peek()[0] == "{":
        for p in players:
            names = _strings(t, f"strategy names of player '{clip(p, 40)}'")
            strategies.append(names or [])
        t.take("}", "'}' closing the strategy lists")
    else:
        for p in players:
            count = t.number(f"number of strategies of player '{clip(p, 40)}'")
            if count.denominator != 1 or not 1 <= count <= MAX_STRATEGIES:
                raise InputError(
                    f"{source}: number of strategies of player '{clip(p)}' must be a whole number "
                    f"from 1 to {MAX_STRATEGIES:,}, got {clip(str(count), 40)}"
                )
            strategies.append([str(k + 1) for k in range(int(count))])
        t.take("}", "'}' closing the strategy counts")
    if len(strategies) != len(players):
        raise InputError(f"{source}: expected strategies for {len(players)} players, got {len(strategies)}")
    for p, names in zip(players, strategies):
        if not names:
            raise InputError(f"{source}: player '{clip(p, 40)}' has no strategies")
    players = unique_labels(players)
    strategies = [unique_labels(names) for names in strategies]
    shape = tuple(len(s) for s in strategies)
    size = int(np.prod(shape, dtype=object))
    if size > MAX_PROFILES:
        raise InputError(f"{source}: a game of shape {shape} is too large (over {MAX_PROFILES:,} profiles)")
    if t.peek() and t.peek()[0] == "str":
        t.take("str", "comment")
    n = len(players)
    if size * n >= PLAIN_PAYOFFS_FROM and t.peek() and t.peek()[0] == "word":
        plain = _plain_payoffs(t, size * n, source)
        if plain is not None:
            floats = [np.ascontiguousarray(plain[i::n].reshape(shape, order="F")) for i in range(n)]
            try:
                game = NormalFormGame(title, tuple(players), tuple(tuple(s) for s in strategies), tuple(floats))
            except InputError as exc:
                raise InputError(f"{source}: {str(exc).removeprefix('game: ')}") from None
            return game, None
    if t.peek() and t.peek()[0] == "{":
        values = _outcome_form(t, n, size, source)
    else:
        values = [t.number("a payoff") for _ in range(size * n)]
        while t.peek() and t.peek()[0] == ",":  # tolerate trailing commas
            t.i += 1
    extra = t.peek()
    while extra is not None and extra[0] == ",":  # trailing commas are tolerated
        t.i += 1
        extra = t.peek()
    if extra is not None:  # the first token past the payoffs: the rest of the file is not read
        raise InputError(f"{source}: unexpected '{clip(extra[1], 40)}' after the payoffs")
    exact = []
    for i in range(n):
        flat = values[i::n]
        # Gambit lists profiles with player 1 changing fastest: Fortran order
        exact.append(np.array(flat, dtype=object).reshape(shape, order="F"))
    floats = [a.astype(float) for a in exact]
    try:
        game = NormalFormGame(title, tuple(players), tuple(tuple(s) for s in strategies), tuple(floats))
    except InputError as exc:
        raise InputError(f"{source}: {str(exc).removeprefix('game: ')}") from None
    return game, exact


def _plain_payoffs(t: _Tokens, count: int, source: str) -> np.ndarray | None:
    """A large payoff list in plain decimals, read in one pass by NumPy (None: not plain).

    Reading `count` numbers one Fraction at a time costs about 170 bytes each (a
    2,560,000-profile four-player game took 1.7 GB); here they cost 8. Fractions (``3/4``),
    anything NumPy cannot read and numbers beyond the allowed magnitude go the exact way,
    which names the offending number."""
    if t.i != len(t.items) - 1:
        return None
    body = t.items[t.i][1] + " " + t.text[t.pos:]
    if not _PLAIN.fullmatch(body):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(body.replace(",", " "), dtype=float, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    if values.size != count or not np.isfinite(values).all() or (values.size and np.abs(values).max() > 1e100):
        if values.size < count and np.isfinite(values).all():
            raise InputError(f"{source}: expected {count:,} payoffs (one per player per profile), got {values.size:,}")
        return None
    return values


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made distinct and non-empty the way Gambit reads them: each empty or repeated
    label becomes ``label_k`` with the smallest k not already taken, in file order
    ("u", "v", "u" → "u_1", "v", "u_2"; "", "" → "_1", "_2").

    Gambit accepts such files, so tradegame does too, and names strategies as Gambit does.
    """
    counts = Counter(labels)
    clash = {label for label in labels if not label or counts[label] > 1}
    taken = {label for label in labels if label not in clash}
    out = []
    for label in labels:
        if label in clash:
            k = 1
            while f"{label}_{k}" in taken:
                k += 1
            label = f"{label}_{k}"
            taken.add(label)
        out.append(label)
    return out


def _outcome_form(t: _Tokens, n: int, size: int, source: str) -> list[Fraction]:
    t.take("{", "'{' opening the outcome list")
    outcomes: list[list[Fraction]] = []
    while t.peek() and t.peek()[0] == "{":
        t.take("{", "'{' opening an outcome")
        t.take("str", "the outcome's name in quotes")
        pays = []
        while t.peek() and t.peek()[0] in ("word", ","):
            if t.peek()[0] == ",":
                t.i += 1
                continue
            pays.append(t.number(f"a payoff of outcome {len(outcomes) + 1}"))
        t.take("}", f"'}}' closing outcome {len(outcomes) + 1}")
        if len(pays) != n:
            raise InputError(f"{source}: outcome {len(outcomes) + 1} has {len(pays)} payoffs, expected {n}")
        outcomes.append(pays)
    t.take("}", "'}' closing the outcome list")
    values: list[Fraction] = []
    for k in range(size):
        idx = t.number(f"the outcome number of profile {k + 1}")
        if idx.denominator != 1 or not 0 <= idx <= len(outcomes):
            raise InputError(
                f"{source}: profile {k + 1} names outcome {idx}, expected 0 to {len(outcomes)}"
            )
        values.extend(outcomes[int(idx) - 1] if idx > 0 else [Fraction(0)] * n)
    return values


def read_nfg(path: str | Path) -> NormalFormGame:
    """Read a Gambit .nfg file (payoff or outcome form)."""
    path = Path(path)
    text = _read_text(path)
    return parse_nfg(text, str(path))[0]


def read_nfg_exact(path: str | Path) -> tuple[NormalFormGame, list[np.ndarray]]:
    """Read a Gambit .nfg file; also return its payoffs as exact Fraction arrays."""
    path = Path(path)
    return parse_nfg(_read_text(path), str(path))


def _read_text(path: Path, limit: int = MAX_FILE_BYTES, what: str = "a Gambit .nfg game file") -> str:
    """The file's text, read with a byte budget; devices, FIFOs and directories refused."""
    return read_limited_text(path, limit, what)


def encode_label(s: str) -> str:
    """A name as Gambit can hold it: printable ASCII, the rest as ``&#NNNN;`` references.

    Gambit (and pygambit, which reads titles and labels as ASCII) cannot take "–", "ö"
    or control characters, and it mangles backslashes; those characters are written as
    numeric character references, which `decode_label` turns back, so a name survives
    a round trip through Gambit intact. A literal "&#" is written "&#38;#". Gambit also
    refuses a label that begins or ends with a space or holds two spaces in a row, so such
    a space is written "&#32;" (titles and comments take any text, but one rule serves all).
    """
    out = []
    for k, ch in enumerate(s):
        code = ord(ch)
        edge_space = ch == " " and (k == 0 or k == len(s) - 1 or s[k - 1] == " ")
        if ch == "\\" or code < 32 or code > 126 or edge_space or (ch == "&" and s[k + 1 : k + 2] == "#"):
            out.append(f"&#{code};")
        else:
            out.append(ch)
    return "".join(out)


def decode_label(s: str) -> str:
    """A name read from a file, its ``&#NNNN;`` / ``&#xHHHH;`` references turned back into characters."""

    def char(m: re.Match) -> str:
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _CHAR_REF.sub(char, s) if "&#" in s else s


def _quote(s: str) -> str:
    return '"' + encode_label(s).replace('"', '\\"') + '"'


def _fmt(v) -> str:
    """A payoff as .nfg text: exact values as short decimals (1.25) or fractions (17/19)."""
    if isinstance(v, Fraction):
        return _fraction_text(v)
    return float_text(float(v))


def float_text(f: float) -> str:
    """A float as Gambit reads it: its shortest round-trip digits in plain positional
    notation ('1e+20' and '1e-07' are refused by Gambit: 'Invalid value'), so 1e20 is
    '100000000000000000000' and 1e-7 is '0.0000001'."""
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    text = format(Decimal(repr(f)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fraction_text(v: Fraction) -> str:
    """'3', '-0.125' when the decimal is finite (denominator 2^a·5^b), else '17/19'."""
    if v.denominator == 1:
        return str(v.numerator)
    d, twos, fives = v.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    places = max(twos, fives)
    if d != 1 or places > 20:
        return str(v)
    digits = abs(v.numerator) * 10**places // v.denominator
    text = f"{digits // 10**places}.{digits % 10**places:0{places}d}"
    return ("-" if v < 0 else "") + text


def to_nfg(
    game: NormalFormGame, outcome_form: bool = False, comment: str = "", exact_payoffs=None
) -> str:
    """Gambit .nfg text for the game, in payoff form (default) or outcome form.

    ``exact_payoffs`` (one Fraction array per player, as `parse_nfg` returns) are written
    instead of the float payoffs, so a file read exactly is written back unchanged and the
    trade model's payoffs appear as the decimals its parameters make (-3.6, not
    -3.5999999999999996).
    """
    head = (
        f"NFG 1 R {_quote(game.title)} {{ {' '.join(_quote(p) for p in game.players)} }}\n"
        + "{ "
        + " ".join("{ " + " ".join(_quote(s) for s in strats) + " }" for strats in game.strategies)
        + " }\n"
        + f"{_quote(comment)}\n\n"
    )
    arrays = game.payoffs if exact_payoffs is None else [np.asarray(a, dtype=object) for a in exact_payoffs]
    flat = [a.reshape(-1, order="F") for a in arrays]
    size = len(flat[0])
    if not outcome_form:
        body = " ".join(_fmt(flat[i][k]) for k in range(size) for i in range(game.n_players))
        return head + body + "\n"
    lines = ["{"]
    for k in range(size):
        lines.append(f'{{ "" {", ".join(_fmt(flat[i][k]) for i in range(game.n_players))} }}')
    lines.append("}")
    return head + "\n".join(lines) + "\n" + " ".join(str(k + 1) for k in range(size)) + "\n"
