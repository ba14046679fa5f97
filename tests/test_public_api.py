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
    names = set(PACKAGES)
    for pkg in PACKAGES:
        names |= {m.name for m in pkgutil.iter_modules([str(ROOT / pkg)])}
    return names


def _public_definitions() -> list[tuple[str, str]]:
    out = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    if not node.name.startswith("_"):
                        out.append((f"{pkg}/{path.name}", node.name))
    return out


def test_no_public_function_or_class_shares_its_name_with_a_module():
    modules = _module_names()
    clashes = [f"{where}: {name}" for where, name in _public_definitions() if name in modules]
    assert not clashes, clashes


def test_exports_are_not_shadowed_by_submodules_whatever_the_import_order():
    # Import every submodule first, as a long session would, then every export.
    code = (
        "import importlib, pkgutil, types, games\n"
        "for m in pkgutil.iter_modules(games.__path__):\n"
        "    importlib.import_module('games.' + m.name)\n"
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
