"""Backward induction against an independent brute force, on awkward numbers.

The oracle below shares no code with `games.solvers.backward_induction`: it lists every pure plan
(one action at every decision node), computes each node's value by recursion in exact
Fractions, and keeps the plans with no profitable one-shot deviation at any node (the
one-shot deviation principle makes that subgame perfection). Payoffs are decimals that are
not binary fractions (0.1, -3.6), thirds, huge numbers (1e100) and chance nodes with
p = 1/3 — the numbers on which a mixed exact/float comparison loses equilibria.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from games.solvers.backward_induction import spe_table, subgame_perfect, subgame_perfect_equilibria
from games.formats.efg import parse_efg, to_efg
from games.forms.tree import Chance, Decision, GameTree, Terminal, information_sets, walk

AWKWARD = [
    Fraction(1, 10), Fraction(2, 10), Fraction(0), Fraction(-36, 10), Fraction(5, 3), Fraction(1, 3),
    Fraction(10) ** 100, -Fraction(10) ** 100, Fraction(7, 10), Fraction(3, 10), Fraction(1),
]


# ------------------------------------------------------------------ the oracle
def _decision_paths(node, path=()):
    if isinstance(node, Terminal):
        return []
    here = [(path, node)] if isinstance(node, Decision) else []
    for k, child in enumerate(node.children):
        here += _decision_paths(child, path + (k,))
    return here


def _value(node, path, plan, n):
    if isinstance(node, Terminal):
        return tuple(Fraction(v) for v in node.payoffs)
    if isinstance(node, Chance):
        total = [Fraction(0)] * n
        for k, (p, child) in enumerate(zip(node.probabilities, node.children)):
            v = _value(child, path + (k,), plan, n)
            total = [t + Fraction(p) * x for t, x in zip(total, v)]
        return tuple(total)
    k = plan[path]
    return _value(node.children[k], path + (k,), plan, n)


def oracle_spe(tree: GameTree) -> set[tuple[tuple[tuple, int], ...]]:
    """Every pure subgame-perfect plan, as sorted ((path, action), ...), by brute force."""
    nodes = _decision_paths(tree.root)
    found = set()
    for choice in product(*[range(len(node.actions)) for _, node in nodes]):
        plan = {path: k for (path, _), k in zip(nodes, choice)}
        ok = True
        for path, node in nodes:
            me = node.player
            options = [_value(c, path + (k,), plan, tree.n_players)[me] for k, c in enumerate(node.children)]
            if max(options) > options[plan[path]]:
                ok = False
                break
        if ok:
            found.add(tuple(sorted(plan.items())))
    return found


def _as_paths(tree, eq):
    """A tradegame SPE as sorted ((path, action), ...): perfect information, one node per set."""
    where = {h.ident: h.paths for h in information_sets(tree)}
    out = []
    for ident, k in eq.choices:
        (path,) = where[ident]
        out.append((path, k))
    return tuple(sorted(out))


# ------------------------------------------------------------------ random trees
@st.composite
def trees(draw, numbers=st.sampled_from(AWKWARD), max_depth=3, chance=True):
    n = draw(st.integers(1, 3))
    budget = [7]  # decision nodes, so the brute force stays small

    def node(depth):
        kinds = ["leaf"] if depth >= max_depth or budget[0] <= 0 else ["leaf", "move", "move"] + (["chance"] if chance else [])
        kind = draw(st.sampled_from(kinds)) if depth else ("move" if budget[0] > 0 else "leaf")
        if kind == "leaf":
            return Terminal(tuple(draw(numbers) for _ in range(n)))
        width = draw(st.integers(2, 3))
        if kind == "chance":
            probs = draw(st.sampled_from([(Fraction(1, 3), Fraction(2, 3)), (Fraction(1, 10), Fraction(9, 10))]
                                         if width == 2 else [(Fraction(1, 3),) * 3]))
            return Chance(tuple(f"c{k}" for k in range(width)), probs, tuple(node(depth + 1) for _ in range(width)))
        budget[0] -= 1
        player = draw(st.integers(0, n - 1))
        return Decision(player, tuple(f"a{k}" for k in range(width)), tuple(node(depth + 1) for _ in range(width)))

    return GameTree("random", tuple(f"P{i + 1}" for i in range(n)), node(0))


def _check(tree):
    expected = oracle_spe(tree)
    result = subgame_perfect(tree, limit=10_000)
    assert result.count == len(expected)
    assert {_as_paths(tree, eq) for eq in result.equilibria} == expected
    return result


@settings(max_examples=150, deadline=None)
@given(trees())
@example(GameTree("spe0", ("P1",), Decision(0, ("a", "b"), (Terminal((Fraction(1, 10),)), Terminal((Fraction(0),))))))
def test_exact_trees_match_the_brute_force(tree):
    _check(tree)


@settings(max_examples=60, deadline=None)
@given(trees())
def test_trees_written_to_efg_and_read_back_match_the_brute_force(tree):
    back = parse_efg(to_efg(tree))
    _check(back)


@settings(max_examples=60, deadline=None)
@given(trees(numbers=st.sampled_from([0.1, 0.2, 0.0, -3.6, 5 / 3, 0.3, 0.7]), chance=False))
def test_float_trees_match_the_brute_force_on_their_exact_values(tree):
    # Without chance nodes, float payoffs are compared as given: Fraction(float) is exact, so
    # the brute force sees the same numbers; distinct floats here differ by far more than the tolerance.
    _check(tree)


def test_one_move_with_a_tenth_has_its_equilibrium():
    # the issue's spe0.efg: one move of player 1 with outcomes {0.1, 0} and {0, 0}
    text = (
        'EFG 2 R "spe0" { "P1" "P2" }\n'
        'p "" 1 1 "" { "a" "b" } 0\n'
        't "" 1 "x" { 0.1 0 }\n'
        't "" 2 "y" { 0 0 }\n'
    )
    (eq,) = subgame_perfect_equilibria(parse_efg(text))
    assert eq.payoffs == (0.1, 0.0)
    result = subgame_perfect(parse_efg(text))
    assert result.complete and result.count == 1


def test_ties_are_counted_exactly_without_listing():
    # twelve independent subgames of three tied actions behind a chance node: 3**12 plans
    sub = tuple(Decision(0, ("a", "b", "c"), (Terminal((1,)),) * 3) for _ in range(12))
    tree = GameTree("ties", ("Solo",), Chance(tuple(f"s{k}" for k in range(12)), (Fraction(1, 12),) * 12, sub))
    result = subgame_perfect(tree, limit=5)
    assert result.count == 3 ** 12
    assert len(result.equilibria) == 5 and not result.all_pure_listed
    assert result.outcomes == ((1.0,),)
    assert not result.complete and result.has_mixed
    with pytest.raises(Exception, match="531,441 subgame-perfect equilibria"):
        subgame_perfect_equilibria(tree)


def test_sharing_game_counts_pure_plans_and_flags_the_tie():
    # Shoham and Leyton-Brown, Figure 5.1: offers 2-0, 1-1, 0-2; player 2 accepts or rejects.
    # After 2-0 player 2 is indifferent (0 either way), so its choice there is free.
    offers = ((2, 0), (1, 1), (0, 2))
    kids = tuple(Decision(1, ("yes", "no"), (Terminal(o), Terminal((0, 0)))) for o in offers)
    tree = GameTree("sharing", ("1", "2"), Decision(0, ("2-0", "1-1", "0-2"), kids))
    result = subgame_perfect(tree)
    # yes after 2-0 -> 1 offers 2-0; no after 2-0 -> 1 offers 1-1 (yes after 1-1 and 0-2 forced)
    assert result.count == 2 and result.outcomes == ((1.0, 1.0), (2.0, 0.0))
    assert result.tie_paths == ((0,),) and not result.complete


def test_tie_heavy_tree_is_counted_fast():
    # a 3-player binary tree of depth 9 (1,023 nodes) with payoffs in {0, 1/3, 2/3, 1}: huge tie counts
    vals = [Fraction(0), Fraction(1, 3), Fraction(2, 3), Fraction(1)]
    counter = [0]

    def build(depth):
        counter[0] += 1
        if depth == 9:
            c = counter[0]
            return Terminal((vals[c % 4], vals[(c // 4) % 4], vals[(c // 16) % 4]))
        return Decision(depth % 3, ("l", "r"), (build(depth + 1), build(depth + 1)))

    tree = GameTree("ties", ("A", "B", "C"), build(0))
    tables, ties, exact = spe_table(tree)
    assert exact and tables[()].total > 10_000 and ties
    result = subgame_perfect(tree)
    assert len(result.equilibria) == 20


@pytest.mark.parametrize("scenario", ["baseline", "controls-2023", "escalation-2025", "stockholm-2025"])
@pytest.mark.parametrize("build", ["us_first", "china_first", "snapback"])
def test_built_in_trees_written_to_efg_and_read_back_keep_their_equilibria(scenario, build):
    from games.trade import trees as trade_trees
    from games.model.scenarios import builtin

    tree = getattr(trade_trees, build)(builtin(scenario).parameters)
    back = parse_efg(to_efg(tree))
    before = subgame_perfect(tree, limit=10_000)
    after = subgame_perfect(back, limit=10_000)
    assert before.count == after.count >= 1
    assert [_as_paths(tree, eq) for eq in before.equilibria] == [_as_paths(back, eq) for eq in after.equilibria]
    for a, b in zip(before.equilibria, after.equilibria):
        assert a.payoffs == pytest.approx(b.payoffs, abs=1e-12)
    # and the read-back (exact) tree agrees with the brute force
    assert {_as_paths(back, eq) for eq in after.equilibria} == oracle_spe(back)


@settings(max_examples=60, deadline=None)
@given(trees())
def test_reduced_strategies_are_counted_as_they_are_listed(tree):
    from games.forms.reduced_form import _player_plans, reduced_shape

    assert reduced_shape(tree) == tuple(len(_player_plans(tree, i)) for i in range(tree.n_players))


def test_a_tie_heavy_three_player_tree_answers_with_a_count(tmp_path):
    # 511 nodes, payoffs in thirds: ~3e18 subgame-perfect plans; counted, 20 listed, normal form skipped
    import random

    from typer.testing import CliRunner

    from cli.app import app

    rng = random.Random(1)
    vals = [Fraction(k, 3) for k in range(4)]

    def build(d):
        if d == 8:
            return Terminal(tuple(rng.choice(vals) for _ in range(3)))
        return Decision(d % 3, ("l", "r"), (build(d + 1), build(d + 1)))

    path = tmp_path / "big.efg"
    tree = GameTree("big", ("A", "B", "C"), build(0))
    path.write_text(to_efg(tree))
    result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["count"] == spe_table(tree)[0][()].total > 10**15
    assert len(data["equilibria"]) == 20 and data["complete"] is False
    assert data["nash_equilibria"] == []


def test_a_chain_as_deep_as_allowed_is_listed():
    # 390 moves in a row (the tree limit is 400): listing goes three generator frames a level
    node = Terminal((Fraction(1),))
    for d in range(390):
        node = Decision(0, ("stop", "go"), (Terminal((Fraction(d % 3, 3),)), node))
    result = subgame_perfect(GameTree("chain", ("Solo",), node))
    assert result.count >= 1 and len(result.equilibria) == min(result.count, 20)
    assert all(eq.payoffs == (1.0,) for eq in result.equilibria)  # going on to the end pays 1, the most


# ------------------------------------------------------------------ the issue's tie trees
def _thirds_tree(nodes: int, seed: int) -> GameTree:
    """A perfect-information tree of exactly ``nodes`` nodes, three players, payoffs in thirds:
    leaves are split into two or three children at random until the size is reached."""
    import random

    rng = random.Random(seed)
    children: dict[tuple, int] = {}
    leaves, count = [()], 1
    while count < nodes:
        width = 2 if nodes - count in (2, 4) else rng.choice([2, 3])  # never overshoot the size
        path = leaves.pop(rng.randrange(len(leaves)))
        children[path] = width
        leaves += [path + (k,) for k in range(width)]
        count += width
    thirds = [Fraction(k, 3) for k in range(4)]

    def build(path):
        if path not in children:
            return Terminal(tuple(rng.choice(thirds) for _ in range(3)))
        kids = tuple(build(path + (k,)) for k in range(children[path]))
        return Decision(rng.randrange(3), tuple(f"a{k}" for k in range(len(kids))), kids)

    return GameTree("thirds", ("A", "B", "C"), build(())), count


def _count_by_combinations(node) -> dict:
    """Payoff vector -> number of pure SPE plans, by every combination of the children's
    distinct values (no sorting, no division: shares nothing with `spe_table`)."""
    if isinstance(node, Terminal):
        return {tuple(Fraction(v) for v in node.payoffs): 1}
    tables = [_count_by_combinations(c) for c in node.children]
    out: dict = {}
    for combo in product(*(list(t.items()) for t in tables)):
        ways = 1
        for _, c in combo:
            ways *= c
        best = max(v[node.player] for v, _ in combo)
        for v, _ in combo:
            if v[node.player] == best:
                out[v] = out.get(v, 0) + ways
    return out


@pytest.mark.parametrize("nodes, seed", [(65, 17), (202, 17)])
def test_the_issues_three_player_thirds_trees_answer_with_an_exact_count(nodes, seed, tmp_path):
    # issue 17: such trees ran out of time (65 nodes) or memory (202 nodes); they must answer
    # at once under the suite's memory cap and time limit, with the exact count as an integer
    import json

    from tests.hostile_worker import run_batch
    from tests.test_bounded_work import MEMORY_MB, SECONDS

    tree, size = _thirds_tree(nodes, seed)
    assert size == nodes and sum(1 for _ in walk(tree.root)) == nodes
    expected = sum(_count_by_combinations(tree.root).values())
    case = {"name": f"thirds-{nodes}", "files": {"t.efg": to_efg(tree)},
            "args": ["solve", "--format", "json", "t.efg"], "keep_stdout": True}
    batch = run_batch([case], MEMORY_MB, SECONDS)
    assert not batch.died_on and len(batch.results) == 1
    result = batch.results[0]
    assert result["code"] == 0, result["stderr"]
    data = json.loads(result["stdout"])
    assert isinstance(data["count"], int) and data["count"] == expected > 20
    assert len(data["equilibria"]) == 20 and data["complete"] is False
