"""Per-run choices that travel with one invocation (not process settings, not state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.clock import utc_now
from domain.copy import CopyMode
from domain.offer import BrandRules
from tools.services_field import ServicesField

GRAPH_CHOICES = ("n_variants", "max_rewrites", "llm_critique", "prompt_version", "copy_mode")
"""Context's per-run choices about the copy, named alike wherever a run records or passes them on."""


def graph_choices(source: object, **overrides: Any) -> dict[str, Any]:
    """The GRAPH_CHOICES that ``source`` holds (``overrides`` win), as keyword arguments for Context or a config.

    One list of names, so a choice added to Context cannot be forgotten by one of the places that copy them.
    """
    return {name: overrides[name] if name in overrides else getattr(source, name) for name in GRAPH_CHOICES}


def _within(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low}..{high}, got {value}")


@dataclass(kw_only=True)
class Context:
    """Per-run context; nodes read it as `runtime.context`."""

    services: ServicesField = field(default=ServicesField(), repr=False, compare=False)
    """Shared clients (stores, models, policy), built once per process by tools.services.open_services.
    Required: reading it unset raises MissingServices (only graphs/served.py, for langgraph dev, has a default)."""
    n_variants: int = 2
    """How many copy variants the copywriter writes per attempt."""
    max_rewrites: int = 2
    """Rewrites after the first attempt before the checked template fallback is used."""
    llm_critique: bool = False
    """Run the LLM critic (scores fluency, tone, personalization) on drafts that pass the rules: one call per
    draft, opt-in because its scores did not rank variants (bench/critique_value.py)."""
    record_sends: bool = True
    """Write planned sends to the send log, so frequency caps and budgets see them."""
    exact_variants: bool = False
    """Have the model write exactly n_variants per attempt (slots mode's grammar requires that many; a chat
    preview asks for it, the count being the marketer's); False lets it write 1..n_variants."""
    prompt_version: str = "v1"
    """Which prompts/<agent>/<version>/ templates to use."""
    copy_mode: CopyMode = "free"
    """free: the model writes title, body and CTA; slots: it writes a hook and a line under decode-time
    constraints, and the offer, product, dates and CTA are rendered from data (tools/compose)."""
    now: datetime = field(default_factory=utc_now)
    """The run's clock: features, quiet hours and send times are computed against it.
    The real clock only where nothing passes one, as under `langgraph dev`."""

    def __post_init__(self) -> None:
        _within("n_variants", self.n_variants, 1, 5)
        _within("max_rewrites", self.max_rewrites, 0, 5)
        if self.now.tzinfo is None:
            raise ValueError("now needs a time zone")


@dataclass(kw_only=True)
class ChatContext:
    """Per-turn context of the chat graph (graphs/chat.py); nodes read it as `runtime.context`."""

    services: ServicesField = field(default=ServicesField(), repr=False, compare=False)
    """Shared clients, as in Context: required."""
    sample_size: int = 5
    """How many matching users the preview writes for."""
    max_scan: int = 500
    """Most users examined to fill the sample: bounds the work on a large shop."""
    concurrency: int = 4
    """Users written for at once, so the LLM server batches their requests."""
    max_rewrites: int = 2
    """Rewrites per user before the checked template fallback, as in Context."""
    llm_critique: bool = False
    """Run the LLM critic on drafts that pass the rules, as in Context."""
    prompt_version: str = "v1"
    """Which prompts/<agent>/<version>/ templates to use."""
    brand: BrandRules | None = None
    """Brand rules of the preview campaign; None uses the house brand of the brief's language."""
    copy_mode: CopyMode = "free"
    """How the previews are written, as in Context."""
    now: datetime = field(default_factory=utc_now)
    """The turn's clock: the campaign starts now and the audience window ends now.
    The real clock only where nothing passes one, as under `langgraph dev`."""

    def __post_init__(self) -> None:
        _within("sample_size", self.sample_size, 1, 20)
        _within("max_scan", self.max_scan, 1, 100_000)
        _within("concurrency", self.concurrency, 1, 16)
        if self.now.tzinfo is None:
            raise ValueError("now needs a time zone")

    def promotion_context(self, n_variants: int) -> Context:
        """The promotion graph's context for a preview: same clients and clock, nothing recorded as sent.

        The copywriter writes exactly the `n_variants` the marketer asked for.
        """
        choices = graph_choices(self, n_variants=n_variants)
        return Context(services=self.services, record_sends=False, exact_variants=True, now=self.now, **choices)
