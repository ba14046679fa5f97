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
other agents' mixtures, so the numerical tremble search of `games.solvers.trembling_hand` applies
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
from games.forms.tree import Chance, Decision, GameTree, InfoSet, Terminal, information_sets, infoset_key, walk

#: Largest tree whose agent form is searched.
MAX_AGENT_FORM_NODES = 400
#: ... and most information sets (agents).
MAX_AGENT_FORM_INFOSETS = 24
#: Most completions of unreached-by-own-choice information sets tried.
MAX_COMPLETIONS = 16
#: Stand-in for a chance move of probability 0. Selten's trembles are the players' alone,
#: so a branch that chance never takes would stay unreached under every tremble and any
#: move there would pass as "perfect", though it may lose in its own subgame (Gambit files
#: allow probability 0). Far too small to change any other comparison, it makes moves
#: there be judged as the conditional comparisons they are, as backward induction does.
ZERO_CHANCE = 1e-30


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


class _Flat:
    """The tree as index arrays, evaluated level by level with NumPy (no per-node Python).

    Every edge's probability is one entry of a vector P: chance probabilities first (fixed),
    then each agent's mixture in turn. ``levels`` holds, for each depth from 1 down, the
    nodes at that depth, their parents and the position in P of the edge leading to them.
    """

    def __init__(self, tree: GameTree, sets: tuple[InfoSet, ...]):
        index = {h.ident: a for a, h in enumerate(sets)}
        ids: dict = {}
        nodes = list(walk(tree.root))
        chance_probs: list[float] = []
        chance_at: dict = {}
        for path, node in nodes:
            ids[path] = len(ids)
            if isinstance(node, Chance):
                chance_at[path] = len(chance_probs)
                chance_probs += [float(p) for p in node.probabilities]
        self.sizes = [len(h.actions) for h in sets]
        self.offsets = np.cumsum([len(chance_probs)] + self.sizes[:-1]).astype(int)
        self.fixed = np.array(chance_probs, dtype=float)
        self.fixed[self.fixed == 0] = ZERO_CHANCE  # a branch chance never takes is still judged
        n = len(nodes)
        depth, parent, pos = np.zeros(n, int), np.full(n, -1), np.zeros(n, int)
        self.payoffs = np.zeros((n, tree.n_players))
        self.terminal = np.zeros(n, dtype=bool)
        self.owner = [h.player for h in sets]
        members: list[list[int]] = [[] for _ in sets]
        children: dict[int, list[int]] = {}
        for path, node in nodes:
            i = ids[path]
            depth[i] = len(path)
            if path:
                parent_path = path[:-1]
                par = tree.node(parent_path)
                parent[i] = ids[parent_path]
                children.setdefault(parent[i], []).append(i)
                if isinstance(par, Chance):
                    pos[i] = chance_at[parent_path] + path[-1]
                else:
                    pos[i] = self.offsets[index[(par.player, infoset_key(par, parent_path))]] + path[-1]
            if isinstance(node, Terminal):
                self.terminal[i] = True
                self.payoffs[i] = [float(v) for v in node.payoffs]
            elif isinstance(node, Decision):
                members[index[(node.player, infoset_key(node, path))]].append(i)
        self.n = n
        self.levels = [(np.flatnonzero(depth == d), parent[depth == d], pos[depth == d])
                       for d in range(1, int(depth.max()) + 1)]
        # contributions to agent action values: (agent's flat action slot, node x, child, owner)
        slot, at, child, who = [], [], [], []
        for a, xs in enumerate(members):
            for x in xs:
                for j, c in enumerate(children[x]):
                    slot.append(int(self.offsets[a]) + j - len(chance_probs))
                    at.append(x)
                    child.append(c)
                    who.append(self.owner[a])
        self.slot, self.at, self.child, self.who = (np.array(v, dtype=int) for v in (slot, at, child, who))
        self.members = [np.array(xs, dtype=int) for xs in members]
        self.first_child = {x: children[x] for xs in members for x in xs}

    def evaluate(self, profile) -> tuple[np.ndarray, np.ndarray]:
        """Reach probability and expected payoff vector of every node under a behaviour profile."""
        P = np.concatenate([self.fixed] + [np.asarray(p, dtype=float) for p in profile])
        reach = np.zeros(self.n)
        reach[0] = 1.0
        for idx, par, pos in self.levels:
            reach[idx] = reach[par] * P[pos]
        value = np.where(self.terminal[:, None], self.payoffs, 0.0)
        for idx, par, pos in reversed(self.levels):
            np.add.at(value, par, P[pos][:, None] * value[idx])
        return reach, value

    def action_values(self, profile) -> list[np.ndarray]:
        """Each agent's payoff for each of its actions: Σ over its nodes of reach × value after it."""
        reach, value = self.evaluate(profile)
        flat = np.zeros(sum(self.sizes))
        np.add.at(flat, self.slot, reach[self.at] * value[self.child, self.who])
        return np.split(flat, np.cumsum(self.sizes)[:-1])


def _agent_form(flat: _Flat, scale: float, budget=None):
    """The agent form's payoff functions for `games.solvers.trembling_hand`: each agent's action
    values, and each condition's difference with magnitude (reach of the information set ×
    payoff scale, so a comparison at a set reached only through several tiny mistakes is
    judged as the conditional comparison it is). Each evaluation charges ``budget`` by its
    size (nodes plus the conditions' member nodes, 32 to a unit): with many ties it is the
    search's main cost."""

    cache: dict = {}

    def index(conditions):
        """Per condition's member nodes, flattened: (condition, node, kept child, rival child, owner)."""
        key = tuple(conditions)
        found = cache.get(key)
        if found is None:
            rows = [
                (c, x, flat.first_child[x][kept], flat.first_child[x][rival], flat.owner[a])
                for c, (a, kept, rival) in enumerate(conditions) for x in flat.members[a]
            ]
            found = tuple(np.array(col, dtype=int) for col in zip(*rows)) if rows else (np.zeros(0, int),) * 5
            if len(cache) < 64:
                cache[key] = found
        return found

    def differences(profile, conditions):
        cond, xs, ck, cr, me = index(conditions)
        if budget is not None:
            budget.spend(1 + flat.n + len(xs))
        reach, value = flat.evaluate(profile)
        n = len(conditions)
        D = np.bincount(cond, weights=reach[xs] * (value[ck, me] - value[cr, me]), minlength=n)
        M = np.bincount(cond, weights=reach[xs], minlength=n) * scale
        return D, M

    return flat.action_values, differences


def agent_form_perfect(tree: GameTree, behaviour: dict, budget=None) -> AgentFormVerdict:
    """Is the equilibrium behaviour profile perfect in the agent form? (numerically)

    ``behaviour`` maps each information set's (player, key) to its action probabilities,
    or None where the player's own earlier moves rule the set out (then each pure move is
    tried there). Raises InputError when the tree is above the size limit (`check_size`)
    and ValueError when the profile is not an equilibrium of the agent form; ``budget`` (a
    `games.solvers.trembling_hand.WorkBudget`) bounds the search and raises `BudgetExhausted`.
    """
    from games.solvers.backward_induction import tie_tolerances
    from games.forms.tree import max_abs_payoff
    from games.solvers.trembling_hand import NotEquilibrium, tremble_test

    check_size(tree)
    sets = information_sets(tree)
    scale = max(1.0, max_abs_payoff(tree))
    values, differences = _agent_form(_Flat(tree, sets), scale, budget)
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
            test = tremble_test(sigma, values, differences, tie, budget)
        except NotEquilibrium:
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
    lead = ("Not perfect in the agent form" if test.perfect is False
            else "Agent-form perfection undecided (the two tremble sizes disagree)")
    return AgentFormVerdict(test.perfect, completed, None, failure, f"{lead}: {reason} {_HOW}")


_HOW = "(numerical: trembles searched at ε = 0.01 and 0.001, see docs/beyond-nash.md)."


def _perfect_reason(strict: bool) -> str:
    if strict:
        return ("Perfect in the agent form: every move is the mover's only best reply where it is made, so no "
                "small mistake anywhere changes it.")
    return ("Perfect in the agent form: even if every player errs with small independent probabilities at every "
            f"information set, each move stays a best reply where it is made {_HOW}")


def _where(tree: GameTree, h: InfoSet) -> str:
    from games.forms.reduced_form import describe_infoset

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
