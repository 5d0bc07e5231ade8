"""Does the LLM critique earn its call? Its ranking of rule-passing variants against three judges.

Reads an evaluation run made with the critique on (`promo eval run ... --critique`). For every attempt in
which two or more drafts passed the rules and were scored, each pair the critique ranks (different mean
score) is set against:
- the rules: the draft with fewer warnings is better (pairs whose warnings differ);
- personalization: the draft that names one of the customer's own terms is better (pairs where one does);
- simulated clicks: the draft the simulated shop's true click model prefers (`shopdata/click_model.py`,
  with the critic's own term left out, so the judge cannot agree with the critique by construction).

Agreement near 50 % means the critique ranks like a coin flip against that judge; the critique only
ranks (it never blocks), so a coin flip is a call that buys nothing.

    python bench/critique_value.py RUN_DIR [RUN_DIR ...]
"""

from __future__ import annotations

import argparse
import functools
import math
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from domain.copy import Draft
from domain.profile import PromptProfile
from domain.review import Critique, DraftReview
from evaluation.load import load_scenarios
from evaluation.materialize import Materialized, demo_shop_at, materialize
from evaluation.mentions import found
from evaluation.metrics import campaign_personal_terms
from evaluation.records import require_manifest, scoped_records
from shopdata.click_model import click_probability
from tools.compliance import OfferFacts, check_draft
from tools.targeting.variant_features import variant_features


@dataclass(frozen=True)
class Judged:
    """One scored draft as each judge sees it."""

    critique: float
    warnings: int
    personal: bool
    click: float


@dataclass
class Tally:
    """Pairs a judge decided, and how many of them the critique ranked the same way."""

    pairs: int = 0
    agree: int = 0

    def add(self, critique_prefers_first: bool, judge_prefers_first: bool) -> None:
        """Count one pair the judge decided."""
        self.pairs += 1
        self.agree += critique_prefers_first == judge_prefers_first

    def line(self, name: str) -> str:
        """One table row: pairs, agreement and its interval."""
        if not self.pairs:
            return f"{name:<38} {0:>6}        -"
        low, high = wilson(self.agree, self.pairs)
        share = self.agree / self.pairs
        return f"{name:<38} {self.pairs:>6} {share:>8.0%}   [{low:.0%}, {high:.0%}]"


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a share: honest at the small counts one evaluation run gives."""
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_score(c: Critique) -> float:
    """The critique's score as targeting reads it (`critic_quality`): the mean of its three scores."""
    return (c.fluency + c.tone + c.personalization) / 3


def judge(m: Materialized, draft: Draft, critique: Critique, profile: PromptProfile) -> Judged:
    """The three judges' view of one draft the critique scored."""
    facts = OfferFacts.from_campaign(m.campaign, m.campaign_items())
    warnings = sum(v.severity == "warn" for v in check_draft(draft, m.campaign, facts))
    terms = campaign_personal_terms(m.campaign, profile, draft.locale)
    features = variant_features(draft, None, profile, m.campaign.offer)
    return Judged(mean_score(critique), warnings, bool(found(draft.full_text(), terms)), click_probability(features))


def scored_groups(reviews: list[DraftReview], drafts: list[Draft]) -> list[list[tuple[Draft, Critique]]]:
    """Per attempt, the drafts that passed the rules and carry a critique."""
    by_key = {(d.variant_id, d.attempt): d for d in drafts}
    groups: dict[int, list[tuple[Draft, Critique]]] = {}
    for review in reviews:
        draft = by_key.get((review.variant_id, review.attempt))
        if review.verdict == "PASS" and review.critique is not None and draft is not None:
            groups.setdefault(review.attempt, []).append((draft, review.critique))
    return list(groups.values())


@dataclass
class Report:
    """What the critique cost and how its ranking compares."""

    scenarios: int = 0
    calls: int = 0
    critiques: int = 0
    low_scores: int = 0
    scores: float = 0.0
    ties: int = 0
    rules: Tally = field(default_factory=Tally)
    personal: Tally = field(default_factory=Tally)
    clicks: Tally = field(default_factory=Tally)

    def add_pair(self, a: Judged, b: Judged) -> None:
        """Set the critique's ranking of two drafts against each judge that ranks them."""
        if a.critique == b.critique:
            self.ties += 1
            return
        first = a.critique > b.critique
        if a.warnings != b.warnings:
            self.rules.add(first, a.warnings < b.warnings)
        if a.personal != b.personal:
            self.personal.add(first, a.personal)
        if a.click != b.click:
            self.clicks.add(first, a.click > b.click)


def measure(run_dir: Path, report: Report) -> None:
    """Add one run folder's scenarios to the report."""
    manifest = require_manifest(run_dir)
    scenarios = {s.id: s for s in load_scenarios(manifest.scenarios_file).scenarios}
    clock = manifest.config.clock
    demo = functools.cache(lambda: demo_shop_at(clock))
    for record in scoped_records(run_dir, manifest):
        result = record.result
        if result is None or record.scenario_id not in scenarios:
            continue
        report.scenarios += 1
        report.calls += record.usage.calls
        m = materialize(scenarios[record.scenario_id], clock, demo)
        profile = result.explanation.features_used
        for group in scored_groups(result.reviews, result.drafts):
            judged = [judge(m, draft, critique, profile) for draft, critique in group]
            report.critiques += len(judged)
            report.low_scores += sum(j.critique < 3 for j in judged)
            report.scores += sum(j.critique for j in judged)
            for a, b in combinations(judged, 2):
                report.add_pair(a, b)


def main(argv: list[str] | None = None) -> None:
    """Measure the run folders and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+", type=Path, help="evaluation run folders made with the critique on")
    args = parser.parse_args(argv)
    report = Report()
    for run_dir in args.run_dirs:
        measure(run_dir, report)
    if not report.critiques:
        raise SystemExit("no critique in these runs: run `promo eval run` with --critique")
    print(
        f"{report.scenarios} scenarios, {report.calls} LLM calls, {report.critiques} of them critiques "
        f"({report.critiques / max(report.calls, 1):.0%}); mean score {report.scores / report.critiques:.2f}, "
        f"below 3: {report.low_scores}; pairs tied by the critique: {report.ties}"
    )
    print(f"{'judge':<38} {'pairs':>6} {'agrees':>8}   95 % interval")
    print(report.rules.line("rules (fewer warnings)"))
    print(report.personal.line("personal (names the customer's term)"))
    print(report.clicks.line("simulated clicks (true model)"))


if __name__ == "__main__":
    main()
