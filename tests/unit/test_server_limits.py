"""`--concurrency auto`: users in flight taken from what the LLM server says of its batch, else the default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tests.fake_openai_server import MODEL, FakeReplica
from tools.llm.server_limits import (
    MAX_CONCURRENCY,
    ServerBatch,
    ask_batch_size,
    choose_concurrency,
    parse_concurrency,
    users_in_flight,
)
from tools.settings import get_settings
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
DEAD = "http://127.0.0.1:9/v1"  # the discard port: nothing listens there


@pytest.mark.parametrize(("text", "value"), [("auto", None), (" AUTO ", None), ("1", 1), ("24", 24), ("64", 64)])
def test_concurrency_is_auto_or_a_whole_number(text: str, value: int | None) -> None:
    assert parse_concurrency(text) == value


@pytest.mark.parametrize("text", ["0", "65", "-3", "2.5", "many", "", "1e3"])
def test_a_bad_concurrency_is_refused_with_what_is_allowed(text: str) -> None:
    with pytest.raises(ValueError, match=r"must be 'auto' \(from the LLM server\) or a whole number from 1 to 64"):
        parse_concurrency(text)


@pytest.mark.parametrize(("batch", "users"), [(1, 2), (4, 6), (16, 24), (32, 48), (42, 63), (43, 64), (1024, 64)])
def test_users_in_flight_are_one_and_a_half_per_batched_request_capped(batch: int, users: int) -> None:
    assert users_in_flight(batch) == users


def test_a_llama_cpp_server_says_its_slots() -> None:
    with FakeReplica(total_slots=16) as replica:
        assert ask_batch_size(replica.base_url) == ServerBatch(16, "total_slots")
        assert ask_batch_size(replica.base_url + "/") == ServerBatch(16, "total_slots")
        chosen = choose_concurrency(None, [replica.base_url], default=4)
        assert replica.gets[0] == "/props", "/props is asked at the server root, not under /v1"
    assert chosen.value == 24
    assert chosen.line() == "concurrency 24 (from the server's total_slots 16: 1.5 users per slot)"


def test_a_huge_batch_is_capped() -> None:
    with FakeReplica(total_slots=256) as replica:
        chosen = choose_concurrency(None, [replica.base_url], default=4)
    assert (chosen.value, chosen.reason.endswith(f"capped at {MAX_CONCURRENCY}")) == (MAX_CONCURRENCY, True)


@pytest.mark.parametrize(
    ("says", "reason"),
    [
        ({}, "publishes no batch size (no /props; HTTP 404)"),
        ({"vllm_version": "0.32.0"}, "vLLM 0.32.0 publishes no vllm:num_requests_running at"),
        ({"total_slots": 0}, "has no usable total_slots (0)"),
        ({"total_slots": "many"}, "has no usable total_slots ('many')"),
        ({"total_slots": True}, "has no usable total_slots (True)"),
    ],
)
def test_a_server_that_does_not_say_gets_the_default_and_the_reason(
    says: dict[str, Any], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="tools.llm.server_limits")
    with FakeReplica(**says) as replica:
        chosen = choose_concurrency(None, [replica.base_url], default=4)
    assert chosen.value == 4
    assert reason in chosen.reason and chosen.reason.startswith("default: ")
    assert "pass --concurrency" in chosen.line()
    assert reason in caplog.text


def test_an_unreachable_server_gets_the_default() -> None:
    chosen = choose_concurrency(None, [DEAD], default=4, timeout_s=2.0)
    assert chosen.value == 4
    assert "http://127.0.0.1:9 did not answer (ConnectError)" in chosen.reason


def test_an_explicit_concurrency_wins_without_asking() -> None:
    with FakeReplica(total_slots=16) as replica:
        chosen = choose_concurrency(3, [replica.base_url], default=4)
        assert replica.gets == []
    assert chosen.line() == "concurrency 3 (--concurrency)"


def test_several_replicas_share_the_smallest_batch() -> None:
    with FakeReplica(total_slots=8) as big, FakeReplica(total_slots=4) as small:
        chosen = choose_concurrency(None, [big.base_url, small.base_url], default=2)
    assert chosen.line() == "concurrency 6 (from the smallest of 2 servers' total_slots 4: 1.5 users per slot)"


@pytest.mark.parametrize(
    ("max_num_seqs", "line"),
    [
        (8, "concurrency 12 (from the server's max_num_seqs (measured) 8: 1.5 users per slot)"),
        (
            100,
            "concurrency 64 (from the server's batch of at least 64 (measured) 64: 1.5 users per slot, capped at 64)",
        ),
    ],
)
def test_a_vllm_server_s_batch_is_measured_from_its_own_gauges(max_num_seqs: int, line: str) -> None:
    """vLLM publishes no max_num_seqs: the run sends 64 short requests at once and reads how many ran."""
    with FakeReplica(delay_s=0.5, vllm_version="0.32.0", max_num_seqs=max_num_seqs) as vllm:
        chosen = choose_concurrency(None, [vllm.base_url], default=4)
        assert vllm.requests == 64
        bodies = [json.loads(b) for b in vllm.bodies]
    assert chosen.line() == line
    assert all(b["ignore_eos"] and b["max_tokens"] == 48 and b["model"] == MODEL for b in bodies)


def test_one_silent_replica_means_the_default_naming_it() -> None:
    with FakeReplica(total_slots=8) as says, FakeReplica(vllm_version="0.32.0") as silent:
        chosen = choose_concurrency(None, [says.base_url, silent.base_url], default=2)
    assert chosen.value == 2 and "vLLM 0.32.0" in chosen.reason


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small demo shop; the run's LLM is whatever PROMO_LLM_BASE_URL the test sets."""
    home = tmp_path / "home"
    shop = build_demo_shop(seed=7, n_users=6, now=CLOCK)
    with ShopDB(home / "shop.sqlite") as db, HistoryStore(home / "chroma") as history:
        shop.store_in(db, history)
    monkeypatch.setenv("PROMO_HOME", str(home))
    monkeypatch.setenv("PROMO_LLM_MODEL", MODEL)
    monkeypatch.setenv("PROMO_COPY_MODE", "free")  # the fake answers whole messages
    monkeypatch.delenv("PROMO_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def run_campaign(tmp_path: Path, *args: str) -> tuple[int, str]:
    path = tmp_path / "campaign.json"
    path.write_text(demo_campaigns(CLOCK)[0].model_dump_json(), encoding="utf-8")
    base = ["campaign", "run", "--campaign", str(path), "--run-id", "r", "--out", str(tmp_path / "plans")]
    result = CliRunner().invoke(app, [*base, "--clock", CLOCK.isoformat(), *args])
    return result.exit_code, " ".join(result.output.split())


def test_the_run_takes_its_concurrency_from_the_server_and_says_so(
    cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeReplica(total_slots=2) as replica:
        monkeypatch.setenv("PROMO_LLM_BASE_URL", replica.base_url)
        code, output = run_campaign(tmp_path)
        assert replica.requests > 0
    assert code == 0, output
    assert "concurrency 3 (from the server's total_slots 2: 1.5 users per slot)" in output
    assert output.index("concurrency 3") < output.index("audience:"), "the first line of the run"


def test_the_run_says_why_it_took_the_default(cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeReplica(vllm_version="0.32.0") as replica:
        monkeypatch.setenv("PROMO_LLM_BASE_URL", replica.base_url)
        code, output = run_campaign(tmp_path, "--concurrency", "auto")
    assert code == 0, output
    assert "concurrency 4 (default: vLLM 0.32.0 publishes no vllm:num_requests_running at" in " ".join(output.split())


def test_the_runs_explicit_concurrency_wins(cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeReplica(total_slots=16) as replica:
        monkeypatch.setenv("PROMO_LLM_BASE_URL", replica.base_url)
        code, output = run_campaign(tmp_path, "--concurrency", "1")
        assert "/props" not in replica.gets
    assert code == 0, output
    assert "concurrency 1 (--concurrency)" in output


@pytest.mark.parametrize("value", ["0", "65", "lots"])
def test_the_run_refuses_a_bad_concurrency(cli_home: Path, tmp_path: Path, value: str) -> None:
    code, output = run_campaign(tmp_path, "--concurrency", value)
    assert code == 2
    assert f"--concurrency must be 'auto' (from the LLM server) or a whole number from 1 to 64, got '{value}'" in output
