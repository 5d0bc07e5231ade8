"""check_draft: run every rule family on a draft and its rendered form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.copy import Draft
from domain.offer import Campaign
from domain.review import Violation
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compliance.brand_rules import check_brand
from tools.compliance.channel_rules import check_channel
from tools.compliance.claims import find_claims
from tools.compliance.claims_money import threshold_stated
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_stated import check_offer_stated
from tools.compliance.personal_data import find_personal_data
from tools.compliance.text_hygiene import Field, check_text_hygiene
from tools.compliance.textutil import fold


def check_draft(
    draft: Draft,
    campaign: Campaign,
    facts: OfferFacts,
    *,
    personal_data: Sequence[str] = (),
    now: datetime | None = None,
) -> list[Violation]:
    """All rule violations of a draft; an empty list means it passes the rules.

    Content rules run on title, body and CTA (each finding names its field); channel and brand
    rules also see the rendered body, as delivered with brand prefix and opt-out text.
    now: the run's clock (time zone aware); time claims (最后一天, ends tonight, 已结束) are judged at
    that moment. None judges them for every send time in the campaign's window.
    """
    rendered = draft.rendered_body(campaign.brand.brand_name)
    fields: tuple[tuple[Field, str], ...] = (("title", draft.title), ("body", draft.body), ("cta", draft.cta))
    fixed = [campaign.brand.brand_name, *campaign.brand.required_phrases, campaign.offer.gift or ""]
    stated = facts.offer.kind == "threshold" and threshold_stated(fold(draft.full_text()))
    found: list[Violation] = []
    for name, text in fields:
        hits = [
            *find_absolute_terms(text),
            *find_claims(text, facts, draft.locale, threshold_stated=stated, now=now, fixed=[*fixed, campaign.name]),
            *find_personal_data(text, personal_data),
            *check_text_hygiene(text, draft.locale, name, fixed),
        ]
        found += [v.model_copy(update={"field": name}) for v in hits]
    found += check_offer_stated(draft, facts, draft.locale)
    found += check_channel(draft, rendered)
    found += check_brand(draft, campaign.brand, rendered)
    return list(dict.fromkeys(found))  # the same finding twice adds nothing
