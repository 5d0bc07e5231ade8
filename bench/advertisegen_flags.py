"""How many human-written AdvertiseGen ad texts the rules flag, by rule, with a sample of spans to check by hand.

Usage: ``python bench/advertisegen_flags.py [--path ../shared/data/advertisegen/adgen_dev_public.jsonl]``.
Runs the rule families that make sense on reference copy without a campaign: absolute_terms and personal_data
(claims, channel and brand rules need an offer, a channel and brand rules). Skips, with a message, when the
data file is absent.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from domain.review import Violation
from tools.compliance import find_personal_data
from tools.compliance.absolute_terms import find_absolute_terms

DATA = Path(__file__).parents[2] / "shared" / "data" / "advertisegen" / "adgen_dev_public.jsonl"


@dataclass(frozen=True)
class Hit:
    """One finding in one reference text."""

    row: int
    violation: Violation
    context: str


@dataclass
class FlagReport:
    """Flagged rows per family, findings per rule code and every hit with its context."""

    rows: int = 0
    flagged_rows: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    code_rows: Counter[str] = field(default_factory=Counter)
    terms: Counter[str] = field(default_factory=Counter)
    hits: list[Hit] = field(default_factory=list)


def _context(text: str, span: str, width: int = 12) -> str:
    at = text.find(span)
    return f"{text[max(0, at - width) : at]}【{span}】{text[at + len(span) : at + len(span) + width]}"


def flag_texts(texts: list[str]) -> FlagReport:
    """Run absolute_terms and personal_data over each text."""
    report = FlagReport(rows=len(texts))
    for row, text in enumerate(texts):
        found = [*find_absolute_terms(text), *find_personal_data(text)]
        for family in {v.family for v in found} | ({"any"} if found else set()):
            report.flagged_rows[family] += 1
        report.code_rows.update({v.code for v in found})
        for v in found:
            report.codes[v.code] += 1
            report.terms[f"{v.code} {v.span}"] += 1
            report.hits.append(Hit(row, v, _context(text, v.span)))
    return report


def _print(report: FlagReport, sample: int, seed: int) -> None:
    def share(n: int) -> str:
        return f"{n} ({n / report.rows:.1%})"

    print(f"{report.rows} human reference texts (summary field)")
    for family in ("any", "absolute_terms", "personal_data"):
        print(f"  flagged by {family:<15} {share(report.flagged_rows[family])}")
    print("\nby rule code: texts / findings")
    for code, n in report.codes.most_common():
        print(f"  {code:<16} {report.code_rows[code]:>4} / {n}")
    print("\nmost frequent terms:")
    for term, n in report.terms.most_common(12):
        print(f"  {n:>4}  {term}")
    picked = random.Random(seed).sample(report.hits, min(sample, len(report.hits)))
    print(f"\nsample of {len(picked)} flagged spans (seed {seed}):")
    for hit in sorted(picked, key=lambda h: h.row):
        print(f"  row {hit.row:>3}  {hit.violation.code:<16} {hit.context}")


def main() -> None:
    """Flag the AdvertiseGen references and print counts and a sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--path", type=Path, default=DATA, help="AdvertiseGen JSONL with a summary field")
    parser.add_argument("--sample", type=int, default=20, help="flagged spans to print for a hand check")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.path.is_file():
        print(f"skipped: AdvertiseGen data not found at {args.path} (pass --path to the adgen JSONL file)")
        return
    lines = args.path.read_text("utf-8").splitlines()
    texts = [str(json.loads(line)["summary"]) for line in lines if line.strip()]
    _print(flag_texts(texts), args.sample, args.seed)


if __name__ == "__main__":
    main()
