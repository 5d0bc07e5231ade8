"""A campaign's free-text fields are untrusted: none may read as an instruction to the model.

A campaign arrives from a file (`promo campaign run`), a request body (`/v1/promotions`,
`/v1/campaign-runs`), the LangGraph server's input, or a chat brief. Its name, brand tone and name, gift,
required and banned phrases, categories and item ids are free text, and some reach the copywriter's prompt
verbatim; each is normalized and checked on the `campaign_field` path (tools/profile/instructions.py).
"""

from __future__ import annotations

from domain.offer import Campaign
from tools.profile.instructions import reads_as_instruction


class InstructionInCampaign(ValueError):
    """A campaign field reads as an instruction to the model; `fields` names them (e.g. `brand.tone`)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"{', '.join(fields)}: reads as an instruction to the model, not campaign text")
        self.fields = fields


def campaign_texts(campaign: Campaign) -> list[tuple[str, str]]:
    """(field path, text) for every free-text field of a campaign, as a validation error would name it."""
    brand = campaign.brand
    texts = [("name", campaign.name), ("brand.brand_name", brand.brand_name), ("brand.tone", brand.tone)]
    if campaign.offer.gift:
        texts.append(("offer.gift", campaign.offer.gift))
    for key, values in (
        ("brand.required_phrases", brand.required_phrases),
        ("brand.banned_words", brand.banned_words),
        ("eligible_categories", campaign.eligible_categories),
        ("eligible_item_ids", campaign.eligible_item_ids),
    ):
        texts += [(f"{key}.{i}", value) for i, value in enumerate(values)]
    return [(path, text) for path, text in texts if text]


def instruction_fields(campaign: Campaign) -> list[str]:
    """The fields of a campaign that read as an instruction to the model (empty when none)."""
    return [path for path, text in campaign_texts(campaign) if reads_as_instruction(text, "campaign_field")]


def check_campaign(campaign: Campaign) -> Campaign:
    """The campaign unchanged, or InstructionInCampaign naming every field that reads as an instruction."""
    fields = instruction_fields(campaign)
    if fields:
        raise InstructionInCampaign(fields)
    return campaign
