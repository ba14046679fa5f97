"""Files far over a limit are refused early: before the rest of the file is tokenized.

The checks here are on *what* is read, not on time: an `.nfg` declaring a game over the
profile limit is refused from its header even when the file ends in junk the tokenizer
would reject; an `.efg` with more than `MAX_NODES` nodes is refused from a count of its
node markers, which must equal the true node count of every tree that parses.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from games.formats.efg import node_markers, parse_efg, to_efg
from games.errors import InputError
from games.formats.nfg import parse_nfg
from games.trade.trees import FORMS
from games.forms.tree import MAX_NODES, walk
from tests.test_hostile_library import efg_tree


def _nodes(tree) -> int:
    return sum(1 for _ in walk(tree.root))


def test_an_oversized_nfg_is_refused_from_its_header():
    text = 'NFG 1 R "big" { "A" "B" } { 3000 3000 }\n' + "1 2 " * 1000 + '"never closed'
    with pytest.raises(InputError, match="too large"):
        parse_nfg(text, "big.nfg")


def test_an_efg_with_a_bad_header_is_refused_before_the_junk_at_its_end():
    text = 'EFG 3 R "x" { "A" }\n' + 't "" 0\n' * 10 + '"never closed'
    with pytest.raises(InputError, match="format version 2"):
        parse_efg(text, "x.efg")


def _chain(n_terminals: int) -> str:
    """A valid tree: a chance node with n equally likely terminal children."""
    actions = " ".join(f'"a{k}" 1/{n_terminals}' for k in range(n_terminals))
    return f'EFG 2 R "wide" {{ "A" }} ""\nc "" 1 "" {{ {actions} }} 0\n' + 't "" 1 "o" { 1 }\n' * n_terminals


def test_an_efg_over_the_node_limit_is_refused_by_the_count():
    text = _chain(MAX_NODES)  # MAX_NODES + 1 nodes
    assert node_markers(text) == MAX_NODES + 1
    with pytest.raises(InputError, match=f"more than {MAX_NODES:,} nodes"):
        parse_efg(text, "wide.efg")


@pytest.mark.parametrize("form", sorted(FORMS))
def test_node_markers_count_the_nodes_of_the_builtin_trees(form):
    tree = FORMS[form]()
    text = to_efg(tree)
    assert node_markers(text) == _nodes(tree) == _nodes(parse_efg(text))


def test_names_that_look_like_node_markers_are_not_counted():
    text = ('EFG 2 R "t p c" { "p" "t" } "c t"\n'
            'p "p t" 1 1 "c" { "t" "p q\\" t" } 0\n'
            't "t" 1 "p" { 1, 2 }\n'
            't "" 2 "c" { 3 4 }\n')
    assert node_markers(text) == 3 == _nodes(parse_efg(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(efg_tree())
def test_node_markers_equal_the_nodes_of_every_tree_that_parses(text):
    try:
        tree = parse_efg(text)
    except InputError:
        return
    assert node_markers(text) == _nodes(tree)
