"""The `promo` command line: demo, generate, shop data, graph wiring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console

from cli.campaign_file import CampaignFileError, load_campaign
from cli.demo import DemoOptions, run_demo
from cli.render import print_result
from cli.shop import app as shop_app
from domain.channels import CHANNELS, LOCALES, Channel, Locale
from graphs.batch import run_one
from graphs.context import Context
from graphs.promotion import graph
from tools.chat_model import llm_endpoint
from tools.llm_usage import UsageMeter
from tools.services import open_services
from tools.settings import EmbeddedModel, get_settings

app = typer.Typer(help="promo-agents: personalized promotion copy, reviewed and targeted.", no_args_is_help=True)
app.add_typer(shop_app, name="shop")
console = Console()


@app.command()
def demo(
    users: Annotated[int, typer.Option(min=1, max=200, help="Users to run the sample campaign for.")] = 6,
    campaign: Annotated[int, typer.Option(min=0, max=2, help="Which sample campaign (0: zh 双十一, 1: en).")] = 0,
    model: Annotated[EmbeddedModel | None, typer.Option(help="Embedded model; default from settings.")] = None,
) -> None:
    """Build the demo shop, start the local model, write and target a sample campaign, print why."""
    settings = get_settings()
    if model is not None:
        settings = settings.model_copy(update={"embedded_model": model})
    outcomes = run_demo(settings, DemoOptions(users=users, campaign_index=campaign), console)
    failed = [o for o in outcomes if o.result is None]
    if failed:
        raise typer.Exit(code=1)


@app.command()
def generate(
    user: Annotated[str, typer.Option(help="User id in the shop database.")],
    campaign: Annotated[Path, typer.Option(help="Campaign YAML/JSON file (see examples/).")],
    channel: Annotated[str | None, typer.Option(help="Force sms, push or email.")] = None,
    locale: Annotated[str | None, typer.Option(help="Force zh or en.")] = None,
    variants: Annotated[int, typer.Option(min=1, max=5)] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write, review and target one promotion for one user."""
    try:
        loaded = load_campaign(campaign)
    except CampaignFileError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from error
    chosen_channel = cast(Channel | None, _choice(channel, CHANNELS, "--channel"))
    chosen_locale = cast(Locale | None, _choice(locale, LOCALES, "--locale"))
    settings = get_settings()
    with llm_endpoint(settings, progress=lambda line: console.print(f"[dim]{line}[/dim]")) as endpoint:
        services = open_services(settings, endpoint)
        try:
            meter = UsageMeter()
            result = run_one(
                user,
                loaded,
                Context(services=services, n_variants=variants),
                channel=chosen_channel,
                locale=chosen_locale,
                callbacks=[meter],
            )
        except KeyError as error:
            console.print(f"[red]{error.args[0]}[/red]")
            raise typer.Exit(code=2) from error
        finally:
            services.close()
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print_result(console, result)
        console.print(f"LLM as the graph saw it: {meter.summary().line()}")


@app.command()
def mermaid() -> None:
    """Print the graph's wiring as a Mermaid diagram."""
    typer.echo(graph.get_graph().draw_mermaid())


def _choice(value: str | None, allowed: tuple[str, ...], flag: str) -> str | None:
    """Validate a free-text option against its allowed values, with an error that lists them."""
    if value is not None and value not in allowed:
        console.print(f"[red]{flag} must be one of {', '.join(allowed)}; got {value!r}[/red]")
        raise typer.Exit(code=2)
    return value
