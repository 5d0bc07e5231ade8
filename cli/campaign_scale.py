"""`promo campaign run --engine ray --replica URL ...`: options, endpoint and progress of a scaled-out run.

Ray is the optional `scale` extra, so campaign.scale_out is imported only when the ray engine is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from campaign.runner import UserDone
from campaign.store import RunInfo, RunStore
from tools.llm.chat_model import LLMEndpoint, llm_endpoint
from tools.settings import Settings

if TYPE_CHECKING:
    from campaign.scale_out import RayOptions

ENGINES = ("local", "ray")
MISSING_RAY = "--engine ray needs Ray: pip install 'promo-agents[scale]'"


def ray_options_or_exit(
    engine: str, replicas: list[str] | None, address: str | None, concurrency: int, console: Console
) -> RayOptions | None:
    """Validated Ray options for `--engine ray`, None for the local engine; exit 2 on a bad combination."""
    if engine not in ENGINES:
        console.print(f"[red]--engine must be one of {', '.join(ENGINES)}, got {engine!r}[/red]")
        raise typer.Exit(code=2)
    if engine == "local":
        if replicas or address:
            console.print("[red]--replica and --ray-address need --engine ray[/red]")
            raise typer.Exit(code=2)
        return None
    try:
        from campaign.scale_out import RayOptions
    except ModuleNotFoundError as error:
        console.print(f"[red]{MISSING_RAY}[/red]")
        raise typer.Exit(code=2) from error
    try:
        return RayOptions(replicas=tuple(replicas or ()), address=address, concurrency=concurrency)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error


@contextmanager
def _idle_endpoint(settings: Settings, options: RayOptions) -> Iterator[LLMEndpoint]:
    # The driver only selects the audience, which needs no LLM: its models point at a replica but stay idle.
    yield LLMEndpoint(options.replicas[0].rstrip("/"), settings.llm_model or "unused")


def run_endpoint(
    settings: Settings, options: RayOptions | None, console: Console
) -> AbstractContextManager[LLMEndpoint]:
    """The local engine's endpoint (the embedded model unless configured), or an idle one for the Ray driver."""
    if options is None:
        return llm_endpoint(settings, progress=lambda line: console.print(f"[dim]{line}[/dim]"))
    return _idle_endpoint(settings, options)


def process_on_ray(store: RunStore, info: RunInfo, settings: Settings, options: RayOptions, console: Console) -> None:
    """Fan the pending users out to the replicas with a live bar; exit 1 when the run could not finish."""
    from campaign.scale_out import process_run_on_ray

    counts = store.progress(info.run_id)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"writing on {len(options.replicas)} replicas", total=counts.total)
        progress.update(task, completed=counts.done)

        def advance(_done: UserDone) -> None:
            progress.update(task, advance=1)

        try:
            per_replica = process_run_on_ray(store, info, settings, options, on_done=advance)
        except (RuntimeError, ValueError) as error:  # a replica down, a worker lost, a cluster without PostgreSQL
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(code=1) from error
    for url, users in per_replica.items():
        console.print(f"[dim]{url}: {users} users[/dim]")
