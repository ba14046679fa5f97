"""The public names of `games` are what the docs say, however imported, and every Python
example block in README.md and docs/ runs.

A submodule imported along the way becomes an attribute of its package and hides a lazy
export of the same name (``from games import solve`` once gave the module
``games.solve``); so no public function or class may share its name with a module.
"""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("games", "cli")


def _module_names() -> set[str]:
    """Every module and package name under games/ and cli/, subpackages included."""
    names = set(PACKAGES)
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            names.add(path.parent.name if path.name == "__init__.py" else path.stem)
    return names


def _public_definitions() -> list[tuple[str, str]]:
    out = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    if not node.name.startswith("_"):
                        out.append((str(path.relative_to(ROOT)), node.name))
    return out


def test_module_names_include_subpackages():
    names = _module_names()
    assert {"solver", "sweep", "nfg", "spec", "solvers", "model"} <= names


def test_games_top_level_is_subpackages_by_layer():
    """A newcomer finds where a change goes from the folder names: games/ holds packages,
    each with a docstring saying what it is for, and only the shared errors and hints."""
    top = {p.name for p in (ROOT / "games").iterdir() if not p.name.startswith(("_", "."))}
    modules = {n for n in top if n.endswith(".py")}
    assert modules == {"errors.py", "suggestions.py"}, modules
    for pkg in sorted(top - modules):
        init = ROOT / "games" / pkg / "__init__.py"
        assert init.is_file(), pkg
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), pkg


def test_no_public_function_or_class_shares_its_name_with_a_module():
    modules = _module_names()
    clashes = [f"{where}: {name}" for where, name in _public_definitions() if name in modules]
    assert not clashes, clashes


def test_exports_are_not_shadowed_by_submodules_whatever_the_import_order():
    # Import every submodule first, as a long session would, then every export.
    code = (
        "import importlib, pkgutil, types, games\n"
        "for m in pkgutil.walk_packages(games.__path__, 'games.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in games.__all__ if isinstance(getattr(games, n), types.ModuleType)]\n"
        "from games import *\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_readme_import_line_binds_functions():
    import games

    from games import from_bimatrix, load_scenario, simultaneous_game, solve  # noqa: F401

    for name in games.__all__:
        assert not isinstance(getattr(games, name), types.ModuleType), name
    assert callable(solve) and not isinstance(solve, types.ModuleType)


def _python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for i, m in enumerate(re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)):
            blocks.append((f"{path.relative_to(ROOT)}#{i + 1}", m.group(1)))
    return blocks


BLOCKS = _python_blocks()


def test_there_are_python_examples_to_check():
    assert any(name.startswith("README.md") for name, _ in BLOCKS)


@pytest.mark.parametrize("name,code", BLOCKS, ids=[n for n, _ in BLOCKS])
def test_python_example_block_runs(name, code, tmp_path):
    env_path = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": env_path, "MPLBACKEND": "Agg"},
    )
    assert out.returncode == 0, f"{name} failed:\n{out.stderr[-2000:]}"
