"""Did-you-mean hints for misspelt names (scenarios, parameters, forms, methods).

A one-line error that says ``(did you mean stockholm-2025?)`` saves a trip to the list of
valid names. Closeness is difflib's similarity ratio on lower-cased names, with
separators (``-``, ``_``, spaces) ignored, so ``stockholm2025``, ``us_first`` and
``Hawk-Cost`` find their names.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

#: difflib ratio below which a name is not offered.
CUTOFF = 0.6
#: at most this many names are offered.
MAX_SUGGESTIONS = 3


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).lower())


def closest_names(word: str, choices: Iterable[str]) -> list[str]:
    """The valid names closest to word, best first (empty if none is close)."""
    choices = list(dict.fromkeys(choices))
    keyed: dict[str, list[str]] = {}
    for c in choices:
        keyed.setdefault(_key(c), []).append(c)
    key = _key(word)
    if not key:
        return []
    exact = keyed.get(key, [])
    close = difflib.get_close_matches(key, list(keyed), n=MAX_SUGGESTIONS, cutoff=CUTOFF)
    contained = [k for k in keyed if len(key) >= 3 and (key in k or k in key)]
    out: list[str] = list(exact)
    for k in close + contained:
        for c in keyed[k]:
            if c not in out:
                out.append(c)
    return out[:MAX_SUGGESTIONS]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean a, b?)' naming the closest valid names, or '' if none is close."""
    names = closest_names(word, choices)
    return f" (did you mean {' or '.join(names)}?)" if names else ""
