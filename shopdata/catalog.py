"""The demo catalog: bilingual items and per-language search queries, read from ``catalog.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from domain.channels import Locale
from domain.people import Item


@dataclass(frozen=True)
class Catalog:
    """Items grouped by category, with the queries shoppers type for each category."""

    items: list[Item]
    queries: dict[tuple[str, Locale], list[str]]
    """Search queries per (category, locale)."""

    @property
    def categories(self) -> list[str]:
        """Category keys in catalog order."""
        return list(dict.fromkeys(item.category for item in self.items))

    def in_category(self, category: str) -> list[Item]:
        """Items of one category, in catalog order."""
        return [item for item in self.items if item.category == category]


def load_catalog() -> Catalog:
    """Read the bundled catalog; item IDs are ``<category>-<nn>`` in file order."""
    raw: Any = yaml.safe_load(resources.files("shopdata").joinpath("catalog.yaml").read_text(encoding="utf-8"))
    items: list[Item] = []
    queries: dict[tuple[str, Locale], list[str]] = {}
    for category, spec in raw["categories"].items():
        queries[(category, "zh")] = [str(q) for q in spec["queries_zh"]]
        queries[(category, "en")] = [str(q) for q in spec["queries_en"]]
        for n, (title_zh, title_en, price) in enumerate(spec["items"], start=1):
            items.append(
                Item(
                    item_id=f"{category}-{n:02d}",
                    title_zh=str(title_zh),
                    title_en=str(title_en),
                    category=category,
                    price=float(price),
                )
            )
    return Catalog(items=items, queries=queries)
