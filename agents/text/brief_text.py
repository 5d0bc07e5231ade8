"""What the intake agent says: the question when a brief lacks something, campaign names, the brief read back."""

from __future__ import annotations

from domain.brief import DEFAULT_RECENCY_DAYS, DEFAULT_VARIANTS, MAX_VARIANTS, AudienceSpec, CampaignBrief, ProductScope
from domain.channels import Locale
from tools.brief.occasions import REACH_DAYS
from tools.compliance import describe_offer
from tools.compliance.categories import category_label

CHANNEL_LABELS: dict[Locale, dict[str, str]] = {
    "zh": {"sms": "短信", "push": "App 推送", "email": "邮件"},
    "en": {"sms": "SMS", "push": "push", "email": "e-mail"},
}
TIER_LABELS: dict[Locale, dict[str, str]] = {
    "zh": {"high": "高价值", "mid": "中等价值", "low": "低价值", "new": "新用户", "any": "不限价值"},
    "en": {"high": "high-value", "mid": "mid-value", "low": "low-value", "new": "new", "any": "any value"},
}
ASK: dict[Locale, dict[str, str]] = {
    "zh": {
        "offer": "这次的优惠是什么？例如「满300减50」「8折」「立减20元」或「买就送旅行装」。",
        "offer_invalid": "这个优惠不成立（{reason}），请再确认一下优惠。",
        "products": "想推广哪些商品或品类？商品目录里有：{categories}。",
        "unknown": "商品目录里没有找到「{words}」。目录里有：{categories}，想推广哪个？",
        "empty": "请描述一下活动：推广什么商品、什么优惠、发给哪些用户、走什么渠道。",
        "no_catalog": "商品目录里还没有商品，请先导入商品（演示店铺：promo shop build）。",
    },
    "en": {
        "offer": "What is the offer? For example 300-50 off, 20% off, ¥20 off, or a free gift.",
        "offer_invalid": "That offer cannot run ({reason}); could you check it?",
        "products": "Which products or categories is it for? The catalog has: {categories}.",
        "unknown": "The catalog has nothing called {words}. It has: {categories}. Which one do you mean?",
        "empty": "Please describe the campaign: which products, what offer, for which users, on which channel.",
        "no_catalog": "The shop catalog is empty: import the catalog first (the demo shop: promo shop build).",
    },
}
SEP: dict[Locale, str] = {"zh": "、", "en": ", "}
ASSUMED: dict[Locale, dict[str, str]] = {
    "zh": {
        "channel": "未指定渠道，使用 App 推送",
        "variants": f"未指定条数，每人写 {DEFAULT_VARIANTS} 条",
        "recency": f"未指定时间，看近 {DEFAULT_RECENCY_DAYS} 天",
        "model": "人群条件由模型从需求中读出",
        "unknown": "目录里没有：",
        "occasion": f"「{{occasion}}」不在未来 {REACH_DAYS} 天内，文案不提",
        "capped": f"每人最多写 {MAX_VARIANTS} 条（要求 {{asked}} 条）",
    },
    "en": {
        "channel": "no channel named: push",
        "variants": f"no count named: {DEFAULT_VARIANTS} per user",
        "recency": f"no window named: last {DEFAULT_RECENCY_DAYS} days",
        "model": "audience read by the model from the brief",
        "unknown": "not in the catalog: ",
        "occasion": f"{{occasion}} is not within the next {REACH_DAYS} days: left out of the copy",
        "capped": f"at most {MAX_VARIANTS} variants per user ({{asked}} asked)",
    },
}
"""The defaults and corrections the intake applied, as the marketer reads them."""


def question_text(
    locale: Locale,
    *,
    missing: list[str],
    offer_error: str | None = None,
    unknown: list[str] | None = None,
    categories: list[str] | None = None,
) -> str:
    """One question covering everything missing, in the brief's language."""
    ask, sep = ASK[locale], SEP[locale]
    lines = []
    for what in missing:
        if what == "offer":
            lines.append(ask["offer_invalid"].format(reason=offer_error) if offer_error else ask["offer"])
        elif what == "products" and not categories:
            lines.append(ask["no_catalog"])
        elif what == "products":
            names = sep.join(categories or [])
            lines.append(ask["unknown"].format(words=sep.join(unknown), categories=names) if unknown else
                         ask["products"].format(categories=names))  # fmt: skip
        else:
            lines.append(ask["empty"])
    return "\n".join(lines)


def scope_subject(scope: ProductScope, locale: Locale) -> str:
    """What the offer covers, in a few words: a category name, the marketer's word, or the whole store."""
    if scope.storewide:
        return "全场" if locale == "zh" else "storewide"
    if scope.categories:
        return category_label(scope.categories[0], locale) or scope.categories[0]
    return scope.words[0] if scope.words else ("活动商品" if locale == "zh" else "selected items")


def campaign_name(occasion: str, scope: ProductScope, locale: Locale) -> str:
    """A short campaign name built from what the marketer said (never from LLM text)."""
    subject = scope_subject(scope, locale)
    if locale == "zh":
        name = f"{occasion}{subject}专场" if occasion else f"{subject}优惠"
    else:
        name = f"{occasion} {subject} sale".strip()
        name = name[:1].upper() + name[1:]
    return name[:60]


def audience_spec_text(audience: AudienceSpec, locale: Locale) -> str:
    """The audience in words: value tier and behaviour window."""
    tier = TIER_LABELS[locale][audience.value_tier]
    if audience.behaviour == "any":
        return tier
    if locale == "zh":
        did = "浏览过" if audience.behaviour == "viewed" else "买过"
        return f"{tier}，近{audience.recency_days}天{did}活动商品"
    did = "viewed" if audience.behaviour == "viewed" else "bought"
    return f"{tier}, {did} the products in the last {audience.recency_days} days"


def describe_brief(brief: CampaignBrief) -> str:
    """The brief read back to the marketer, one field a line."""
    loc, sep = brief.locale, SEP[brief.locale]
    channels = sep.join(CHANNEL_LABELS[loc][c] for c in brief.channels)
    products = sep.join(brief.scope.words) or scope_subject(brief.scope, loc)
    if loc == "zh":
        lines = [
            f"活动：{brief.name}",
            f"优惠：{describe_offer(brief.offer, loc)}",
            f"商品：{products}",
            f"人群：{audience_spec_text(brief.audience, loc)}",
            f"渠道：{channels}",
            f"文案：每人 {brief.n_variants} 条候选",
        ]
        notes = "默认：" if brief.assumptions else ""
    else:
        lines = [
            f"Campaign: {brief.name}",
            f"Offer: {describe_offer(brief.offer, loc)}",
            f"Products: {products}",
            f"Audience: {audience_spec_text(brief.audience, loc)}",
            f"Channels: {channels}",
            f"Copy: {brief.n_variants} variant(s) per user",
        ]
        notes = "Defaults: " if brief.assumptions else ""
    if brief.assumptions:
        lines.append(notes + sep.join(brief.assumptions))
    return "\n".join(lines)
