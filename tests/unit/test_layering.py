"""Data flows one way: graphs → agents → tools → domain. These tests keep it that way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
FORBIDDEN: dict[str, set[str]] = {
    "domain": {"tools", "agents", "graphs", "prompts", "cli", "shopdata"},
    "tools": {"agents", "graphs", "cli"},
    "prompts": {"tools", "agents", "graphs", "cli"},
    "shopdata": {"agents", "graphs", "cli"},
    "agents": {"cli", "campaign"},
    "campaign": {"cli"},
    "graphs": {"cli", "campaign"},
    # The HTTP service sits beside the CLI: it may use everything below it, nothing below may use it.
    "service": {"cli"},
}
for _lower in ("domain", "tools", "prompts", "shopdata", "agents", "campaign", "graphs"):
    FORBIDDEN[_lower].add("service")
# Agents are nodes typed against the graph's state and context schemas; nothing else from graphs/.
ALLOWED_EXCEPTIONS = {("agents", "graphs.state"), ("agents", "graphs.context"), ("agents", "graphs.chat_state")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[package] and (package, module) not in ALLOWED_EXCEPTIONS:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []
