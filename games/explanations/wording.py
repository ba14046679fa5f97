"""Small wording helpers shared by the explanation modules (sentences, not numbers)."""

from __future__ import annotations


def who(name: str) -> str:
    """'the US' for acronyms like US, EU; other names as they are ('China', 'Row', and
    labels such as 'P2': an acronym is letters only)."""
    return f"the {name}" if name.isalpha() and name.isupper() and 2 <= len(name) <= 4 else name


def cap(text: str) -> str:
    """The text with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]
