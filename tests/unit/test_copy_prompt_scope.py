"""The offer's scope as the copywriter's prompt states it: never "storewide" when only some items are covered."""

from __future__ import annotations

import pytest

from agents.text.copy_prompt import eligible_text
from tests.unit.conftest import ITEMS, make_campaign


@pytest.mark.parametrize(
    ("overrides", "locale", "expected"),
    [
        ({}, "zh", "thermos, 316不锈钢保温杯 500ml, 儿童吸管保温杯"),
        ({"eligible_categories": [], "eligible_item_ids": ["i1"]}, "zh", "316不锈钢保温杯 500ml"),
        ({"eligible_categories": [], "eligible_item_ids": ["i1"]}, "en", "316 Steel Thermos 500ml"),
        ({"eligible_categories": []}, "zh", "全场, 316不锈钢保温杯 500ml, 儿童吸管保温杯"),
        ({"eligible_categories": []}, "en", "storewide, 316 Steel Thermos 500ml, Kids Straw Thermos"),
    ],
)
def test_scope_names_only_what_the_offer_covers(overrides: dict[str, object], locale: str, expected: str) -> None:
    campaign = make_campaign(**overrides)
    covered = [i for i in ITEMS if not campaign.eligible_item_ids or i.item_id in campaign.eligible_item_ids]
    assert eligible_text(campaign, covered[:2], locale) == expected  # type: ignore[arg-type]
