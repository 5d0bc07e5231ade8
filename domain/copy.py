"""Copy drafts: the LLM's structured output and the rendered, channel-ready message."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.channels import Channel, Locale, limits_for

DraftSource = Literal["llm", "fallback", "human"]
CopyMode = Literal["free", "slots"]
"""How the copywriter writes: the whole message (free) or constrained slots around rendered facts (slots)."""


class CopyVariant(BaseModel):
    """One message variant as the LLM writes it. The length bounds keep small models from rambling."""

    title: str = Field(
        max_length=40, description="Push title or e-mail subject; a short lead line for SMS. No prices invented."
    )
    body: str = Field(max_length=300, description="Message body. Only the offer given, no other numbers.")
    cta: str = Field(max_length=24, description="Call to action, e.g. 立即抢购 / Shop now.")


class CopyBatch(BaseModel):
    """What the copywriter LLM returns: several distinct variants."""

    variants: list[CopyVariant] = Field(min_length=1, max_length=5)


class Draft(BaseModel):
    """A channel-ready draft with its identity and provenance."""

    model_config = ConfigDict(frozen=True)

    variant_id: str
    channel: Channel
    locale: Locale
    title: str
    body: str
    cta: str
    attempt: int = Field(ge=0, description="0 for the first writing, n for the n-th rewrite.")
    source: DraftSource = "llm"

    @classmethod
    def from_variant(
        cls,
        variant: CopyVariant,
        *,
        variant_id: str,
        channel: Channel,
        locale: Locale,
        attempt: int,
        source: DraftSource = "llm",
    ) -> Draft:
        """A draft of one written variant, with its identity and provenance."""
        return cls(
            variant_id=variant_id,
            channel=channel,
            locale=locale,
            attempt=attempt,
            source=source,
            **variant.model_dump(),
        )

    def rendered_body(self, brand_name: str = "") -> str:
        """The body as delivered: SMS gets brand signature, CTA and the unsubscribe text."""
        limits = limits_for(self.channel, self.locale)
        sep = "" if self.locale == "zh" else " "
        parts = [self.body.strip(), self.cta.strip()]
        if self.channel == "sms":
            prefix = ""
            if brand_name:
                prefix = f"【{brand_name}】" if self.locale == "zh" else f"[{brand_name}] "
            # A space sets the opt-out apart from the CTA in both scripts: "立即购买 回T退订".
            return prefix + sep.join(p for p in parts if p) + " " + limits.unsubscribe_text
        if self.channel == "email":
            return sep.join(p for p in parts if p) + "\n\n" + limits.unsubscribe_text
        return sep.join(p for p in parts if p)

    def full_text(self) -> str:
        """Everything a reader sees, for checks that scan all text."""
        return "\n".join([self.title, self.body, self.cta])
