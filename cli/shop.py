"""`promo shop ...`: build the demo shop, import real Taobao behaviour, inspect a user's profile."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from domain.people import Event, User
from shopdata.demo_shop import build_demo_shop
from shopdata.taobao import DEFAULT_PATH, read_taobao_events
from tools.profile.features import derive_features, to_prompt_profile
from tools.pseudonym import user_ref
from tools.settings import get_settings
from tools.stores.history import HistoryStore, open_history
from tools.stores.shop_db import ShopDB, open_shop_db

app = typer.Typer(help="Shop data: demo shop, Taobao import, user profiles.", no_args_is_help=True)
console = Console()


def ingest(history: HistoryStore, events: list[Event], label: str) -> int:
    """Embed events into Chroma with a progress bar; returns how many were new or changed."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(label, total=len(events))
        return history.add_events(events, progress=lambda done, total: progress.update(task, completed=done))


@app.command()
def build(
    users: Annotated[int, typer.Option(min=1, max=100_000)] = 40,
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Build the seeded demo shop into the stores (idempotent)."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    shop = build_demo_shop(seed=seed, n_users=users, now=datetime.now(UTC))
    with open_shop_db(settings) as db, open_history(settings) as history:
        db.upsert_items(shop.items)
        db.upsert_users(shop.users)
        changed = ingest(history, shop.events, "embedding demo history")
    console.print(f"{len(shop.items)} items, {len(shop.users)} users, {len(shop.events)} events ({changed} new)")


@app.command("import-taobao")
def import_taobao(path: Annotated[Path, typer.Argument(help="UserBehavior CSV (no header).")] = DEFAULT_PATH) -> None:
    """Import Taobao UserBehavior rows; users are created without marketing consent."""
    try:
        imported = read_taobao_events(path)
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    for bad in imported.bad_rows:
        console.print(f"[yellow]line {bad.line} skipped: {bad.reason}[/yellow]")
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    user_ids = sorted({e.user_id for e in imported.events})
    with open_shop_db(settings) as db, open_history(settings) as history:
        known = set(db.list_user_ids())
        # Consent comes from the CRM, not from behaviour logs: new users start with none.
        db.upsert_users([User(user_id=uid) for uid in user_ids if uid not in known])
        changed = ingest(history, imported.events, "embedding Taobao history")
    console.print(
        f"{len(imported.events)} events from {len(user_ids)} users ({changed} new), {len(imported.bad_rows)} bad rows"
    )


@app.command()
def share() -> None:
    """Copy this machine's shop and history into the shared stores (PROMO_DATABASE_URL, PROMO_CHROMA_URL)."""
    settings = get_settings()
    if settings.database_url is None and settings.chroma_url is None:
        console.print("[red]nothing to share to: set PROMO_DATABASE_URL and/or PROMO_CHROMA_URL (docs/scale.md)[/red]")
        raise typer.Exit(code=2)
    if settings.database_url is not None:
        if not settings.shop_db_path.is_file():
            console.print(f"[red]no shop database at {settings.shop_db_path}: nothing to copy[/red]")
            raise typer.Exit(code=2)
        with ShopDB(settings.shop_db_path) as local, open_shop_db(settings) as shared:
            copied = local.copy_to(shared)
        console.print(f"shop: {copied['users']} users, {copied['items']} items, {copied['sends']} sends in PostgreSQL")
    if settings.chroma_url is not None:
        with HistoryStore(settings.chroma_dir) as local, open_history(settings) as shared:
            batches = list(local.all_events())
            events = [event for batch in batches for event in batch]
            written = ingest(shared, events, "copying history to the Chroma server")
        console.print(f"history: {len(events)} events, {written} new on the Chroma server")


@app.command()
def profile(
    user: Annotated[str, typer.Option(help="User id.")],
    as_of: Annotated[
        datetime | None, typer.Option(help="Clock for recency, e.g. 2017-12-04 for the Taobao sample (UTC).")
    ] = None,
) -> None:
    """Print a user's derived features and the non-identifying view the LLM would see."""
    settings = get_settings()
    with open_history(settings) as history:
        events = history.events_for(user)
    if not events:
        console.print(f"[red]no history for user {user!r}: run `promo shop build` or `import-taobao` first[/red]")
        raise typer.Exit(code=2)
    now = (as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of) if as_of else datetime.now(UTC)
    features = derive_features(events, now)
    with open_shop_db(settings) as db:  # the history may name a user the shop does not hold (yet)
        personal = db.get_user(user).identifying_values() if user in set(db.list_user_ids()) else [user]
    view = {
        "user_ref": user_ref(user),
        "features": features.model_dump(mode="json"),
        "llm_view": to_prompt_profile(features, personal).model_dump(mode="json"),
    }
    typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
