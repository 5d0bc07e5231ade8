"""`promo campaign ...`: run a campaign over an audience, resumably, and write its delivery plan."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from agents.context import Context
from campaign.effect import estimate_effect
from campaign.feedback import FeedbackLog, open_feedback_log
from campaign.ingest import ingest_feedback
from campaign.plan import write_plan
from campaign.reestimate import send_log
from campaign.runner import UserDone, process_run, start_run
from campaign.store import RunInfo, RunStore, open_run_store
from campaign.variant_learning import learn_from_run
from cli.campaign_file import load_campaign_or_exit
from cli.campaign_scale import process_on_ray, ray_options_or_exit, run_endpoint
from cli.clock import CLOCK_HELP, parse_clock
from graphs.checkpoints import open_checkpointer
from graphs.promotion import PromotionGraph, build_graph
from tools.llm.chat_model import LLMEndpoint
from tools.llm.server_limits import AUTO, choose_concurrency, parse_concurrency
from tools.llm.usage import UsageMeter
from tools.services import open_services
from tools.settings import Settings, get_settings
from tools.stores.shop_db import open_shop_db
from tools.targeting.offline.send_threshold import review_threshold, save_threshold
from tools.targeting.variant_bandit import VariantBandit

app = typer.Typer(help="Campaign runs: audience under budget, copy for the selected, delivery plan.")
console = Console()


@contextmanager
def _exit_on(*errors: type[Exception]) -> Iterator[None]:
    """An error of these kinds inside (bad input, a missing file, an unknown run) ends the command: red, exit 2."""
    try:
        yield
    except errors as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error


def _columns() -> tuple[TextColumn | BarColumn | MofNCompleteColumn | TimeElapsedColumn | TimeRemainingColumn, ...]:
    return (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[stats]}"),
    )


@app.command()
def run(
    campaign: Annotated[Path, typer.Option(help="Campaign YAML/JSON file.")],
    run_id: Annotated[str, typer.Option(help="Names the run; rerun the same id to resume it.")],
    users_file: Annotated[Path | None, typer.Option(help="One user id per line; default: every shop user.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the delivery plan.")] = Path("plans"),
    concurrency: Annotated[
        str,
        typer.Option(metavar="auto|N", help="Users in flight per LLM server: auto (from the server's batch) or 1-64."),
    ] = AUTO,
    holdout: Annotated[float, typer.Option(min=0.0, max=0.5, help="Share of the audience held out.")] = 0.1,
    engine: Annotated[str, typer.Option(help="local: this process; ray: one Ray actor per --replica.")] = "local",
    replica: Annotated[list[str] | None, typer.Option(help="LLM replica base URL for --engine ray (repeat).")] = None,
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster to join; default: a local Ray.")] = None,
    clock: Annotated[str | None, typer.Option(help=f"{CLOCK_HELP}; default now. A resumed run keeps its own.")] = None,
) -> None:
    """Select the audience under the budget, write and review copy for it, and write the delivery plan."""
    loaded = load_campaign_or_exit(campaign, console)
    with _exit_on(ValueError):
        moment = parse_clock(clock) or datetime.now(UTC)
        requested = parse_concurrency(concurrency)
    settings = get_settings()
    scale = ray_options_or_exit(engine, replica, ray_address, requested or settings.embedded_parallel, console)
    store = open_run_store(settings)
    with run_endpoint(settings, scale, console) as endpoint:
        servers = scale.replicas if scale is not None else (endpoint.base_url,)
        api_key = settings.llm_api_key.get_secret_value()
        chosen = choose_concurrency(requested, servers, default=settings.embedded_parallel, api_key=api_key)
        console.print(chosen.line())
        if scale is not None:
            scale = replace(scale, concurrency=chosen.value)
        services = open_services(settings, endpoint, cache_generations=True)
        saver = open_checkpointer(settings)
        try:
            candidates = _candidates(users_file) if users_file else services.shop.list_user_ids()
            with Progress(*_columns(), console=console) as progress:
                task = progress.add_task("selecting audience", total=len(candidates), stats="")
                info, choice = start_run(
                    store,
                    run_id,
                    loaded,
                    candidates,
                    services,
                    moment,
                    progress=lambda done, _total: progress.update(task, completed=done),
                    holdout_share=holdout,
                )
            if choice is None:
                console.print(f"resuming run {run_id}: {store.progress(run_id).pending} users left")
            else:
                held = store.progress(run_id).holdout
                console.print(
                    f"audience: {len(choice.selected)} selected ({held} held out); left out "
                    f"{choice.unreachable} unreachable, {choice.below_threshold} below threshold, "
                    f"{choice.over_budget} over budget"
                )
            meter = UsageMeter()
            context = Context(
                services=services, now=info.clock, copy_mode=settings.copy_mode, llm_critique=settings.llm_critique
            )
            try:
                if scale is not None:  # the workers meter nothing here: the LLM line below stays empty
                    process_on_ray(store, info, settings, scale, console)
                else:
                    _process(store, info, context, build_graph(saver), chosen.value, meter)
            except sqlite3.OperationalError as error:  # locked past the busy wait, read-only, disk full
                console.print(
                    f"[red]a store could not be written: {error}.[/red] Every finished user is kept; once the lock "
                    f"is released (or the file writable, or space freed) run the same command again to resume."
                )
                raise typer.Exit(code=1) from error
        finally:
            saver.conn.close()
            services.close()
    _report(store, run_id, out, meter, services.generation_cache.hit_rate if services.generation_cache else 0.0)


def _process(
    store: RunStore, info: RunInfo, context: Context, compiled: PromotionGraph, concurrency: int, meter: UsageMeter
) -> None:
    """Process the pending users with a live bar: done, rate, ETA and LLM tokens/s."""
    counts = store.progress(info.run_id)
    with Progress(*_columns(), console=console) as progress:
        task = progress.add_task("writing", total=counts.total, completed=counts.done, stats="")

        def advance(done: UserDone) -> None:
            usage = meter.summary()
            mark = "" if done.ok else " (last user failed)"
            progress.update(task, advance=1, stats=f"{usage.tokens_per_s:.1f} tok/s, {usage.calls} LLM calls{mark}")

        process_run(store, info, context, compiled, concurrency=concurrency, callbacks=[meter], on_done=advance)


def _report(store: RunStore, run_id: str, out: Path, meter: UsageMeter, hit_rate: float) -> None:
    counts = store.progress(run_id)
    try:
        jsonl, table, rows = write_plan(store.results(run_id), out, run_id)
    except OSError as error:  # disk full, read-only folder: the results are safe in the run store
        console.print(
            f"[red]could not write the plan to {out}: {error.strerror or error}.[/red] The run's results are kept; "
            f"free space (or pass another --out) and run the same command again: finished users are not redone."
        )
        store.close()
        raise typer.Exit(code=1) from error
    console.print(
        f"run {run_id}: {counts.done} done, {counts.failed} failed, {counts.pending} pending; "
        f"{rows} sends planned → {jsonl}, {table}"
    )
    console.print(f"LLM: {meter.summary().line()}; prompt cache hit rate {hit_rate:.0%}")
    _print_failures(store, run_id)
    store.close()
    if counts.failed:
        raise typer.Exit(code=1)


def _print_failures(store: RunStore, run_id: str, shown: int = 5) -> None:
    """The first failed users with their errors, and how to retry them."""
    failures = store.failures(run_id)
    for user_id, error in failures[:shown]:
        console.print(f"[red]failed {user_id}: {error}[/red]")
    if len(failures) > shown:
        console.print(f"[red]... and {len(failures) - shown} more[/red]")
    if failures:
        console.print(f"failed users are retried by running the same command again (run id {run_id})")


@app.command()
def status(run_id: str) -> None:
    """Show a run's progress."""
    store = open_run_store(get_settings())
    if store.get(run_id) is None:
        console.print(f"[red]no run {run_id!r}[/red]")
        raise typer.Exit(code=2)
    counts = store.progress(run_id)
    console.print(
        f"{run_id}: {counts.total} users, {counts.done} done, {counts.failed} failed, {counts.pending} pending"
    )
    _print_failures(store, run_id)


def _candidates(path: Path) -> list[str]:
    if not path.is_file():
        console.print(f"[red]users file not found: {path}[/red]")
        raise typer.Exit(code=2)
    ids = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not ids:
        console.print(f"[red]{path} holds no user ids (one per line)[/red]")
        raise typer.Exit(code=2)
    return list(dict.fromkeys(ids))  # duplicates in the input must not become duplicate sends


@app.command()
def feedback(path: Annotated[Path, typer.Argument(help="CSV with header, or JSONL, of feedback events.")]) -> None:
    """Ingest impressions, clicks, conversions and unsubscribes (idempotent by event_id)."""
    settings = get_settings()
    with open_feedback_log(settings) as log, open_shop_db(settings) as shop, _exit_on(FileNotFoundError):
        report = ingest_feedback(path, log, shop)
    for line, reason in report.bad_rows:
        console.print(f"[yellow]line {line} refused: {reason}[/yellow]")
    console.print(f"{report.added} events added, {report.duplicates} already logged, {len(report.bad_rows)} refused")
    if report.bad_rows:
        raise typer.Exit(code=1)


@contextmanager
def _run_logs_or_exit(settings: Settings) -> Iterator[tuple[RunStore, FeedbackLog]]:
    """The run store and feedback log, closed after; a ValueError inside (bad run, bad log) exits 2 with it."""
    with open_run_store(settings) as store, open_feedback_log(settings) as log, _exit_on(ValueError):
        yield store, log


@app.command()
def effect(
    run_id: str,
    outcome: Annotated[str, typer.Option(help="conversion (value), click or impression.")] = "conversion",
) -> None:
    """Estimate the campaign's effect on an outcome against its randomized holdout."""
    if outcome not in ("conversion", "click", "impression"):
        console.print("[red]--outcome must be conversion, click or impression[/red]")
        raise typer.Exit(code=2)
    with _run_logs_or_exit(get_settings()) as (store, log):
        measured = estimate_effect(store.arms(run_id), log.outcomes(run_id, outcome))  # type: ignore[arg-type]
    verdict = "significant" if measured.significant else "not significant"
    console.print(
        f"{run_id} {outcome}: treated {measured.treated_mean:.4f} (n={measured.n_treated}) vs holdout "
        f"{measured.holdout_mean:.4f} (n={measured.n_holdout}); lift {measured.lift:+.4f} "
        f"[{measured.ci_low:+.4f}, {measured.ci_high:+.4f}] 95 % CI, {verdict}"
    )


@app.command()
def learn(
    run_id: str,
    outcome: Annotated[str, typer.Option(help="Reward event: click or conversion.")] = "click",
) -> None:
    """Train the variant bandit on a finished run's sends and feedback; the next runs choose with it."""
    if outcome not in ("conversion", "click"):
        console.print("[red]--outcome must be click or conversion[/red]")
        raise typer.Exit(code=2)
    settings = get_settings()
    path = settings.variant_bandit_path
    with _run_logs_or_exit(settings) as (store, log):
        bandit = VariantBandit.load(path) if path.is_file() else VariantBandit()
        report = learn_from_run(bandit, run_id, store.results(run_id), log.outcomes(run_id, outcome))  # type: ignore[arg-type]
    bandit.save(path)
    console.print(
        f"{run_id}: learned {report.sends} sends ({report.rewarded} with a {outcome}); "
        f"{report.skipped_without_features} without variant features skipped; "
        f"bandit {report.version_before} -> {report.version_after}, saved to {path}"
    )


@app.command()
def reestimate(
    run_id: str,
    outcome: Annotated[str, typer.Option(help="Reward: conversion (order value) or click.")] = "conversion",
    promote: Annotated[bool, typer.Option(help="Write the chosen threshold for the next runs.")] = True,
) -> None:
    """Re-estimate the send threshold from a run's holdout by off-policy evaluation; promote it only if better."""
    if outcome not in ("conversion", "click"):
        console.print("[red]--outcome must be conversion or click[/red]")
        raise typer.Exit(code=2)
    settings = get_settings()
    # Re-estimation reads the stores only: the chat models in the bundle are built but never called.
    services = open_services(settings, LLMEndpoint("http://127.0.0.1:9/v1", "unused"))
    try:
        with _run_logs_or_exit(settings) as (store, log):
            outcomes = log.outcomes(run_id, outcome)  # type: ignore[arg-type]
            review = review_threshold(send_log(store, services, run_id, outcomes), services.policy.threshold)
    finally:
        services.close()
    selection = review.selection
    console.print(f"{run_id}: {review.n_users} audience users; reward = {outcome} minus send cost (IPW, 95 % CI)")
    for name, value in selection.values.items():
        console.print(
            f"  {name:<10} threshold {review.thresholds[name] * 100:5.2f} pts: "
            f"{value.value:+.4f} [{value.ci_low:+.4f}, {value.ci_high:+.4f}] per user"
        )
    for reason in selection.reasons:
        console.print(f"  {reason}")
    if selection.replaced and promote:
        save_threshold(settings.send_threshold_path, review, [run_id], promoted_at=datetime.now(UTC))
        console.print(f"promoted threshold {review.chosen_threshold * 100:.2f} pts to {settings.send_threshold_path}")
    else:
        console.print("threshold unchanged")
