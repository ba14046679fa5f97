"""Small wording helpers shared by the explanation modules (sentences, and numbers in them)."""

from __future__ import annotations


def who(name: str) -> str:
    """'the US' for acronyms like US, EU; other names as they are ('China', 'Row', and
    labels such as 'P2': an acronym is letters only)."""
    return f"the {name}" if name.isalpha() and name.isupper() and 2 <= len(name) <= 4 else name


def cap(text: str) -> str:
    """The text with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


def apart(x: float, y: float, a: str, b: str, tol: float) -> tuple[str, str]:
    """The texts a, b of two numbers x, y, with more digits when they read alike though the
    numbers differ by more than `tol` ("-5 → -5" for -5.001 → -4.9999): each then within a
    hundredth of the difference of its value, so a stated change is never hidden by rounding."""
    if a != b or abs(x - y) <= tol:
        return a, b
    for digits in range(3, 17):
        a, b = f"{x:.{digits}g}", f"{y:.{digits}g}"
        if max(abs(float(a) - x), abs(float(b) - y)) <= abs(x - y) / 100:
            break
    return a, b
