"""Product words of a brief resolved against the shop's real catalog.

A word naming (most of) a category stands for the category, otherwise for the items it names. Nothing
outside the catalog can enter a campaign's scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from domain.channels import Locale
from domain.people import Item
from tools.compliance.categories import all_labels, category_label
from tools.compliance.textutil import CJK, fold

STOP_ZH = frozenset(
    {"推送", "短信", "邮件", "用户", "客户", "活动", "优惠", "专场", "文案", "最近", "浏览", "购买", "商品"}
)
_STOP_EN_WORDS = (
    "a an the and or for with off on of to in at by who that this all any our your new set sale user users "
    "customer customers message messages push sms email high value low mid free gift last past days week weeks "
    "month months viewed bought write send over above under orders order get spend save percent discount variants "
    "versions options"
)
STOP_EN = frozenset(_STOP_EN_WORDS.split())
"""Brief words that are about the campaign, not the product, even where a title happens to use them."""
CATEGORY_SHARE = 0.5
"""A word matching at least this share of a category's items stands for the whole category."""
_CJK_RUN = re.compile(rf"(?:{CJK.pattern})+")
_EN_TOKEN = re.compile(r"[a-z][a-z0-9'-]*")


def _singulars(word: str) -> list[str]:
    forms = [word]
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    return forms


def _labels_in(category: str, locale: Locale) -> str | None:
    """The category's label in `locale` when the label file has one, or its id reads as a word of that language."""
    label = category_label(category, locale)
    return label if label and (locale == "en" or CJK.search(label)) else None


def _has_phrase(blob: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", blob) is not None


class CatalogIndex:
    """The catalog's names (item titles, category ids and labels) in a form briefs can be matched against."""

    def __init__(self, items: Sequence[Item]) -> None:
        """Index `items`; category labels come from the compliance label file."""
        self.items = list(items)
        self.by_category: dict[str, list[Item]] = {}
        for item in self.items:
            self.by_category.setdefault(item.category, []).append(item)
        self.labels = {c: tuple(label.casefold() for label in all_labels(c)) for c in self.by_category}
        names = [*(i.title_zh for i in self.items), *(label for ls in self.labels.values() for label in ls)]
        self._zh_blob = "\n".join(fold(name) for name in names)
        en_names = [*(i.title_en for i in self.items), *(label for ls in self.labels.values() for label in ls)]
        self._en_blob = "\n".join(fold(name).casefold() for name in en_names)

    def product_words(self, text: str) -> list[str]:
        """Words of `text` that the catalog also uses, longest first within each script."""
        folded = fold(text)
        found: list[str] = []
        for run in _CJK_RUN.findall(folded):
            for start in range(len(run)):
                best = ""
                for end in range(start + 2, len(run) + 1):
                    if run[start:end] not in self._zh_blob:
                        break
                    best = run[start:end]
                if best and best not in STOP_ZH:
                    found.append(best)
        tokens = _EN_TOKEN.findall(folded.casefold())
        for size in (3, 2, 1):
            for start in range(len(tokens) - size + 1):
                gram = tokens[start : start + size]
                if all(t in STOP_EN or len(t) < 3 for t in gram):
                    continue
                phrase = " ".join(gram)
                if any(_has_phrase(self._en_blob, form) for form in _singulars(phrase)):
                    found.append(phrase)
        return [w for w in dict.fromkeys(found) if not any(w != o and w in o for o in found)]

    def _items_named(self, word: str) -> list[Item]:
        forms = _singulars(fold(word).casefold())
        if CJK.search(word):
            return [i for i in self.items if any(f in fold(i.title_zh) for f in forms)]
        return [i for i in self.items if any(_has_phrase(fold(i.title_en).casefold(), f) for f in forms)]

    def resolve(self, word: str) -> tuple[list[str], list[str]]:
        """(categories, item ids) one product word stands for; both empty when the catalog has no such thing."""
        forms = set(_singulars(fold(word).casefold().strip()))
        named = [c for c, labels in self.labels.items() if forms & set(labels)]
        if named:
            return named, []
        items = self._items_named(word)
        categories = [
            c
            for c, members in self.by_category.items()
            if sum(i.category == c for i in items) >= CATEGORY_SHARE * len(members)
        ]
        return categories, [i.item_id for i in items if i.category not in categories]

    def scope(self, words: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
        """(categories, item ids, words that matched nothing) for several product words."""
        categories: list[str] = []
        item_ids: list[str] = []
        unknown: list[str] = []
        for word in words:
            found_categories, found_items = self.resolve(word)
            if not found_categories and not found_items:
                unknown.append(word)
            categories += found_categories
            item_ids += found_items
        categories = list(dict.fromkeys(categories))
        kept = [i for i in dict.fromkeys(item_ids) if self.category_of(i) not in categories]
        return categories, kept, unknown

    def category_of(self, item_id: str) -> str | None:
        """The category of one catalog item."""
        return next((i.category for i in self.items if i.item_id == item_id), None)

    def category_names(self, locale: Locale, limit: int = 8) -> list[str]:
        """Category names to offer the marketer when a brief names nothing the catalog has, in their language.

        The category's label, else the first word of one of its items' titles; never an internal id
        (kids_clothing).
        """
        return [self.category_name(c, locale) for c in list(self.by_category)[:limit]]

    def category_name(self, category: str, locale: Locale) -> str:
        """One category as the marketer reads it (see category_names)."""
        label = _labels_in(category, locale)
        if label:
            return label
        titles = [i.title_zh if locale == "zh" else i.title_en for i in self.by_category.get(category, [])]
        return next((t.split()[0] for t in titles if t.strip()), category.replace("_", " "))
