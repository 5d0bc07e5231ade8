"""A campaign run at scale against the raw LLM server on the very same requests, and a sequential loop.

Usage: ``python bench/campaign_throughput.py --model qwen2.5-coder-0.5b --shop-users 320 --sequential 24``.

In one process, on one server: the embedded one with `--parallel` slots, or PROMO_LLM_BASE_URL's (vLLM):
1. campaign: the real run (audience selection, then write / review / target with the generation cache, as
   many users in flight as slots, checkpointed); every HTTP request the graph sends is recorded;
2. raw: the recorded request bodies (or a seeded sample, `--replay-share`) are replayed straight to the
   server with the same concurrency;
3. sequential: a plain per-user loop (one user at a time, no cache) over the first `--sequential` users of
   the same audience; with `--sequential-embedded` also on the embedded llama.cpp server (started after the
   campaign), for when the campaign's server is slower for one stream than llama.cpp is (vLLM on CPU).
Prints messages/s, completion tokens/s, per-user latency p50/p95, the cache hit rate, the campaign/raw
throughput ratio (goal >= 0.85), the speedup over the sequential loop (goal >= 5x) and peak memory.
The raw replay runs second, so the server's prompt cache may already hold its prefixes: that favours the
raw side. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import httpx

from agents.context import Context
from campaign.runner import UserDone, process_run, start_run
from campaign.store import RunStore
from domain.offer import Campaign
from graphs.batch import run_one
from graphs.checkpoints import sqlite_checkpointer
from graphs.promotion import build_graph
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tools.llm.banned_tokens import server_root
from tools.llm.chat_model import llm_endpoint
from tools.llm.server_metrics import prefill_saved, read_counters
from tools.llm.usage import UsageMeter
from tools.services import Services, chat_models, open_services
from tools.settings import EmbeddedModel, Settings, get_settings
from tools.stats import percentile


class RequestRecorder:
    """Keeps the body of every chat-completion request a client sends (the hook runs before sending)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> None:
        """Record one request's JSON body if it is a chat completion."""
        if request.url.path.endswith("/chat/completions"):
            with self._lock:
                self.bodies.append(json.loads(request.content))


def reset_prefix_cache(base_url: str) -> bool:
    """Empty a vLLM server's prefix cache (POST /reset_prefix_cache, development mode only); True when it did."""
    try:
        answer = httpx.post(f"{server_root(base_url)}/reset_prefix_cache", timeout=60)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200


def replay(base_url: str, bodies: list[dict[str, Any]], concurrency: int) -> tuple[float, int, list[float]]:
    """Send the recorded bodies straight to the server; returns wall seconds, completion tokens, latencies."""
    latencies: list[float] = []
    tokens = 0
    lock = threading.Lock()
    with httpx.Client(base_url=base_url, timeout=600) as client:

        def send(body: dict[str, Any]) -> None:
            nonlocal tokens
            started = time.perf_counter()
            response = client.post("/chat/completions", json=body)
            response.raise_for_status()
            used = int(response.json().get("usage", {}).get("completion_tokens", 0))
            with lock:
                tokens += used
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(send, bodies))
    return time.perf_counter() - started, tokens, latencies


def sequential_seconds(user_ids: list[str], campaign: Campaign, context: Context) -> float:
    """Wall seconds of the plain per-user loop: one user's whole graph after another."""
    started = time.perf_counter()
    for user_id in user_ids:
        run_one(user_id, campaign, context)
    return time.perf_counter() - started


def sequential_on_embedded(
    settings: Settings, services: Services, campaign: Campaign, user_ids: list[str], clock: datetime
) -> float:
    """Wall seconds of the plain per-user loop against a freshly started embedded server (no cache)."""
    embedded = settings.model_copy(update={"llm_base_url": None, "llm_model": ""})
    with llm_endpoint(embedded) as endpoint:
        writer, critic = chat_models(embedded, endpoint)
        local = replace(services, writer_model=writer, critic_model=critic, model_name=endpoint.model)
        return sequential_seconds(user_ids, campaign, Context(services=local, now=clock, record_sends=False))


def note(done: list[UserDone], finished: UserDone, total: int) -> None:
    """Keep a finished user and show progress on one line."""
    done.append(finished)
    print(f"  {len(done)}/{total} users", end="\r", flush=True)


def main() -> None:
    """Run the three phases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", choices=get_args(EmbeddedModel), default="qwen2.5-coder-0.5b")
    parser.add_argument("--shop-users", type=int, default=320, help="candidates; the audience is those above the line")
    parser.add_argument("--min-audience", type=int, default=200)
    parser.add_argument("--sequential", type=int, default=24, help="users in the sequential loop (0: skip it)")
    parser.add_argument("--parallel", type=int, default=4, help="server slots and campaign concurrency")
    parser.add_argument(
        "--sequential-embedded",
        action="store_true",
        help="also time the sequential loop on the embedded llama.cpp server (with PROMO_LLM_BASE_URL set)",
    )
    parser.add_argument(
        "--replay-share", type=float, default=1.0, help="share of the recorded requests replayed (a seeded sample)"
    )
    args = parser.parse_args()

    now = datetime.now(UTC)
    settings = get_settings().model_copy(update={"embedded_model": args.model, "embedded_parallel": args.parallel})
    shop = build_demo_shop(seed=11, n_users=args.shop_users, now=now)
    campaign = demo_campaigns(now)[0].model_copy(update={"max_sends": 100_000})
    recorder = RequestRecorder()
    with tempfile.TemporaryDirectory(prefix="promo-bench-") as home, llm_endpoint(settings) as endpoint:
        run_settings = settings.model_copy(update={"home": Path(home)})
        http_client = httpx.Client(event_hooks={"request": [recorder]}, timeout=settings.llm_timeout_s)
        services = open_services(run_settings, endpoint, cache_generations=True, http_client=http_client)
        services.shop.upsert_items(shop.items)
        services.shop.upsert_users(shop.users)
        services.history.add_events(shop.events)
        store = RunStore(run_settings.home / "runs.sqlite")
        saver = sqlite_checkpointer(run_settings.checkpoint_db_path)
        info, choice = start_run(store, "bench", campaign, [u.user_id for u in shop.users], services, now)
        assert choice is not None
        audience = choice.selected
        if len(audience) < args.min_audience:
            raise SystemExit(f"audience {len(audience)} < {args.min_audience}: raise --shop-users")
        print(f"model {args.model}, {args.parallel} in flight; audience {len(audience)} of {len(shop.users)} users")

        # 1. The campaign run.
        cold = reset_prefix_cache(endpoint.base_url)
        counters_before = read_counters(endpoint.base_url)
        meter = UsageMeter()
        done: list[UserDone] = []
        context = Context(services=services, now=info.clock, record_sends=False)
        started = time.perf_counter()
        process_run(
            store,
            info,
            context,
            build_graph(saver),
            concurrency=args.parallel,
            callbacks=[meter],
            on_done=lambda d: note(done, d, len(audience)),
        )
        campaign_wall = time.perf_counter() - started
        saved = prefill_saved(counters_before, read_counters(endpoint.base_url))
        usage = meter.summary()
        cache = services.generation_cache
        hit_rate = cache.hit_rate if cache else 0.0
        failed = sum(not d.ok for d in done)
        latencies = [d.seconds for d in done if d.ok]
        messages = sum(1 for _, r in store.results("bench") if r.message is not None)

        # 2. The raw server on the very same requests, same concurrency.
        bodies = list(recorder.bodies)  # the campaign's requests only: the loops below share the client
        campaign_requests = len(bodies)
        if args.replay_share < 1.0:  # throughput is a rate: a seeded sample of the same requests measures it
            bodies = random.Random(0).sample(bodies, max(1, round(args.replay_share * len(bodies))))
        cold = reset_prefix_cache(endpoint.base_url) and cold  # the replay starts as cold as the campaign did
        replay_before = read_counters(endpoint.base_url)
        raw_wall, raw_tokens, raw_latencies = replay(endpoint.base_url, bodies, args.parallel)
        replay_saved = prefill_saved(replay_before, read_counters(endpoint.base_url))

        # 3. The sequential per-user loop, no cache, same server.
        plain = replace(services, generation_cache=None)
        seq_users = audience[: args.sequential]
        seq_context = Context(services=plain, now=info.clock, record_sends=False)
        seq_wall = sequential_seconds(seq_users, campaign, seq_context) if seq_users else 0.0
        embedded_seq_wall = None
        if args.sequential_embedded:
            embedded_seq_wall = sequential_on_embedded(settings, plain, campaign, seq_users, info.clock)
        saver.conn.close()
        store.close()
        services.close()
        http_client.close()

    campaign_rate = len(done) / campaign_wall
    campaign_tps = usage.completion_tokens / campaign_wall
    raw_tps = raw_tokens / raw_wall
    print(f"\ncampaign: {len(done)} users ({failed} failed), {messages} messages in {campaign_wall:.1f}s")
    print(f"  {campaign_rate:.3f} users/s, {messages / campaign_wall:.3f} messages/s, {campaign_tps:.1f} tok/s")
    print(f"  per-user latency p50 {statistics.median(latencies):.1f}s p95 {percentile(latencies, 0.95) or 0.0:.1f}s")
    print(f"  LLM: {usage.line()}")
    print(f"  generation cache hit rate {hit_rate:.0%}; {campaign_requests} requests reached the server")
    print(f"  completion tokens per sent message: {usage.completion_tokens / max(1, messages):.0f}")
    print(f"  server's own count: {saved.line() if saved else 'no prefix-cache counters at /metrics'}")
    print(f"raw server, same {len(bodies)} requests, {args.parallel} concurrent: {raw_wall:.1f}s, {raw_tps:.1f} tok/s")
    raw_p95 = percentile(raw_latencies, 0.95) or 0.0
    print(f"  per-request latency p50 {statistics.median(raw_latencies):.1f}s p95 {raw_p95:.1f}s")
    if replay_saved is not None:
        print(f"  server's own count: {replay_saved.line()}")
        if not cold:  # the replay comes second: without a reset it finds the campaign's prefixes cached
            print("  (prefix cache not reset between phases: start vLLM with DEV_MODE=1 for a fair raw side)")
    print(f"  campaign/raw throughput (tok/s): {campaign_tps / raw_tps:.2f} (goal >= 0.85)")
    if seq_users:
        seq_rate = len(seq_users) / seq_wall
        print(f"sequential loop, {len(seq_users)} users, no cache: {seq_wall:.1f}s, {seq_rate:.3f} users/s")
        print(f"  campaign speedup over sequential: {campaign_rate / seq_rate:.1f}x (goal >= 5x)")
    if embedded_seq_wall is not None:
        embedded_rate = len(seq_users) / embedded_seq_wall
        print(f"sequential loop, embedded llama.cpp server: {embedded_seq_wall:.1f}s, {embedded_rate:.3f} users/s")
        print(f"  campaign speedup over that loop: {campaign_rate / embedded_rate:.1f}x")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process; an embedded server runs in it): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
