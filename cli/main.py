"""The `promo` command line: demo, generate, shop data, graph wiring."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cli.campaign import app as campaign_app
from cli.demo import DemoOptions, run_demo
from cli.evaluate import app as eval_app
from cli.generate import approve, generate
from cli.policy import app as policy_app
from cli.service import app as service_app
from cli.service import serve
from cli.shop import app as shop_app
from graphs.promotion import graph
from tools.settings import EmbeddedModel, get_settings

app = typer.Typer(help="promo-agents: personalized promotion copy, reviewed and targeted.", no_args_is_help=True)
app.add_typer(shop_app, name="shop")
app.add_typer(policy_app, name="policy")
app.add_typer(eval_app, name="eval")
app.add_typer(campaign_app, name="campaign")
app.add_typer(service_app, name="service")
app.command()(generate)
app.command()(approve)
app.command()(serve)
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
def mermaid() -> None:
    """Print the graph's wiring as a Mermaid diagram."""
    typer.echo(graph.get_graph().draw_mermaid())
