"""How many users a campaign run keeps in flight per LLM server, taken from the server's own batch size.

What each server tells a client (checked against the installed versions):

- llama.cpp's server (the embedded one, `xllamacpp`, and `llama-server`): `GET /props` at the server root (not
  under /v1) answers `total_slots`, its parallel slots.
- vLLM 0.32.0 publishes no `max_num_seqs`. `/metrics` has `vllm:cache_config_info`, whose labels are the
  CacheConfig (block size, KV blocks, `kv_cache_max_concurrency` at a full `max_model_len`), not the scheduler's
  limits (vllm/v1/metrics/loggers.py, vllm/config/cache.py); `/v1/models` gives `max_model_len`; the whole config
  is only at `/server_info`, served with VLLM_SERVER_DEV_MODE=1, which also opens unauthenticated admin routes and
  must stay off. But its gauges show the scheduler at work: `vllm:num_requests_running` never passes
  `max_num_seqs`, and `vllm:num_requests_waiting` counts the rest. So the batch is measured (`measure_vllm_batch`):
  64 short generations at once, the gauges read meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from tools.llm.banned_tokens import server_root
from tools.llm.server_metrics import read_counters

log = logging.getLogger(__name__)

AUTO = "auto"
#: The most users in flight one process keeps per server (each is a thread running the graph).
MAX_CONCURRENCY = 64
#: A server that does not answer this fast is not asked again: the run goes on with the default.
PROBE_TIMEOUT_S = 5.0
#: Requests the vLLM probe sends at once: as many as the most users a run keeps in flight.
PROBE_REQUESTS = MAX_CONCURRENCY
#: Tokens each probe request generates (ignore_eos): long enough that they overlap and the gauges catch them.
PROBE_TOKENS = 48
#: How long the whole probe may take before the run gives up on it and takes the default.
PROBE_WALL_S = 180.0
PROBE_POLL_S = 0.02
RUNNING, WAITING = "vllm:num_requests_running", "vllm:num_requests_waiting"


@dataclass(frozen=True)
class ServerBatch:
    """What one server said it batches: `size` requests at once, read from its `source` field."""

    size: int
    source: str


@dataclass(frozen=True)
class Concurrency:
    """Users in flight per server, and why that many: printed as the run's first progress line."""

    value: int
    reason: str

    def line(self) -> str:
        """E.g. `concurrency 24 (from the server's total_slots 16: 1.5 users per slot)`."""
        return f"concurrency {self.value} ({self.reason})"


def parse_concurrency(text: str) -> int | None:
    """`--concurrency`: None for "auto" (ask the server), else a whole number from 1 to MAX_CONCURRENCY."""
    value = text.strip().lower()
    if value == AUTO:
        return None
    if value.isdigit() and 1 <= int(value) <= MAX_CONCURRENCY:
        return int(value)
    raise ValueError(
        f"--concurrency must be {AUTO!r} (from the LLM server) or a whole number from 1 to {MAX_CONCURRENCY}, "
        f"got {text!r}"
    )


def users_in_flight(batch: int) -> int:
    """Users to keep in flight for a server that runs `batch` requests at once: 1.5 per request, at most 64.

    Each user makes its LLM calls one after another, so n users put at most n requests on the server; but a
    user spends part of its time elsewhere (profiling, the rules, waiting on a shared generation), and then its
    place in the batch is empty. A campaign with 16 and with 24 users in flight kept 0.85 and 0.91 of the rate
    of a raw client holding as many requests in flight (bench/NOTES.md, "Campaign run at scale", vLLM on CPU):
    its users leave 10-15 % of their places idle, more in bursts (a popular prompt that many users wait on).
    Half as many users again as the batch keeps it full through those; the extra users' requests wait in the
    server's queue, which costs them latency, not the run throughput. The cap is `--concurrency`'s own.
    """
    return max(1, min(MAX_CONCURRENCY, batch + (batch + 1) // 2))


def ask_batch_size(base_url: str, api_key: str = "", timeout_s: float = PROBE_TIMEOUT_S) -> ServerBatch | str:
    """How many requests the server at `base_url` batches, or, as a string, why it did not say."""
    root = server_root(base_url)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx.Client(headers=headers, timeout=timeout_s) as client:
            props = client.get(f"{root}/props")
            if props.status_code == 200:
                slots = _json_field(props, "total_slots")
                if isinstance(slots, int) and not isinstance(slots, bool) and slots >= 1:
                    return ServerBatch(slots, "total_slots")
                return f"{root}/props has no usable total_slots ({slots!r})"
            version = client.get(f"{root}/version")
            vllm = _json_field(version, "version") if version.status_code == 200 else None
    except httpx.HTTPError as error:
        return f"{root} did not answer ({type(error).__name__})"
    if isinstance(vllm, str):
        return measure_vllm_batch(base_url, vllm, api_key, timeout_s)
    return f"{root} publishes no batch size (no /props; HTTP {props.status_code})"


def measure_vllm_batch(
    base_url: str, version: str, api_key: str = "", timeout_s: float = PROBE_TIMEOUT_S, requests: int = PROBE_REQUESTS
) -> ServerBatch | str:
    """The batch of a vLLM server, measured: `requests` short generations at once, its own gauges read meanwhile.

    The most requests it ran at once while others waited is its `max_num_seqs`; when none had to wait, it
    batches at least `requests`. Costs the server a few seconds of `PROBE_TOKENS`-token answers, once per run.
    """
    root = server_root(base_url)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx.Client(headers=headers, timeout=timeout_s) as client:
            if RUNNING not in read_counters(base_url, timeout_s):
                return f"vLLM {version} publishes no {RUNNING} at {root}/metrics"
            models = client.get(f"{root}/v1/models").json().get("data") or []
            model = str(models[0]["id"]) if models else ""
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        return f"{root} did not list its model for the probe ({type(error).__name__})"
    body = {
        "model": model,
        "messages": [{"role": "user", "content": "Count from one to fifty in words."}],
        "max_tokens": PROBE_TOKENS,
        "temperature": 0,
        "ignore_eos": True,  # vLLM's sampling extension: every answer is PROBE_TOKENS long, so they overlap
    }
    most_running = most_waiting = 0.0
    with (
        httpx.Client(headers=headers, timeout=PROBE_WALL_S) as client,
        ThreadPoolExecutor(max_workers=requests) as pool,
    ):
        sent = [pool.submit(client.post, f"{root}/v1/chat/completions", json=body) for _ in range(requests)]
        deadline = time.monotonic() + PROBE_WALL_S
        while not all(f.done() for f in sent) and time.monotonic() < deadline:
            gauges = read_counters(base_url, timeout_s)
            most_running = max(most_running, gauges.get(RUNNING, 0.0))
            most_waiting = max(most_waiting, gauges.get(WAITING, 0.0))
            time.sleep(PROBE_POLL_S)
        failed = sum(1 for f in sent if f.done() and (f.exception() is not None or f.result().status_code != 200))
    if failed or most_running < 1:
        return (
            f"vLLM {version}: the batch probe failed ({failed} of {requests} requests, {most_running:.0f} seen running)"
        )
    if most_waiting > 0:
        return ServerBatch(int(most_running), "max_num_seqs (measured)")
    return ServerBatch(requests, f"batch of at least {requests} (measured)")


def _json_field(response: httpx.Response, name: str) -> object:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload.get(name) if isinstance(payload, dict) else None


def choose_concurrency(
    requested: int | None,
    base_urls: Sequence[str],
    *,
    default: int,
    api_key: str = "",
    timeout_s: float = PROBE_TIMEOUT_S,
) -> Concurrency:
    """Users in flight per server: `requested` when given, else from what every server says, else `default`.

    Several servers (Ray replicas) share one setting: the smallest batch among them, so none is overrun. When
    one of them does not say, the run takes the default and the reason names that server.
    """
    if requested is not None:
        return Concurrency(requested, "--concurrency")
    batches: list[ServerBatch] = []
    for url in base_urls:
        said = ask_batch_size(url, api_key, timeout_s)
        if isinstance(said, str):
            reason = f"default: {said}; pass --concurrency to set it"
            log.info("concurrency %d (%s)", default, reason)
            return Concurrency(default, reason)
        batches.append(said)
    if not batches:
        return Concurrency(default, "default: no LLM server to ask")
    smallest = min(batches, key=lambda batch: batch.size)
    whose = "the server's" if len(batches) == 1 else f"the smallest of {len(batches)} servers'"
    value = users_in_flight(smallest.size)
    capped = f", capped at {MAX_CONCURRENCY}" if value == MAX_CONCURRENCY else ""
    return Concurrency(value, f"from {whose} {smallest.source} {smallest.size}: 1.5 users per slot{capped}")
