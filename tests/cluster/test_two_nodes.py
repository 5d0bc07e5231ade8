"""A campaign across two Ray nodes that share one state: PostgreSQL, a Chroma server and two LLM replicas.

The cluster is real (a head and a second `ray start --address`, each with its own temp dir and resources); the
shop, send log, generation cache, runs, feedback and checkpoints live in one PostgreSQL database, the history
on one `chroma run` server. The replicas are scripted servers that answer by a hash of the prompt, so a plan
that differs from the single-node plan would come from the engine or the shared state, not from a model.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.context import Context
from campaign.feedback import FeedbackEvent, open_feedback_log
from campaign.plan import plan_row
from campaign.runner import process_run, start_run
from campaign.store import RunStore, open_run_store
from domain.offer import Campaign
from graphs.checkpoints import erase_user_threads, open_checkpointer
from graphs.promotion import build_graph
from service.erasure import erase_user
from shopdata.demo_shop import DemoShop, build_demo_shop, demo_campaigns
from tests.chroma_server import ChromaServer, chroma_server
from tests.fake_openai_server import MODEL, FakeReplica
from tests.fakes import ScriptedChatModel
from tests.postgres_cluster import PostgresCluster
from tests.ray_cluster import RayCluster, running_cluster
from tests.service_support import build_runtime, close_runtime
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services, open_services
from tools.settings import Settings
from tools.stores.history import HistoryStore, open_history
from tools.stores.shop_db import ShopDB, open_shop_db

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
CAMPAIGN = demo_campaigns(CLOCK)[0]
USERS = 24
PROMO = str(Path(sys.executable).parent / "promo")
DRIVER_TIMEOUT_S = 300


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    return build_demo_shop(seed=7, n_users=USERS, now=CLOCK)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayCluster]:
    with running_cluster(tmp_path_factory.mktemp("ray")) as running:
        yield running


@pytest.fixture
def shared(tmp_path: Path, postgres_cluster: PostgresCluster, shop: DemoShop) -> Iterator[Settings]:
    """Settings of a node: one fresh PostgreSQL database and one Chroma server holding the shop; an empty home."""
    with chroma_server(tmp_path / "chroma-server") as server:
        settings = node_settings(tmp_path / "node-home", SecretStr(postgres_cluster.new_database()), server)
        with open_shop_db(settings) as db, HistoryStore(url=server.url) as history:
            shop.store_in(db, history)
        yield settings


def node_settings(home: Path, database_url: SecretStr, server: ChromaServer) -> Settings:
    # The replicas answer whole messages (CopyBatch): free copy.
    return Settings(
        _env_file=None, home=home, llm_model=MODEL, database_url=database_url, chroma_url=server.url, copy_mode="free"
    )


def plan(store: RunStore, run_id: str) -> list[dict[str, Any]]:
    return [row for uid, result in store.results(run_id) if (row := plan_row(uid, result)) is not None]


def single_node_plan(home: Path, shop: DemoShop, campaign: Campaign, replica: FakeReplica) -> list[dict[str, Any]]:
    """The same campaign on one machine: SQLite files and the embedded Chroma folder, the local engine."""
    settings = Settings(_env_file=None, home=home, llm_model=MODEL, copy_mode="free")
    with ShopDB(settings.shop_db_path) as db, HistoryStore(settings.chroma_dir) as history:
        shop.store_in(db, history)
    services = open_services(settings, LLMEndpoint(replica.base_url, MODEL), cache_generations=True)
    store = open_run_store(settings)
    info, _ = start_run(store, "r", campaign, services.shop.list_user_ids(), services, CLOCK)
    saver = open_checkpointer(settings)
    process_run(store, info, Context(services=services, now=CLOCK), build_graph(saver), concurrency=2)
    expected = plan(store, "r")
    saver.conn.close()
    store.close()
    services.close()
    return expected


def driver(
    cluster: RayCluster, settings: Settings, campaign: Campaign, run_id: str, *replicas: FakeReplica
) -> subprocess.Popen[str]:
    """`promo campaign run --engine ray --ray-address ...` in its own process, as a marketer's driver runs."""
    folder = settings.home / "drivers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{campaign.campaign_id}.json"
    path.write_text(campaign.model_dump_json(), encoding="utf-8")
    assert settings.database_url is not None and settings.chroma_url is not None
    env = {
        **cluster.env,
        "PROMO_HOME": str(settings.home),
        "PROMO_DATABASE_URL": settings.database_url.get_secret_value(),
        "PROMO_CHROMA_URL": settings.chroma_url,
        "PROMO_LLM_MODEL": MODEL,
        "PROMO_COPY_MODE": "free",
    }
    args = ["campaign", "run", "--campaign", str(path), "--run-id", run_id, "--out", str(folder)]
    args += ["--clock", CLOCK.isoformat(), "--holdout", "0", "--concurrency", "2"]
    args += ["--engine", "ray", "--ray-address", cluster.address]
    for replica in replicas:
        args += ["--replica", replica.base_url]
    return subprocess.Popen([PROMO, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    """The driver's exit code and output, once it is done."""
    output, _ = process.communicate(timeout=DRIVER_TIMEOUT_S)
    return process.returncode, output


def test_the_two_node_plan_is_the_single_node_plan(
    cluster: RayCluster, shared: Settings, shop: DemoShop, tmp_path: Path
) -> None:
    with FakeReplica() as local_llm, FakeReplica(delay_s=0.02) as first, FakeReplica(delay_s=0.02) as second:
        expected = single_node_plan(tmp_path / "single", shop, CAMPAIGN, local_llm)
        started = time.perf_counter()
        code, output = finish(driver(cluster, shared, CAMPAIGN, "r", first, second))
        wall_s = time.perf_counter() - started
        assert code == 0, output
        assert first.requests > 0 and second.requests > 0, output
    with open_run_store(shared) as store:
        assert plan(store, "r") == expected
        assert store.pending("r") == []
        users = [uid for uid, _ in store.results("r")]
    assert len(expected) >= 8, "too few sends to show anything"
    assert len(users) == len(set(users)), "every selected user exactly once"
    with open_shop_db(shared) as db:
        assert db.count_campaign_sends(CAMPAIGN.campaign_id) == len(expected), "one shared send log"
    print(f"\ntwo nodes: {len(users)} users, {len(expected)} messages in {wall_s:.1f} s (driver included)")


def test_a_user_two_concurrent_campaigns_reach_never_gets_more_than_the_cap(
    cluster: RayCluster, shared: Settings
) -> None:
    """Two marketers' campaigns over the same users run at once on both nodes; the cap is one message a week."""
    first_campaign = CAMPAIGN.model_copy(update={"frequency_cap": 1})
    second_campaign = first_campaign.model_copy(update={"campaign_id": "d11-thermos-again", "name": "保温杯返场"})
    with FakeReplica(delay_s=0.05) as first, FakeReplica(delay_s=0.05) as second:
        drivers = [driver(cluster, shared, c, c.campaign_id, first, second) for c in (first_campaign, second_campaign)]
        for code, output in map(finish, drivers):
            assert code == 0, output
    planned: dict[str, int] = {}
    audiences, late = [], 0
    with open_run_store(shared) as store:
        for campaign in (first_campaign, second_campaign):
            results = store.results(campaign.campaign_id)
            audiences.append({uid for uid, _ in results})
            for uid, result in results:
                planned[uid] = planned.get(uid, 0) + int(result.decision.send)
                late += any("reached while" in note for note in result.decision.constraints)
    both = audiences[0] & audiences[1]
    assert len(both) >= 8, "the two audiences must overlap for the cap to matter"
    assert max(planned.values()) == 1, planned
    with open_shop_db(shared) as db:
        sends = {uid: db.count_sends_since(uid, CLOCK - timedelta(days=7)) for uid in both}
    assert max(sends.values()) == 1 and sum(sends.values()) == sum(planned[uid] for uid in both), sends
    print(f"\ntwo campaigns at once: {len(both)} users in both, each messaged once ({late} caught at the send log)")


def test_losing_a_node_mid_run_loses_and_duplicates_nothing_after_resume(
    cluster: RayCluster, shared: Settings, shop: DemoShop, tmp_path: Path
) -> None:
    with FakeReplica() as local_llm, FakeReplica(delay_s=0.3) as first, FakeReplica(delay_s=0.3) as second:
        expected = single_node_plan(tmp_path / "single", shop, CAMPAIGN, local_llm)
        running = driver(cluster, shared, CAMPAIGN, "r", first, second)
        with open_run_store(shared) as store:
            while store.progress("r").done < 2:  # some users committed, others in flight
                assert running.poll() is None, finish(running)[1]
                time.sleep(0.1)
            cluster.kill_worker_node()
            code, output = finish(running)
            left, total = store.progress("r").pending, store.progress("r").total
        assert code == 1 and "rerun the same run id" in " ".join(output.split()), output
        assert 0 < left < total, "the lost node's users are pending, the others kept"

        cluster.start_worker()  # the node comes back (or another joins): resume with the same run id
        code, output = finish(driver(cluster, shared, CAMPAIGN, "r", first, second))
        assert code == 0, output
    with open_run_store(shared) as store:
        assert store.pending("r") == []
        users = [uid for uid, _ in store.results("r")]
        assert plan(store, "r") == expected
    assert len(users) == len(set(users)) == total, "every selected user exactly once"
    with open_shop_db(shared) as db:
        assert db.count_campaign_sends(CAMPAIGN.campaign_id) == len(expected), "no send logged twice"
    print(f"\nkilled the worker node with {left} of {total} users pending; resumed: the single-node plan")


def test_erasure_removes_a_user_from_every_shared_store(cluster: RayCluster, shared: Settings, tmp_path: Path) -> None:
    with FakeReplica() as first, FakeReplica() as second:
        code, output = finish(driver(cluster, shared, CAMPAIGN, "r", first, second))
        assert code == 0, output
        with open_run_store(shared) as store:
            erased = next(uid for uid, result in store.results("r") if result.decision.send)
        with open_feedback_log(shared) as log:
            log.add([FeedbackEvent(event_id="f1", run_id="r", user_id=erased, kind="click", ts=CLOCK)])
    # The service's erasure (DELETE /v1/users/{id}) on a node of the cluster: its stores are the shared ones.
    services = Services(
        history=open_history(shared),
        shop=open_shop_db(shared),
        writer_model=ScriptedChatModel(),
        critic_model=ScriptedChatModel(),
    )
    runtime = build_runtime(tmp_path / "service-home", services, **shared.model_dump(exclude={"home"}))
    removed = erase_user(runtime, erased)
    close_runtime(runtime)
    services.close()
    assert all(count > 0 for count in removed.values()), removed

    # Every shared store, opened anew as another node would: nothing of the user anywhere.
    with open_shop_db(shared) as db:
        with pytest.raises(KeyError):
            db.get_user(erased)
        assert db.count_sends_since(erased, CLOCK - timedelta(days=365)) == 0
    with HistoryStore(url=shared.chroma_url) as history:
        assert history.events_for(erased) == []
        assert history.search(erased, "保温杯", k=3) == []
    with open_run_store(shared) as store:
        assert erased not in [uid for uid, _ in store.results("r")]
    with open_feedback_log(shared) as log:
        assert log.outcomes("r", "click") == {}
    saver = open_checkpointer(shared)
    assert erase_user_threads(saver, erased) == 0, "no checkpoint left"
    saver.conn.close()
