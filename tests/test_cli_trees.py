"""The tree forms through the real CLI: drawing, DOT, JSON contract, errors."""

from __future__ import annotations

import json

import pytest

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args))


def test_us_first_stockholm_shows_the_deal_on_the_path():
    result = _run("solve", "stockholm-2025", "--game", "us-first")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "└─ Relax * → China" in out
    assert "Supply * → (US 1.5, China 6)  ◀" in out
    assert "Play ends at Relax, Supply" in out
    # prose is wrapped to the output width: compare with whitespace collapsed
    assert "China's reciprocity (Supply after the US relaxes) is credible" in " ".join(out.split())


def test_explain_has_every_section():
    result = _run("explain", "escalation-2025", "--game", "snapback")
    assert result.exit_code == 0, result.output
    for title in ("On the equilibrium path", "Off the path", "Credibility", "The value of moving first"):
        assert title in result.output


def test_json_keeps_the_contract():
    result = _run("solve", "baseline", "--game", "china-first", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    strategies = data["game"]["strategies"]
    assert data["game"]["players"] == ["US", "China"]
    assert len(strategies[1]) == 2 and len(strategies[0]) == 4  # US plans a reply to each China move
    for eq in data["equilibria"]:
        assert [len(p) for p in eq["profile"]] == [len(s) for s in strategies]
        assert len(eq["payoffs"]) == 2 and isinstance(eq["explanation"], str)
        assert eq["path"][0]["player"] == "China"
    assert data["path"] == data["equilibria"][0]["path"]
    assert any(not n["subgame_perfect"] for n in data["nash_equilibria"])


def test_dot_output_is_a_digraph():
    result = _run("solve", "stockholm-2025", "--game", "snapback", "--format", "dot")
    assert result.exit_code == 0, result.output
    assert result.output.startswith('digraph "')
    assert result.output.count("->") == 10  # 11 nodes, 10 edges
    assert "penwidth=2.5" in result.output


def test_unused_option_is_exit_2():
    result = _run("solve", "baseline", "--game", "us-first", "--rounds", "3")
    assert result.exit_code == 2
    assert "--rounds" in result.output


def _write(tmp_path, tree, name):
    from games.formats.efg import to_efg

    path = tmp_path / name
    path.write_text(to_efg(tree))
    return str(path)


def test_efg_file_with_perfect_information_is_solved_by_backward_induction(tmp_path):
    from tests.tree_games import entry_deterrence

    result = _run("explain", _write(tmp_path, entry_deterrence(), "entry.efg"))
    assert result.exit_code == 0, result.output
    assert "Enter * → Incumbent" in result.output and "Accommodate * → (Entrant 1, Incumbent 1)  ◀" in result.output
    assert "Fight after Enter" in result.output and "not credible" in result.output


def test_efg_file_with_imperfect_information_json(tmp_path):
    from tests.tree_games import hidden_pennies

    result = _run("solve", _write(tmp_path, hidden_pennies(), "pennies.efg"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["perfect_information"] is False
    (eq,) = data["equilibria"]
    assert eq["profile"] == [[0.5, 0.5], [0.5, 0.5]]
    assert [b["probabilities"] for b in eq["behaviour"]] == [[0.5, 0.5], [0.5, 0.5]]


def test_tree_too_large_to_enumerate_and_without_pure_equilibrium_still_gets_one(tmp_path):
    from tests.tree_games import pennies_in_states

    # Row's 64 reduced strategies and Column's 2 are beyond vertex enumeration (40 in all)
    # and no profile is a pure equilibrium: the fallback must still report an equilibrium
    # (it used to report none), here by Lemke–Howson, checked against the known answer.
    result = _run("solve", _write(tmp_path, pennies_in_states(6), "states.efg"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [len(s) for s in data["game"]["strategies"]] == [64, 2]
    assert data["complete"] is False and "too large to list every equilibrium" in data["note"]
    assert data["equilibria"]
    for eq in data["equilibria"]:
        assert eq["payoffs"] == pytest.approx([0.0, 0.0], abs=1e-9)
        (column,) = [b["probabilities"] for b in eq["behaviour"] if b["player"] == "Column"]
        assert column == pytest.approx([0.5, 0.5])
        row_h = [b["probabilities"][0] for b in eq["behaviour"] if b["player"] == "Row"]
        assert len(row_h) == 6 and sum(row_h) / 6 == pytest.approx(0.5)


def test_three_player_tree_beyond_polynomial_enumeration_lists_its_pure_equilibria(tmp_path):
    from tests.tree_games import three_way_meeting

    # 4×4×4 reduced normal form: Σ(strategies − 1) = 9, beyond polynomial support
    # enumeration; like a two-player tree beyond vertex enumeration it gets every pure
    # equilibrium (it used to get the logit path's one): 4 meetings and 4·3·2 scatterings.
    result = _run("solve", _write(tmp_path, three_way_meeting(4), "meeting.efg"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["method"] == "pure" and data["complete"] is False
    payoffs = sorted(tuple(eq["payoffs"]) for eq in data["equilibria"])
    assert payoffs == [(0.0, 0.0, 0.0)] * 24 + [(1.0, 1.0, 1.0)] * 4


def test_malformed_efg_is_exit_2_with_the_file_named(tmp_path):
    path = tmp_path / "broken.efg"
    path.write_text('EFG 2 R "x" { "A" } p "" 1 1 "" { "a" "b" } 0 t "" 0')
    result = _run("solve", str(path))
    assert result.exit_code == 2
    assert "broken.efg: expected a node type" in result.output


def test_large_normal_form_still_reports_every_spe(tmp_path):
    from tests.tree_games import ultimatum

    # 11 offers: the responder has 2**11 reduced strategies, too many to enumerate equilibria
    result = _run("solve", _write(tmp_path, ultimatum(10), "ultimatum10.efg"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(tuple(eq["payoffs"]) for eq in data["equilibria"]) == [(9.0, 1.0), (10.0, 0.0)]
    assert data["nash_equilibria"] == [] and "not solved" in data["note"]


def test_dot_joins_an_information_set_with_a_dotted_line(tmp_path):
    from tests.tree_games import seltens_horse

    result = _run("solve", _write(tmp_path, seltens_horse(), "horse.efg"), "--format", "dot")
    assert result.exit_code == 0, result.output
    # player 3's two nodes (after C → d, and after D) share one information set
    assert result.output.count("style=dotted, dir=none") == 1
    assert result.output.count("shape=box") == 5


# ------------------------------------------------------------------ DOT syntax
_DOT_TOKEN = r'\s*(?:("(?:[^"\\]|\\.)*")|(->)|([{}\[\];,=])|([A-Za-z_][A-Za-z0-9_.]*|-?[0-9.]+))'


def _dot_statements(text: str) -> tuple[str, list[list[str]]]:
    """A small parser for the DOT subset tradegame writes; fails on anything else.

    Grammar: ``digraph ID { stmt* }`` with stmt one of ``ID = ID ;``, ``ID [a=v, …] ;``
    or ``ID -> ID [a=v, …] ;`` (``node`` / ``edge`` defaults included), IDs plain or quoted.
    """
    import re

    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = re.compile(_DOT_TOKEN, re.S).match(text, pos)
        assert m and m.end() > pos, f"not DOT at offset {pos}: {text[pos:pos + 30]!r}"
        tokens.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    assert tokens[:1] == ["digraph"] and tokens[2] == "{" and tokens[-1] == "}", tokens[:3]

    def is_id(tok):
        return tok[0] == '"' or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*|-?[0-9.]+", tok) is not None

    assert is_id(tokens[1])
    body, stmts, i = tokens[3:-1], [], 0
    while i < len(body):
        j = body.index(";", i)
        stmt = body[i:j]
        if "[" in stmt:
            head, attrs = stmt[: stmt.index("[")], stmt[stmt.index("[") + 1:]
            assert attrs[-1] == "]", stmt
            inner = attrs[:-1]  # a=v, a=v, …: tokens in groups of four, the last without ','
            for k in range(0, len(inner), 4):
                a = inner[k:k + 4]
                assert is_id(a[0]) and a[1] == "=" and is_id(a[2]), (stmt, a)
                assert a[3:] in ([], [","]) and (a[3:] == []) == (k + 3 >= len(inner)), (stmt, a)
        else:
            head = stmt
        ok = (
            (len(head) == 3 and head[1] == "=" and is_id(head[0]) and is_id(head[2]))
            or (len(head) == 1 and is_id(head[0]))
            or (len(head) == 3 and head[1] == "->" and is_id(head[0]) and is_id(head[2]))
        )
        assert ok, stmt
        stmts.append(stmt)
        i = j + 1
    return tokens[1], stmts


def _unquote(tok: str) -> str:
    """A quoted DOT label as Graphviz shows it: \\n a line break, \\X the character X."""
    import re

    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), tok[1:-1], flags=re.S)


def test_dot_is_valid_graphviz_even_with_quotes_and_backslashes_in_names(tmp_path):
    import shutil
    import subprocess
    from fractions import Fraction

    from games.forms.tree import Chance, Decision, GameTree, Terminal

    tree = GameTree(
        'A "quoted" title \\ with {braces}',
        ('Ann "A"', "Bo\\"),
        Decision(0, ('x"', "y\\", "<z>"), (
            Terminal((1, 2)),
            Chance(("1/2", "1/2"), (Fraction(1, 2), Fraction(1, 2)), (Terminal((0, 0)), Terminal((1, 1)))),
            Terminal((3, -1)),
        )),
    )
    for args in (("solve", _write(tmp_path, tree, "odd.efg")), ("solve", "stockholm-2025", "--game", "snapback")):
        result = _run(*args, "--format", "dot")
        assert result.exit_code == 0, result.output
        name, stmts = _dot_statements(result.output)
        labels = [_unquote(s[s.index("label") + 2]) for s in stmts if "label" in s and "[" in s]
        if args[1].endswith("odd.efg"):
            assert _unquote(name) == tree.title
            # the names come back intact from the quoted labels: nothing swallowed by escapes
            assert "Ann \"A\" 3\nBo\\ -1" in labels and 'x"' in labels and "y\\" in labels
        if shutil.which("dot"):  # Graphviz itself, where installed
            run = subprocess.run(["dot", "-Tsvg"], input=result.output, capture_output=True, text=True)
            assert run.returncode == 0 and not run.stderr, run.stderr


def test_agent_form_perfection_in_json_and_explain(tmp_path):
    # Selten's horse (1975): (C, c, R) perfect, (D, c, L) not (hand answers in test_agent_form)
    from tests.tree_games import seltens_horse_1975, tied_follower

    path = _write(tmp_path, seltens_horse_1975(), "horse.efg")
    data = json.loads(_run("solve", path, "--format", "json").output)
    verdicts = {tuple(tuple(p) for p in e["profile"]): e["agent_form_perfect"] for e in data["equilibria"]}
    assert verdicts[((1.0, 0.0), (1.0, 0.0), (0.0, 1.0))] is True
    assert verdicts[((0.0, 1.0), (1.0, 0.0), (1.0, 0.0))] is False
    assert all("profile" in e and "payoffs" in e and "agent_form_reason" in e for e in data["equilibria"])
    # a perfect-information tree: the subgame-perfect (B, C) relies on 2 never slipping to D
    result = _run("explain", _write(tmp_path, tied_follower(), "tied.efg"))
    assert result.exit_code == 0, result.output
    assert "Trembles: which subgame-perfect equilibria are perfect in the agent form" in result.output
    data = json.loads(_run("solve", _write(tmp_path, tied_follower(), "tied.efg"), "--format", "json").output)
    assert sorted(e["agent_form_perfect"] for e in data["equilibria"]) == [False, True, True]


def test_agent_form_is_not_searched_above_the_size_limit(tmp_path):
    from games.solvers.agent_form_perfection import MAX_AGENT_FORM_INFOSETS
    from tests.tree_games import many_ties

    path = _write(tmp_path, many_ties(MAX_AGENT_FORM_INFOSETS + 1), "ties.efg")
    data = json.loads(_run("solve", path, "--format", "json").output)
    entry = data["equilibria"][0]
    assert entry["agent_form_perfect"] is None and "at most 400 nodes" in entry["agent_form_reason"]


def test_a_tree_in_tiny_units_does_not_read_as_all_zeros(tmp_path):
    """Leaves and equilibrium payoffs of a few 1e-9 keep their digits (they once read 0 everywhere)."""
    from typer.testing import CliRunner

    from cli.app import app

    path = tmp_path / "tiny.efg"
    path.write_text('EFG 2 R "Tiny entry" { "Entrant" "Incumbent" }\n""\n'
                    'p "" 1 1 "" { "Out" "In" } 0\nt "" 1 "" { 0, 2e-9 }\n'
                    'p "" 2 1 "" { "Fight" "Accommodate" } 0\nt "" 2 "" { -1e-9, -1e-9 }\nt "" 3 "" { 1e-9, 1e-9 }\n')
    r = CliRunner().invoke(app, ["solve", str(path)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.stdout.split())
    assert "Out → (Entrant 0, Incumbent 2e-09)" in text
    assert "(Entrant -1e-09, Incumbent -1e-09)" in text
    assert "Accommodate if In — payoffs: Entrant 1e-09, Incumbent 1e-09" in text
