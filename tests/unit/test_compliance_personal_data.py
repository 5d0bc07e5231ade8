from __future__ import annotations

import pytest

from tests.unit.test_compliance_support import only_finding
from tools.compliance import find_personal_data
from tools.compliance.personal_data import redact_personal_data


@pytest.mark.parametrize(
    ("text", "code", "span"),
    [
        ("联系13800138000领取", "PD_PHONE", "13800138000"),
        ("致电 138-0013-8000", "PD_PHONE", "138-0013-8000"),
        ("+86 138 0013 8000", "PD_PHONE", "+86 138 0013 8000"),
        ("客服 021-12345678", "PD_PHONE", "021-12345678"),
        ("邮箱zhangwei@example.com", "PD_EMAIL", "zhangwei@example.com"),
        ("Mail a.b+promo@shop.example.cn now", "PD_EMAIL", "a.b+promo@shop.example.cn"),
        ("身份证11010519491231002X", "PD_ID_CARD", "11010519491231002X"),
        ("用户ID 9876543210", "PD_LONG_ID", "9876543210"),
        ("寄到长宁路100号", "PD_ADDRESS", "寄到长宁路100号"),  # up to 6 characters before the street are kept
        ("3栋2单元", "PD_ADDRESS", "3栋2单元"),
        ("ship to 12 Baker Street today", "PD_ADDRESS", "12 Baker Street"),
        ("张先生，您好", "PD_NAME", "张先生"),
        ("欧阳娜娜小姐", "PD_NAME", "欧阳娜娜小姐"),
        ("张伟同学，你好", "PD_NAME", "张伟同学"),
        ("王女士您好", "PD_NAME", "王女士"),
        ("Hi Mr. Smith, welcome", "PD_NAME", "Mr. Smith"),
        ("Dear Alice, welcome", "PD_NAME", "Alice"),
        ("Call (415) 555-0134", "PD_PHONE", "(415) 555-0134"),
        ("Call 415-555-0134", "PD_PHONE", "415-555-0134"),
        ("加微信号haowu_2026咨询", "PD_ACCOUNT", "微信号haowu_2026"),
    ],
)
def test_pattern_rules(text: str, code: str, span: str) -> None:
    only_finding(find_personal_data(text), code, span, "personal_data")


@pytest.mark.parametrize(
    "text",
    [
        "满300减50，24小时保温",
        "316不锈钢保温杯 500ml",
        "活动时间 2026-11-01 至 2026-11-11 23:59",
        "2026-11-01T00:00:00+08:00",
        "价格 ¥399",
        "回T退订",
        "Reply STOP to opt out",
        "Unsubscribe via the link at the bottom of this e-mail",
        "3 styles, 12 hours hot",
        "第1件",
        "送给先生的礼物",
        "女士们先生们",
        "高冷小姐姐",
        "白色女士衬衫",  # 女士 before a product means "women's"
        "Dear customer, welcome",
        "Hi there",
        "Dear Customer,",
        "400ml",
    ],
)
def test_ordinary_copy_and_prompts_hold_no_personal_data(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    ("text", "known", "span"),
    [
        ("张伟，你好", ["张伟"], "张伟"),
        ("Hi Alice Smith!", ["Alice Smith"], "Alice Smith"),
        ("hi alice smith", ["Alice Smith"], "alice smith"),
        ("user u-zh-1 viewed", ["u-zh-1"], "u-zh-1"),
        ("寄到上海市长宁路100号", ["上海市长宁路100号"], "上海市长宁路100号"),
        ("call 138 1234 5678", ["13812345678"], "138 1234 5678"),
        ("call 13812345678", ["+86 138-1234-5678"], "13812345678"),
    ],
)
def test_known_values_of_the_recipient(text: str, known: list[str], span: str) -> None:
    found = find_personal_data(text, known)
    assert [(v.code, v.span) for v in found] == [("PD_KNOWN", span)]


def test_known_values_match_whole_ids_only_and_skip_blanks() -> None:
    assert find_personal_data("menu1 item", ["u1", "", "x"]) == []
    assert [v.code for v in find_personal_data("for u1 only", ["u1"])] == ["PD_KNOWN"]


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("咨询 kefu@haowu.example 或 13812345678。", "咨询 […] 或 […]。"),
        ("张先生，满300减50", "[…]，满300减50"),
        ("满300减50，保温杯好价", "满300减50，保温杯好价"),  # nothing personal: unchanged
        ("Remove “a@b.cn”: twice a@b.cn", "Remove “[…]”: twice […]"),
    ],
)
def test_redaction_removes_every_found_span_and_nothing_else(text: str, redacted: str) -> None:
    assert redact_personal_data(text) == redacted
    assert find_personal_data(redact_personal_data(text)) == []
