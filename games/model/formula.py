"""Safe formulas: text → expression tree → value, on NumPy arrays or in exact fractions.

A model file's payoff terms and defined quantities are formulas such as
``-(1 - x) * y * stake`` or ``max(0, a - b * (q1 + q2)) * q1``. They are parsed with
Python's own parser (`ast.parse`, mode ``eval``) and the result is converted, node by node,
into this module's small tree; any node outside a fixed whitelist is refused. The text is
never executed: there is no ``eval``/``exec``, and names are looked up only in the
environment the evaluator is given.

Allowed: numbers; names; ``+ - * / **``; unary minus and plus; parentheses; the functions
``min max abs exp log sqrt``; and *strategy indicators* — ``US.Escalate`` (or
``plays(US, "Walk away")`` for names that are not identifiers) is 1 when that player plays
that strategy and 0 otherwise.

Formula bombs are refused before anything is evaluated: texts over `MAX_FORMULA_CHARS`,
nesting deeper than `MAX_DEPTH`, names longer than `MAX_NAME_CHARS`, number literals
beyond `MAX_LITERAL`, and powers whose exponent is not a literal number of size at most
`MAX_EXPONENT`. The polynomial degree of a whole model is bounded by the loader
(`degree_bound`), so exact evaluation in fractions stays small.
"""

from __future__ import annotations

import ast
import warnings
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping, Union

from games.errors import InputError, clip

MAX_FORMULA_CHARS = 2000
MAX_DEPTH = 40
MAX_NAME_CHARS = 64
MAX_LITERAL = 1e15
MAX_EXPONENT = 100

FUNCTIONS = {"min": (1, 16), "max": (1, 16), "abs": (1, 1), "exp": (1, 1), "log": (1, 1), "sqrt": (1, 1)}
#: Names a model may not give to its own quantities.
RESERVED = frozenset(FUNCTIONS) | {"plays"}


# ---------------------------------------------------------------- the tree
@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Name:
    id: str
    col: int


@dataclass(frozen=True)
class Indicator:
    """1 when `player` plays `strategy`, else 0."""

    player: str
    strategy: str
    col: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "+"
    operand: "Expr"


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / **
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Expr", ...]


Expr = Union[Num, Name, Indicator, Unary, Binary, Call]


class FormulaError(InputError):
    """A formula that cannot be parsed or is refused; the message has no location prefix."""


class NotExact(Exception):
    """Raised by exact evaluation for operations with no exact rational result (exp, log, ...)."""


_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNOPS = {ast.USub: "-", ast.UAdd: "+"}


def parse(text: object) -> Expr:
    """Parse formula text into a tree, or raise FormulaError saying what and at which column."""
    if isinstance(text, bool) or isinstance(text, (int, float)):
        return _number(text, 1)
    if not isinstance(text, str):
        raise FormulaError(f"expected a formula as a string or a number, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"formula is {len(text):,} characters long, more than the {MAX_FORMULA_CHARS:,} allowed")
    if not text.strip():
        raise FormulaError("formula is empty")
    if "\n" in text or "\r" in text:
        raise FormulaError("formula must be on one line")
    stripped = text.lstrip()
    shift = len(text) - len(stripped)
    try:
        with warnings.catch_warnings():
            # "1or 2" parses with a SyntaxWarning ("invalid decimal literal"): an error here
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) + shift
        msg = (exc.msg or "invalid syntax").split(" (")[0]
        raise FormulaError(f"syntax error at column {col}: {msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("syntax error: nested too deeply or contains a NUL character") from None
    return _convert(tree.body, 0, shift)


def _col(node: ast.AST, shift: int) -> int:
    return getattr(node, "col_offset", 0) + 1 + shift


def _number(value: object, col: int) -> Num:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormulaError(f"column {col}: expected a number, got {clip(repr(value))}")
    if not math.isfinite(value) or abs(value) > MAX_LITERAL:
        raise FormulaError(f"column {col}: number {clip(repr(value), 30)} is larger than {MAX_LITERAL:g}")
    return Num(Fraction(repr(value)) if isinstance(value, float) else Fraction(value))


def _convert(node: ast.AST, depth: int, shift: int) -> Expr:
    if depth > MAX_DEPTH:
        raise FormulaError(f"formula is nested more than {MAX_DEPTH} levels deep")
    col = _col(node, shift)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            raise FormulaError(f"column {col}: a quoted string is only allowed inside plays(PLAYER, \"STRATEGY\")")
        return _number(node.value, col)
    if isinstance(node, ast.Name):
        _check_name(node.id, col)
        return Name(node.id, col)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNOPS:
        return Unary(_UNOPS[type(node.op)], _convert(node.operand, depth + 1, shift))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        op = _BINOPS[type(node.op)]
        left = _convert(node.left, depth + 1, shift)
        right = _convert(node.right, depth + 1, shift)
        if op == "**":
            e = constant_value(right)
            if e is None:
                raise FormulaError(f"column {_col(node.right, shift)}: the exponent of ** must be a number, not a formula")
            if abs(e) > MAX_EXPONENT:
                raise FormulaError(f"column {_col(node.right, shift)}: exponent {float(e):g} is larger than {MAX_EXPONENT}")
            base = constant_value(left)
            if base is not None and _too_big(base, e):
                raise FormulaError(f"column {_col(node, shift)}: the power is too large (more than 300 digits)")
        return Binary(op, left, right)
    if isinstance(node, ast.Attribute):
        if not isinstance(node.value, ast.Name):
            raise FormulaError(f"column {col}: expected PLAYER.STRATEGY (for example US.Escalate)")
        _check_name(node.value.id, col)
        _check_name(node.attr, col)
        return Indicator(node.value.id, node.attr, col)
    if isinstance(node, ast.Call):
        return _call(node, depth, shift, col)
    if isinstance(node, ast.BinOp):
        what = {ast.BitXor: "^ (write powers as **)", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@"}.get(type(node.op), "this operator")
        raise FormulaError(f"column {col}: {what} is not allowed; use + - * / **")
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        raise FormulaError(f"column {col}: comparisons and and/or are not allowed; use min, max or abs")
    raise FormulaError(
        f"column {col}: {type(node).__name__.lower()} is not allowed; formulas use numbers, names, "
        "+ - * / **, parentheses and min, max, abs, exp, log, sqrt"
    )


def _call(node: ast.Call, depth: int, shift: int, col: int) -> Expr:
    if not isinstance(node.func, ast.Name) or node.keywords:
        raise FormulaError(f"column {col}: expected a function call such as max(a, b)")
    name = node.func.id
    if name == "plays":
        args = node.args
        if (
            len(args) != 2
            or not isinstance(args[1], ast.Constant)
            or not isinstance(args[1].value, str)
            or not (isinstance(args[0], ast.Name) or (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)))
        ):
            raise FormulaError(f'column {col}: expected plays(PLAYER, "STRATEGY")')
        player = args[0].id if isinstance(args[0], ast.Name) else args[0].value
        for text in (player, args[1].value):
            if len(text) > MAX_NAME_CHARS * 2:
                raise FormulaError(f"column {col}: name '{clip(text)}' is longer than {MAX_NAME_CHARS * 2} characters")
        return Indicator(player, args[1].value, col)
    if name not in FUNCTIONS:
        from difflib import get_close_matches

        close = get_close_matches(name, list(FUNCTIONS) + ["plays"], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise FormulaError(
            f"column {col}: unknown function '{clip(name)}'{hint}; expected one of {', '.join(FUNCTIONS)} or plays"
        )
    lo, hi = FUNCTIONS[name]
    if any(isinstance(a, ast.Starred) for a in node.args) or not lo <= len(node.args) <= hi:
        want = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise FormulaError(f"column {col}: {name} takes {want} argument(s), got {len(node.args)}")
    return Call(name, tuple(_convert(a, depth + 1, shift) for a in node.args))


def _check_name(name: str, col: int) -> None:
    if len(name) > MAX_NAME_CHARS:
        raise FormulaError(f"column {col}: name '{clip(name)}' is longer than {MAX_NAME_CHARS} characters")


def constant_value(e: Expr) -> Fraction | None:
    """The exact value of a tree of numbers, signs and + - * / ** (e.g. -2, 3 ** 2), else None.

    None also for a division by zero, a fractional power, or a value beyond 1e300 in size.
    """
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Unary):
        v = constant_value(e.operand)
        return None if v is None else (-v if e.op == "-" else v)
    if isinstance(e, Binary):
        a, b = constant_value(e.left), constant_value(e.right)
        if a is None or b is None:
            return None
        if e.op == "+":
            out = a + b
        elif e.op == "-":
            out = a - b
        elif e.op == "*":
            out = a * b
        elif e.op == "/":
            if b == 0:
                return None
            out = a / b
        else:
            if b.denominator != 1 or (a == 0 and b < 0) or _too_big(a, b):
                return None
            out = a ** int(b)
        return out if _size(out) <= 300 else None
    return None


def _size(v: Fraction) -> float:
    """Roughly log10 of the larger of numerator and denominator."""
    return max(abs(v.numerator), v.denominator).bit_length() * 0.30103


def _too_big(base: Fraction, exponent: Fraction) -> bool:
    return abs(exponent) * max(_size(base), 0.0) > 300


# ---------------------------------------------------------------- walking the tree
def names(e: Expr) -> list[Name]:
    """Every Name node in the tree, in reading order."""
    out: list[Name] = []
    _collect(e, out, Name)
    return out


def indicators(e: Expr) -> list[Indicator]:
    out: list[Indicator] = []
    _collect(e, out, Indicator)
    return out


def _collect(e: Expr, out: list, kind) -> None:
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            out.append(node)
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.right, node.left))
        elif isinstance(node, Call):
            stack.extend(reversed(node.args))
    if kind is Name:
        out.sort(key=lambda n: n.col)


def degree(e: Expr, of: Callable[[str], float]) -> float:
    """Polynomial degree of the tree in some quantity, given the degree of each name.

    ``of(name)`` is the degree of a name (0 for a constant). Division by a non-constant,
    a function of a non-constant and a fractional or negative power give ``inf``: the
    result is then not a polynomial. Used both to detect payoffs *affine* in a parameter
    (degree ≤ 1) and to bound the size of exact evaluation.
    """
    if isinstance(e, (Num, Indicator)):
        return 0
    if isinstance(e, Name):
        return of(e.id)
    if isinstance(e, Unary):
        return degree(e.operand, of)
    if isinstance(e, Binary):
        a = degree(e.left, of)
        if e.op in "+-":
            return max(a, degree(e.right, of))
        if e.op == "*":
            return a + degree(e.right, of)
        if e.op == "/":
            return a if degree(e.right, of) == 0 else math.inf
        power = constant_value(e.right)
        if a == 0:
            return 0
        if power is not None and power.denominator == 1 and power >= 0:
            return a * int(power)
        return math.inf
    if isinstance(e, Call):
        ds = [degree(a, of) for a in e.args]
        if all(d == 0 for d in ds):
            return 0
        if e.func in ("min", "max") and len(ds) == 1:
            return ds[0]
        return math.inf
    raise TypeError(type(e).__name__)


# ---------------------------------------------------------------- evaluation
def calculate(e: Expr, env: Mapping[str, object], indicator: Callable[[str, str], object], exact: bool = False):
    """Value of the tree with names from env and indicators from indicator(player, strategy).

    With ``exact=False`` values are floats or NumPy arrays (broadcasting as NumPy does;
    division by zero gives inf or nan for the caller to find). With ``exact=True`` they are
    Fractions: division by zero raises ZeroDivisionError, and exp, log, sqrt of a
    non-square and fractional powers raise NotExact.
    """
    if isinstance(e, Num):
        return e.value if exact else float(e.value)
    if isinstance(e, Name):
        return env[e.id]
    if isinstance(e, Indicator):
        return indicator(e.player, e.strategy)
    if isinstance(e, Unary):
        v = calculate(e.operand, env, indicator, exact)
        return -v if e.op == "-" else v
    if isinstance(e, Binary):
        a = calculate(e.left, env, indicator, exact)
        if e.op == "**":
            p = constant_value(e.right)
            if exact:
                if p.denominator != 1:
                    raise NotExact("a fractional power")
                if a == 0 and p < 0:
                    raise ZeroDivisionError
                return Fraction(a) ** int(p)
            import numpy as np

            return np.power(a, float(p))
        b = calculate(e.right, env, indicator, exact)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if exact:
            return Fraction(a) / Fraction(b)
        import numpy as np

        return np.divide(a, b)
    if isinstance(e, Call):
        args = [calculate(a, env, indicator, exact) for a in e.args]
        if exact:
            return _exact_call(e.func, args)
        import numpy as np

        if e.func == "min":
            return _reduce(np.minimum, args)
        if e.func == "max":
            return _reduce(np.maximum, args)
        return {"abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt}[e.func](args[0])
    raise TypeError(type(e).__name__)


def _reduce(fn, args):
    out = args[0]
    for a in args[1:]:
        out = fn(out, a)
    return out


def _exact_call(func: str, args: list) -> Fraction:
    if func == "min":
        return min(args)
    if func == "max":
        return max(args)
    if func == "abs":
        return abs(args[0])
    if func == "sqrt":
        v = Fraction(args[0])
        if v >= 0:
            n, d = math.isqrt(v.numerator), math.isqrt(v.denominator)
            if n * n == v.numerator and d * d == v.denominator:
                return Fraction(n, d)
        raise NotExact("sqrt")
    raise NotExact(func)


def unparse(e: Expr) -> str:
    """The tree as a formula again (fully bracketed where needed), for messages and `show`."""
    if isinstance(e, Num):
        v = e.value
        return str(v.numerator) if v.denominator == 1 else f"{float(v):g}"
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Indicator):
        if e.player.isidentifier() and e.strategy.isidentifier():
            return f"{e.player}.{e.strategy}"
        return f'plays("{e.player}", "{e.strategy}")'
    if isinstance(e, Unary):
        return f"{e.op}{_wrap(e.operand)}"
    if isinstance(e, Binary):
        return f"{_wrap(e.left)} {e.op} {_wrap(e.right)}"
    return f"{e.func}({', '.join(unparse(a) for a in e.args)})"


def _wrap(e: Expr) -> str:
    text = unparse(e)
    return f"({text})" if isinstance(e, Binary) else text
