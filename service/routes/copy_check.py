"""POST /v1/copy/check: re-check a variant the marketer edited against every deterministic rule."""

from __future__ import annotations

import anyio
from fastapi import APIRouter

from agents.critic import RULE_FAMILIES
from domain.copy import Draft
from service.deps import Marketer, StateDep
from service.schemas.copy_check import CopyCheckRequest, CopyCheckResult
from tools.compliance import OfferFacts, check_draft
from tools.services import Services

router = APIRouter(prefix="/v1/copy", tags=["copy"])


def check_edit(services: Services, edit: CopyCheckRequest) -> CopyCheckResult:
    """The rule engine's verdict on an edit: the same rules the critic runs on the model's drafts."""
    campaign = edit.campaign
    items = services.shop.items_for_campaign(campaign.eligible_categories, campaign.eligible_item_ids)
    facts = OfferFacts.from_campaign(campaign, items)
    draft = Draft(
        variant_id="edit",
        channel=edit.channel,
        locale=edit.locale,
        title=edit.title,
        body=edit.body,
        cta=edit.cta,
        attempt=0,
        source="human",
    )
    findings = check_draft(draft, campaign, facts)  # no clock: time claims hold for every send in the window
    blocking = [f for f in findings if f.severity == "block"]
    return CopyCheckResult(
        passes=not blocking,
        findings=findings,
        checks_passed=[family for family in RULE_FAMILIES if all(f.family != family for f in blocking)],
        rendered=draft.rendered_body(campaign.brand.brand_name),
    )


@router.post("/check", response_model=CopyCheckResult)
async def check_copy(edit: CopyCheckRequest, state: StateDep, _who: Marketer) -> CopyCheckResult:
    """Check an edited variant against every rule; nothing is sent or stored.

    The rules are the critic's: advertising-law terms, claims against the offer, personal data, channel and brand.
    """
    return await anyio.to_thread.run_sync(check_edit, state.runtime.services, edit)
