"""What a message may name as its subject: the customer's in-scope products and categories, from the catalog.

The model picks one of these by enum; the name that reaches the customer is the catalog's (spec tokens such
as "500ml" dropped), never a word the model wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from domain.channels import Channel, Locale
from domain.copy import Draft
from domain.offer import Campaign
from domain.people import Item
from domain.profile import PromptProfile
from tools.compliance.categories import category_label
from tools.compliance.engine import check_draft
from tools.compliance.facts import OfferFacts
from tools.compose.render import renders_cleanly
from tools.profile.features import sanitize_interest

MAX_OPTIONS = 4
MAX_NAME = {"zh": 10, "en": 36}
_MEASURE = "条片颗包袋支瓶罐盒粒只个双件张卷份枚贴克斤升"
_SPEC = re.compile(rf"[0-9][0-9.]*(?:[A-Za-z]+|[{_MEASURE}]装?| [A-Za-z]+)?|[【】\[\]()（）:：!！|]")
"""Sizes and counts with their unit or measure word (500ml, 100条, 30片, 30 Bags), and brackets."""
_ZERO_OF = re.compile(r"(?<![0-9.])0(?=[\u4e00-\u9fff])")
"""0糖 / 0脂 mean sugar-free, fat-free: dropping the 0 with the specs would claim the opposite."""
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z]")


def short_name(title: str, locale: Locale = "en") -> str:
    """A catalog title without spec tokens (sizes, counts) and brackets: 钛合金保温杯 400ml → 钛合金保温杯.

    Chinese names lose their spaces too: attribute lists such as 牛仔布 白色 简约 上衣 read as one name.
    """
    name = _SPACES.sub(" ", _SPEC.sub(" ", _ZERO_OF.sub("无", title))).strip(" -·,")
    return name.replace(" ", "") if locale == "zh" else name


MAX_ATTRIBUTES = 2
"""Attributes kept before the product noun when a long attribute list is shortened (黑色 针织 连衣裙)."""
_ATTRIBUTE = re.compile(r"[\u4e00-\u9fff]{1,4}")


def attribute_name(title: str, label: str) -> str | None:
    """A long Chinese attribute list as a name that fits: up to two attributes and its product noun.

    针织 黑色 休闲 性感 荷叶边 连衣裙 拼接 裙 → 针织黑色连衣裙. The noun is the last word ending in the category label
    (连衣裙 for 裙), else the label; words with Latin letters or longer than four characters are left out, so
    an instruction-like title is never shortened into a name. None when nothing fits.
    """
    words = [w for w in title.split() if _ATTRIBUTE.fullmatch(w)]
    if not label or len(words) < 2 or sanitize_interest(title) is None:  # an instruction is never a name
        return None
    nouns = [w for w in words if w.endswith(label) and w != label]
    noun = nouns[-1] if nouns else label
    name = noun
    for attribute in [w for w in words if w not in (noun, label)][:MAX_ATTRIBUTES]:
        if len(name) + len(attribute) > MAX_NAME["zh"]:
            break
        name = name[: -len(noun)] + attribute + noun
    return name if name != noun else None


def _usable(name: str, locale: Locale) -> bool:
    # Seller titles are untrusted: a long, many-worded (instruction-like) or, in Chinese, Latin-lettered title
    # is never named.
    if not name or len(name) > MAX_NAME[locale] or "\\" in name:  # a name leads the line's pattern (slots.literal)
        return False
    return not _LATIN.search(name) if locale == "zh" else len(name.split()) <= 5


def display_name(item: Item, locale: Locale) -> str | None:
    """The name a message may call `item` by: its catalog title, shortened; None when none is usable."""
    name = short_name(item.title(locale), locale)
    label = category_label(item.category, locale) or ""
    if label and name.endswith(label * 2):  # an attribute list ending in its category: 九分裤 裤 → 九分裤
        name = name[: -len(label)]
    if not _usable(name, locale) and locale == "zh":
        name = attribute_name(item.title(locale), label) or name
    return name if _usable(name, locale) else None


def offer_scopes(campaign: Campaign, items: Sequence[Item], locale: Locale) -> dict[str, str]:
    """Product name → the category the campaign's offer covers it by (钛合金保温杯 → 保温杯).

    When a line already opens with the product's name, the offer names the category instead of repeating
    it; only a category the campaign covers whole is named, so the offer never claims more than it gives.
    """
    scopes: dict[str, str] = {}
    for item in items:
        name, label = display_name(item, locale), category_label(item.category, locale)
        if name and label and item.category in campaign.eligible_categories:
            scopes.setdefault(name, label)
    return scopes


def focus_options(
    profile: PromptProfile,
    campaign: Campaign,
    items: Sequence[Item],
    locale: Locale,
    passes: Callable[[str], bool],
) -> list[str]:
    """Names the message may be about: the customer's own in-scope products, else the campaign's.

    `passes(name)` says whether a message rendered around the name passes the rules (a seller title may carry
    a claim, or a word a rule reads as another category).
    """
    interests = [i.casefold() for i in profile.interests]
    liked: list[str] = []
    others: list[str] = []
    for item in items:
        name = display_name(item, locale)
        if name is None:
            continue
        titles = (item.title_zh.casefold(), item.title_en.casefold())
        matched = any(
            i in t or short_name(t, locale).casefold() in i.replace(" ", "") for i in interests for t in titles
        )
        (liked if matched else others).append(name)
    labels = [category_label(c, locale) for c in [*profile.top_categories, *campaign.eligible_categories]]
    named = [label for label in labels if label]
    # Naming the customer's own interest is what makes the message theirs: offer nothing else when it exists.
    # Without such a product, the category: naming a product the customer never looked at reads as a guess.
    for group in (liked, named, others):
        options = [o for o in dict.fromkeys(group) if passes(o)][:MAX_OPTIONS]
        if options:
            return options
    return []


def checked_focus_options(
    profile: PromptProfile,
    campaign: Campaign,
    items: Sequence[Item],
    facts: OfferFacts,
    channel: Channel,
    locale: Locale,
) -> list[str]:
    """`focus_options` whose messages, rendered with neutral slots, pass every rule of this channel."""

    def blocked(draft: Draft) -> bool:
        return any(v.severity == "block" for v in check_draft(draft, campaign, facts))

    def passes(name: str) -> bool:
        return renders_cleanly(name, campaign, facts, channel, locale, blocked)

    return focus_options(profile, campaign, items, locale, passes)
