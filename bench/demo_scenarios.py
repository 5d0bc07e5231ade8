"""Scenarios for every seeded demo-shop user under one demo campaign: copy on real histories, any locale.

The AdvertiseGen rows are Chinese only; English copy is measured on the demo shop's users instead (their
histories, consent and channels as seeded), with targeting choosing the channel.

    python bench/demo_scenarios.py --campaign coffee-20-off-en --locale en --out runs/coffee-en.jsonl
    promo eval run runs/coffee-en.jsonl --out runs/coffee-en
"""

from __future__ import annotations

import argparse
from pathlib import Path

from domain.channels import Locale
from evaluation.adgen import write_jsonl
from evaluation.materialize import DEMO_USERS
from evaluation.scenario import Scenario


def demo_scenarios(campaign: str, locale: Locale | None, users: int = DEMO_USERS) -> list[Scenario]:
    """One scenario per demo user u001.. under `campaign`, in `locale` (None: each user's own)."""
    return [
        Scenario.model_validate(
            {
                "id": f"demo-{campaign}-u{n:03d}"[:56],
                "description": f"Seeded demo user u{n:03d} under {campaign}",
                "tags": ["demo", campaign],
                "user": {"demo": f"u{n:03d}"},
                "campaign": campaign,
                "locale": locale,
            }
        )
        for n in range(1, users + 1)
    ]


def main(argv: list[str] | None = None) -> None:
    """Write the scenario file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", required=True, help="a demo campaign id, e.g. coffee-20-off-en")
    parser.add_argument("--locale", choices=["zh", "en"], default=None, help="force the copy's locale")
    parser.add_argument("--out", type=Path, required=True, help="scenario JSONL to write")
    args = parser.parse_args(argv)
    scenarios = demo_scenarios(args.campaign, args.locale)
    write_jsonl(scenarios, args.out)
    print(f"{len(scenarios)} scenarios written to {args.out}")


if __name__ == "__main__":
    main()
