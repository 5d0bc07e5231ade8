"""OfferFacts: what copy may truthfully claim, derived from a campaign and its eligible items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.offer import Campaign, Offer
from domain.people import Item
from tools.compliance.categories import all_labels


def _key(value: float) -> float:
    """Amounts compare at cent precision."""
    return round(value, 2)


def _keys(values: Iterable[float | None]) -> frozenset[float]:
    return frozenset(_key(v) for v in values if v is not None and v > 0)


def _price_after(offer: Offer, price: float) -> float | None:
    """An item's price once the offer applies to it alone; None when the offer does not apply."""
    if offer.kind == "percent_off" and offer.percent_off is not None:
        return price * (1 - offer.percent_off / 100)
    if offer.kind == "amount_off" and offer.amount_off is not None and price > offer.amount_off:
        return price - offer.amount_off
    if offer.kind == "threshold" and offer.threshold and offer.amount_off and price >= offer.threshold:
        return price - offer.amount_off
    return None


def _is_eligible(item: Item, campaign: Campaign) -> bool:
    if not campaign.eligible_categories and not campaign.eligible_item_ids:
        return True  # storewide
    return item.item_id in campaign.eligible_item_ids or item.category in campaign.eligible_categories


@dataclass(frozen=True)
class OfferFacts:
    """What copy may truthfully claim about one campaign's offer."""

    offer: Offer
    starts_at: datetime
    ends_at: datetime
    amounts: frozenset[float] = frozenset()
    """Money amounts copy may state: offer amounts, threshold, eligible prices, prices after the offer, savings."""
    amounts_off: frozenset[float] = frozenset()
    """Amounts copy may present as a saving (立减 / 省 / off): the offer's amount and per-item savings."""
    prices: frozenset[float] = frozenset()
    """Amounts copy may present as what an item costs (到手价 / 只要 / now): eligible prices, before and after."""
    from_prices: frozenset[float] = frozenset()
    """Amounts copy may present as a lowest price (起 / 低至 / from): the lowest eligible price, before or after."""
    percents: frozenset[float] = frozenset()
    """Percent-off values (20 for 八折)."""
    zhe: frozenset[float] = frozenset()
    """折 values (8.0 for 20% off, 8.5 for 15% off)."""
    sale_prices: frozenset[float] = frozenset()
    """Eligible prices once the offer applies (a 到手价 that states the offer without naming it)."""
    item_titles: tuple[str, ...] = ()
    """Titles of the eligible items, zh and en."""
    other_titles: tuple[str, ...] = ()
    """Titles of the catalog's other items, zh and en: products this campaign does not cover."""
    categories: tuple[str, ...] = ()
    """Eligible category ids and their zh / en labels."""
    storewide: bool = True
    """Whether the offer covers the whole store (no categories or items named)."""

    @classmethod
    def from_campaign(cls, campaign: Campaign, items: Sequence[Item]) -> OfferFacts:
        """Derive the facts from the campaign and the catalog; items outside the campaign are ignored."""
        offer = campaign.offer
        eligible = [item for item in items if _is_eligible(item, campaign)]
        prices = [item.price for item in eligible]
        after = [_price_after(offer, price) for price in prices]
        savings = [price - a for price, a in zip(prices, after, strict=True) if a is not None]
        final = [price if a is None else a for price, a in zip(prices, after, strict=True)]
        percent = offer.percent_off if offer.kind == "percent_off" else None
        categories = [*campaign.eligible_categories, *(item.category for item in eligible)]
        if not campaign.eligible_categories and not campaign.eligible_item_ids:
            categories = []
        return cls(
            offer=offer,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            amounts=_keys([offer.amount_off, offer.threshold, *prices, *after, *savings]),
            amounts_off=_keys([offer.amount_off, *savings]),
            prices=_keys([*prices, *after]),
            from_prices=_keys([min(prices), min(final)] if prices else []),
            percents=_keys([percent]),
            zhe=_keys([None if percent is None else (100 - percent) / 10]),
            sale_prices=_keys(after) - _keys(prices),
            item_titles=tuple(dict.fromkeys(t for item in eligible for t in (item.title_zh, item.title_en))),
            other_titles=tuple(
                dict.fromkeys(t for item in items if item not in eligible for t in (item.title_zh, item.title_en))
            ),
            categories=tuple(dict.fromkeys(label for c in categories for label in all_labels(c))),
            storewide=not campaign.eligible_categories and not campaign.eligible_item_ids,
        )

    def allows_amount(self, value: float) -> bool:
        """Whether copy may state this money amount."""
        return _key(value) in self.amounts

    def allows_amount_off(self, value: float) -> bool:
        """Whether copy may present this amount as money off."""
        return _key(value) in self.amounts_off

    def allows_price(self, value: float, *, lowest: bool = False) -> bool:
        """Whether copy may say an item costs this much (lowest: as the lowest price, 起 / from)."""
        return _key(value) in (self.from_prices if lowest else self.prices)

    def allows_percent(self, value: float) -> bool:
        """Whether copy may state this percent off."""
        return _key(value) in self.percents

    def allows_zhe(self, value: float) -> bool:
        """Whether copy may state this 折 value."""
        return _key(value) in self.zhe

    @property
    def first_day(self) -> date:
        """First day of the campaign in its own time zone."""
        return self.starts_at.date()

    @property
    def last_day(self) -> date:
        """Last day of the campaign in its own time zone (an end at 00:00 belongs to the day before)."""
        return (self.ends_at.astimezone(self.starts_at.tzinfo) - timedelta(microseconds=1)).date()

    @property
    def window_hours(self) -> float:
        """Length of the campaign in hours."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def in_window(self, month: int, day: int, year: int | None = None) -> bool:
        """Whether a calendar date (any year of the campaign when none is given) falls inside the campaign."""
        years = [year] if year else range(self.first_day.year, self.last_day.year + 1)
        for y in years:
            try:
                if self.first_day <= date(y, month, day) <= self.last_day:
                    return True
            except ValueError:
                continue  # 2月30日 is no date
        return False
