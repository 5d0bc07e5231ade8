"""`promo serve` and `promo service key ...`: run the HTTP service, manage its API keys."""

from __future__ import annotations

import copy
import signal
import sys
from typing import Annotated

import typer
from rich.console import Console

from service.keys import ROLES, KeyStore
from tools.settings import get_settings

app = typer.Typer(help="The HTTP service's API keys.", no_args_is_help=True)
key_app = typer.Typer(help="API keys: add, list, revoke. Only a key's salted hash is stored.", no_args_is_help=True)
app.add_typer(key_app, name="key")
console = Console()


def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep loopback unless a proxy adds TLS.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Serve the chat page, the OpenAI-compatible chat API and the REST API (starts the local model)."""
    # Imported here: only this command needs the web server, the other commands start faster without it.
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from service.production import production_app

    logging = copy.deepcopy(LOGGING_CONFIG)  # uvicorn's console format, extended to the project's loggers
    logging["loggers"]["promo"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    # access_log off: the audit log records every request with route templates, without user ids in paths.
    # The drain is bounded: past PROMO_SERVICE_DRAIN_S uvicorn cancels the requests still open, which cancels
    # their graph runs (service/inflight.py).
    settings = get_settings()
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the handler found at start:
    # this one, so a drained stop exits 0 (a supervisor reads 143 as a kill).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        production_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_config=logging,
        timeout_graceful_shutdown=max(1, round(settings.service_drain_s)),
    )


def _keys() -> KeyStore:
    return KeyStore(get_settings().service_db_path)


@key_app.command("add")
def add_key(
    name: Annotated[str, typer.Option(help="Who uses the key; shown in the audit log.")],
    role: Annotated[str, typer.Option(help="marketer or admin.")] = "marketer",
) -> None:
    """Create a key and print it once: it cannot be shown again."""
    if role not in ROLES:
        console.print(f"[red]--role must be one of {', '.join(ROLES)}; got {role!r}[/red]")
        raise typer.Exit(code=2)
    store = _keys()
    try:
        key = store.add(name, role)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    finally:
        store.close()
    typer.echo(key)
    console.print(f"[dim]key for {name} ({role}); store it now, it is not shown again[/dim]", highlight=False)


@key_app.command("list")
def list_keys() -> None:
    """List keys with role and dates (never the secrets)."""
    store = _keys()
    try:
        for info in store.list():
            state = f"revoked {info.revoked_at}" if info.revoked_at else "active"
            typer.echo(f"{info.name}\t{info.role}\t{info.created_at}\t{state}")
    finally:
        store.close()


@key_app.command("revoke")
def revoke_key(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke the active key of that name."""
    store = _keys()
    try:
        if not store.revoke(name):
            console.print(f"[red]no active key named {name!r}[/red]")
            raise typer.Exit(code=2)
    finally:
        store.close()
    console.print(f"revoked {name}")
