from __future__ import annotations

import pytest

from domain.channels import Channel, Locale
from tests.unit.test_compliance_support import campaign, check, codes, draft
from tools.compliance.text_hygiene import check_text_hygiene


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("满300减50，详情见 https://shop.example.com", "zh", {"CH_URL"}),
        ("详情 www.haowupu.cn", "zh", {"CH_URL"}),
        ("Visit haowupu.com today.", "en", {"CH_URL"}),
        ("#双十一# 满300减50", "zh", {"CH_HASHTAG"}),
        ("Cosy days #winter", "en", {"CH_HASHTAG"}),
        ("不超过60字：满300减50。", "zh", {"CH_PROMPT_ECHO"}),
        ("标题：满300减50。", "zh", {"CH_PROMPT_ECHO"}),
        ("Variant 2: ¥50 off.", "en", {"CH_PROMPT_ECHO"}),
        ("Perfect for a user who viewed them.", "en", {"CH_PROMPT_ECHO"}),
        ("As an AI, I suggest this mug.", "en", {"CH_PROMPT_ECHO"}),
        ("Hi {name}, ¥50 off.", "en", {"CH_PROMPT_ECHO"}),
        ("Matches your recency bucket.", "en", {"CH_PROMPT_ECHO"}),
        ("满300减50，快来买买买买买买买买买买", "zh", {"CH_REPETITION"}),
        ("保温杯保温杯保温杯保温杯", "zh", {"CH_REPETITION"}),
        ("满300减50，还有", "zh", {"CH_TRUNCATED"}),  # decided: a trailing conjunction is a cut sentence
        ("满300减50，冬天也暖和", "zh", set()),  # 暖和 is a word, not a conjunction
        ("现在下单还来得及", "zh", set()),
        ("满300减50，", "zh", {"CH_TRUNCATED"}),
        ("【好物铺满300减50", "zh", {"CH_TRUNCATED"}),
        ("Get ¥50 off orders over ¥300 and", "en", {"CH_TRUNCATED"}),
        ("Get ¥50 off orders over ¥300 with the", "en", {"CH_TRUNCATED"}),
        ("Keep it warm…", "en", set()),
        ("Keep it warm...", "en", set()),
        ("Shop now and save", "en", set()),
        ("Shop now and save ¥50 on your order", "zh", {"CH_LANGUAGE", "CH_FOREIGN_WORD"}),
        ("满300减50", "en", {"CH_LANGUAGE"}),
        ("¥50 off 保温杯", "en", {"CH_LANGUAGE"}),
        ("316不锈钢保温杯 500ml，App专享", "zh", set()),
        ("满300减50，24小时保温", "zh", set()),
        ("¥50 off orders over ¥300. Keeps drinks hot for 24 hours.", "en", set()),
    ],
)
def test_text_hygiene(text: str, locale: Locale, expected: set[str]) -> None:
    found = check_text_hygiene(text, locale, "body")
    assert {v.code for v in found} == expected
    assert all(v.family == "channel" and v.fix_hint for v in found)


def test_text_cut_at_the_schema_bound_is_truncated() -> None:
    text = "".join(chr(0x4E00 + i) for i in range(24))  # no repetition, just long
    assert {v.code for v in check_text_hygiene(text, "zh", "cta")} == {"CH_TRUNCATED"}
    assert check_text_hygiene(text[:23], "zh", "cta") == []
    assert check_text_hygiene(text[:23] + "。", "zh", "cta") == []


@pytest.mark.parametrize(
    ("channel", "locale", "body_len", "ok"),
    [
        # SMS zh: 70 = 【好物铺】(5) + body + 立即选购(4) + space + 回T退订(4) → body up to 56
        ("sms", "zh", 56, True),
        ("sms", "zh", 57, False),
        ("push", "zh", 56, True),  # 60 = body + 立即选购(4)
        ("push", "zh", 57, False),
        ("email", "zh", 394 - 11, True),  # 400 = body + cta(4) + \n\n + 退订请点击邮件底部链接(11)
        ("email", "zh", 395 - 11, False),
    ],
)
def test_body_length_on_the_rendered_form(channel: Channel, locale: Locale, body_len: int, ok: bool) -> None:
    body = "满300减50" + "保" * (body_len - 8) + "。"
    found = check(draft(body, channel=channel, locale=locale))
    assert ("CH_BODY_LENGTH" not in codes(found)) is ok


def test_title_length_per_channel() -> None:
    long_title = "双十一保温杯专场满300减50好物推荐来啦快"  # 22 characters
    assert "CH_TITLE_LENGTH" in codes(check(draft("满300减50。", title=long_title)))
    assert "CH_TITLE_LENGTH" not in codes(check(draft("满300减50。", title=long_title, channel="email")))
    assert "CH_TITLE_LENGTH" not in codes(check(draft("满300减50。", title=long_title, channel="sms")))


def test_empty_parts_are_flagged() -> None:
    assert {"CH_EMPTY"} <= codes(check(draft(" ", cta="")))
    found = check(draft("满300减50。", title=""))
    assert [v.field for v in found if v.code == "CH_EMPTY"] == ["title"]
    assert "CH_EMPTY" not in codes(check(draft("满300减50。", title="", channel="sms")))


def test_sms_carries_the_opt_out_text_once() -> None:
    assert check(draft("满300减50。", channel="sms")) == []
    found = check(draft("满300减50。回T退订", channel="sms"))
    assert [(v.code, v.severity) for v in found] == [("CH_UNSUBSCRIBE_DUP", "warn")]


def test_missing_opt_out_text_is_flagged() -> None:
    from tools.compliance.channel_rules import check_channel

    d = draft("满300减50。", channel="sms")
    assert [v.code for v in check_channel(d, "【好物铺】满300减50。立即选购")] == ["CH_UNSUBSCRIBE"]
    assert check_channel(d, d.rendered_body("好物铺")) == []


def test_english_push_within_limits_passes() -> None:
    d = draft("¥50 off thermos orders over ¥300.", title="Thermos week", cta="Shop now", locale="en")
    assert check(d, campaign()) == []
