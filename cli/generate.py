"""`promo generate` and `promo approve`: one promotion for one user, with human approval when asked for."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console

from agents.context import Context
from cli.campaign_file import load_campaign_or_exit
from cli.render import print_result
from domain.approval import ApprovalAnswer
from domain.channels import CHANNELS, LOCALES, Channel, Locale
from domain.copy import CopyVariant
from domain.decision import PromotionResult
from graphs.batch import AwaitingApproval, resume_one, run_one
from graphs.checkpoints import open_checkpointer
from graphs.promotion import PromotionGraph, build_graph
from tools.llm.chat_model import llm_endpoint
from tools.llm.usage import UsageMeter
from tools.services import open_services
from tools.settings import get_settings
from tools.thread_ids import request_thread_id

console = Console()


@contextmanager
def checkpointed_run(variants: int = 2) -> Iterator[tuple[PromotionGraph, Context]]:
    """The model endpoint, the stores and a checkpointed graph (SQLite, or PostgreSQL if set), closed on exit."""
    settings = get_settings()
    with llm_endpoint(settings, progress=lambda line: console.print(f"[dim]{line}[/dim]")) as endpoint:
        services = open_services(settings, endpoint)
        saver = open_checkpointer(settings)
        try:
            yield (
                build_graph(checkpointer=saver),
                Context(
                    services=services,
                    n_variants=variants,
                    copy_mode=settings.copy_mode,
                    llm_critique=settings.llm_critique,
                ),
            )
        finally:
            saver.conn.close()
            services.close()


def show(result: PromotionResult, as_json: bool, meter: UsageMeter) -> None:
    """Print a result as JSON or as a panel with the LLM usage line."""
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    print_result(console, result)
    console.print(f"LLM as the graph saw it: {meter.summary().line()}")


def run_or_pause(call: Callable[[], PromotionResult], as_json: bool, meter: UsageMeter) -> None:
    """Run; on a pause for approval, say how to resume instead of failing."""
    try:
        show(call(), as_json, meter)
    except AwaitingApproval as paused:
        for draft, review in zip(paused.request.drafts, paused.request.reviews, strict=False):
            codes = ", ".join(v.code for v in review.violations) or "-"
            console.print(f"[yellow]{draft.variant_id}[/yellow] {draft.title} | {draft.body} | {draft.cta}  ✗ {codes}")
        console.print(
            f"[bold]Awaiting approval.[/bold] Resume with: promo approve --thread {paused.thread_id} "
            "--reviewer NAME --action approve_fallback|reject|edit [--title .. --body .. --cta ..]"
        )
        raise typer.Exit(code=3) from paused


def generate(
    user: Annotated[str, typer.Option(help="User id in the shop database.")],
    campaign: Annotated[Path, typer.Option(help="Campaign YAML/JSON file (see examples/).")],
    channel: Annotated[str | None, typer.Option(help="Force sms, push or email.")] = None,
    locale: Annotated[str | None, typer.Option(help="Force zh or en.")] = None,
    variants: Annotated[int, typer.Option(min=1, max=5)] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write, review and target one promotion for one user."""
    loaded = load_campaign_or_exit(campaign, console)
    chosen_channel = cast(Channel | None, _choice(channel, CHANNELS, "--channel"))
    chosen_locale = cast(Locale | None, _choice(locale, LOCALES, "--locale"))
    thread_id = request_thread_id(loaded.campaign_id, user)
    meter = UsageMeter()
    with checkpointed_run(variants) as (compiled, context):
        try:
            run_or_pause(
                lambda: run_one(
                    user,
                    loaded,
                    context,
                    channel=chosen_channel,
                    locale=chosen_locale,
                    callbacks=[meter],
                    compiled=compiled,
                    thread_id=thread_id,
                ),
                as_json,
                meter,
            )
        except KeyError as error:
            console.print(f"[red]{error.args[0]}[/red]")
            raise typer.Exit(code=2) from error


def approve(
    thread: Annotated[str, typer.Option(help="Thread id printed by `promo generate`.")],
    reviewer: Annotated[str, typer.Option(help="Who decides (kept in the audit trail).")],
    action: Annotated[str, typer.Option(help="approve_fallback, reject or edit.")],
    title: Annotated[str, typer.Option(help="Edited title (with --action edit).")] = "",
    body: Annotated[str, typer.Option(help="Edited body (with --action edit).")] = "",
    cta: Annotated[str, typer.Option(help="Edited call to action (with --action edit).")] = "",
    note: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Resume a run that paused for human approval. Edited copy is still checked by every rule."""
    edited = CopyVariant(title=title, body=body, cta=cta) if action == "edit" else None
    try:
        answer = ApprovalAnswer.model_validate({"action": action, "reviewer": reviewer, "edited": edited, "note": note})
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    meter = UsageMeter()
    with checkpointed_run() as (compiled, context):
        if not compiled.get_state({"configurable": {"thread_id": thread}}).next:
            console.print(f"[red]thread {thread!r} is not waiting for approval[/red]")
            raise typer.Exit(code=2)
        run_or_pause(lambda: resume_one(thread, answer, context, compiled, callbacks=[meter]), as_json, meter)


def _choice(value: str | None, allowed: tuple[str, ...], flag: str) -> str | None:
    """Validate a free-text option against its allowed values, with an error that lists them."""
    if value is not None and value not in allowed:
        console.print(f"[red]{flag} must be one of {', '.join(allowed)}; got {value!r}[/red]")
        raise typer.Exit(code=2)
    return value
