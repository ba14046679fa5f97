"""Perfection in the agent normal form of a game tree (Selten 1975).

In the *agent normal form* each information set is played by its own agent, who has the
payoff of the player owning it. A behaviour profile is *perfect in the agent form* when it
is the limit of completely mixed behaviour profiles against which every agent's choice is
a best reply: every information set is then reached, every move must be sensible there,
and — unlike in the normal form — a player's mistakes at different information sets are
independent, so a player cannot count on its own later moves being made without error.
Every such profile is subgame perfect (and sequential); the converse fails where a
subgame-perfect move is only a best reply if nobody ever trembles, e.g. a move that ties
with another under the equilibrium but loses to it once another player may err.

An agent's payoff for an action is Σ over the nodes x of its information set of
(probability of reaching x) × (expected payoff after the action at x): multilinear in the
other agents' mixtures, so the numerical tremble search of `games.trembling_hand` applies
(its ε, tolerance and caveats hold here). Information sets a player's own earlier moves
rule out (None in a reduced-normal-form behaviour) are filled with each combination of
pure moves, up to `MAX_COMPLETIONS`; the profile is perfect when some completion is.

Small trees only: at most `MAX_AGENT_FORM_NODES` nodes and `MAX_AGENT_FORM_INFOSETS`
information sets (each search step re-evaluates the whole tree in Python).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from games.errors import InputError, clip
from games.tree import Chance, Decision, GameTree, InfoSet, Terminal, information_sets, infoset_key, walk

#: Largest tree whose agent form is searched.
MAX_AGENT_FORM_NODES = 400
#: ... and most information sets (agents).
MAX_AGENT_FORM_INFOSETS = 24
#: Most completions of unreached-by-own-choice information sets tried.
MAX_COMPLETIONS = 16


@dataclass(frozen=True)
class AgentFormVerdict:
    """Whether a behaviour profile is perfect in the agent form, and why in words.

    ``perfect``: True, False, or None (the numerical search could not decide).
    ``behaviour``: the completed profile judged (information set → action probabilities).
    ``trembles``: when perfect, completely mixed behaviour against which it is a best reply.
    ``failure``: when not, (player, where, kept action, better action) of the move a tremble
    punishes; ``reason`` says it in a sentence.
    """

    perfect: bool | None
    behaviour: dict
    trembles: dict | None
    failure: tuple[str, str, str, str] | None
    reason: str


def check_size(tree: GameTree) -> None:
    """Refuse (InputError, one line) a tree too large for the agent-form search."""
    nodes = sum(1 for _ in walk(tree.root))
    sets = len(information_sets(tree))
    if nodes > MAX_AGENT_FORM_NODES or sets > MAX_AGENT_FORM_INFOSETS:
        raise InputError(
            f"game '{clip(tree.title, 40)}': agent-form perfection is checked for trees with at most "
            f"{MAX_AGENT_FORM_NODES} nodes and {MAX_AGENT_FORM_INFOSETS} information sets; this one has "
            f"{nodes} nodes and {sets}"
        )


@dataclass(frozen=True)
class _Flat:
    """The tree as arrays in prefix order, for fast repeated evaluation."""

    parent: tuple[int, ...]
    action: tuple[int, ...]  # index of the action leading to the node (from its parent)
    agent: tuple[int, ...]  # information set index of a decision node, -1 otherwise
    chance: tuple[tuple[float, ...] | None, ...]
    payoffs: tuple[tuple[float, ...] | None, ...]
    children: tuple[tuple[int, ...], ...]
    owner: tuple[int, ...]  # player of each agent
    members: tuple[tuple[int, ...], ...]  # node indices of each agent


def _flatten(tree: GameTree, sets: tuple[InfoSet, ...]) -> _Flat:
    index = {h.ident: a for a, h in enumerate(sets)}
    ids: dict = {}
    parent, action, agent, chance, payoffs, children = [], [], [], [], [], []
    for path, node in walk(tree.root):
        ids[path] = len(parent)
        parent.append(ids[path[:-1]] if path else -1)
        action.append(path[-1] if path else -1)
        agent.append(index[(node.player, infoset_key(node, path))] if isinstance(node, Decision) else -1)
        chance.append(tuple(float(p) for p in node.probabilities) if isinstance(node, Chance) else None)
        payoffs.append(tuple(float(v) for v in node.payoffs) if isinstance(node, Terminal) else None)
        children.append([])
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    members = [[] for _ in sets]
    for i, a in enumerate(agent):
        if a >= 0:
            members[a].append(i)
    return _Flat(tuple(parent), tuple(action), tuple(agent), tuple(chance), tuple(payoffs),
                 tuple(tuple(c) for c in children), tuple(h.player for h in sets), tuple(tuple(m) for m in members))


def _evaluate(flat: _Flat, n_players: int, profile) -> tuple[np.ndarray, np.ndarray]:
    """Reach probability and expected payoff vector of every node under a behaviour profile."""
    n = len(flat.parent)
    reach = np.zeros(n)
    reach[0] = 1.0
    for i in range(1, n):
        p = flat.parent[i]
        probs = flat.chance[p] if flat.agent[p] < 0 else profile[flat.agent[p]]
        reach[i] = reach[p] * probs[flat.action[i]]
    value = np.zeros((n, n_players))
    for i in range(n - 1, -1, -1):
        if flat.payoffs[i] is not None:
            value[i] = flat.payoffs[i]
            continue
        probs = flat.chance[i] if flat.agent[i] < 0 else profile[flat.agent[i]]
        value[i] = sum(q * value[c] for q, c in zip(probs, flat.children[i]))
    return reach, value


def _agent_form(flat: _Flat, n_players: int, scale: float):
    """The agent form's payoff functions for `games.trembling_hand`: each agent's action
    values, and each condition's difference with magnitude (reach of the information set ×
    payoff scale, so a comparison at a set reached only through several tiny mistakes is
    judged as the conditional comparison it is)."""

    def values(profile):
        reach, value = _evaluate(flat, n_players, profile)
        out = []
        for a, nodes in enumerate(flat.members):
            me = flat.owner[a]
            k = len(flat.children[nodes[0]])
            out.append(np.array([sum(reach[x] * value[flat.children[x][j], me] for x in nodes) for j in range(k)]))
        return out

    def differences(profile, conditions):
        reach, value = _evaluate(flat, n_players, profile)
        D, M = [], []
        for a, kept, rival in conditions:
            me, nodes = flat.owner[a], flat.members[a]
            D.append(sum(reach[x] * (value[flat.children[x][kept], me] - value[flat.children[x][rival], me])
                         for x in nodes))
            M.append(sum(reach[x] for x in nodes) * scale)
        return D, M

    return values, differences


def agent_form_perfect(tree: GameTree, behaviour: dict) -> AgentFormVerdict:
    """Is the equilibrium behaviour profile perfect in the agent form? (numerically)

    ``behaviour`` maps each information set's (player, key) to its action probabilities,
    or None where the player's own earlier moves rule the set out (then each pure move is
    tried there). Raises InputError when the tree is above the size limit (`check_size`)
    and ValueError when the profile is not an equilibrium of the agent form.
    """
    from games.backward_induction import tie_tolerances
    from games.tree import max_abs_payoff
    from games.trembling_hand import tremble_test

    check_size(tree)
    sets = information_sets(tree)
    flat = _flatten(tree, sets)
    scale = max(1.0, max_abs_payoff(tree))
    values, differences = _agent_form(flat, tree.n_players, scale)
    tie = 10 * float(max(tie_tolerances(tree))) + 1e-9 * scale
    open_sets = [a for a, h in enumerate(sets) if behaviour.get(h.ident) is None]
    choices = [range(len(sets[a].actions)) for a in open_sets]
    first_failure = None
    undecided = None
    for combo in itertools.islice(itertools.product(*choices), MAX_COMPLETIONS):
        sigma = []
        for a, h in enumerate(sets):
            probs = behaviour.get(h.ident)
            if probs is None:
                probs = np.eye(len(h.actions))[combo[open_sets.index(a)]]
            sigma.append(np.asarray(probs, dtype=float))
        completed = {h.ident: tuple(float(v) for v in s) for h, s in zip(sets, sigma)}
        try:
            test = tremble_test(sigma, values, differences, tie)
        except ValueError:
            continue  # this completion is not an equilibrium of the agent form
        if test.perfect:
            trembles = None if test.trembles is None else {h.ident: t for h, t in zip(sets, test.trembles)}
            return AgentFormVerdict(True, completed, trembles, None, _perfect_reason(test.strict))
        if test.perfect is None and undecided is None:
            undecided = (completed, test)
        if first_failure is None:
            first_failure = (completed, test)
    if first_failure is None:
        raise ValueError(f"game '{tree.title}': the profile is not an equilibrium of the agent form")
    completed, test = undecided or first_failure
    failure, reason = _failure_words(tree, sets, test)
    lead = "Not perfect in the agent form" if test.perfect is False else "Agent-form perfection undecided (the two tremble sizes disagree)"
    return AgentFormVerdict(test.perfect, completed, None, failure, f"{lead}: {reason} {_HOW}")


_HOW = "(numerical: trembles searched at ε = 0.01 and 0.001, see docs/beyond-nash.md)."


def _perfect_reason(strict: bool) -> str:
    if strict:
        return ("Perfect in the agent form: every move is the mover's only best reply where it is made, so no "
                "small mistake anywhere changes it.")
    return ("Perfect in the agent form: even if every player errs with small independent probabilities at every "
            f"information set, each move stays a best reply where it is made {_HOW}")


def _where(tree: GameTree, h: InfoSet) -> str:
    from games.reduced_form import describe_infoset

    where = describe_infoset(tree, h)
    return f"after {where}" if where else "at the start"


def _failure_words(tree: GameTree, sets, test) -> tuple[tuple[str, str, str, str], str]:
    f = test.failure
    h = sets[f.agent]
    who, where = tree.players[h.player], _where(tree, h)
    kept, better = h.actions[f.kept], h.actions[f.better]
    if f.tremble is not None:
        g = sets[f.tremble[0]]
        mistake = (f"if {tree.players[g.player]} mistakenly plays {g.actions[f.tremble[1]]} {_where(tree, g)}, "
                   f"{better} pays {who} more than {kept}")
    else:
        mistake = f"once mistakes bring play there, {better} pays {who} more than {kept}"
    reason = (f"{who}'s {kept} {where} is a best reply only if nobody ever errs — {mistake}, so a "
              "trembling hand punishes it")
    return (who, where, kept, better), reason
