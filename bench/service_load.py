"""Load test of the HTTP service on loopback (issue #7): concurrent clients, mixed chat and REST, bounded.

Usage::

    python bench/service_load.py --model qwen2.5-coder-0.5b --clients 50
    python bench/service_load.py --llm-base-url http://127.0.0.1:PORT/v1 --clients 50   # any OpenAI-compatible server
    python bench/service_load.py --clients 12 --requests 3 --soak-s 600 --rss-every-s 60 --drain-check 3  # a soak

In a fresh temporary PROMO_HOME: builds the demo shop (`promo shop build`), adds an admin and a marketer key
(`promo service key add`), starts `promo serve` on a free loopback port with the embedded model (or the given
server) and the limits given, waits for /readyz, starts a small campaign run in the background, then runs the
clients: each sends a seeded mix of streamed and whole chat turns, promotions, feedback, run progress, /healthz
and /metrics. Prints per request kind: count, ok, rejected, errors, latency p50/p95 of ok requests and time to
the first SSE line of streamed chat; then wall time, the server's own count of rejections, the audit log's
statuses, the peak RSS of the server and of its model process, their RSS curve during the load, and the
feedback rows the service accepted against those it stored. `--soak-s` repeats each client's rounds for that
long; `--drain-check N` then sends SIGTERM while N promotions are in flight (each must finish 200, the server
exit 0). Exits 1 on any error or lost feedback row. The server is stopped with SIGINT (killed after a bound)
whatever happens, Ctrl-C included. Run the real model on a quiet machine.

*Rejected* means the service refused work it could not take, as designed: 429 or 503 with a Retry-After header;
such a request is sent once more after its Retry-After (capped), and its final verdict counts. Anything else
that is not the expected answer is an *error*: a timeout, a connection error, any other 4xx/5xx, a 429/503
without Retry-After, a malformed body, or a stream that ends without `[DONE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal, get_args

import httpx

from shopdata.campaigns import demo_campaigns
from shopdata.demo_shop import build_demo_shop
from tools.llm.supervisor import child_pids, free_loopback_port
from tools.settings import EmbeddedModel, get_settings
from tools.stats import percentile

ROOT = Path(__file__).resolve().parents[1]
PROMO = Path(sys.executable).parent / "promo"
SHOP_SEED = 7
RUN_ID = "load-run"
KEPT_ENV = frozenset({"PROMO_LLM_API_KEY"})
"""The one inherited PROMO_* variable passed on: a secret has no place on the command line."""


class SetupError(RuntimeError):
    """The service could not be set up or started; the message says why."""


# --- the clients: what each sends is fixed by the seed; every request is judged ok, rejected or error ---

Kind = Literal["chat_stream", "chat", "promotion", "feedback", "run_status", "healthz", "metrics"]
KINDS: tuple[Kind, ...] = get_args(Kind)
Verdict = Literal["ok", "rejected", "error"]

DEFAULT_MIX: Mapping[Kind, int] = {
    "chat_stream": 3,
    "chat": 2,
    "promotion": 2,
    "feedback": 2,
    "run_status": 1,
    "healthz": 1,
    "metrics": 1,
}
"""Relative weights of the request kinds each client draws from."""

EXPECTED: Mapping[Kind, frozenset[int]] = {
    kind: frozenset({200, 202}) if kind == "promotion" else frozenset({200}) for kind in KINDS
}
"""Statuses that count as success; a promotion may pause for a human (202)."""

BRIEFS = (
    "给最近浏览过保温杯的高价值用户写三条双十一推送，满300减50",
    "双十一保温杯满300减50，给最近30天买过保温杯的老客发短信，写两版",
    "保温杯满300减50，发push，写两版",
    "Write two push messages for high-value users who viewed coffee recently: 20% off all coffee",
    "Coffee week: 20% off coffee for users who bought coffee in the last 60 days, one email",
    "帮我给喜欢咖啡的用户写点推送",  # no offer named: the assistant asks instead of writing
)
"""Marketers' briefs, zh and en, as typed into the chat."""

FEEDBACK_KINDS = ("impression", "impression", "click", "conversion")
RUN_STATES = frozenset({"selecting", "writing", "finished", "failed", "stopped"})


@dataclass(frozen=True)
class Target:
    """The service under load as the clients see it (the base URL lives in the httpx client)."""

    marketer_key: str
    user_ids: tuple[str, ...]
    """Shop users that promotions and feedback name."""
    campaign: dict[str, Any]
    """A Campaign as JSON, for promotions."""
    run_id: str | None = None
    """A campaign run whose progress clients read; None leaves run_status out of the mix."""


@dataclass(frozen=True)
class LoadPlan:
    """How many clients send what, how long each request may take, and the bound on the whole test."""

    clients: int = 50
    requests_per_client: int = 4
    seed: int = 0
    timeout_s: float = 300.0
    """Longest time one request may take before it counts as an error."""
    max_retry_wait_s: float = 30.0
    """Cap on the Retry-After wait before the one retry."""
    retry_once: bool = True
    think_s: float = 0.5
    """Each request waits a random 0..think_s first, so clients do not move in lockstep."""
    deadline_s: float = 1800.0
    """The whole test stops here; requests not finished by then count as errors."""
    soak_s: float = 0.0
    """A soak: each client sends rounds of `requests_per_client` until this many seconds have passed (0: one)."""
    mix: Mapping[Kind, int] = field(default_factory=lambda: dict(DEFAULT_MIX))

    def __post_init__(self) -> None:
        if self.clients < 1 or self.requests_per_client < 1:
            raise ValueError(f"need clients >= 1 and requests >= 1, got {self.clients}, {self.requests_per_client}")
        if self.timeout_s <= 0 or self.deadline_s <= 0:
            raise ValueError("timeouts and the deadline must be > 0")
        if self.max_retry_wait_s < 0 or self.think_s < 0 or self.soak_s < 0:
            raise ValueError("waits and the soak time must be >= 0")
        unknown = set(self.mix) - set(KINDS)
        if unknown or any(w < 0 for w in self.mix.values()) or not any(self.mix.values()):
            raise ValueError(f"mix needs non-negative weights over {KINDS}, not all zero; got {dict(self.mix)}")


@dataclass(frozen=True)
class Call:
    """One planned request, and the think time before it."""

    kind: Kind
    method: Literal["GET", "POST"]
    path: str
    body: dict[str, Any] | None = None
    pause_s: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """One HTTP exchange, judged."""

    verdict: Verdict
    seconds: float
    first_line_s: float | None = None
    retry_after_s: float | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Outcome:
    """How one planned request ended, after at most one retry."""

    kind: Kind
    verdict: Verdict
    seconds: float | None = None
    """The successful attempt's latency (ok only)."""
    first_line_s: float | None = None
    """Streamed chat: time to the first SSE line of the successful attempt."""
    retried: bool = False
    problem: str | None = None
    events: int = 0
    """Feedback rows the service accepted (ok feedback only): each must be stored."""


@dataclass(frozen=True)
class LoadResult:
    """Every outcome, and the wall time of the whole load."""

    outcomes: list[Outcome]
    wall_s: float

    @property
    def errors(self) -> list[Outcome]:
        """The outcomes that count as errors."""
        return [o for o in self.outcomes if o.verdict == "error"]


# --- planning: everything a client sends is fixed by the seed before the first request ---


def feedback_events(rng: random.Random, target: Target, tag: str, now: datetime) -> list[dict[str, Any]]:
    """One to three impression/click/conversion rows, stamped `now`, with ids unique to this request."""
    events = []
    for n in range(rng.randint(1, 3)):
        kind = rng.choice(FEEDBACK_KINDS)
        events.append(
            {
                "event_id": f"load-{tag}-{n}",
                "run_id": target.run_id or "load-test",
                "user_id": rng.choice(target.user_ids),
                "kind": kind,
                "ts": now.isoformat(),
                "channel": "push",
                "value": round(rng.uniform(300, 900), 2) if kind == "conversion" else 0.0,
            }
        )
    return events


def make_call(kind: Kind, rng: random.Random, target: Target, tag: str, now: datetime) -> Call:
    """The request of one kind, its details drawn from `rng`."""
    if kind in ("chat_stream", "chat"):
        message = {"role": "user", "content": rng.choice(BRIEFS)}
        body = {"model": "promo-assistant", "stream": kind == "chat_stream", "messages": [message]}
        return Call(kind, "POST", "/v1/chat/completions", body)
    if kind == "promotion":
        body = {"user_id": rng.choice(target.user_ids), "campaign": target.campaign, "variants": rng.choice((1, 2))}
        return Call(kind, "POST", "/v1/promotions", body)
    if kind == "feedback":
        return Call(kind, "POST", "/v1/feedback", {"events": feedback_events(rng, target, tag, now)})
    if kind == "run_status":
        return Call(kind, "GET", f"/v1/campaign-runs/{target.run_id}")
    return Call(kind, "GET", f"/{kind}")


def plan_calls(plan: LoadPlan, target: Target, client: int, now: datetime, round_no: int = 0) -> list[Call]:
    """The requests of one client's round and the pauses before them, the same for the same seed."""
    rng = random.Random((plan.seed * 1_000_003 + client) * 1_009 + round_no)
    kinds = [k for k, w in plan.mix.items() if w > 0 and (k != "run_status" or target.run_id)]
    weights = [plan.mix[k] for k in kinds]
    calls = []
    for n in range(plan.requests_per_client):
        kind, pause_s = rng.choices(kinds, weights)[0], rng.uniform(0, plan.think_s)
        tag = f"{plan.seed}-{client}-{round_no}-{n}"
        calls.append(replace(make_call(kind, rng, target, tag, now), pause_s=pause_s))
    return calls


# --- judging one exchange ---


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or invalid."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def judge_status(kind: Kind, status: int, retry_after: str | None) -> tuple[Verdict, float | None, str | None]:
    """(verdict, seconds to wait before a retry, problem) from the status line and Retry-After alone."""
    if status in EXPECTED[kind]:
        return "ok", None, None
    if status in (429, 503):
        wait = parse_retry_after(retry_after)
        if wait is None:
            return "error", None, f"{status} without a valid Retry-After ({retry_after!r})"
        return "rejected", wait, None
    return "error", None, f"HTTP {status}"


def _body_is_right(kind: Kind, status: int, data: Any) -> bool:
    if kind == "chat":
        return bool(data["object"] == "chat.completion" and data["choices"][0]["message"]["content"])
    if kind == "promotion":
        return "decision" in data if status == 200 else bool(data["status"] == "awaiting_approval")
    if kind == "feedback":
        return bool(data["refused"] == [] and data["added"] + data["duplicates"] >= 1)
    if kind == "run_status":
        return data["state"] in RUN_STATES
    return bool(data["status"] == "ok")  # healthz


def body_problem(kind: Kind, status: int, body: bytes) -> str | None:
    """Why a response with an expected status still is not a right answer, or None."""
    if kind == "metrics":
        return None if b"promo_http_requests_total" in body else "metrics without promo_http_requests_total"
    try:
        right = _body_is_right(kind, status, json.loads(body))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        return f"malformed {kind} body: {type(error).__name__} {error}"
    return None if right else f"unexpected {kind} body: {body[:200]!r}"


def stream_problem(lines: Sequence[str]) -> str | None:
    """Why an SSE answer is broken (an error line, an error event, no [DONE]), or None."""
    done = False
    for line in lines:
        if not line.startswith("data: "):
            continue
        payload = line.removeprefix("data: ")
        if payload == "[DONE]":
            done = True
            continue
        chunk = json.loads(payload)
        if "error" in chunk:
            return f"stream error: {chunk['error']}"
        if (chunk.get("promo_event") or {}).get("kind") == "error":
            return f"assistant error event: {chunk['promo_event'].get('text', '')[:200]}"
    return None if done else "stream ended without [DONE]"


# --- sending ---


def _judged(kind: Kind, response: httpx.Response, started: float) -> Attempt:
    seconds = time.perf_counter() - started
    verdict, wait, problem = judge_status(kind, response.status_code, response.headers.get("Retry-After"))
    if verdict == "ok":
        problem = body_problem(kind, response.status_code, response.content)
        verdict = "error" if problem else "ok"
    return Attempt(verdict, seconds, retry_after_s=wait, problem=problem)


async def _streamed(client: httpx.AsyncClient, call: Call, headers: dict[str, str], started: float) -> Attempt:
    async with client.stream(call.method, call.path, json=call.body, headers=headers) as response:
        if response.status_code != 200:
            await response.aread()
            return _judged(call.kind, response, started)
        lines: list[str] = []
        first_line_s: float | None = None
        async for line in response.aiter_lines():
            if first_line_s is None:
                first_line_s = time.perf_counter() - started
            lines.append(line)
    seconds = time.perf_counter() - started
    try:
        problem = stream_problem(lines)
    except ValueError as error:  # a data line that is not JSON
        problem = f"malformed stream: {error}"
    return Attempt("error" if problem else "ok", seconds, first_line_s=first_line_s, problem=problem)


async def attempt(client: httpx.AsyncClient, call: Call, key: str, timeout_s: float) -> Attempt:
    """Send one request with a hard bound on its whole duration; never raises for a failed exchange."""
    headers = {"Authorization": f"Bearer {key}"}
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):  # httpx's timeouts bound each read, not the whole answer
            if call.kind == "chat_stream":
                return await _streamed(client, call, headers, started)
            response = await client.request(call.method, call.path, json=call.body, headers=headers)
    except TimeoutError:
        return Attempt("error", time.perf_counter() - started, problem=f"no full answer within {timeout_s:g} s")
    except httpx.HTTPError as error:
        return Attempt("error", time.perf_counter() - started, problem=f"{type(error).__name__}: {error}")
    return _judged(call.kind, response, started)


async def send(client: httpx.AsyncClient, call: Call, key: str, plan: LoadPlan) -> Outcome:
    """One planned request: think, send, and once more after Retry-After if the service was busy."""
    await asyncio.sleep(call.pause_s)
    first = await attempt(client, call, key, plan.timeout_s)
    final, retried = first, False
    if first.verdict == "rejected" and plan.retry_once:
        await asyncio.sleep(min(first.retry_after_s or 0.0, plan.max_retry_wait_s))
        final, retried = await attempt(client, call, key, plan.timeout_s), True
    ok = final.verdict == "ok"
    accepted = len(call.body["events"]) if ok and call.kind == "feedback" and call.body else 0
    return Outcome(
        kind=call.kind,
        verdict=final.verdict,
        seconds=final.seconds if ok else None,
        first_line_s=final.first_line_s if ok else None,
        retried=retried,
        problem=final.problem,
        events=accepted,
    )


async def _client(
    client: httpx.AsyncClient, key: str, plan: LoadPlan, rounds: Callable[[int], list[Call]], state: ClientState
) -> None:
    round_no = 0
    while True:
        state.current = rounds(round_no)
        state.sent_of_current = 0
        for call in state.current:
            state.outcomes.append(await send(client, call, key, plan))
            state.sent_of_current += 1
        round_no += 1
        if time.perf_counter() - state.started >= plan.soak_s:  # one round unless soaking
            return


@dataclass
class ClientState:
    """One client's outcomes so far and the round it is in (what is left of it is late at the deadline)."""

    started: float
    outcomes: list[Outcome] = field(default_factory=list)
    current: list[Call] = field(default_factory=list)
    sent_of_current: int = 0


async def run_load(client: httpx.AsyncClient, target: Target, plan: LoadPlan) -> LoadResult:
    """Run every client concurrently on `client` (base URL set); stop at the deadline, whatever is left."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    states = [ClientState(started) for _ in range(plan.clients)]
    tasks = [
        asyncio.create_task(
            _client(client, target.marketer_key, plan, partial(plan_calls, plan, target, n, now), state)
        )
        for n, state in enumerate(states)
    ]
    done, pending = await asyncio.wait(tasks, timeout=plan.deadline_s + plan.soak_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.perf_counter() - started
    for task in done:
        task.result()  # a bug in the bench itself must surface, not pass as a service error
    cut = [state for state, task in zip(states, tasks, strict=True) if task in pending]
    late = [
        Outcome(call.kind, "error", problem=f"not finished by the {plan.deadline_s:g} s deadline")
        for state in cut
        for call in state.current[state.sent_of_current :]
    ]
    return LoadResult([o for state in states for o in state.outcomes] + late, wall)


async def start_run(client: httpx.AsyncClient, target: Target, users: int) -> None:
    """Start the small campaign run named by `target.run_id` in the background, for run_status to read."""
    body = {
        "run_id": target.run_id,
        "campaign": target.campaign,
        "user_ids": list(target.user_ids[:users]),
        "holdout": 0.0,
        "concurrency": 1,  # a trickle beside the clients' work, not a competitor for every LLM slot
    }
    response = await client.post(
        "/v1/campaign-runs", json=body, headers={"Authorization": f"Bearer {target.marketer_key}"}
    )
    if response.status_code != 202:
        raise SetupError(f"starting campaign run {target.run_id!r}: HTTP {response.status_code} {response.text}")


# --- the report ---


@dataclass(frozen=True)
class KindStats:
    """One row of the report."""

    kind: str
    count: int
    ok: int
    rejected: int
    errors: int
    retried: int
    ok_after_retry: int
    p50_s: float | None
    p95_s: float | None
    first_line_p50_s: float | None
    first_line_p95_s: float | None

    @classmethod
    def of(cls, kind: str, outcomes: Sequence[Outcome]) -> KindStats:
        """Counts and percentiles over `outcomes` (latencies of ok requests only)."""
        seconds = [o.seconds for o in outcomes if o.seconds is not None]
        first = [o.first_line_s for o in outcomes if o.first_line_s is not None]
        return cls(
            kind=kind,
            count=len(outcomes),
            ok=sum(o.verdict == "ok" for o in outcomes),
            rejected=sum(o.verdict == "rejected" for o in outcomes),
            errors=sum(o.verdict == "error" for o in outcomes),
            retried=sum(o.retried for o in outcomes),
            ok_after_retry=sum(o.retried and o.verdict == "ok" for o in outcomes),
            p50_s=percentile(seconds, 0.50),
            p95_s=percentile(seconds, 0.95),
            first_line_p50_s=percentile(first, 0.50),
            first_line_p95_s=percentile(first, 0.95),
        )


def summarise(outcomes: Sequence[Outcome]) -> list[KindStats]:
    """A row per request kind that ran, then the total."""
    rows = [KindStats.of(kind, [o for o in outcomes if o.kind == kind]) for kind in KINDS]
    return [r for r in rows if r.count] + [KindStats.of("total", outcomes)]


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_table(rows: Sequence[KindStats]) -> str:
    """The report as a fixed-width table: seconds; latency over ok requests; first SSE line for streams."""
    head = (
        f"{'request':<12} {'count':>5} {'ok':>5} {'rejected':>8} {'errors':>6} {'retried':>7} {'ok@retry':>8}"
        f" {'p50 s':>7} {'p95 s':>7} {'1st line p50/p95 s':>18}"
    )
    lines = [head]
    for r in rows:
        first = "" if r.first_line_p50_s is None else f"{_s(r.first_line_p50_s)} / {_s(r.first_line_p95_s)}"
        lines.append(
            f"{r.kind:<12} {r.count:>5} {r.ok:>5} {r.rejected:>8} {r.errors:>6} {r.retried:>7} {r.ok_after_retry:>8}"
            f" {_s(r.p50_s):>7} {_s(r.p95_s):>7} {first:>18}"
        )
    return "\n".join(lines)


def error_lines(result: LoadResult, limit: int = 10) -> list[str]:
    """The distinct error problems with their counts, most frequent first."""
    counts: dict[str, int] = {}
    for outcome in result.errors:
        key = f"{outcome.kind}: {outcome.problem}"
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return [f"{n:>4} x {problem}" for problem, n in ordered[:limit]]


# --- the server process and the command line ---


@dataclass(frozen=True)
class Keys:
    """The API keys the bench created."""

    admin: str
    marketer: str


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    llm = parser.add_argument_group("model")
    llm.add_argument("--model", choices=get_args(EmbeddedModel), default="qwen2.5-coder-0.5b")
    llm.add_argument("--llm-base-url", help="use this OpenAI-compatible server instead of the embedded model")
    llm.add_argument("--llm-model", default="", help="model name at --llm-base-url (default: its first)")
    llm.add_argument("--parallel", type=int, default=4, help="embedded model's parallel slots")
    service = parser.add_argument_group("service limits (PROMO_SERVICE_*)")
    service.add_argument("--max-jobs", type=int, default=4, help="chat turns and promotions served at once")
    service.add_argument("--queue", type=int, default=8, help="requests that may wait for a slot")
    service.add_argument("--queue-timeout-s", type=float, default=30.0, help="longest wait for a slot")
    load = parser.add_argument_group("load")
    load.add_argument("--clients", type=int, default=50)
    load.add_argument("--requests", type=int, default=4, help="requests per client")
    load.add_argument("--seed", type=int, default=0)
    load.add_argument("--timeout-s", type=float, default=300.0, help="bound on one request; past it: an error")
    load.add_argument("--max-retry-wait-s", type=float, default=30.0, help="cap on the Retry-After wait")
    load.add_argument("--no-retry", action="store_true", help="do not retry a rejected request once")
    load.add_argument("--think-s", type=float, default=0.5, help="random pause of up to this before each request")
    load.add_argument("--deadline-s", type=float, default=1800.0, help="bound on the whole load")
    load.add_argument("--soak-s", type=float, default=0.0, help="soak: repeat rounds of --requests this long")
    load.add_argument("--rss-every-s", type=float, default=60.0, help="memory sample interval during the load")
    load.add_argument(
        "--drain-check", type=int, default=0, help="after the load: stop with SIGTERM while this many promotions run"
    )
    setup = parser.add_argument_group("setup")
    setup.add_argument("--shop-users", type=int, default=40)
    setup.add_argument("--run-users", type=int, default=4, help="users of the background campaign run (0: none)")
    setup.add_argument("--start-timeout-s", type=float, default=300.0, help="bound on the server becoming healthy")
    setup.add_argument("--stop-timeout-s", type=float, default=30.0, help="SIGINT grace before a kill")
    setup.add_argument("--keep-home", action="store_true", help="keep the temporary PROMO_HOME (and serve.log)")
    return parser.parse_args()


def plan_of(args: argparse.Namespace) -> LoadPlan:
    """The clients' plan from the command line."""
    return LoadPlan(
        clients=args.clients,
        requests_per_client=args.requests,
        seed=args.seed,
        timeout_s=args.timeout_s,
        max_retry_wait_s=args.max_retry_wait_s,
        retry_once=not args.no_retry,
        think_s=args.think_s,
        deadline_s=args.deadline_s,
        soak_s=args.soak_s,
    )


# --- the server process ---


def service_env(home: Path, args: argparse.Namespace) -> dict[str, str]:
    """The server's environment: ours without inherited PROMO_* settings, so the options alone decide the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMO_") or k in KEPT_ENV}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PROMO_HOME": str(home),
        "PROMO_EMBEDDED_MODEL": args.model,
        "PROMO_EMBEDDED_PARALLEL": str(args.parallel),
        "PROMO_SERVICE_MAX_JOBS": str(args.max_jobs),
        "PROMO_SERVICE_QUEUE": str(args.queue),
        "PROMO_SERVICE_QUEUE_TIMEOUT_S": str(args.queue_timeout_s),
    }
    if args.llm_base_url:
        env |= {"PROMO_LLM_BASE_URL": args.llm_base_url, "PROMO_LLM_MODEL": args.llm_model}
    return env


def share_model_cache(home: Path) -> None:
    """Point the fresh home's model cache at the usual one: the weights are assembled and verified only once."""
    cache = get_settings().model_cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(cache, target_is_directory=True)


def promo(argv: list[str], env: dict[str, str], home: Path) -> str:
    """Run a `promo` command to completion; its stdout, or SetupError with its stderr."""
    # cwd=home: a .env file in the caller's folder must not change the server's settings either.
    done = subprocess.run([str(PROMO), *argv], env=env, cwd=home, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SetupError(f"promo {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def prepare_home(home: Path, env: dict[str, str], shop_users: int) -> Keys:
    """The demo shop and two keys, made with the CLI as an operator would."""
    promo(["shop", "build", "--users", str(shop_users), "--seed", str(SHOP_SEED)], env, home)
    keys = {
        role: promo(["service", "key", "add", "--role", role, "--name", f"load-{role}"], env, home).splitlines()[0]
        for role in ("admin", "marketer")
    }
    return Keys(admin=keys["admin"], marketer=keys["marketer"])


def start_server(port: int, env: dict[str, str], home: Path) -> subprocess.Popen[bytes]:
    """`promo serve` on loopback, its output in home/serve.log."""
    with (home / "serve.log").open("wb") as log:
        # A session of its own: Ctrl-C in the terminal reaches the bench alone, which then stops the server once.
        return subprocess.Popen(
            [str(PROMO), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def log_tail(path: Path, lines: int = 30) -> str:
    """The end of the server's log, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_healthy(base_url: str, server: subprocess.Popen[bytes], timeout_s: float, log: Path, key: str) -> None:
    """Return once /readyz answers 200; SetupError with the log's tail if the server dies or the bound passes."""
    deadline, last = time.monotonic() + timeout_s, "no answer yet"
    with httpx.Client(timeout=5, headers={"Authorization": f"Bearer {key}"}) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SetupError(f"promo serve exited ({server.returncode}) before it was healthy:\n{log_tail(log)}")
            try:
                response = client.get(f"{base_url}/readyz")
            except httpx.TransportError as error:
                last = type(error).__name__
            else:
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code} {response.text[:300]}"
            time.sleep(0.5)
    raise SetupError(f"promo serve not healthy within {timeout_s:g} s (last: {last}):\n{log_tail(log)}")


def stop_server(server: subprocess.Popen[bytes], grace_s: float) -> tuple[int, bool]:
    """SIGINT (uvicorn's graceful shutdown), then a kill past `grace_s`; (exit code, killed)."""
    if server.poll() is not None:
        return server.returncode, False
    server.send_signal(signal.SIGINT)
    try:
        return server.wait(timeout=grace_s), False
    except subprocess.TimeoutExpired:
        server.kill()
        return server.wait(timeout=30), True


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident set from the kernel (VmHWM); None where /proc lacks it (not Linux).

    The embedded model runs in a child process of the server (`model_pid`), measured on its own.
    """
    return _proc_status_mib(pid, "VmHWM")


def rss_mib(pid: int) -> float | None:
    """The process's resident set now (VmRSS); None when it is gone or /proc lacks it."""
    return _proc_status_mib(pid, "VmRSS")


def _proc_status_mib(pid: int, field_name: str) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    return None


def model_pid(server_pid: int) -> int | None:
    """The embedded model's process (the server's child running tools.llm.embedded_process), if any."""
    children = child_pids(server_pid, "tools.llm.embedded_process")
    return children[0] if children else None


@dataclass
class RssCurve:
    """Resident memory of the server and of its model process, sampled while the load runs."""

    samples: list[tuple[float, float | None, float | None]] = field(default_factory=list)
    """(seconds since the load began, server MiB, model MiB)."""

    async def sample(self, server_pid: int, every_s: float) -> None:
        """Sample until cancelled."""
        started = time.perf_counter()
        while True:
            self.record(server_pid, time.perf_counter() - started)
            await asyncio.sleep(every_s)

    def record(self, server_pid: int, at_s: float) -> None:
        """One sample of both processes."""
        model = model_pid(server_pid)
        self.samples.append((at_s, rss_mib(server_pid), rss_mib(model) if model else None))

    def lines(self) -> list[str]:
        """The curve as text, one sample a line."""
        shown = [f"{m:.0f}" if m is not None else "n/a" for _, m, _ in self.samples]
        model = [f"{m:.0f}" if m is not None else "n/a" for _, _, m in self.samples]
        times = [f"{t:.0f}" for t, _, _ in self.samples]
        return [f"RSS at s {' '.join(times)}", f"  server MiB {' '.join(shown)}", f"  model MiB  {' '.join(model)}"]


def log_problems(path: Path) -> list[str]:
    """Lines of the server's log that report an error or a traceback."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if line.startswith(("ERROR", "CRITICAL", "Traceback"))]


# --- the load and what the server says about it ---


async def exercise(
    base_url: str, target: Target, plan: LoadPlan, run_users: int, rss: tuple[RssCurve, int, float]
) -> LoadResult:
    """Start the campaign run (if any), then run every client while sampling the server's memory."""
    curve, server_pid, every_s = rss
    started = time.perf_counter()
    sampler = asyncio.create_task(curve.sample(server_pid, every_s))
    limits = httpx.Limits(max_connections=plan.clients + 8, max_keepalive_connections=plan.clients + 8)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=plan.timeout_s, limits=limits) as client:
            if target.run_id is not None:
                await start_run(client, target, run_users)
            return await run_load(client, target, plan)
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
        curve.record(server_pid, time.perf_counter() - started)  # one last sample: the end of the load


def stored_feedback(home: Path) -> int:
    """Feedback rows the bench's requests left in the server's store (their ids start with load-)."""
    with closing(sqlite3.connect(home / "feedback.sqlite")) as db:
        return int(db.execute("SELECT COUNT(*) FROM feedback WHERE event_id LIKE 'load-%'").fetchone()[0])


def server_rejections(metrics: str) -> dict[str, float]:
    """promo_rejected_total by its labels, from the Prometheus text."""
    counts: dict[str, float] = {}
    for line in metrics.splitlines():
        if line.startswith("promo_rejected_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels.removeprefix("promo_rejected_total")] = float(value)
    return counts


def server_report(base_url: str, keys: Keys, run_id: str | None) -> list[str]:
    """What the server says: its count of rejections, the statuses in its audit log, the campaign run's state."""
    admin = {"Authorization": f"Bearer {keys.admin}"}
    with httpx.Client(base_url=base_url, timeout=30, headers=admin) as client:
        rejections = server_rejections(client.get("/metrics").text)
        audit = client.get("/v1/audit", params={"limit": 1000}).raise_for_status().json()
        run = client.get(f"/v1/campaign-runs/{run_id}").raise_for_status().json() if run_id else None
    statuses = Counter(int(entry["status"]) for entry in audit)
    lines = [
        f"server rejections (promo_rejected_total): {rejections or 'none'}",
        f"audit log statuses (newest {len(audit)} requests): {dict(sorted(statuses.items()))}",
    ]
    if run is not None:
        lines.append(
            f"campaign run {run_id}: {run['state']}, {run['done']} of {run['total']} done, {run['failed']} failed"
        )
    return lines


def describe(args: argparse.Namespace, plan: LoadPlan) -> str:
    """The run's setup in one line."""
    llm = f"LLM {args.llm_base_url}" if args.llm_base_url else f"embedded {args.model}, {args.parallel} slots"
    retry = "one retry after Retry-After" if plan.retry_once else "no retry"
    return (
        f"{llm}; limits: {args.max_jobs} jobs, queue {args.queue}, queue timeout {args.queue_timeout_s:g} s; "
        f"{plan.clients} clients x {plan.requests_per_client} requests, seed {plan.seed}, "
        f"timeout {plan.timeout_s:g} s per request, {retry}"
    )


def load_and_report(
    base_url: str, server: subprocess.Popen[bytes], keys: Keys, args: argparse.Namespace, home: Path
) -> bool:
    """Run the load against the healthy server and print the report.

    True when no request was an error and every feedback row the service accepted was stored.
    """
    plan, now = plan_of(args), datetime.now(UTC)
    users = tuple(u.user_id for u in build_demo_shop(seed=SHOP_SEED, n_users=args.shop_users, now=now).users)
    campaign = demo_campaigns(now)[0].model_dump(mode="json")
    target = Target(keys.marketer, users, campaign, RUN_ID if args.run_users > 0 else None)
    print(describe(args, plan), flush=True)
    curve = RssCurve()
    result = asyncio.run(exercise(base_url, target, plan, args.run_users, (curve, server.pid, args.rss_every_s)))
    peak, model = peak_rss_mib(server.pid), model_pid(server.pid)  # before the processes exit
    model_peak = peak_rss_mib(model) if model else None
    print(format_table(summarise(result.outcomes)))
    print(
        f"wall {result.wall_s:.1f} s; peak RSS (VmHWM): server {'n/a' if peak is None else f'{peak:.0f} MiB'}, "
        f"model {'n/a' if model_peak is None else f'{model_peak:.0f} MiB'}"
    )
    print(*curve.lines(), sep="\n")
    accepted, stored = sum(o.events for o in result.outcomes), stored_feedback(home)
    print(f"feedback rows accepted {accepted}, stored {stored}: {'none lost' if accepted == stored else 'LOST'}")
    print(*server_report(base_url, keys, target.run_id), sep="\n")
    for line in error_lines(result):
        print(f"error {line}")
    return not result.errors and accepted == stored


def drain_check(base_url: str, server: subprocess.Popen[bytes], keys: Keys, args: argparse.Namespace) -> bool:
    """SIGTERM while `--drain-check` promotions are in flight: each must finish 200, the server exit 0 in time."""
    now = datetime.now(UTC)
    users = [u.user_id for u in build_demo_shop(seed=SHOP_SEED, n_users=args.shop_users, now=now).users]
    campaign = demo_campaigns(now)[0].model_dump(mode="json")
    headers = {"Authorization": f"Bearer {keys.marketer}"}

    def promote(user_id: str) -> int:
        body = {"user_id": user_id, "campaign": campaign, "variants": 1}
        try:
            return httpx.post(f"{base_url}/v1/promotions", json=body, headers=headers, timeout=300).status_code
        except httpx.HTTPError:
            return 0

    with ThreadPoolExecutor(max_workers=args.drain_check) as pool:
        futures = [pool.submit(promote, users[n % len(users)]) for n in range(args.drain_check)]
        time.sleep(2.0)  # in flight: admitted and writing
        in_flight = sum(not f.done() for f in futures)
        started = time.perf_counter()
        server.send_signal(signal.SIGTERM)
        statuses = [f.result() for f in futures]
        try:
            code = server.wait(timeout=args.stop_timeout_s)
        except subprocess.TimeoutExpired:
            code = None
    took = time.perf_counter() - started
    print(
        f"SIGTERM with {in_flight} promotions in flight: statuses {statuses}; "
        f"server exit code {code} after {took:.1f} s"
    )
    return in_flight > 0 and all(status == 200 for status in statuses) and code == 0


def main() -> int:
    """Set up, serve, load, report, stop; 0 when every request was ok or rejected with Retry-After."""
    args = _args()
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so the finally below still stops the server.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    home = Path(tempfile.mkdtemp(prefix="promo-load-"))
    server: subprocess.Popen[bytes] | None = None
    passed = False
    try:
        env = service_env(home, args)
        if not args.llm_base_url:
            share_model_cache(home)
        started = time.perf_counter()
        keys = prepare_home(home, env, args.shop_users)
        print(f"setup (demo shop, keys) {time.perf_counter() - started:.1f} s", flush=True)
        port = free_loopback_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(port, env, home)
        started = time.perf_counter()
        wait_healthy(base_url, server, args.start_timeout_s, home / "serve.log", keys.marketer)
        print(f"server healthy at {base_url} after {time.perf_counter() - started:.1f} s", flush=True)
        passed = load_and_report(base_url, server, keys, args, home)
        if args.drain_check:
            drained = drain_check(base_url, server, keys, args)
            passed = passed and drained
    except SetupError as error:
        print(f"setup failed: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        if server is not None:
            code, killed = stop_server(server, args.stop_timeout_s)
            print(f"server stopped: exit code {code}{', killed after the grace period' if killed else ''}")
            passed = passed and code == 0 and not killed
            problems = log_problems(home / "serve.log")
            print(f"server log: {len(problems)} error lines", *problems[:5], sep="\n  ")
        if args.keep_home:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
