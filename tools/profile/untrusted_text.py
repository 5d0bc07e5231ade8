"""Untrusted history text (seller titles, search queries) must not carry claims into the prompt.

The features sanitizer already drops instruction-like text, links, contact data and prices; this
second filter drops any interest the compliance rules would flag in copy (superlatives, invented
offers, stock or shipping claims), so the copywriter is never shown a claim it might repeat.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.channels import Locale
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compliance.claims import find_claims
from tools.compliance.facts import OfferFacts


def claim_free(text: str, facts: OfferFacts, locale: Locale) -> bool:
    """Whether the text carries no blocking absolute term and no claim the offer does not back."""
    found = [*find_absolute_terms(text), *find_claims(text, facts, locale)]
    return not any(v.severity == "block" for v in found)


def safe_interests(interests: Sequence[str], facts: OfferFacts, locale: Locale) -> list[str]:
    """Keep only interests that are safe to show the copywriter, in order."""
    return [text for text in interests if claim_free(text, facts, locale)]
