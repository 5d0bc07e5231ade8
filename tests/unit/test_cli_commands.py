"""The `promo` command's error paths and offline commands, through typer's runner (no model needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tools.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PROMO_HOME", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_mermaid_prints_the_wiring() -> None:
    result = runner.invoke(app, ["mermaid"])
    assert result.exit_code == 0
    assert "profile" in result.output and "human_review" in result.output


def test_bad_campaign_file_exits_2_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("campaign_id: x\nname: y\n", encoding="utf-8")
    result = runner.invoke(app, ["generate", "--user", "u1", "--campaign", str(bad)])
    assert result.exit_code == 2
    assert "offer" in result.output


def test_feedback_with_bad_rows_exits_1_and_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "fb.csv"
    path.write_text(
        "event_id,run_id,user_id,kind,ts\ne1,r,u,click,2026-11-05T10:00:00+08:00\ne2,r,u,teleport,2026-11-05T10:00:00+08:00\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["campaign", "feedback", str(path)])
    assert result.exit_code == 1
    assert "line 3 refused" in result.output
    assert "1 events added" in result.output


def test_status_of_unknown_run_exits_2() -> None:
    result = runner.invoke(app, ["campaign", "status", "nope"])
    assert result.exit_code == 2
    assert "no run 'nope'" in result.output


def test_profile_without_history_says_what_to_run() -> None:
    result = runner.invoke(app, ["shop", "profile", "--user", "ghost"])
    assert result.exit_code == 2
    assert "promo shop build" in result.output
