"""Scenarios for every seeded demo-shop user under one demo campaign: copy on real histories, any locale.

The AdvertiseGen rows are Chinese only; English copy is measured on the demo shop's users instead, with
targeting choosing the channel. The seeded users browse in Chinese, so ``--as-locale en`` turns each into an
inline English shopper with the same consent, quiet hours and history (item events only: their searches
were typed in Chinese), whose history reads in English as an English shopper's would.

    python bench/demo_scenarios.py --campaign coffee-20-off-en --as-locale en --out runs/coffee-en.jsonl
    promo eval run runs/coffee-en.jsonl --out runs/coffee-en
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from domain.channels import Locale
from domain.people import User
from evaluation.adgen import write_jsonl
from evaluation.materialize import DEMO_USERS, demo_shop_at
from evaluation.scenario import DEFAULT_CLOCK, Scenario
from shopdata.demo_shop import DemoShop

SECONDS_PER_DAY = 86_400


def inline_user(shop: DemoShop, user: User, locale: Locale) -> dict[str, Any]:
    """A demo user as an inline scenario user of `locale`: same consent, hours and item history."""
    events = [
        {
            "kind": e.kind,
            "item": e.item_id,
            "days_ago": round((DEFAULT_CLOCK - e.ts).total_seconds() / SECONDS_PER_DAY, 3),
            **({"channel": e.channel} if e.channel else {}),
        }
        for e in shop.events_of(user.user_id)
        if e.item_id and e.kind != "search"
    ]
    return {
        "locale": locale,
        "utc_offset_hours": user.utc_offset_hours,
        "consent": user.consent,
        "quiet_hours": user.quiet_hours.model_dump(),
        "events": events,
    }


def demo_scenarios(campaign: str, as_locale: Locale | None, users: int = DEMO_USERS) -> list[Scenario]:
    """One scenario per demo user u001.. under `campaign`; as inline users of `as_locale` when given."""
    shop = demo_shop_at(DEFAULT_CLOCK)
    scenarios = []
    for user in shop.users[:users]:
        spec = inline_user(shop, user, as_locale) if as_locale else {"demo": user.user_id}
        scenarios.append(
            Scenario.model_validate(
                {
                    "id": f"demo-{campaign}-{user.user_id}"[:56],
                    "description": f"Seeded demo user {user.user_id} under {campaign}",
                    "tags": ["demo", campaign],
                    "user": spec,
                    "campaign": campaign,
                }
            )
        )
    return scenarios


def main(argv: list[str] | None = None) -> None:
    """Write the scenario file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", required=True, help="a demo campaign id, e.g. coffee-20-off-en")
    parser.add_argument("--as-locale", choices=["zh", "en"], default=None, help="the users as shoppers of this locale")
    parser.add_argument("--out", type=Path, required=True, help="scenario JSONL to write")
    args = parser.parse_args(argv)
    scenarios = demo_scenarios(args.campaign, args.as_locale)
    write_jsonl(scenarios, args.out)
    print(f"{len(scenarios)} scenarios written to {args.out}")


if __name__ == "__main__":
    main()
