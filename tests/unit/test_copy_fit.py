from __future__ import annotations

import pytest

from domain.channels import limits_for
from domain.copy import CopyVariant, Draft
from tools.compliance.copy_fit import body_allowance, cut_title, cut_to_sentences, fit_variant


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短句。", 10, "短句。"),
        ("第一句很好。第二句也很好！第三句太长了太长了。", 13, "第一句很好。第二句也很好！"),
        ("One sentence. Two sentences here.", 20, "One sentence."),
        ("没有句号的一整段很长很长的文字", 5, None),
        ("Version 2.5 is out. Shop now.", 22, "Version 2.5 is out."),
    ],
)
def test_cut_to_sentences(text: str, limit: int, expected: str | None) -> None:
    assert cut_to_sentences(text, limit) == expected


def test_cut_title_at_clause_boundary() -> None:
    assert cut_title("云南小粒咖啡豆，中度烘焙500g限时特惠", 10) == "云南小粒咖啡豆"
    assert cut_title("Warm sips ahead for winter days", 16) == "Warm sips ahead"
    assert cut_title("一二三四五六七八九十", 5) is None


@pytest.mark.parametrize("channel", ["sms", "push", "email"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_fitted_body_renders_within_the_channel_limit(channel: str, locale: str) -> None:
    sentence = "这款保温杯很适合冬天。" if locale == "zh" else "This thermos keeps drinks warm all day. "
    variant = CopyVariant(title="t", body=(sentence * 40)[:300].strip(), cta="去看看" if locale == "zh" else "Shop now")
    fitted = fit_variant(variant, channel, locale, "好物铺")  # type: ignore[arg-type]
    draft = Draft(variant_id="v", channel=channel, locale=locale, attempt=0, **fitted.model_dump())  # type: ignore[arg-type]
    assert len(draft.rendered_body("好物铺")) <= limits_for(channel, locale).body_max  # type: ignore[arg-type]
    assert body_allowance(channel, locale, fitted.cta, "好物铺") > 0  # type: ignore[arg-type]
