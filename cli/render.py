"""Terminal rendering of results: the message, the decision and the why."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from domain.decision import PromotionResult


def result_panel(result: PromotionResult) -> Panel:
    """One panel per user: copy (if sent), decision, explanation."""
    decision = result.decision
    parts: list[Text | Table] = []
    if result.message is not None:
        msg = result.message
        head = f"[{msg.channel} · {msg.locale} · {msg.variant_id} · {msg.source}]"
        parts.append(Text(head, style="dim"))
        if msg.channel != "sms":
            parts.append(Text(msg.title, style="bold"))
        parts.append(Text(result.rendered or ""))
    table = Table.grid(padding=(0, 1))
    table.add_column(style="cyan", no_wrap=True)
    table.add_column()
    verdict = "SEND" if decision.send else "NO SEND"
    when = f" at {decision.send_at:%Y-%m-%d %H:%M %z}" if decision.send_at else ""
    table.add_row("decision", f"{verdict}{when} (p={decision.propensity:.2f}, policy {decision.policy_version})")
    table.add_row("score", f"{decision.score * 100:.2f} pts lift vs {decision.threshold * 100:.2f} threshold")
    profile = result.explanation.features_used
    table.add_row(
        "features",
        f"{profile.recency}, value {profile.value_tier}, price sens. {profile.price_sensitivity}, "
        f"stage {profile.funnel_stage}, likes {', '.join(profile.top_categories) or '-'}",
    )
    table.add_row("critic", ", ".join(result.explanation.critic_checks) or "-")
    table.add_row("attempts", f"{result.explanation.attempts} (fallback: {result.explanation.used_fallback})")
    for reason in result.explanation.targeting_reasons:
        table.add_row("why", reason)
    parts.append(table)
    style = "green" if decision.send else "yellow"
    return Panel(Group(*parts), title=f"{result.user_ref} · {result.campaign_id}", border_style=style)


def print_result(console: Console, result: PromotionResult) -> None:
    """Print one result panel."""
    console.print(result_panel(result))
