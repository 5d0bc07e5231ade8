"""`promo demo`: the main job on embedded defaults, end to end, on one machine with no network."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from agents.context import Context
from cli.render import print_result
from domain.decision import UserOutcome
from graphs.batch import run_many
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from shopdata.exemplars import demo_exemplars
from tools.llm.chat_model import llm_endpoint
from tools.llm.usage import UsageMeter
from tools.services import Services, open_services
from tools.settings import Settings


@dataclass(frozen=True)
class DemoOptions:
    """What the demo runs on."""

    users: int = 6
    shop_users: int = 40
    seed: int = 7
    campaign_index: int = 0


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


def load_demo_shop(services: Services, options: DemoOptions, now: datetime, console: Console) -> list[str]:
    """Build the seeded demo shop and ingest it; returns the user ids. Re-running is idempotent."""
    shop = build_demo_shop(seed=options.seed, n_users=options.shop_users, now=now)
    services.shop.upsert_items(shop.items)
    services.shop.upsert_users(shop.users)
    with _progress(console) as progress:
        task = progress.add_task("embedding history into Chroma", total=len(shop.events))
        services.history.add_events(shop.events, progress=lambda done, total: progress.update(task, completed=done))
    if services.exemplars is not None:  # the shop's own style lines; a pool filled from data keeps its lines
        services.exemplars.add(demo_exemplars())
    console.print(f"demo shop: {len(shop.items)} items, {len(shop.users)} users, {len(shop.events)} events")
    return [u.user_id for u in shop.users]


def run_demo(settings: Settings, options: DemoOptions, console: Console) -> list[UserOutcome]:
    """Build the shop, start the model, run the sample campaign over several users, print, stop the model."""
    settings.home.mkdir(parents=True, exist_ok=True)
    # The demo plans its sample campaign afresh each run: an old send log would trip the frequency cap.
    settings.shop_db_path.unlink(missing_ok=True)
    started, now = time.perf_counter(), datetime.now(UTC)
    with llm_endpoint(settings, progress=lambda line: console.print(f"[dim]{line}[/dim]")) as endpoint:
        services = open_services(settings, endpoint)
        try:
            user_ids = load_demo_shop(services, options, now, console)
            campaign = demo_campaigns(now)[options.campaign_index]
            chosen = user_ids[: options.users]
            console.print(f"campaign [bold]{campaign.name}[/bold] over {len(chosen)} users, model {endpoint.model}")
            meter = UsageMeter()
            with _progress(console) as progress:
                task = progress.add_task("writing, reviewing, targeting", total=len(chosen))
                outcomes = run_many(
                    chosen,
                    campaign,
                    Context(
                        services=services, now=now, copy_mode=settings.copy_mode, llm_critique=settings.llm_critique
                    ),
                    concurrency=settings.embedded_parallel,
                    on_done=lambda _: progress.advance(task),
                    callbacks=[meter],
                )
            for outcome in outcomes:
                if outcome.result is not None:
                    print_result(console, outcome.result)
                else:
                    console.print(f"[red]{outcome.user_id}: {outcome.error}[/red]")
            usage = meter.summary()
            console.print(f"LLM as the graph saw it: {usage.line()}")
            console.print(f"demo finished in {time.perf_counter() - started:.0f}s")
        finally:
            services.close()
    return outcomes
