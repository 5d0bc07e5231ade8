"""A seeded random sample of sent messages from evaluation runs, as Markdown, with what makes each one right.

Each message is quoted as the customer gets it, with the customer's own term it names in **bold** and the
offer sentence in `code` (both found in the text, not added), followed by the customer's interests. A
message naming none of its customer's terms, or not stating its offer, shows "(none)" in that place.

    python bench/sample_messages.py RUN_DIR [RUN_DIR ...] --n 10 --seed 7
"""

from __future__ import annotations

import argparse
import functools
import random
from pathlib import Path

from evaluation.load import load_scenarios
from evaluation.materialize import demo_shop_at, materialize
from evaluation.metrics import campaign_personal_terms
from evaluation.records import ScenarioRecord, require_manifest, scoped_records
from tools.compliance.offer_text import describe_offer


def marked(text: str, terms: list[str], offer: str) -> tuple[str, list[str], bool]:
    """`text` with the first customer term in bold and the offer in code; the terms found; offer found."""
    found = [t for t in terms if t and t.casefold() in text.casefold()]
    if found:
        start = text.casefold().index(found[0].casefold())
        text = f"{text[:start]}**{text[start : start + len(found[0])]}**{text[start + len(found[0]) :]}"
    has_offer = offer in text
    return (text.replace(offer, f"`{offer}`", 1) if has_offer else text), found, has_offer


def sample(run_dirs: list[Path], n: int, seed: int) -> list[str]:
    """`n` sent messages drawn with `seed`, each as one Markdown list item."""
    pool: list[tuple[Path, ScenarioRecord]] = []
    for run_dir in run_dirs:
        manifest = require_manifest(run_dir)
        pool += [(run_dir, r) for r in scoped_records(run_dir, manifest) if r.result and r.result.rendered]
    drawn = random.Random(seed).sample(pool, min(n, len(pool)))
    lines = []
    for run_dir, record in drawn:
        manifest = require_manifest(run_dir)
        scenario = next(s for s in load_scenarios(manifest.scenarios_file).scenarios if s.id == record.scenario_id)
        clock = manifest.config.clock
        m = materialize(scenario, clock, functools.cache(lambda c=clock: demo_shop_at(c)))
        result = record.result
        assert result is not None and result.message is not None and result.rendered is not None
        locale = result.message.locale
        profile = result.explanation.features_used
        title = f"{result.message.title} / " if result.message.title and result.message.channel != "sms" else ""
        text = " ".join(f"{title}{result.rendered}".split())
        terms = campaign_personal_terms(m.campaign, profile, locale)
        shown, found, has_offer = marked(text, terms, describe_offer(m.campaign.offer, locale))
        interests = "; ".join(profile.interests) or "-"
        names, offer = ", ".join(found) or "(none)", "yes" if has_offer else "(none)"
        lines.append(
            f"- {result.message.channel}/{locale} `{record.scenario_id}`: {shown}  \n"
            f"  interests: {interests}; names: {names}; offer: {offer}"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    """Print the sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+", type=Path, help="evaluation run folders")
    parser.add_argument("--n", type=int, default=10, help="messages to draw")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the draw")
    args = parser.parse_args(argv)
    print("\n".join(sample(args.run_dirs, args.n, args.seed)))


if __name__ == "__main__":
    main()
