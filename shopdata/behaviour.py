"""Shopping sessions per user segment: searches, views, favourites, carts, purchases and channel clicks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from domain.channels import CHANNELS, Channel
from domain.people import Event, EventKind, Item, User
from shopdata.catalog import Catalog

Segment = Literal["high_value", "bargain_hunter", "browser", "dormant", "new"]
SEGMENT_SHARES: dict[Segment, float] = {
    "high_value": 0.15,
    "bargain_hunter": 0.25,
    "browser": 0.35,
    "dormant": 0.15,
    "new": 0.10,
}


@dataclass(frozen=True)
class Habits:
    """How a segment shops: session count, funnel rates and which viewed item it carts."""

    sessions: tuple[int, int]
    p_search: float
    p_fav: float
    p_cart: float
    p_buy: float
    """Probability that a carted item is bought."""
    picks: Literal["cheapest", "priciest", "any"]


HABITS: dict[Segment, Habits] = {
    "high_value": Habits((18, 30), 0.30, 0.15, 0.45, 0.75, "priciest"),
    "bargain_hunter": Habits((10, 20), 0.50, 0.20, 0.35, 0.55, "cheapest"),
    "browser": Habits((8, 18), 0.40, 0.10, 0.10, 0.20, "any"),
    "dormant": Habits((3, 8), 0.30, 0.10, 0.30, 0.50, "any"),
    "new": Habits((1, 2), 0.50, 0.00, 0.00, 0.00, "any"),
}
P_CLICK = 0.12
"""Share of sessions that start with a click on a promotion, from a channel the user consented to."""


class Injection(NamedTuple):
    """Untrusted text planted in one user's history: a search query and a seller item to view."""

    query: str
    item_id: str


class _Raw(NamedTuple):
    ts: datetime
    kind: EventKind
    item: Item | None = None
    query: str | None = None
    channel: Channel | None = None


def user_events(
    rng: random.Random,
    user: User,
    segment: Segment,
    catalog: Catalog,
    window: tuple[datetime, datetime],
    injection: Injection | None = None,
) -> list[Event]:
    """All events of one user inside ``window`` (UTC), oldest first, with IDs ``demo-<user>-<nnnn>``."""
    habits = HABITS[segment]
    favourites = rng.sample(catalog.categories, k=rng.randint(1, 3))
    raw: list[_Raw] = []
    for _ in range(rng.randint(*habits.sessions)):
        category = rng.choice(favourites) if rng.random() < 0.8 else rng.choice(catalog.categories)
        raw += _session(rng, user, category, catalog, habits, _session_start(rng, user, window))
    if injection is not None and raw:
        ts = max(r.ts for r in raw) - timedelta(hours=2)
        item = next(i for i in catalog.items if i.item_id == injection.item_id)
        raw += [_Raw(ts, "search", query=injection.query), _Raw(ts + timedelta(minutes=1), "view", item)]
    raw = sorted((r for r in raw if window[0] <= r.ts <= window[1]), key=lambda r: r.ts)
    return [
        Event(
            event_id=f"demo-{user.user_id}-{n:04d}",
            user_id=user.user_id,
            kind=r.kind,
            ts=r.ts,
            item_id=r.item.item_id if r.item else None,
            item_title=r.item.title(user.locale) if r.item else None,
            category=r.item.category if r.item else None,
            price=r.item.price if r.item else None,
            query=r.query,
            channel=r.channel,
        )
        for n, r in enumerate(raw, start=1)
    ]


def _session_start(rng: random.Random, user: User, window: tuple[datetime, datetime]) -> datetime:
    """A random day in the window, at a waking local hour (8–23) of the user."""
    day = window[0] + timedelta(seconds=rng.uniform(0, (window[1] - window[0]).total_seconds()))
    utc_hour = (rng.randint(8, 23) - user.utc_offset_hours) % 24
    start = day.replace(hour=utc_hour, minute=rng.randint(0, 59), second=rng.randint(0, 59), microsecond=0)
    return start - timedelta(days=1) if start > window[1] - timedelta(minutes=30) else start


def _session(
    rng: random.Random, user: User, category: str, catalog: Catalog, habits: Habits, start: datetime
) -> list[_Raw]:
    """One visit: maybe a click or a search, 1–4 views in one category, then maybe fav, cart, purchase."""
    items = catalog.in_category(category)
    if habits.picks == "cheapest" and rng.random() < 0.7:  # sorted by price, low to high
        items = sorted(items, key=lambda i: i.price)[: len(items) // 2 + 1]
    viewed = rng.sample(items, k=min(len(items), rng.randint(1, 4)))
    clock = iter(start + timedelta(minutes=m) for m in range(0, 600, 3))
    out: list[_Raw] = []
    consented = [ch for ch in CHANNELS if user.has_consent(ch)]
    if consented and rng.random() < P_CLICK:
        out.append(_Raw(next(clock), "click", viewed[0], channel=rng.choice(consented)))
    elif rng.random() < habits.p_search:
        out.append(_Raw(next(clock), "search", query=rng.choice(catalog.queries[(category, user.locale)])))
    out += [_Raw(next(clock), "view", item) for item in viewed]
    if rng.random() < habits.p_fav:
        out.append(_Raw(next(clock), "fav", rng.choice(viewed)))
    if rng.random() < habits.p_cart:
        by_price = sorted(viewed, key=lambda i: i.price)
        pick = {"cheapest": by_price[0], "priciest": by_price[-1], "any": rng.choice(viewed)}[habits.picks]
        out.append(_Raw(next(clock), "cart", pick))
        if rng.random() < habits.p_buy:
            out.append(_Raw(next(clock), "purchase", pick))
    return out
