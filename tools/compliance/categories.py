"""Category labels (data/category_labels.yaml) and the English word lists (data/english_words.yaml)."""

from __future__ import annotations

import functools

from domain.channels import Locale
from tools.compliance.rule_data import rule_data
from tools.compliance.textutil import has_cjk


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    raw = rule_data("category_labels")
    return {str(key): {str(k): str(v) for k, v in value.items()} for key, value in raw.items()}


def category_label(category: str, locale: Locale) -> str | None:
    """The category's label in one locale; None when there is none in that script."""
    label = _labels().get(category, {}).get(locale)
    if label:
        return label
    fits = has_cjk(category) if locale == "zh" else not has_cjk(category)
    return category.replace("_", " ") if fits else None


def all_labels(category: str) -> tuple[str, ...]:
    """The category id and every label it has."""
    labels = [category, *_labels().get(category, {}).values()]
    return tuple(dict.fromkeys(labels))


def known_categories() -> tuple[str, ...]:
    """Every category id the label file names."""
    return tuple(_labels())


@functools.cache
def english_words(name: str) -> frozenset[str]:
    """One list of data/english_words.yaml (accepted, copy_words, leads, short_words), lowercased."""
    return frozenset(str(w).lower() for w in rule_data("english_words").get(name, []))


@functools.cache
def label_words() -> frozenset[str]:
    """Every word of the category ids and their English labels (thermos, coffee, home, goods ...)."""
    labels = (label for c in known_categories() for label in all_labels(c) if not has_cjk(label))
    return frozenset(w.lower() for label in labels for w in label.split())
