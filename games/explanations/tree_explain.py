"""Plain-words explanations of subgame-perfect equilibria of game trees.

For one subgame-perfect equilibrium this says: the equilibrium path (who plays what, and
why that beats the alternative given what follows); what each player would do off the
path and why; which threats or promises are not credible, found by comparing the plan a
player would like to announce (the commitment that would serve it best if the others
believed it) with what it would actually do once the moment came; which Nash equilibria of
the normal form rest on such incredible threats; and, for the trade trees, the value of
moving first compared with the simultaneous game's equilibria.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from games.solvers.backward_induction import (
    SubgamePerfectEquilibrium,
    behaviour_one_shot_gains,
    equilibrium_path,
    tie_tolerance,
)
from games.solvers.equilibrium import TOLERANCE
from games.forms.tree import (
    Chance,
    Decision,
    GameTree,
    Path,
    Terminal,
    node_history_text,
    infoset_key,
    max_abs_payoff,
    prefix_order,
    walk,
)

#: Most off-path nodes described one by one.
MAX_OFF_PATH = 12
#: Most reduced strategies tried when looking for a player's best announced plan.
MAX_COMMITMENTS = 256

#: Describes what drives the gap between two outcomes for a player (trade trees pass one).
Drivers = Callable[[int, Terminal, Terminal], str]


def num(v: float) -> str:
    """A compact number: 1.5, -6.5, 0.3333."""
    v = float(v)
    if abs(v) < 5e-5:
        v = 0.0
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def name(player: str) -> str:
    """'the US' for an acronym, the name itself otherwise ('China', 'Entrant', and a label
    such as 'P2' of a Gambit file: an acronym is letters only)."""
    return f"the {player}" if player.isalpha() and player.isupper() and len(player) <= 4 else player


@dataclass(frozen=True)
class TreeExplanation:
    """The parts of an explanation, each a tuple of sentences."""

    path: tuple[str, ...]
    outcome: str
    off_path: tuple[str, ...]
    credibility: tuple[str, ...]
    not_subgame_perfect: tuple[str, ...] = ()
    first_mover: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One or two sentences: the outcome and the first credibility point."""
        first = self.credibility[0] if self.credibility else ""
        return (self.outcome + (" " + first if first else "")).strip()

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "path": list(self.path),
            "outcome": self.outcome,
            "off_path": list(self.off_path),
            "credibility": list(self.credibility),
            "not_subgame_perfect": list(self.not_subgame_perfect),
            "first_mover": list(self.first_mover),
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------ values under a plan
def _values(tree: GameTree, plan: Mapping) -> dict[Path, tuple[float, ...]]:
    values: dict[Path, tuple[float, ...]] = {}
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            values[path] = tuple(float(v) for v in node.payoffs)
        elif isinstance(node, Chance):
            kids = [values[path + (k,)] for k in range(len(node.children))]
            values[path] = tuple(
                sum(float(p) * v[i] for p, v in zip(node.probabilities, kids)) for i in range(tree.n_players)
            )
        else:
            values[path] = values[path + (plan[(node.player, infoset_key(node, path))],)]
    return values


def _leaf(tree: GameTree, plan: Mapping, path: Path) -> tuple[Path, Terminal] | None:
    """The terminal reached from path when everyone follows the plan (None if chance intervenes)."""
    node = tree.node(path)
    while isinstance(node, Decision):
        path = path + (plan[(node.player, infoset_key(node, path))],)
        node = node.children[path[-1]]
    return (path, node) if isinstance(node, Terminal) else None


def _outcome_name(tree: GameTree, plan: Mapping, path: Path) -> str:
    found = _leaf(tree, plan, path)
    if found is None:
        return "a chance move"
    leaf_path, leaf = found
    return leaf.name or leaf.outcome or node_history_text(tree, leaf_path)


def _where(tree: GameTree, path: Path) -> str:
    return "after " + node_history_text(tree, path) if path else "at the start"


def _choice_reason(tree: GameTree, plan: Mapping, values, path: Path, drivers: Drivers | None) -> str:
    """'Supply (leads to Relax, Supply: 6 for China) rather than Restrict (…: 4.5)'."""
    node = tree.node(path)
    me = node.player  # type: ignore[union-attr]
    who = name(tree.players[me])
    k = plan[(me, infoset_key(node, path))]  # type: ignore[union-attr]
    mine = values[path + (k,)][me]
    alts = [j for j in range(len(node.children)) if j != k]  # type: ignore[union-attr]
    if not alts:
        return f"{who} has only {node.actions[k]}"  # type: ignore[union-attr]
    j = max(alts, key=lambda a: values[path + (a,)][me])
    other = values[path + (j,)][me]
    act, alt = node.actions[k], node.actions[j]  # type: ignore[union-attr]
    ends, alt_ends = _outcome_name(tree, plan, path + (k,)), _outcome_name(tree, plan, path + (j,))
    if abs(mine - other) <= TOLERANCE * max(1.0, max_abs_payoff(tree)):
        text = f"{who} is indifferent: {act} (ending at {ends}) and {alt} (ending at {alt_ends}) both give it {num(mine)}"
    else:
        text = (
            f"{who} plays {act}, ending at {ends} with {num(mine)} for {who}, "
            f"rather than {alt}, which would end at {alt_ends} with {num(other)}"
        )
    if drivers is not None:
        a, b = _leaf(tree, plan, path + (k,)), _leaf(tree, plan, path + (j,))
        if a is not None and b is not None and a[1] is not b[1]:
            why = drivers(me, a[1], b[1])
            if why:
                text += f" ({why})"
    return text


# ------------------------------------------------------------------ commitments
def _commitment_plan(tree: GameTree, player: int, fixed: Mapping) -> tuple[dict, tuple[float, ...]]:
    """Backward induction with the player's moves fixed; others break ties against the player."""
    plan = dict(fixed)
    values: dict[Path, tuple[float, ...]] = {}
    tol = TOLERANCE * max(1.0, max_abs_payoff(tree))
    for path, node in reversed(prefix_order(tree)):
        if isinstance(node, Terminal):
            values[path] = tuple(float(v) for v in node.payoffs)
            continue
        kids = [values[path + (k,)] for k in range(len(node.children))]
        if isinstance(node, Chance):
            values[path] = tuple(
                sum(float(p) * v[i] for p, v in zip(node.probabilities, kids)) for i in range(tree.n_players)
            )
            continue
        ident = (node.player, infoset_key(node, path))
        if ident not in plan:
            me = node.player
            best = max(v[me] for v in kids)
            ties = [k for k, v in enumerate(kids) if v[me] >= best - tol]
            plan[ident] = min(ties, key=lambda k: kids[k][player]) if me != player else ties[0]
        values[path] = kids[plan[ident]]
    return plan, values[()]


def best_announcement(tree: GameTree, player: int, strategies) -> tuple[dict, float] | None:
    """The reduced strategy the player would most like others to believe, and its value.

    Each candidate is taken as a binding commitment; the others answer by backward
    induction, breaking ties against the player (a commitment counts only if it works
    for sure). None when there are too many candidates to try.
    """
    if len(strategies) > MAX_COMMITMENTS:
        return None
    best: tuple[dict, float] | None = None
    for plan in strategies:
        fixed = dict(plan)
        full, value = _commitment_plan(tree, player, fixed)
        if best is None or value[player] > best[1] + TOLERANCE * max(1.0, max_abs_payoff(tree)):
            best = (fixed, value[player])
    return best


def _nodes_of(tree: GameTree, ident) -> list[Path]:
    return [
        p for p, n in walk(tree.root)
        if isinstance(n, Decision) and (n.player, infoset_key(n, p)) == ident
    ]


def best_announcements(tree: GameTree, strategies_by_player) -> tuple[tuple[dict, float] | None, ...]:
    """`best_announcement` for every player: it depends on the tree alone, not on which
    subgame-perfect equilibrium is being explained, so it is found once per tree."""
    return tuple(best_announcement(tree, i, strategies) for i, strategies in enumerate(strategies_by_player))


def credibility(
    tree: GameTree, eq: SubgamePerfectEquilibrium, strategies_by_player, drivers: Drivers | None,
    announcements: tuple[tuple[dict, float] | None, ...] | None = None,
) -> list[tuple[Path, str]]:
    """Threats and promises a player would like to make but would not carry out, by node.

    For each player: find its best announced plan; if believing it would give the player
    more than the equilibrium does, every move of that plan that the player would not
    choose when the moment came (a profitable one-shot deviation, given the rest of the
    announced plan and the others' answers) is an incredible threat (it hurts the others
    compared with what the player would really do) or an incredible promise (it helps them).
    ``announcements``: `best_announcements` of the tree, when already found.
    """
    tol = TOLERANCE * max(1.0, max_abs_payoff(tree))
    out: list[tuple[Path, str]] = []
    if announcements is None:
        announcements = best_announcements(tree, strategies_by_player)
    for i, found in enumerate(announcements):
        if found is None:
            continue
        announced, value = found
        if value <= eq.payoffs[i] + tol:
            continue
        who = name(tree.players[i])
        full, _ = _commitment_plan(tree, i, announced)
        values = _values(tree, full)
        for ident, k in announced.items():
            for path in _nodes_of(tree, ident):
                node = tree.node(path)
                options = [values[path + (j,)][i] for j in range(len(node.actions))]  # type: ignore[union-attr]
                best = max(range(len(options)), key=lambda j: options[j])
                if options[best] <= options[k] + tol:
                    continue
                others = [j for j in range(tree.n_players) if j != i]
                hurt = all(values[path + (k,)][j] < values[path + (best,)][j] - tol for j in others)
                kind = "threat" if hurt else "promise"
                actual = dict(full)
                actual[ident] = best
                out.append((path,
                    f"{_capital(who)} would gain by announcing \"{node.actions[k]} {_where(tree, path)}\" "  # type: ignore[union-attr]
                    f"(a {kind}: if believed, it would get {who} {num(value)} instead of {num(eq.payoffs[i])}), "
                    f"but the {kind} is not credible: once there, "
                    + _choice_reason(tree, actual, _values(tree, actual), path, drivers)
                    + "."
                ))
    return out


# ------------------------------------------------------------------ the explanation
def explain_spe(
    tree: GameTree,
    eq: SubgamePerfectEquilibrium,
    strategies_by_player=None,
    nash: tuple = (),
    drivers: Drivers | None = None,
    first_mover: tuple[str, ...] = (),
    focus: Mapping[Path, str] | None = None,
) -> TreeExplanation:
    """Explain one subgame-perfect equilibrium of a perfect-information tree.

    ``strategies_by_player``: each player's reduced strategies (plans) for the
    credibility analysis; ``nash``: (label, behaviour) pairs of normal-form Nash
    equilibria to test for subgame perfection; ``focus``: nodes whose credibility
    deserves a named sentence (e.g. China's reciprocity), path → what to call the move.
    """
    return explain_spes(tree, (eq,), strategies_by_player, nash, drivers, first_mover, focus)[0]


def explain_spes(
    tree: GameTree,
    equilibria,
    strategies_by_player=None,
    nash: tuple = (),
    drivers: Drivers | None = None,
    first_mover: tuple[str, ...] = (),
    focus: Mapping[Path, str] | None = None,
) -> tuple[TreeExplanation, ...]:
    """`explain_spe` for several subgame-perfect equilibria of one tree.

    What does not depend on the equilibrium — each player's best announced plan, and which
    Nash equilibria rest on incredible threats — is worked out once, not once per
    equilibrium: on a tie-heavy tree with twenty listed equilibria and dozens of Nash
    equilibria that repetition took tens of seconds.
    """
    announcements = best_announcements(tree, strategies_by_player) if strategies_by_player is not None else None
    nsp = tuple(_not_subgame_perfect(tree, nash))
    return tuple(
        _explain(tree, eq, announcements, nsp, drivers, first_mover, focus) for eq in equilibria
    )


def _explain(tree, eq, announcements, nsp, drivers, first_mover, focus) -> TreeExplanation:
    plan = eq.plan
    values = _values(tree, plan)
    on_path = set(equilibrium_path(tree, plan))
    path_sentences, off = [], []
    more_off = 0
    for path, node in prefix_order(tree):
        if isinstance(node, Chance) and path in on_path:
            probs = ", ".join(f"{a} {num(p)}" for a, p in zip(node.actions, node.probabilities))
            path_sentences.append(f"{_capital(_where(tree, path))}, chance moves: {probs}.")
        if not isinstance(node, Decision) or len(node.actions) < 1:
            continue
        if path in on_path:
            path_sentences.append(f"{_capital(_where(tree, path))}: {_choice_reason(tree, plan, values, path, drivers)}.")
        elif len(off) < MAX_OFF_PATH:
            off.append(f"If play reached the node {_where(tree, path)}, {_choice_reason(tree, plan, values, path, drivers)}.")
        else:
            more_off += 1  # counted, not described
    if more_off:
        off.append(f"(and {more_off} more off-path nodes)")
    pays = ", ".join(f"{p} {num(v)}" for p, v in zip(tree.players, eq.payoffs))
    end = _leaf(tree, plan, ())
    if end is not None:
        outcome = f"Play ends at {_outcome_name(tree, plan, ())}: {pays}."
    else:
        outcome = f"Expected payoffs: {pays}."
    incredible = credibility(tree, eq, None, drivers, announcements) if announcements is not None else []
    covered = {path for path, _ in incredible}
    cred = [
        _focus_sentence(tree, plan, values, path, what, drivers, path in on_path)
        for path, what in (focus or {}).items()
        if path not in covered
    ]
    for path, text in incredible:
        what = (focus or {}).get(path)
        if what:
            label = what.split(":", 1)[-1]
            who = name(tree.players[tree.node(path).player])  # type: ignore[union-attr]
            text = f"{_capital(who)}'s {label} is not credible. {text}"
        cred.append(text)
    if announcements is not None:
        if not incredible:
            cred.append(
                "No player would do better by committing in advance to a different plan, even if "
                "the others believed it: nothing here rests on a threat or promise that could not be kept."
            )
    return TreeExplanation(tuple(path_sentences), outcome, tuple(off), tuple(cred), nsp, tuple(first_mover))


def _focus_sentence(tree, plan, values, path: Path, what: str, drivers, on_path: bool) -> str:
    node = tree.node(path)
    me = node.player
    k = plan[(me, infoset_key(node, path))]
    best_alt = max((j for j in range(len(node.actions)) if j != k), key=lambda j: values[path + (j,)][me], default=None)
    where = "on the equilibrium path" if on_path else "off the equilibrium path"
    intended = what.split(":", 1)
    action = intended[0]
    label = intended[1] if len(intended) > 1 else action
    # the full reason, term by term, is in the path and off-path sentences: the numbers suffice here
    who = name(tree.players[me])
    mine = values[path + (k,)][me]
    reason = f"{who} plays {node.actions[k]}"
    if best_alt is not None:
        reason += (f", which pays it {num(mine)} against {num(values[path + (best_alt,)][me])} "
                   f"for {node.actions[best_alt]}")
        a, b = _leaf(tree, plan, path + (k,)), _leaf(tree, plan, path + (best_alt,))
        why = drivers(me, a[1], b[1]) if drivers is not None and a and b and a[1] is not b[1] else ""
        reason += f" ({why})" if why else ""
    if node.actions[k] == action:
        strict = best_alt is None or mine > values[path + (best_alt,)][me] + tie_tolerance(tree, me)
        head = f"{_capital(who)}'s {label} is credible" + ("" if strict else " only weakly (it is indifferent)")
        return f"{head} ({where}): {_where(tree, path)}, {reason}."
    return f"{_capital(who)}'s {label} is not credible ({where}): {_where(tree, path)}, {reason}."


#: Nash equilibria that fail subgame perfection named one by one; the rest are counted.
MAX_NOT_SUBGAME_PERFECT = 4


def _not_subgame_perfect(tree: GameTree, nash) -> list[str]:
    out = []
    tol = TOLERANCE * max(1.0, max_abs_payoff(tree))
    for label, behaviour in nash:
        gains = behaviour_one_shot_gains(tree, behaviour)
        bad = [(p, g) for p, g in gains.items() if g > tol]
        if not bad:
            continue
        path, gain = bad[0]
        node = tree.node(path)
        probs = behaviour[(node.player, infoset_key(node, path))]
        acts = [a for a, q in zip(node.actions, probs) if q > 1e-12]
        what = acts[0] if len(acts) == 1 else "a mix of " + ", ".join(acts)
        out.append(
            f"{label} is a Nash equilibrium of the normal form but not subgame perfect: it rests on "
            f"{name(tree.players[node.player])} playing {what} {_where(tree, path)}, which is not credible "
            f"(there {name(tree.players[node.player])} would gain {num(round(gain, 2))} by choosing otherwise)."
        )
    if len(out) > MAX_NOT_SUBGAME_PERFECT:
        more = len(out) - MAX_NOT_SUBGAME_PERFECT
        out = out[:MAX_NOT_SUBGAME_PERFECT] + [
            f"… and {more} more, each resting on a move its player would not make when the moment came "
            "(the JSON output lists every Nash equilibrium)."
        ]
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def first_mover_value(p: Mapping[str, float], form: str, model=None) -> tuple[str, ...]:
    """Sentences comparing a two-player tree form's outcome with the simultaneous game and
    with its counterpart.

    ``form`` names a tree form of ``model`` (``[forms.NAME]`` with an order; default: the
    trade model). The leader is the root's mover; its subgame-perfect payoff is compared
    with its payoff in each equilibrium of the simultaneous game and with the counterpart
    tree: for a form with a revision, the model's form of the same order without one (for
    snapback: US first, China answers); otherwise its form of the other order. Without a
    counterpart form the last comparison is left out.
    """
    from games.solvers.backward_induction import subgame_perfect_equilibria
    from games.model.evaluate import build_game, form_tree
    from games.solvers.solver import solve

    if model is None:
        from games.model.catalog import default_model

        model = default_model()
    tree, _ = form_tree(model, p, form)
    own = model.forms[form]
    leader = tree.root.player  # type: ignore[union-attr]
    lname = name(tree.players[leader])
    mine = sorted({round(e.payoffs[leader], 9) for e in subgame_perfect_equilibria(tree)})
    got = " or ".join(num(v) for v in mine)
    sim = solve(build_game(model, p))
    parts = []
    for eq in sim.equilibria:
        if eq.is_pure:
            label = "(" + ", ".join(s[max(range(len(q)), key=lambda k: q[k])] for s, q in zip(sim.game.strategies, eq.profile)) + ")"
        else:
            label = "the mixed equilibrium"
        parts.append(f"{num(eq.payoffs[leader])} at {label}")
    sim_vals = [eq.payoffs[leader] for eq in sim.equilibria]
    lo, hi = min(sim_vals), max(sim_vals)
    v = mine[0]
    tol = 1e-9 * max(1.0, max_abs_payoff(tree))
    out = [f"Moving first, {lname} gets {got}. In the simultaneous game it gets " + "; ".join(parts) + "."]
    if v >= hi - tol and hi - lo > tol:
        out.append(
            f"So moving first is worth {num(v - hi)} more than the best simultaneous equilibrium and "
            f"{num(v - lo)} more than the worst: by moving first {lname} picks which equilibrium is played."
        )
    elif v >= hi - tol:
        out.append(f"So moving first is worth {num(v - hi)} to {lname} over the simultaneous game.")
    elif v < lo - tol:
        out.append(
            f"So moving first costs {lname} {num(lo - v)} even against the worst simultaneous equilibrium: "
            "the other side answers knowing what it did."
        )
    else:
        out.append(f"So moving first gives {lname} a payoff between its simultaneous-game payoffs ({num(lo)} to {num(hi)}).")
    wanted = own.order if own.revision else tuple(reversed(own.order))
    other_form = next((n for n, f in model.forms.items() if f.order == wanted and f.revision is None and n != form), None)
    if other_form is None or len(own.order) != 2:
        return tuple(out)
    other, _ = form_tree(model, p, other_form)
    theirs = sorted({round(e.payoffs[leader], 9) for e in subgame_perfect_equilibria(other)})
    alt = " or ".join(num(x) for x in theirs)
    if own.revision:
        rev = own.revision
        option = " or ".join(m.lower() for m, holds in rev.moves if holds != rev.after)
        diff = v - theirs[0]
        verdict = (f"the option to {option} is worth {num(diff)} to {lname}" if abs(diff) > tol
                   else f"the option to {option} changes nothing for {lname} here")
        out.append(f"Without the {form} stage ({own.order[0]} first, {own.order[1]} answers) {lname} would get {alt}: {verdict}.")
    else:
        follower = name(tree.players[1 - leader])
        diff = v - theirs[0]
        if abs(diff) <= tol:
            verdict = "the order of moves does not matter here"
        elif diff > 0:
            verdict = f"a first-mover advantage of {num(diff)}"
        else:
            verdict = f"a second-mover advantage of {num(-diff)}"
        out.append(f"If {follower} moved first instead, {lname} would get {alt}: {verdict}.")
    return tuple(out)
