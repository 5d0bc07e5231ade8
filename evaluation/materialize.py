"""Turn a scenario into shop rows at a given clock: the user, their events, the catalog and the campaign."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.offer import Campaign
from domain.people import Event, Item, User
from evaluation.scenario import Scenario, inline_campaign
from shopdata.campaigns import demo_campaigns
from shopdata.catalog import load_catalog
from shopdata.demo_shop import DemoShop, build_demo_shop

DEMO_SEED = 7
DEMO_USERS = 40
"""The demo shop that ``user: {demo: uNNN}`` refers to: `promo shop build`'s defaults, built at the run clock."""


@dataclass(frozen=True)
class Materialized:
    """A scenario ready to run: the rows its own shop holds, and the campaign at the run's clock."""

    scenario: Scenario
    user: User
    events: list[Event]
    items: list[Item]
    """The scenario's catalog: the demo catalog plus its own items (its own win on an id clash)."""
    campaign: Campaign
    clock: datetime
    """The run's clock: the rules judge time claims (最后一天, ends tonight) at it."""

    def campaign_items(self) -> list[Item]:
        """Items the campaign covers, by the rule of ShopDB.items_for_campaign (none named: storewide)."""
        c = self.campaign
        if not c.eligible_categories and not c.eligible_item_ids:
            return list(self.items)
        return [i for i in self.items if i.category in c.eligible_categories or i.item_id in c.eligible_item_ids]


def demo_shop_at(clock: datetime) -> DemoShop:
    """The seeded demo shop as it is at ``clock``."""
    return build_demo_shop(seed=DEMO_SEED, n_users=DEMO_USERS, now=clock)


def inline_user_id(scenario: Scenario) -> str:
    """The shop id of a scenario's inline user: one per scenario, so histories never mix."""
    return f"sc-{scenario.id}"


def _inline_user(scenario: Scenario, catalog: dict[str, Item], clock: datetime) -> tuple[User, list[Event]]:
    spec, uid = scenario.user, inline_user_id(scenario)
    user = User(user_id=uid, **spec.model_dump(include=set(User.model_fields)))  # UserSpec names them as User does
    events = []
    for n, e in enumerate(spec.events, start=1):
        item = catalog[e.item] if e.item else None
        events.append(
            Event(
                event_id=f"{uid}-e{n}",
                user_id=uid,
                kind=e.kind,
                ts=clock - timedelta(days=e.days_ago),
                item_id=item.item_id if item else None,
                item_title=item.title(spec.locale) if item else None,
                category=item.category if item else None,
                price=item.price if item else None,
                query=e.query,
                channel=e.channel,
            )
        )
    return user, events


def materialize(scenario: Scenario, clock: datetime, demo: Callable[[], DemoShop]) -> Materialized:
    """Rows and campaign of one scenario; ``demo`` supplies the demo shop (built once, only when needed)."""
    catalog = {item.item_id: item for item in [*load_catalog().items, *scenario.items]}
    if scenario.user.demo:
        shop = demo()
        user = next((u for u in shop.users if u.user_id == scenario.user.demo), None)
        if user is None:
            raise ValueError(f"{scenario.id}: demo user {scenario.user.demo} is not in the demo shop")
        events = shop.events_of(user.user_id)
    else:
        user, events = _inline_user(scenario, catalog, clock)
    if isinstance(scenario.campaign, str):
        campaign = next(c for c in demo_campaigns(clock) if c.campaign_id == scenario.campaign)
    else:
        campaign = inline_campaign(scenario.campaign, clock)
    return Materialized(
        scenario=scenario,
        user=user,
        events=events,
        items=list(catalog.values()),
        campaign=campaign,
        clock=clock,
    )
