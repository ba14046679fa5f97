"""Compare two scenarios: what changed, which outcomes flipped, and which changes decided it.

`compare(a, b)` builds the same game form from both scenarios and reports:

- the parameters whose values differ;
- each scenario's equilibria (and, for 2×2 games, its Robinson–Goforth class);
- every pure outcome whose equilibrium status flipped, and for each one
  - the condition of each player that had to change (its payoff from staying minus its
    payoff from its best switch), at a and at b, split into one-at-a-time parameter
    contributions (a's value → b's value, all else at a) and into the model's named payoff
    terms (the model file's ``[payoffs.PLAYER]``), with the interaction left over;
  - which changes were *decisive*: single changes that flip it on their own, the minimal
    sets of changes that flip it (applied to a), changes that alone fix one player's
    condition, and changes that cannot be undone alone in b without flipping it back.

Everything is exact arithmetic on the model's payoffs; nothing is sampled.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from games.errors import InputError
from games.model.parameters import game_parameters
from games.explanations.thresholds import build, labels, outcome_names
from games.explanations.wording import apart as _apart, cap as _cap, who as _who


def _default_model():
    from games.model.catalog import default_model

    return default_model()


def why_words(model=None) -> dict[tuple[str, str], str]:
    """Why a parameter moves a player's margin, by (parameter, player): the model file's
    ``[wording.why]`` (the default model's when model is None)."""
    return dict((_default_model() if model is None else model).wording.why)


def __getattr__(name: str):
    """``WHY``: the default model's `why_words`, read from its file on first use."""
    if name == "WHY":
        return why_words()
    raise AttributeError(f"module 'games.explanations.comparison' has no attribute {name!r}")


#: Above this many differing parameters, minimal sets are searched up to size 3 only.
MAX_FULL_SEARCH = 12


@dataclass(frozen=True)
class ParameterChange:
    name: str
    label: str
    side: str
    a: float
    b: float


@dataclass(frozen=True)
class Condition:
    """One player's incentive at an outcome: payoff from staying minus payoff from switching."""

    player: str
    stays: str
    switch_to: str
    against: str
    margin_a: float  # ≥ 0 means the player stays (in scenario a)
    margin_b: float
    contributions: dict[str, float]  # parameter -> change in the margin when only it moves a → b
    interaction: float  # margin_b − margin_a − Σ contributions
    terms: dict[str, tuple[float, float]]  # payoff term -> (its part of the margin at a, at b)
    fixed_by: tuple[str, ...]  # single changes that alone make this margin ≥ 0 (or < 0) as in b
    sentence: str


@dataclass(frozen=True)
class Flip:
    """A pure outcome that is an equilibrium in one scenario and not in the other."""

    label: str
    indices: tuple[int, ...]
    equilibrium_in_a: bool
    equilibrium_in_b: bool
    conditions: tuple[Condition, ...]
    singles: tuple[str, ...]  # changes that flip it on their own
    minimal_sets: tuple[tuple[str, ...], ...]
    necessary: tuple[str, ...]  # changes whose reversal alone (in b) flips it back
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    a: dict[str, str]
    b: dict[str, str]
    form: str
    levels: int
    changes: tuple[ParameterChange, ...]
    equilibria_a: tuple[str, ...]
    equilibria_b: tuple[str, ...]
    class_a: str | None
    class_b: str | None
    flips: tuple[Flip, ...]
    kept: tuple[str, ...]  # pure equilibria in both
    incentives: dict[str, dict[str, Any]]  # simultaneous form: the four deciding numbers
    story: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        from games.explanations.explanation import _plain

        return _plain(asdict(self))


# ----------------------------------------------------------------- helpers
#: Below this a margin or contribution is a rounding residue and reads "0".
ZERO = 1e-12


def _num(v: float, tol: float = ZERO) -> str:
    """A margin for sentences: two decimals (5.1, -1.3); a real amount below 0.005 (beyond
    `tol`, the game's tie tolerance) in two significant digits (-0.001), so a profile that
    is not an equilibrium never reads as a margin of 0."""
    if abs(v) >= 0.005:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    if abs(v) <= tol:
        return "0"
    return f"{v:.2g}"


def _signed(v: float, tol: float = ZERO) -> str:
    text = _num(v, tol)
    return ("+" if v > 0 and text != "0" else "") + text


def _pair(x: float, y: float, tol: float = ZERO) -> tuple[str, str]:
    """x and y for "x → y": as `_num`, with more digits when they differ by more than
    `tol` but would print alike (-5 → -5 for -5.001 → -4.9999)."""
    return _apart(x, y, _num(x, tol), _num(y, tol), tol)


def _share(v: float) -> str:
    """A probability in a mixed equilibrium's label: two decimals, but one strictly between
    0 and 1 never reads 0.00 or 1.00 (0.0001, 0.9999)."""
    text = f"{v:.2f}"
    if 0 < v < 1 and text in ("0.00", "1.00"):
        for digits in range(3, 17):
            text = f"{v:.{digits}f}"
            if float(text) not in (0.0, 1.0):
                break
    return text


def _val(v: float) -> str:
    """A parameter value as written (shortest exact decimal: 3.9999999, not 4)."""
    text = repr(float(v) + 0.0)  # + 0.0: -0.0 reads 0
    return text[:-2] if text.endswith(".0") else text


def _paren(name: str, model=None) -> str:
    """' (its words)' after a parameter's name, or '' when it has none but its name ('k (k)')."""
    label = _plabel(name, model)
    return f" ({label})" if label != name else ""


def _plabel(name: str, model=None) -> str:
    """A parameter's words for sentences: the trade model's label, or a model file's `label`."""
    if model is None:
        return labels().get(name, name)
    p = model.parameters.get(name)
    if p is None or not (p.label or p.meaning):
        return name
    if p.label:
        return p.label
    text = p.meaning.rstrip(".")
    first = re.split(r"[\s'’]", text, maxsplit=1)[0]
    proper = first in {q.name for q in model.players} or first[1:] != first[1:].lower()  # "Col's", "US", "EU-wide"
    return text if proper else text[:1].lower() + text[1:]


def _label(game, form: str, profile: Sequence[int], model=None) -> str:
    label = "(" + ", ".join(game.strategies[i][s] for i, s in enumerate(profile)) + ")"
    if model is not None:
        name = model.outcomes.get(tuple(profile)) if form == "simultaneous" else None
        return f"{name} {label}" if name else label
    names = outcome_names()
    if model is None and form == "simultaneous" and tuple(profile) in names:
        return f"{names[tuple(profile)]} {label}"
    return label


def _is_equilibrium(game, profile: Sequence[int], tol: float) -> bool:
    for i in range(game.n_players):
        index = list(profile)
        index[i] = slice(None)
        column = game.payoffs[i][tuple(index)]
        if column.max() - column[profile[i]] > tol:
            return False
    return True


def _tol(game) -> float:
    """The solver's tolerance, but never looser than 1e-9 of the game's largest payoff: its
    floor of 1e-8 made every profile of a game in billionths an equilibrium."""
    from games.solvers.equilibrium import tolerance

    scale = max((float(np.max(np.abs(a))) for a in game.payoffs), default=0.0)
    return min(tolerance(game), 1e-9 * scale)


def _with(params: Mapping[str, float], values: Mapping[str, float]) -> dict[str, float]:
    p = dict(params)
    p.update(values)
    return p


def _margin(game, profile, i: int, k: int) -> float:
    dev = list(profile)
    dev[i] = k
    return float(game.payoffs[i][tuple(profile)] - game.payoffs[i][tuple(dev)])


def _coordinates(form: str, levels: int, profile: Sequence[int]) -> tuple[float, ...]:
    """The default model's level values at a profile of its simultaneous or graded game."""
    from games.model import level_game

    model = _default_model()
    grids = level_game.declared_levels(model) if form == "simultaneous" else level_game.graded_grids(model, levels)
    return tuple(float(grid[s]) for grid, s in zip(grids, profile))


def _term_margins(params, form, levels, profile, i, k, model=None) -> dict[str, float]:
    from games.model import level_game

    if model is not None:
        from games.model.evaluate import terms_at

        dev = list(profile)
        dev[i] = k
        stay_t = terms_at(model, params, profile, form, levels)[i]
        move_t = terms_at(model, params, dev, form, levels)[i]
        return {name: stay_t[name] - move_t[name] for name in stay_t}

    default = _default_model()
    player = default.player_names[i]
    stay = _coordinates(form, levels, profile)
    dev = list(profile)
    dev[i] = k
    move = _coordinates(form, levels, dev)
    t_stay = level_game.level_terms(default, stay, params)[player]
    t_move = level_game.level_terms(default, move, params)[player]
    return {name: float(t_stay[name] - t_move[name]) for name in t_stay}


# ----------------------------------------------------------------- core
def _common_model(a, b):
    """The model both scenarios belong to (None: the default model), or an InputError."""
    from games.model.catalog import DEFAULT_MODEL

    ma, mb = getattr(a, "model", None), getattr(b, "model", None)
    name = lambda m: f"the {DEFAULT_MODEL} model" if m is None else f"model '{m.name}'"
    same = (ma is None and mb is None) or (
        ma is not None and mb is not None and (ma is mb or _same_file(ma.source_file, mb.source_file))
    )
    if not same:
        raise InputError(
            f"compare: '{a.name}' is a scenario of {name(ma)} and '{b.name}' of {name(mb)}; "
            "compare needs two scenarios of one model"
        )
    return ma


def _same_file(x: str, y: str) -> bool:
    from pathlib import Path

    try:
        return Path(x).resolve() == Path(y).resolve()
    except (OSError, ValueError):
        return x == y


def compare(a, b, form: str = "simultaneous", levels: int = 5) -> Comparison:
    """Compare scenarios a and b (games.model.scenarios.Scenario) in the given game form."""
    model = _common_model(a, b)
    if form not in ("simultaneous", "graded") and not (form in ("package", "package-graded") and model is not None):
        raise InputError(f"option --game: compare supports simultaneous or graded (package forms: for a model with instruments), got '{form}'")
    from games.solvers.solver import solve

    table = game_parameters() if model is None else model.parameters
    pa, pb = dict(a.parameters), dict(b.parameters)
    changes = tuple(
        ParameterChange(n, _plabel(n, model), table[n].side, float(pa[n]), float(pb[n]))
        for n in table
        if n in pa and n in pb and float(pa[n]) != float(pb[n])
    )
    ga, gb = build(pa, form, levels, model), build(pb, form, levels, model)
    sa, sb = solve(ga), solve(gb)
    tol = max(_tol(ga), _tol(gb))
    eq_a = tuple(_eq_label(ga, form, e, model) for e in sa.equilibria)
    eq_b = tuple(_eq_label(gb, form, e, model) for e in sb.equilibria)
    class_a = class_b = None
    if form == "simultaneous" and ga.shape == (2, 2):
        from games.explanations.topology import classify_game

        class_a, class_b = classify_game(ga).name, classify_game(gb).name
    flips, kept = [], []
    for profile in np.ndindex(*ga.shape):
        profile = tuple(int(v) for v in profile)
        in_a, in_b = _is_equilibrium(ga, profile, tol), _is_equilibrium(gb, profile, tol)
        if in_a and in_b:
            kept.append(_label(ga, form, profile, model))
        elif in_a != in_b:
            flips.append(_flip(pa, pb, changes, form, levels, profile, in_a, in_b, tol, model))
    incentives = _incentives(pa, pb, changes) if form == "simultaneous" and model is None else {}
    comp = Comparison(
        a={"name": a.name, "title": a.title},
        b={"name": b.name, "title": b.title},
        form=form,
        levels=levels,
        changes=changes,
        equilibria_a=eq_a,
        equilibria_b=eq_b,
        class_a=class_a,
        class_b=class_b,
        flips=_reasons_once(flips),
        kept=tuple(kept),
        incentives=incentives,
        story=(),
    )
    return _with_story(comp, ga, gb, sa, sb, tol)


def _why(name: str, player: str) -> str:
    """The sentence giving why a parameter moves a player's margin ('' if none is kept)."""
    reason = why_words().get((name, player))
    return f" Why {name} matters to {_who(player)}: {reason}." if reason else ""


def _reasons_once(flips: Sequence[Flip]) -> tuple[Flip, ...]:
    """The flips with each why-sentence kept where it first appears and dropped after.

    Two flips often rest on one margin read from either end (Restrict minus Supply, then
    Supply minus Restrict): its reason is said once.
    """
    from dataclasses import replace

    seen: set[str] = set()
    out = []
    for f in flips:
        conditions = []
        for c in f.conditions:
            sentence = c.sentence
            for name in c.contributions:
                why = _why(name, c.player)
                if why and why in sentence:
                    if why in seen:
                        sentence = sentence.replace(why, "")
                    seen.add(why)
            conditions.append(replace(c, sentence=sentence))
        swapped = {old.sentence: new.sentence for old, new in zip(f.conditions, conditions)}
        sentences = tuple(swapped.get(s, s) for s in f.sentences)
        out.append(replace(f, conditions=tuple(conditions), sentences=sentences))
    return tuple(out)


def _eq_label(game, form, eq, model=None) -> str:
    if eq.is_pure:
        return _label(game, form, [int(np.argmax(p)) for p in eq.profile], model)
    parts = []
    for i, p in enumerate(eq.profile):
        support = [f"{game.strategies[i][k]} {_share(float(v))}" for k, v in enumerate(p) if v > 1e-12]
        parts.append(f"{game.players[i]}: " + ", ".join(support))
    return "mixed (" + "; ".join(parts) + ")"


def _flip(pa, pb, changes, form, levels, profile, in_a, in_b, tol, model=None) -> Flip:
    ga, gb = build(pa, form, levels, model), build(pb, form, levels, model)
    label = _label(ga, form, profile, model)
    names = [c.name for c in changes]
    status = lambda p: _is_equilibrium(build(p, form, levels, model), profile, tol)
    singles = tuple(n for n in names if status(_with(pa, {n: pb[n]})) == in_b)
    necessary = tuple(n for n in names if status(_with(pb, {n: pa[n]})) != in_b)
    minimal = _minimal_sets(names, lambda s: status(_with(pa, {n: pb[n] for n in s})) == in_b)
    # the conditions that matter: in the scenario where it is NOT an equilibrium, who wants out
    broken, other = (ga, gb) if not in_a else (gb, ga)
    conditions = []
    for i in range(ga.n_players):
        index = list(profile)
        index[i] = slice(None)
        col = broken.payoffs[i][tuple(index)].copy()
        col[profile[i]] = -np.inf
        k = int(np.argmax(col))
        margin_broken = _margin(broken, profile, i, k)
        margin_other = _margin(other, profile, i, k)
        if margin_broken >= -tol and margin_other >= -tol:
            continue  # this player is content in both scenarios
        conditions.append(_condition(pa, pb, names, form, levels, profile, i, k, ga, tol, model))
    undo = {}
    for c in conditions:
        i = ga.players.index(c.player)
        k = ga.strategies[i].index(c.switch_to)
        for n in c.contributions:
            undo[(c.player, n)] = c.margin_b - _margin(build(_with(pb, {n: pa[n]}), form, levels, model), profile, i, k)
    sentences = _flip_sentences(label, in_a, in_b, conditions, singles, minimal, necessary, changes, undo, model)
    return Flip(label, profile, in_a, in_b, tuple(conditions), singles, tuple(minimal), necessary, tuple(sentences))


def _condition(pa, pb, names, form, levels, profile, i, k, game, tol, model=None) -> Condition:
    base = _margin(build(pa, form, levels, model), profile, i, k)
    after = _margin(build(pb, form, levels, model), profile, i, k)
    contributions = {}
    for n in names:
        m = _margin(build(_with(pa, {n: pb[n]}), form, levels, model), profile, i, k)
        if abs(m - base) > tol:
            contributions[n] = m - base
    interaction = after - base - sum(contributions.values())
    ta = _term_margins(pa, form, levels, profile, i, k, model)
    tb = _term_margins(pb, form, levels, profile, i, k, model)
    terms = {t: (ta[t], tb[t]) for t in ta if abs(ta[t] - tb[t]) > tol}
    want = after >= -tol
    fixed_by = tuple(
        n for n in names
        if (_margin(build(_with(pa, {n: pb[n]}), form, levels, model), profile, i, k) >= -tol) == want
        and ((base >= -tol) != want)
    )
    players, strategies = game.players, game.strategies
    others = [j for j in range(game.n_players) if j != i]
    against = " and ".join(f"{_who(players[j])} plays {strategies[j][profile[j]]}" for j in others)
    stays, switch = strategies[i][profile[i]], strategies[i][k]
    order = sorted(contributions.items(), key=lambda kv: -abs(kv[1]))
    forces = "; ".join(
        f"{_signed(v, tol)} from {n} {_val(pa[n])} → {_val(pb[n])}{_paren(n, model)}" for n, v in order
    )
    by_term = ", ".join(f"{t} {' → '.join(_pair(x, y, tol))}" for t, (x, y) in terms.items())
    sentence = (
        f"{_cap(_who(players[i]))}'s payoff from {stays} minus {switch}, when {against}, "
        f"went from {' to '.join(_pair(base, after, tol))}"
        + (f": {forces}" if forces else "")
        + (f"; the changes together add {_signed(interaction)} more" if abs(interaction) >= 0.005 else "")
        + "."
        + (f" By payoff term: {by_term}." if by_term else "")
        + "".join(_why(n, players[i]) for n, v in order[:2] if v * (after - base) > 0)
    )
    return Condition(players[i], stays, switch, against, base, after, contributions, interaction, terms, fixed_by, sentence)


def _minimal_sets(names: Sequence[str], works) -> list[tuple[str, ...]]:
    """Inclusion-minimal subsets of names for which works(subset) holds, smallest first."""
    max_size = len(names) if len(names) <= MAX_FULL_SEARCH else 3
    found: list[tuple[str, ...]] = []
    for size in range(1, max_size + 1):
        for subset in itertools.combinations(names, size):
            if any(set(f) <= set(subset) for f in found):
                continue
            if works(subset):
                found.append(subset)
    return found


def _incentives(pa, pb, changes) -> dict[str, dict[str, Any]]:
    """The four numbers that decide the 2×2 game, at a and b, with one-at-a-time contributions."""
    from games.model import level_game
    from games.model.parameters import validated

    model = _default_model()
    incentives = lambda p: level_game.incentives(model, validated(p, model=model))
    ia, ib = incentives(pa), incentives(pb)
    out = {}
    for key in ia:
        contrib = {}
        for c in changes:
            v = incentives(_with(pa, {c.name: c.b}))[key] - ia[key]
            if abs(v) > 1e-12:
                contrib[c.name] = v
        out[key] = {
            "a": ia[key],
            "b": ib[key],
            "contributions": contrib,
            "interaction": ib[key] - ia[key] - sum(contrib.values()),
        }
    return out


# ----------------------------------------------------------------- the story
def _flip_sentences(label, in_a, in_b, conditions, singles, minimal, necessary, changes, undo=None, model=None) -> list[str]:
    out = []
    verb = "became an equilibrium" if in_b else "stopped being an equilibrium"
    if in_b:
        need = ("both sides" if len(conditions) == 2 else "every side") if len(conditions) > 1 else "one side"
        out.append(f"{_cap(label)} {verb}. For that, {need} had to stop wanting to leave it.")
    else:
        out.append(f"{_cap(label)} {verb}: a side now wants to leave it.")
    out += [c.sentence for c in conditions]
    if singles:
        which = singles[0] if len(singles) == 1 else "any one of " + ", ".join(singles)
        out.append(f"Decisive on its own: changing only {which} flips it.")
    else:
        sizes = sorted({len(m) for m in minimal})
        out.append(
            "No single change was enough."
            + (f" The smallest combinations that do it have {sizes[0]} changes: "
               + "; ".join("{" + ", ".join(m) + "}" for m in minimal if len(m) == sizes[0]) + "."
               if minimal else "")
        )
    for c in conditions:
        if c.fixed_by and not singles:
            out.append(
                f"{_cap(_who(c.player))}'s side is fixed by any one of: " + ", ".join(c.fixed_by) + "."
            )
    opposing = [
        (c.player, n, v) for c in conditions for n, v in c.contributions.items()
        if (v < 0) == (c.margin_b > c.margin_a)
    ]
    for player, n, v in opposing:
        given = (undo or {}).get((player, n))
        extra = f" on its own, {_signed(given)} given the other changes" if given is not None and abs(given - v) >= 0.005 else ""
        out.append(
            f"Counterpoint: {n}{_paren(n, model)} pushed the other way, changing {_who(player)}'s margin by {_signed(v)}{extra}."
        )
    if necessary:
        which = necessary[0] if len(necessary) == 1 else "any one of " + ", ".join(necessary)
        out.append(f"Indispensable: undoing {which} alone would flip it back.")
    elif changes:
        out.append("No single change is indispensable: undoing any one of them alone keeps the result.")
    if in_b and len(conditions) > 1:
        parts = []
        for c in conditions:
            top = [n for n, v in sorted(c.contributions.items(), key=lambda kv: -kv[1]) if v > 0][:3]
            # no change raised it on its own: the rise is the changes' interaction
            source = f"mainly {', '.join(top)}" if top else "through the changes together, none on its own"
            parts.append(f"{_who(c.player)}'s margin rose by {_num(c.margin_b - c.margin_a)} ({source})")
        out.append(f"In short, {label} became possible because " + " and ".join(parts) + ".")
    return out


def _with_story(comp: Comparison, ga, gb, sa, sb, tol) -> Comparison:
    from dataclasses import replace

    a, b = comp.a["name"], comp.b["name"]
    story = []
    if not comp.changes:
        story.append(f"{a} and {b} have the same parameter values, so the same equilibria.")
        return replace(comp, story=tuple(story))
    story.append(
        f"From {a} to {b}, {len(comp.changes)} parameter{'s' if len(comp.changes) > 1 else ''} change: "
        + "; ".join(f"{c.name} {_val(c.a)} → {_val(c.b)}" for c in comp.changes) + "."
    )
    for name, eqs, cls in ((a, comp.equilibria_a, comp.class_a), (b, comp.equilibria_b, comp.class_b)):
        kind = f" (a {cls})" if cls and not cls.startswith("a game with ties") else (f" ({cls})" if cls else "")
        story.append(f"{name}{kind}: equilibria {'; '.join(eqs) if eqs else 'none found'}.")
    if not comp.flips:
        story.append("No pure outcome changed status: the same pure equilibria hold in both.")
    for f in comp.flips:
        story += list(f.sentences)
    for k in comp.kept:
        story.append(f"{_cap(k)} is an equilibrium in both scenarios.")
    return replace(comp, story=tuple(story))
