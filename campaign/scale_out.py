"""Scale a campaign run out on Ray: one actor per LLM replica, users pulled in batches from the run store.

The same run, store and plan as campaign.runner: each actor runs the local runner's `process_users` against
its own replica (its own Services and chat models) and commits every user through RunStore.finish.
Exactly-once rests on the store and the checkpointer, not on Ray: a killed run resumes from the store's
pending list, with either engine. Ray is the optional `scale` extra: import this module only for that engine.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import ray
from ray import ObjectRef
from ray.actor import ActorProxy
from ray.exceptions import RayActorError, RayTaskError

from campaign.ray_worker import ReplicaWorker
from campaign.runner import UserDone
from campaign.store import RunInfo, RunStore
from graphs.checkpoints import open_checkpointer
from tools.llm.chat_model import LLMEndpoint, first_model_id
from tools.settings import Settings

# Results are small (actors commit to the store and return counts): a small object store is plenty.
LOCAL_OBJECT_STORE_BYTES = 128 * 1024**2


@dataclass(frozen=True, kw_only=True)
class RayOptions:
    """How to fan a run out; validated on construction so a bad option fails before Ray starts."""

    replicas: tuple[str, ...]
    """OpenAI-compatible base URLs, one Ray actor each (e.g. vLLM servers at http://gpu-1:8000/v1)."""
    address: str | None = None
    """A Ray cluster to join (`ray://head:10001`, `auto`); None starts a private Ray on this machine."""
    num_cpus: int | None = None
    """CPUs of the local Ray; default one per replica. Ignored when joining a cluster."""
    concurrency: int = 4
    """Users in flight per replica, so each server batches their requests."""
    batch_size: int = 0
    """Users handed to an actor at a time; 0 means twice `concurrency`."""
    cache_generations: bool = True
    """Share generations of identical prompts, as the local runner does."""

    def __post_init__(self) -> None:
        if not self.replicas:
            raise ValueError("the ray engine needs at least one LLM replica (--replica http://host:8000/v1)")
        for url in self.replicas:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"replica {url!r} is not an http(s) base URL such as http://gpu-1:8000/v1")
        if len({url.rstrip("/") for url in self.replicas}) != len(self.replicas):
            raise ValueError("a replica is listed twice: each --replica must be a different server")
        if self.concurrency < 1 or self.batch_size < 0:
            raise ValueError("concurrency must be >= 1 and batch_size >= 0")
        if self.num_cpus is not None and self.num_cpus < len(self.replicas):
            raise ValueError(f"num_cpus must be at least the number of replicas ({len(self.replicas)}): one per actor")

    @property
    def users_per_batch(self) -> int:
        """Users handed to an actor at a time."""
        return self.batch_size or 2 * self.concurrency


def check_replicas(settings: Settings, replicas: Sequence[str]) -> dict[str, str]:
    """The model each replica serves (settings.llm_model, else the first it lists); fails early when one is down."""
    models = {}
    for url in replicas:
        listed = first_model_id(url.rstrip("/"), settings)  # RuntimeError naming the unreachable replica
        models[url] = settings.llm_model or listed
    return models


def _start_ray(options: RayOptions) -> bool:
    """Join or start Ray without telemetry or dashboard; True when this call started it (and must stop it)."""
    if ray.is_initialized():
        return False
    # Ray reads this when it starts: no usage reports leave the machine. A cluster's own head sets it there.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    if options.address is None:  # "local": a private instance even if another Ray runs on this machine
        ray.init(
            address="local",
            num_cpus=options.num_cpus or len(options.replicas),
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            include_dashboard=False,
            **common,
        )
    else:
        ray.init(address=options.address, **common)
    return True


def _dispatch(
    workers: list[ActorProxy[ReplicaWorker]],
    replicas: Sequence[str],
    info: RunInfo,
    batches: deque[list[str]],
    on_batch: Callable[[int, list[UserDone]], None],
) -> list[str]:
    """Keep one batch in flight per worker until the queue is empty; returns why each lost worker died."""
    in_flight: dict[ObjectRef[list[UserDone]], int] = {
        workers[i].process.remote(info, batches.popleft()): i for i in range(len(workers)) if batches
    }
    lost: list[str] = []
    while in_flight:
        (ready,), _ = ray.wait(list(in_flight), num_returns=1)
        index = in_flight.pop(ready)
        try:
            done: list[UserDone] = ray.get(ready)
        except RayActorError as error:  # that worker died: its unfinished users stay pending, the others go on
            lost.append(str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__)
            continue
        except RayTaskError as error:  # the batch raised (e.g. its replica went away): stop, as the local engine does
            raise RuntimeError(
                f"the worker for {replicas[index]} failed: {error.cause!r}; "
                "finished users are kept: rerun the same run id to resume"
            ) from error
        on_batch(index, done)
        if batches:
            in_flight[workers[index].process.remote(info, batches.popleft())] = index
    return lost


def _close(workers: list[ActorProxy[ReplicaWorker]]) -> None:
    """Close each live worker's connections (a dead one has none left to close)."""
    for worker in workers:
        try:
            ray.get(worker.close.remote(), timeout=60)
        except RayActorError:
            continue


def process_run_on_ray(
    store: RunStore,
    info: RunInfo,
    settings: Settings,
    options: RayOptions,
    on_done: Callable[[UserDone], None] | None = None,
) -> dict[str, int]:
    """Process every pending user of a run on Ray actors, one per replica; returns users finished per replica.

    Raises RuntimeError when a worker died before the run was done: rerunning resumes the rest exactly once.
    """
    if options.address is not None and settings.database_url is None:
        raise ValueError(
            "a Ray cluster's workers cannot share SQLite files: set PROMO_DATABASE_URL to a PostgreSQL database"
        )
    if options.address is not None and settings.chroma_url is None:
        raise ValueError(
            "a Ray cluster's workers cannot share a Chroma folder: set PROMO_CHROMA_URL to a Chroma server "
            "(docs/scale.md, 'Shared history: Chroma server')"
        )
    pending = store.pending(info.run_id)
    if not pending:
        return {}
    models = check_replicas(settings, options.replicas)
    open_checkpointer(settings).conn.close()  # create the checkpoint tables once, before the workers start
    size = options.users_per_batch
    batches = deque(pending[i : i + size] for i in range(0, len(pending), size))
    started = _start_ray(options)
    try:
        # SPREAD: on a cluster, the actors land on different nodes; no restarts: the store is the retry.
        actor = ray.remote(ReplicaWorker).options(num_cpus=1, max_restarts=0, scheduling_strategy="SPREAD")
        workers = [
            actor.remote(
                settings, LLMEndpoint(url.rstrip("/"), models[url]), options.concurrency, options.cache_generations
            )
            for url in options.replicas
        ]
        finished: Counter[str] = Counter()

        def on_batch(index: int, done: list[UserDone]) -> None:
            finished[options.replicas[index]] += len(done)
            for user in done:
                if on_done is not None:
                    on_done(user)

        lost = _dispatch(workers, options.replicas, info, batches, on_batch)
        _close(workers)
    finally:
        if started:
            ray.shutdown()
    left = len(store.pending(info.run_id))
    if lost and left:
        raise RuntimeError(
            f"{len(lost)} Ray worker(s) died ({lost[0]}); {left} users still pending: rerun the same run id to resume"
        )
    return dict(finished)
