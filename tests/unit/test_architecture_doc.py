"""docs/architecture.md shows the graphs as they are compiled: its diagrams equal the wiring snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("snapshot", ["promotion_graph.mmd", "chat_graph.mmd"])
def test_the_architecture_page_draws_the_compiled_graph(snapshot: str) -> None:
    lines = (SNAPSHOTS / snapshot).read_text(encoding="utf-8").splitlines()
    drawn = "\n".join(line for line in lines[lines.index("graph TD;") :] if line.strip())
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert drawn in page, f"docs/architecture.md: paste the {snapshot} diagram again (the graph changed)"
