"""Precision and recall of the compliance rule engine per rule family, on the hand-labelled case file.

Usage: ``python bench/compliance_rules.py [--cases evaluation/data/compliance/cases.jsonl] [--only r2-]``.
A family counts as predicted for a case when any blocking violation of that family fires; warnings
do not count. The file's schema and how its labels were decided: evaluation/data/compliance/README.md.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from domain.copy import Draft
from domain.offer import Campaign
from domain.people import Item
from domain.review import RuleFamily, Violation
from tools.compliance import OfferFacts, check_draft

CASES = Path(__file__).parents[1] / "evaluation" / "data" / "compliance" / "cases.jsonl"
FAMILIES: tuple[RuleFamily, ...] = tuple(f for f in get_args(RuleFamily) if f != "critique")


@dataclass(frozen=True)
class Case:
    """One labelled draft with the campaign it is judged against."""

    id: str
    draft: Draft
    campaign: Campaign
    facts: OfferFacts
    expect: frozenset[str]
    codes: frozenset[str] = frozenset()
    known: tuple[str, ...] = ()
    note: str = ""
    now: datetime | None = None
    """The run's clock for time claims (the case's optional ``now``); None judges them for every send time."""

    def check(self) -> list[Violation]:
        """Run the rule engine on this case."""
        return check_draft(self.draft, self.campaign, self.facts, personal_data=self.known, now=self.now)


@dataclass
class Score:
    """Confusion counts of one family (or of all families together)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted hits that are labelled; 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled hits that were predicted; 1.0 when nothing is labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Scores per family and overall, the misclassified cases, and the engine's speed."""

    families: dict[str, Score]
    overall: Score
    wrong: list[tuple[Case, frozenset[str], list[Violation]]] = field(default_factory=list)
    codes_matched: tuple[int, int] = (0, 0)
    """Cases whose labelled codes were all reported, of the cases that carry code labels."""


def load_cases(path: Path = CASES) -> list[Case]:
    """Read items and campaigns (fixtures) and the labelled cases from a JSONL file."""
    records: list[dict[str, Any]] = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    items = [Item.model_validate(r["item"]) for r in records if r["type"] == "item"]
    campaigns = {
        c.campaign_id: (c, OfferFacts.from_campaign(c, items))
        for c in (Campaign.model_validate(r["campaign"]) for r in records if r["type"] == "campaign")
    }
    cases = []
    for r in (r for r in records if r["type"] == "case"):
        if unknown := set(r["expect"]) - set(FAMILIES):
            raise ValueError(f"case {r['id']}: unknown families {sorted(unknown)}")
        fields = {k: r[k] for k in ("channel", "locale", "title", "body", "cta")}
        draft = Draft(variant_id=r["id"], attempt=0, **fields)
        campaign, facts = campaigns[r["campaign"]]
        expect, codes, known = frozenset(r["expect"]), frozenset(r.get("codes", [])), tuple(r.get("known", []))
        now = datetime.fromisoformat(r["now"]) if r.get("now") else None
        cases.append(Case(r["id"], draft, campaign, facts, expect, codes, known, str(r.get("note", "")), now))
    return cases


def predicted_families(violations: list[Violation]) -> frozenset[str]:
    """Families with at least one blocking violation."""
    return frozenset(v.family for v in violations if v.severity == "block")


def score(cases: list[Case]) -> Report:
    """Compare the engine's blocking families with the labels, case by case."""
    report = Report(families={f: Score() for f in FAMILIES}, overall=Score())
    matched = labelled = 0
    for case in cases:
        found = case.check()
        got = predicted_families(found)
        for family in FAMILIES:
            hit, want = family in got, family in case.expect
            for s in (report.families[family], report.overall):
                s.tp += hit and want
                s.fp += hit and not want
                s.fn += want and not hit
        if got != case.expect:
            report.wrong.append((case, got, found))
        if case.codes:
            labelled += 1
            matched += case.codes <= {v.code for v in found if v.severity == "block"}
    report.codes_matched = (matched, labelled)
    return report


def time_per_draft(cases: list[Case], rounds: int = 5) -> tuple[float, float]:
    """Seconds per check_draft call: (mean over all passes, best pass); facts are built once per campaign.

    The best pass is the figure to compare between versions on a shared machine; the mean includes noise.
    """
    passes = []
    for _ in range(rounds):
        start = time.perf_counter()
        for case in cases:
            case.check()
        passes.append((time.perf_counter() - start) / len(cases))
    return sum(passes) / rounds, min(passes)


def _print(report: Report, cases: list[Case], per_draft: tuple[float, float]) -> None:
    print(f"{len(cases)} cases; a family is predicted when a blocking violation of it fires\n")
    print(f"{'family':<16}{'labelled':>9}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    for name, s in [*report.families.items(), ("overall", report.overall)]:
        print(f"{name:<16}{s.tp + s.fn:>9}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}")
    matched, labelled = report.codes_matched
    print(f"\ncode labels fully reported: {matched}/{labelled} cases")
    mean, best = per_draft
    print(f"check_draft: {mean * 1e6:.0f} µs per draft on average, {best * 1e6:.0f} µs in the best of 5 passes\n")
    print(f"misclassified: {len(report.wrong)}")
    for case, got, found in report.wrong:
        missed, extra = sorted(case.expect - got), sorted(got - case.expect)
        print(f"- {case.id}: missed {missed or '-'}, extra {extra or '-'} | {case.draft.title} | {case.draft.body}")
        for v in (v for v in found if v.severity == "block" and v.family in extra):
            print(f"    {v.code} “{v.span}” ({v.field})")


def main() -> None:
    """Score the rule engine on the case file and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=Path, default=CASES, help="labelled JSONL case file")
    parser.add_argument("--only", default="", metavar="PREFIX", help="score only cases whose id starts with PREFIX")
    args = parser.parse_args()
    cases = [c for c in load_cases(args.cases) if c.id.startswith(args.only)]
    _print(score(cases), cases, time_per_draft(cases))


if __name__ == "__main__":
    main()
