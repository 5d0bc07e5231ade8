"""Critic output: rule violations with evidence, and the verdict per draft."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["block", "warn"]
Verdict = Literal["PASS", "BLOCK", "ERROR"]
RuleFamily = Literal["absolute_terms", "claims", "personal_data", "channel", "brand", "critique"]


class Violation(BaseModel):
    """One broken rule, with the offending span and how to fix it."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Stable rule code, e.g. ABS001 or CLAIM_PERCENT.")
    family: RuleFamily
    severity: Severity = "block"
    message: str
    span: str = Field(default="", description="The offending text as it appears in the copy.")
    field: Literal["title", "body", "cta", "rendered"] = "body"
    fix_hint: str = ""
    citation: str = Field(default="", description="Law article or rationale behind the rule.")


class Critique(BaseModel):
    """The LLM critic's scores. It never overrides a rule failure."""

    fluency: int = Field(ge=1, le=5, description="1 = broken text, 5 = natural and fluent.")
    tone: int = Field(ge=1, le=5, description="1 = pushy or odd, 5 = friendly and on-brand.")
    personalization: int = Field(ge=1, le=5, description="1 = generic, 5 = clearly about the user's interests.")
    comment: str = Field(max_length=120, description="One short sentence on the weakest point.")


class DraftReview(BaseModel):
    """The critic's verdict on one draft."""

    model_config = ConfigDict(frozen=True)

    variant_id: str
    attempt: int
    verdict: Verdict
    violations: list[Violation] = Field(default_factory=list)
    critique: Critique | None = None
    checks_passed: list[str] = Field(default_factory=list, description="Rule families that found nothing.")

    @property
    def blocking(self) -> list[Violation]:
        """Violations that stop the draft from being sent."""
        return [v for v in self.violations if v.severity == "block"]
