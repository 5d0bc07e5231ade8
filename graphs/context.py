"""Per-run choices that travel with one invocation (not process settings, not state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tools.services import Services


@dataclass(kw_only=True)
class Context:
    """Per-run context; nodes read it as `runtime.context`."""

    services: Services
    """Shared clients (stores, models, policy); built once per process by tools.services.open_services."""
    n_variants: int = 2
    """How many copy variants the copywriter writes per attempt."""
    max_rewrites: int = 2
    """Rewrites after the first attempt before the checked template fallback is used."""
    llm_critique: bool = True
    """Run the LLM critic (scores fluency, tone, personalization) on drafts that pass the rules."""
    record_sends: bool = True
    """Write planned sends to the send log, so frequency caps and budgets see them."""
    prompt_version: str = "v1"
    """Which prompts/<agent>/<version>/ templates to use."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The run's clock: features, quiet hours and send times are computed against it."""

    def __post_init__(self) -> None:
        if not 1 <= self.n_variants <= 5:
            raise ValueError(f"n_variants must be 1..5, got {self.n_variants}")
        if not 0 <= self.max_rewrites <= 5:
            raise ValueError(f"max_rewrites must be 0..5, got {self.max_rewrites}")
        if self.now.tzinfo is None:
            raise ValueError("now needs a time zone")
