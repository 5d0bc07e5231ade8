"""The Ray engine: a run fanned out to two LLM replicas plans exactly what the local runner plans.

The replicas are scripted OpenAI-compatible servers on loopback that answer by a hash of the prompt, so any
difference between the plans would come from the engine, not from the model.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from agents.context import Context
from campaign.plan import plan_row
from campaign.runner import process_run, process_users, start_run
from campaign.scale_out import RayOptions, process_run_on_ray
from campaign.store import RunInfo, RunStore, open_run_store
from cli.main import app
from graphs.checkpoints import open_checkpointer
from graphs.promotion import build_graph
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tests.fake_openai_server import MODEL, FakeReplica
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services, open_services
from tools.settings import Settings, get_settings
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB, open_shop_db

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
CAMPAIGN = demo_campaigns(CLOCK)[0]


@pytest.fixture(scope="module")
def shop_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo shop with its history embedded once; each run works on a copy (runs record their sends)."""
    home = tmp_path_factory.mktemp("shop")
    shop = build_demo_shop(seed=7, n_users=12, now=CLOCK)
    with ShopDB(home / "shop.sqlite") as db, HistoryStore(home / "chroma") as history:
        shop.store_in(db, history)
    return home


def settings_for(home: Path, database_url: SecretStr | None = None) -> Settings:
    # The fake replicas answer whole messages (CopyBatch): free copy.
    return Settings(_env_file=None, home=home, llm_model=MODEL, database_url=database_url, copy_mode="free")


def plan(store: RunStore, run_id: str) -> list[dict[str, Any]]:
    return [row for uid, result in store.results(run_id) if (row := plan_row(uid, result)) is not None]


def start(settings: Settings, replica: FakeReplica) -> tuple[Services, RunStore, RunInfo]:
    services = open_services(settings, LLMEndpoint(replica.base_url, MODEL))
    store = open_run_store(settings)
    info, _ = start_run(store, "r", CAMPAIGN, services.shop.list_user_ids(), services, CLOCK)
    return services, store, info


def test_ray_run_over_two_replicas_plans_what_the_local_runner_plans(
    shop_home: Path, tmp_path: Path, database_url: SecretStr | None
) -> None:
    local_home, ray_home = tmp_path / "local", tmp_path / "ray"
    shutil.copytree(shop_home, local_home)
    shutil.copytree(shop_home, ray_home)
    with FakeReplica() as local_llm, FakeReplica(delay_s=0.02) as first, FakeReplica(delay_s=0.02) as second:
        local = settings_for(local_home)
        services, store, info = start(local, local_llm)
        graph = build_graph(open_checkpointer(local))
        process_run(store, info, Context(services=services, now=CLOCK), graph, concurrency=2)
        expected = plan(store, "r")

        scaled = settings_for(ray_home, database_url)
        if database_url is not None:  # the shop moves to PostgreSQL with the other stores (`promo shop share`)
            with ShopDB(ray_home / "shop.sqlite") as local, open_shop_db(scaled) as shared:
                assert local.copy_to(shared)["users"] == 12
        services, store, info = start(scaled, local_llm)
        audience = store.pending("r")
        # A run interrupted after two users: the Ray engine must pick up only what is left.
        graph = build_graph(open_checkpointer(scaled))
        process_users(store, info, Context(services=services, now=CLOCK), graph, audience[:2], concurrency=1)
        served_locally = local_llm.requests
        options = RayOptions(replicas=(first.base_url, second.base_url), concurrency=2, batch_size=2)
        per_replica = process_run_on_ray(store, info, scaled, options)

        assert plan(store, "r") == expected
        assert len(expected) >= 5, "too few sends to show anything"
        planned = [uid for uid, _ in store.results("r")]
        assert planned == audience, "every selected user exactly once, in audience order"
        assert store.pending("r") == []
        assert sum(per_replica.values()) == len(audience) - 2
        assert per_replica[first.base_url] > 0 and per_replica[second.base_url] > 0, per_replica
        assert first.requests > 0 and second.requests > 0
        assert local_llm.requests == served_locally, "the Ray workers must use their own replicas only"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"replicas": ()}, "at least one LLM replica"),
        ({"replicas": ("gpu-1:8000",)}, "not an http"),
        ({"replicas": ("http://a:1/v1", "http://a:1/v1/")}, "listed twice"),
        ({"replicas": ("http://a:1/v1", "http://b:1/v1"), "num_cpus": 1}, "at least the number of replicas"),
        ({"replicas": ("http://a:1/v1",), "concurrency": 0}, "concurrency must be >= 1"),
    ],
)
def test_bad_ray_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RayOptions(**options)


@pytest.mark.parametrize(
    ("shared", "missing"),
    [({}, "PROMO_DATABASE_URL"), ({"database_url": "postgresql://db:5432/promo"}, "PROMO_CHROMA_URL")],
)
def test_a_ray_cluster_needs_shared_stores(tmp_path: Path, shared: dict[str, str], missing: str) -> None:
    settings = settings_for(tmp_path).model_copy(update={k: SecretStr(v) for k, v in shared.items()})
    store = RunStore(tmp_path / "runs.sqlite")
    info = store.create("r", CAMPAIGN, CLOCK, ["u1"])
    options = RayOptions(replicas=("http://127.0.0.1:9/v1",), address="ray://head:10001")
    with pytest.raises(ValueError, match=missing):
        process_run_on_ray(store, info, settings, options)


def test_an_unreachable_replica_fails_before_ray_starts(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = RunStore(tmp_path / "runs.sqlite")
    info = store.create("r", CAMPAIGN, CLOCK, ["u1"])
    with pytest.raises(RuntimeError, match=r"cannot list models at http://127\.0\.0\.1:9/v1"):
        process_run_on_ray(store, info, settings, RayOptions(replicas=("http://127.0.0.1:9/v1",)))


@pytest.fixture
def cli_home(shop_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    shutil.copytree(shop_home, home)
    monkeypatch.setenv("PROMO_HOME", str(home))
    monkeypatch.setenv("PROMO_LLM_MODEL", MODEL)
    monkeypatch.setenv("PROMO_COPY_MODE", "free")
    monkeypatch.delenv("PROMO_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def campaign_file(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.json"
    path.write_text(CAMPAIGN.model_dump_json(), encoding="utf-8")
    return path


def test_cli_runs_a_campaign_on_ray_replicas(cli_home: Path, tmp_path: Path) -> None:
    with FakeReplica() as first, FakeReplica() as second:
        args = ["--engine", "ray", "--replica", first.base_url, "--replica", second.base_url, "--concurrency", "2"]
        result = CliRunner().invoke(
            app,
            [
                "campaign",
                "run",
                "--campaign",
                str(campaign_file(tmp_path)),
                "--run-id",
                "cli",
                "--out",
                str(tmp_path),
                "--clock",
                CLOCK.isoformat(),  # the shop's clock: the run must not depend on the day it runs
                *args,
            ],
        )
        assert result.exit_code == 0, result.output
        assert first.requests > 0 and second.requests > 0
    store = RunStore(cli_home / "runs.sqlite")
    assert store.progress("cli").pending == 0 and store.progress("cli").done > 0
    assert (tmp_path / "cli.jsonl").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "ray"], "at least one LLM replica"),
        (["--engine", "spark"], "--engine must be one of local, ray"),
        (["--replica", "http://127.0.0.1:9/v1"], "need --engine ray"),
        (["--clock", "2026-11-05T14:00"], "--clock needs a time zone"),
        (["--clock", "tomorrow"], "is not an ISO date and time"),
    ],
)
def test_cli_refuses_a_bad_engine_setup(cli_home: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(
        app, ["campaign", "run", "--campaign", str(campaign_file(tmp_path)), "--run-id", "x", *args]
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
