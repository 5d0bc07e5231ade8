"""Claims against the catalog: attributes (CLAIM_ATTRIBUTE) and names outside it or the campaign (CLAIM_PRODUCT)."""

from __future__ import annotations

import pytest

from domain.channels import Locale
from domain.people import Item
from domain.review import Violation
from tests.unit.test_compliance_support import ITEMS, campaign
from tools.compliance import OfferFacts
from tools.compliance.catalog_terms import en_stem, product_nouns
from tools.compliance.claims import find_claims

CATALOG = [
    *ITEMS,
    Item(item_id="t3", title_zh="钛合金保温杯", title_en="Titanium thermos", category="thermos", price=399),
    Item(item_id="m1", title_zh="陶瓷马克杯", title_en="Ceramic mug", category="mug", price=69),
]
FACTS = OfferFacts.from_campaign(campaign(), CATALOG)


def _codes(text: str, locale: Locale = "zh") -> set[str]:
    found: list[Violation] = find_claims(text, FACTS, locale, fixed=["好物铺", "Goodshop"])
    return {v.code for v in found}


@pytest.mark.parametrize(
    ("code", "text", "locale", "flagged"),
    [
        ("CLAIM_ATTRIBUTE", "金合金保温杯满300减50。", "zh", True),
        ("CLAIM_ATTRIBUTE", "粉色保温杯满300减50。", "zh", True),
        ("CLAIM_ATTRIBUTE", "1L保温杯满300减50。", "zh", True),
        ("CLAIM_ATTRIBUTE", "800ml真空保温杯满300减50。", "zh", True),
        ("CLAIM_ATTRIBUTE", "黑色钛合金保温杯满300减50。", "zh", True),
        ("CLAIM_ATTRIBUTE", "钛合金保温杯满300减50。", "zh", False),
        ("CLAIM_ATTRIBUTE", "500ml真空保温杯满300减50。", "zh", False),
        ("CLAIM_ATTRIBUTE", "满300减50，不锈钢内胆好清洗。", "zh", False),  # a part, not the product
        ("CLAIM_ATTRIBUTE", "满300减50，装上热红茶出门，黑夜里也有热水。", "zh", False),  # 红 and 黑 in other words
        ("CLAIM_ATTRIBUTE", "¥50 off orders over ¥300 on the gold thermos.", "en", True),
        ("CLAIM_ATTRIBUTE", "¥50 off orders over ¥300 on the 1L thermos.", "en", True),
        ("CLAIM_ATTRIBUTE", "¥50 off orders over ¥300 on the titanium thermos.", "en", False),
        ("CLAIM_ATTRIBUTE", "¥50 off orders over ¥300 on the 500ml vacuum thermos.", "en", False),
        ("CLAIM_ATTRIBUTE", "¥50 off orders over ¥300. Keeps green tea hot.", "en", False),
        ("CLAIM_PRODUCT", "膳魔师保温杯满300减50。", "zh", True),  # a known brand
        ("CLAIM_PRODUCT", "云朵系列保温杯满300减50。", "zh", True),  # an invented product line
        ("CLAIM_PRODUCT", "明星同款保温杯满300减50。", "zh", True),
        (
            "CLAIM_PRODUCT",
            "保温杯满300减50，陶瓷马克杯也一起带回家。",
            "zh",
            True,
        ),  # a catalog item outside the campaign
        ("CLAIM_PRODUCT", "Yū保温杯满300减50。", "zh", True),  # a Latin name before a product
        ("CLAIM_PRODUCT", "¥50 off orders over ¥300 on Zojirushi thermoses.", "en", True),
        ("CLAIM_PRODUCT", "Try Yū thermoses: ¥50 off orders over ¥300.", "en", True),
        ("CLAIM_PRODUCT", "¥50 off orders over ¥300 on the Arctic Pro thermos.", "en", True),
        ("CLAIM_PRODUCT", "¥50 off orders over ¥300, and grab a ceramic mug too.", "en", True),
        ("CLAIM_PRODUCT", "好物铺保温杯满300减50，装咖啡装茶都行。", "zh", False),
        ("CLAIM_PRODUCT", "儿童保温杯满300减50。", "zh", False),
        ("CLAIM_PRODUCT", "¥50 off orders over ¥300 on Goodshop thermoses.", "en", False),
        ("CLAIM_PRODUCT", "¥50 off orders over ¥300 on the Kids thermos.", "en", False),
        ("CLAIM_PRODUCT", "Black Friday: ¥50 off orders over ¥300.", "en", False),
        ("CLAIM_PRODUCT", "Thermos deals: ¥50 off orders over ¥300. Keep your coffee hot.", "en", False),
    ],
)
def test_claims_against_the_catalog(code: str, text: str, locale: Locale, flagged: bool) -> None:
    # CLAIM_ATTRIBUTE: a material, colour or size the catalog contradicts; CLAIM_PRODUCT: a name it does not have.
    assert (code in _codes(text, locale)) is flagged


def test_a_storewide_campaign_covers_every_catalog_item() -> None:
    facts = OfferFacts.from_campaign(campaign(categories=()), CATALOG)
    assert facts.other_titles == ()
    assert "CLAIM_PRODUCT" not in {v.code for v in find_claims("陶瓷马克杯满300减50。", facts, "zh")}


def test_the_campaigns_own_texts_are_not_judged() -> None:
    found = find_claims("满300减50，还有不锈钢保温杯套", FACTS, "zh", fixed=["不锈钢保温杯套"])
    assert found == []


def test_catalog_terms() -> None:
    assert product_nouns(("真空保温杯500ml", "挂耳咖啡20包", "Drip coffee 20 bags"), cjk=True) == (
        "真空保温杯",
        "挂耳咖啡",
    )
    assert product_nouns(("Drip coffee 20 bags", "Coffee beans 1kg"), cjk=False) == ("Coffee beans", "Drip coffee")
    assert [en_stem(w) for w in ("mugs", "thermoses", "thermos", "boxes", "glass")] == [
        "mug",
        "thermos",
        "thermos",
        "box",
        "glass",
    ]
