"""Rule family brand: the campaign's banned words stay out, its required phrases go in."""

from __future__ import annotations

from typing import Literal

from domain.copy import Draft
from domain.offer import BrandRules
from domain.review import Violation

_CITATION = "Brand rules of the campaign (BrandRules)"


def check_brand(draft: Draft, brand: BrandRules, rendered: str) -> list[Violation]:
    """Flag banned words in any field and required phrases missing from what the recipient sees."""
    fields: tuple[tuple[Literal["title", "body", "cta"], str], ...] = (
        ("title", draft.title),
        ("body", draft.body),
        ("cta", draft.cta),
    )
    found = []
    for word in filter(None, (w.strip() for w in brand.banned_words)):
        for name, text in fields:
            if word.lower() in text.lower():
                found.append(
                    Violation(
                        code="BRAND_BANNED",
                        family="brand",
                        message=f"Banned word “{word}” in the {name}.",
                        span=word,
                        field=name,
                        fix_hint=f"Remove “{word}” from the {name}.",
                        citation=_CITATION,
                    )
                )
    # SMS delivers no title; push and e-mail show it, so a required phrase may sit there.
    seen = rendered if draft.channel == "sms" else f"{draft.title}\n{rendered}"
    for phrase in filter(None, (p.strip() for p in brand.required_phrases)):
        if phrase.lower() not in seen.lower():
            found.append(
                Violation(
                    code="BRAND_REQUIRED",
                    family="brand",
                    message=f"Required phrase “{phrase}” is missing.",
                    field="rendered",
                    fix_hint=f"Include exactly “{phrase}” in the body.",
                    citation=_CITATION,
                )
            )
    return found
