from __future__ import annotations

import pytest

from tests.unit.test_compliance_support import only_finding
from tools.compliance.absolute_terms import find_absolute_terms, load_terms


@pytest.mark.parametrize(
    ("text", "code", "span"),
    [
        ("这是最好的保温杯", "ABS_SUPERLATIVE", "最好"),
        ("最佳保温效果", "ABS_SUPERLATIVE", "最佳"),
        ("最新款保温杯", "ABS_SUPERLATIVE", "最新"),  # decided: 最新 stays restricted
        ("最划算的一次", "ABS_SUPERLATIVE", "最划算"),
        ("保温杯中最耐用", "ABS_SUPERLATIVE", "最"),
        ("全网最低价，快来", "ABS_PRICE", "全网最低价"),
        ("价格最低", "ABS_PRICE", "最低"),
        ("销量第一", "ABS_RANK", "第一"),
        ("排名第1的保温杯", "ABS_RANK", "第1"),
        ("送礼首选", "ABS_RANK", "首选"),
        ("性能遥遥领先", "ABS_RANK", "遥遥领先"),
        ("王牌单品", "ABS_RANK", "王牌"),
        ("顶级316不锈钢", "ABS_GRADE", "顶级"),
        ("国家级品质", "ABS_GRADE", "国家级"),
        ("世界级工艺", "ABS_GRADE", "世界级"),
        ("极品好物", "ABS_GRADE", "极品"),
        ("独家定制", "ABS_EXCLUSIVE", "独家"),
        ("唯一选择", "ABS_EXCLUSIVE", "唯一"),
        ("100%纯钢", "ABS_GUARANTEE", "100%"),
        ("１００％纯钢", "ABS_GUARANTEE", "１００％"),  # full-width is folded before matching
        ("绝对保温", "ABS_GUARANTEE", "绝对"),
        ("万能杯", "ABS_GUARANTEE", "万能"),
        ("史上最低折扣", "ABS_PRICE", "史上最低"),
        ("史上力度", "ABS_HISTORIC", "史上"),
        ("The best thermos", "ABS_SUPERLATIVE", "best"),
        ("Best ever deal", "ABS_HISTORIC", "Best ever"),
        ("Our No. 1 mug", "ABS_RANK", "No. 1"),
        ("the NO.1 choice", "ABS_RANK", "NO.1"),
        ("number one thermos", "ABS_RANK", "number one"),
        ("#1 rated", "ABS_RANK", "#1"),
        ("a best-selling thermos", "ABS_RANK", "best-selling"),
        ("Warmth GUARANTEED", "ABS_GUARANTEE", "GUARANTEED"),
        ("lowest price of the year", "ABS_PRICE", "lowest price"),
        ("world-class steel", "ABS_GRADE", "world-class"),
        ("world class steel", "ABS_GRADE", "world class"),
        ("an unbeatable deal", "ABS_PRICE", "unbeatable"),
        ("100% steel", "ABS_GUARANTEE", "100%"),
        ("the perfect gift", "ABS_SUPERLATIVE", "perfect"),
        ("exclusive deal", "ABS_EXCLUSIVE", "exclusive"),
        ("冬天最爱的保温杯", "ABS_SUPERLATIVE", "最"),  # decided: 最爱 ranks the product
        ("100%食品级不锈钢", "ABS_GUARANTEE", "100%"),
        ("百分百安心", "ABS_GUARANTEE", "百分百"),
        ("全球首发", "ABS_RANK", "首发"),
        ("性价比之王", "ABS_RANK", "之王"),
        ("最高品质", "ABS_SUPERLATIVE", "最高"),
        ("Our most popular thermos", "ABS_SUPERLATIVE", "most popular"),
        ("the lightest thermos", "ABS_SUPERLATIVE", "lightest"),
    ],
)
def test_restricted_terms_are_flagged(text: str, code: str, span: str) -> None:
    assert span in only_finding(find_absolute_terms(text), code, span, "absolute_terms").fix_hint


@pytest.mark.parametrize(
    "text",
    [
        "第一次下单也能享受满300减50",
        "第一眼就爱上",
        "第一时间发货",
        "活动第一天",
        "最近浏览过的保温杯",
        "最后一天，满300减50",
        "最后3小时",
        "最终价格以结算页为准",
        "24小时保温",
        "保温效果好，3款可选",
        "All the best for the holidays",
        "Look your best this winter",
        "bestow",  # word boundary: no "best" inside other words
        "Warm drinks all day",
        "Keeps drinks hot for 12 hours",
        "first order",
        "100%纯棉面料",  # fibre-content label (GB/T 29862)
        "精选百分百的纯棉面料",
        "The cover is 100% cotton",
        "遮掩不完美的身形",
        "最重要的是，它很轻",
        "最多减50元",  # a bound, judged by the claims family
        "最高立减50元",
        "Most orders ship in two days",
        "Best regards, the team",
        "Top up your playlist",
    ],
)
def test_allowed_phrases_are_not_flagged(text: str) -> None:
    assert find_absolute_terms(text) == []


def test_longest_term_wins_and_each_span_is_reported_once() -> None:
    found = find_absolute_terms("全网最低价，最好的选择，最低")
    assert [(v.code, v.span) for v in found] == [
        ("ABS_PRICE", "全网最低价"),
        ("ABS_SUPERLATIVE", "最好"),
        ("ABS_PRICE", "最低"),
    ]


def test_term_list_loads_once_with_codes_and_citations() -> None:
    terms = load_terms()
    assert terms is load_terms()
    assert {t.code for t in terms} == {
        "ABS_SUPERLATIVE",
        "ABS_PRICE",
        "ABS_RANK",
        "ABS_GRADE",
        "ABS_EXCLUSIVE",
        "ABS_GUARANTEE",
        "ABS_HISTORIC",
    }
    assert all(t.citation and "{span}" in t.fix_hint for t in terms)
    labels = [len(t.label) for t in terms]
    assert labels == sorted(labels, reverse=True)
