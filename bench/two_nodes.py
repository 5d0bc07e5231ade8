"""A campaign across a two-node Ray cluster with the real model, against the same campaign on one node.

Usage: ``python -m bench.two_nodes --shop-users 40 --model qwen2.5-coder-0.5b`` (from the repository root: it
uses the test suite's throwaway servers).

Everything runs on this machine, but as a cluster would: one PostgreSQL server and one Chroma server hold the
shared state (the test suite's throwaway servers: tests/postgres_cluster.py, tests/chroma_server.py), a Ray
head and a second `ray start --address` node (tests/ray_cluster.py), and two embedded llama.cpp replicas, each
in its own process with half the cores. The driver is `promo campaign run --engine ray --ray-address ...`.
The one-node baseline is the local engine on SQLite and one replica with all the cores and as many slots as
the two together. Prints users, messages, wall time, messages per second per node, and whether the plans agree.
On a machine whose cores the nodes share, two nodes cannot be faster than one: the figures show the shared path
costs little, not that it scales; on real machines each node brings its own cores and replica.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

from pydantic import SecretStr

from campaign.plan import plan_row
from campaign.store import open_run_store
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tests.chroma_server import chroma_server
from tests.postgres_cluster import running_cluster as postgres
from tests.ray_cluster import running_cluster as ray_cluster
from tools.llm.chat_model import llm_endpoint
from tools.settings import EmbeddedModel, Settings
from tools.stores.history import open_history
from tools.stores.shop_db import open_shop_db

PROMO = str(Path(sys.executable).parent / "promo")


def load_shop(settings: Settings, users: int, clock: datetime) -> None:
    """The seeded demo shop into the stores the settings name."""
    with open_shop_db(settings) as db, open_history(settings) as history:
        build_demo_shop(seed=11, n_users=users, now=clock).store_in(db, history)


def run_campaign(settings: Settings, env: dict[str, str], extra: list[str], clock: datetime) -> float:
    """`promo campaign run` in its own process; returns its wall seconds."""
    folder = settings.home / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    campaign = folder / "campaign.json"
    campaign.write_text(demo_campaigns(clock)[0].model_dump_json(), encoding="utf-8")
    args = [PROMO, "campaign", "run", "--campaign", str(campaign), "--run-id", "bench", "--out", str(folder)]
    args += ["--clock", clock.isoformat(), "--holdout", "0", *extra]
    env = {**env, "PROMO_HOME": str(settings.home), "PROMO_LLM_MODEL": settings.llm_model}
    if settings.database_url is not None:
        env["PROMO_DATABASE_URL"] = settings.database_url.get_secret_value()
    if settings.chroma_url is not None:
        env["PROMO_CHROMA_URL"] = settings.chroma_url
    if settings.llm_base_url is not None:
        env["PROMO_LLM_BASE_URL"] = settings.llm_base_url
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"promo campaign run failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return wall


def plan_of(settings: Settings) -> list[dict[str, Any]]:
    """The run's delivery plan, in audience order."""
    with open_run_store(settings) as store:
        return [row for uid, result in store.results("bench") if (row := plan_row(uid, result)) is not None]


def main() -> None:
    """Run the campaign on two nodes, then on one, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", choices=get_args(EmbeddedModel), default="qwen2.5-coder-0.5b")
    parser.add_argument("--shop-users", type=int, default=40)
    parser.add_argument("--slots", type=int, default=2, help="slots per replica (the one-node replica gets twice)")
    args = parser.parse_args()
    clock = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
    base = Settings(_env_file=None, embedded_model=args.model)
    threads = 1  # each replica gets half of a 2-core machine; the one-node replica gets both
    with tempfile.TemporaryDirectory(prefix="promo-two-nodes-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        database = stack.enter_context(postgres())
        chroma = stack.enter_context(chroma_server(root / "chroma-server"))
        cluster = stack.enter_context(ray_cluster(root / "ray"))
        replica = base.model_copy(update={"embedded_parallel": args.slots, "embedded_threads": threads})
        endpoints = [stack.enter_context(llm_endpoint(replica, own_process=True)) for _ in range(2)]
        shared = base.model_copy(
            update={
                "home": root / "node-home",
                "database_url": SecretStr(database.new_database()),
                "chroma_url": chroma.url,
                "llm_model": endpoints[0].model,
            }
        )
        load_shop(shared, args.shop_users, clock)
        replicas = [arg for e in endpoints for arg in ("--replica", e.base_url)]
        ray_args = ["--engine", "ray", "--ray-address", cluster.address, *replicas, "--concurrency", str(args.slots)]
        two_wall = run_campaign(shared, cluster.env, ray_args, clock)
        two_plan = plan_of(shared)
        stack.close()  # replicas, cluster and servers stop: the one-node run gets the cores to itself

    with tempfile.TemporaryDirectory(prefix="promo-one-node-") as tmp:
        one = base.model_copy(update={"home": Path(tmp), "embedded_parallel": 2 * args.slots, "embedded_threads": 0})
        with llm_endpoint(one, own_process=True) as endpoint:
            one = one.model_copy(update={"llm_base_url": endpoint.base_url, "llm_model": endpoint.model})
            load_shop(one, args.shop_users, clock)
            one_wall = run_campaign(one, {}, ["--concurrency", str(2 * args.slots)], clock)
            one_plan = plan_of(one)

    for label, wall, plan, nodes in (("two nodes", two_wall, two_plan, 2), ("one node", one_wall, one_plan, 1)):
        rate = len(plan) / wall
        print(f"{label}: {len(plan)} messages in {wall:.1f} s (driver included): {rate:.3f} messages/s, ", end="")
        print(f"{rate / nodes:.3f} per node")
    print(f"two-node / one-node throughput: {one_wall / two_wall:.2f}")
    same = [r["user_ref"] for r in two_plan] == [r["user_ref"] for r in one_plan]
    print(f"same users messaged on both: {same}")


if __name__ == "__main__":
    main()
