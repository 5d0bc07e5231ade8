"""Imports flow one way, down the layers; a test keeps every package (bench/ and evaluation/ included) there.

domain ← prompts ← tools ← shopdata ← agents ← graphs ← campaign, evaluation ← service ← cli, bench
A package may import only packages on lower layers: never one above it, nor a sibling on its own layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LAYERS: dict[str, int] = {
    "domain": 0,
    "prompts": 1,
    "tools": 2,
    "shopdata": 3,
    "agents": 4,
    "graphs": 5,
    "campaign": 6,
    "evaluation": 6,
    "service": 7,
    "cli": 8,
    "bench": 8,
}


def imported_modules(source: str) -> set[str]:
    """Absolute module names a source file imports (relative imports stay inside their package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def upward_imports(package: str, source: str) -> list[str]:
    """The modules `source` (a file of `package`) imports from its own layer or above."""
    return sorted(
        module
        for module in imported_modules(source)
        if (top := module.split(".")[0]) in LAYERS and top != package and LAYERS[top] >= LAYERS[package]
    )


def test_every_top_level_package_has_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} | {p.parent.name for p in ROOT.glob("bench/*.py")}
    assert packages - {"tests"} <= LAYERS.keys(), f"give each new folder a layer here: {packages - LAYERS.keys()}"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_no_upward_imports(package: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in upward_imports(package, path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("package", "source", "offending"),
    [
        ("agents", "from graphs.batch import run_many\n", ["graphs.batch"]),  # a node reaching the assembly
        ("tools", "import agents.copywriter\n", ["agents.copywriter"]),
        ("campaign", "from evaluation.stats import mean\n", ["evaluation.stats"]),  # siblings stay apart
        ("domain", "if True:\n    from tools.settings import Settings\n", ["tools.settings"]),  # nested too
        ("graphs", "from agents.state import PromotionState\nfrom domain.offer import Campaign\n", []),
    ],
)
def test_a_planted_upward_import_is_caught(package: str, source: str, offending: list[str]) -> None:
    assert upward_imports(package, source) == offending
