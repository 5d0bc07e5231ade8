"""Replay scenarios through the real promotion graph, concurrently and resumably, one record per scenario.

Each scenario gets its own small shop database (the demo catalog, its items, its user), so campaigns,
prices and budgets never leak between scenarios; histories share one Chroma store, filtered by user.
Scenarios run through ``graphs.batch.run_one`` in a thread pool: ``run_many`` takes one campaign and no
channel or locale, and scenarios each bring their own. Sends are not recorded (``record_sends=False``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agents.context import graph_choices
from domain.clock import utc_now
from domain.copy import CopyMode
from evaluation.load import ScenarioSet
from evaluation.materialize import demo_shop_at, materialize
from evaluation.records import (
    RunConfig,
    RunDirError,
    RunManifest,
    ScenarioRecord,
    Session,
    append_record,
    drop_torn_tail,
    read_manifest,
    read_records,
    write_manifest,
)
from evaluation.scenario import DEFAULT_CLOCK
from evaluation.single import run_in_own_shop
from tools.services import Services


@dataclass(frozen=True)
class ReplayOptions:
    """How to run: the graph's per-run choices, concurrency, a scope limit and the clock."""

    n_variants: int = 2
    max_rewrites: int = 2
    llm_critique: bool = False
    prompt_version: str = "v1"
    copy_mode: CopyMode = "slots"
    concurrency: int = 4
    limit: int | None = None
    """Only the first N scenarios of the file are in scope."""
    clock: datetime | None = None
    """None: the scenario file's clock, else evaluation.scenario.DEFAULT_CLOCK."""


@dataclass(frozen=True)
class ReplayReport:
    """What one session did."""

    ran: int
    skipped: int
    errors: int
    wall_seconds: float


def _open_run(out_dir: Path, config: RunConfig, scenarios: ScenarioSet, ids: list[str]) -> RunManifest:
    """The folder's manifest for this session; refuses a folder that holds a run with another configuration."""
    out_dir.mkdir(parents=True, exist_ok=True)
    drop_torn_tail(out_dir)
    manifest = read_manifest(out_dir)
    if manifest is not None and manifest.config != config:
        raise RunDirError(
            f"{out_dir} holds a run with another configuration ({manifest.config.model_dump_json()}); "
            f"this one is {config.model_dump_json()}: use a new --out folder"
        )
    sessions = manifest.sessions if manifest else []
    return RunManifest(config=config, scenarios_file=str(scenarios.path.resolve()), scenario_ids=ids, sessions=sessions)


def run_scenarios(
    scenarios: ScenarioSet,
    out_dir: Path,
    base: Services,
    options: ReplayOptions,
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[ScenarioRecord], None] | None = None,
) -> ReplayReport:
    """Run the scenarios in scope that have no current record; append each record as it completes.

    A scenario is done when its latest record has no error and the scenario's fingerprint is unchanged.
    ``on_start(to_run, skipped)`` is called once before the first run, ``on_done`` after each.
    """
    if options.concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {options.concurrency}")
    clock = options.clock or scenarios.clock or DEFAULT_CLOCK
    config = RunConfig(model=base.model_name or "unknown", clock=clock, **graph_choices(options))
    in_scope = scenarios.scenarios[: options.limit] if options.limit else scenarios.scenarios
    manifest = _open_run(out_dir, config, scenarios, [s.id for s in in_scope])
    done = read_records(out_dir)
    todo = [s for s in in_scope if (r := done.get(s.id)) is None or r.error or r.fingerprint != s.fingerprint()]
    demo = functools.cache(lambda: demo_shop_at(clock))
    prepared = [materialize(s, clock, demo) for s in todo]
    for m in prepared:
        if not m.scenario.user.demo:
            base.history.erase_user(m.user.user_id)  # a changed scenario must not keep its old history
    base.history.add_events([e for m in prepared for e in m.events])
    session = Session(started_at=utc_now(), skipped=len(in_scope) - len(todo))
    manifest.sessions.append(session)
    write_manifest(out_dir, manifest)
    if on_start is not None:
        on_start(len(todo), session.skipped)
    started, errors = time.perf_counter(), 0
    db_dir = out_dir / "shop" / "db"
    try:
        with ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="promo-eval") as pool:
            futures = [pool.submit(run_in_own_shop, m, base, config, db_dir) for m in prepared]
            try:
                for future in as_completed(futures):
                    record = future.result()
                    append_record(out_dir, record)
                    session.ran += 1
                    # Kept current, so a killed session still counts its time in the run's tokens/s.
                    session.wall_seconds = round(time.perf_counter() - started, 3)
                    write_manifest(out_dir, manifest)
                    errors += record.error is not None
                    if on_done is not None:
                        on_done(record)
            except BaseException:
                pool.shutdown(cancel_futures=True)  # on Ctrl-C: finish what runs, start nothing new
                raise
    finally:
        session.wall_seconds = round(time.perf_counter() - started, 3)
        write_manifest(out_dir, manifest)
    return ReplayReport(ran=session.ran, skipped=session.skipped, errors=errors, wall_seconds=session.wall_seconds)
