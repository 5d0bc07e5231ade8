"""Precision and recall of the instruction classifier on the labelled untrusted-text set (issue #16).

Usage: ``python bench/untrusted_text.py [--texts evaluation/data/untrusted/texts.jsonl] [--held-out-misses]``.
Prints a Markdown table (overall, tuning and held-out parts, per language, per path kind) and the wrong
calls of the tuning part; the held-out part's wrong calls are listed only with ``--held-out-misses``, so
tuning never reads them. The set and its labels: evaluation/data/untrusted/README.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evaluation.untrusted import TEXTS, Sample, load_samples, score, summary_rows, table


def _line(sample: Sample) -> str:
    return f"  {sample.id} [{sample.technique}] {sample.text!r}"


def main(argv: list[str] | None = None) -> int:
    """Score the set and print the table and the wrong calls."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--texts", type=Path, default=TEXTS)
    parser.add_argument("--held-out-misses", action="store_true", help="also list the held-out part's wrong calls")
    args = parser.parse_args(argv)
    report = score(load_samples(args.texts))
    print(table(summary_rows(report)))
    misses = [s for s in report.misses if args.held_out_misses or not s.held_out]
    alarms = [s for s in report.false_alarms if args.held_out_misses or not s.held_out]
    which = "all parts" if args.held_out_misses else "tuning part only"
    print(f"\nmissed payloads ({len(misses)}, {which}):")
    print("\n".join(_line(s) for s in misses) or "  none")
    print(f"\nbenign texts flagged ({len(alarms)}, {which}):")
    print("\n".join(_line(s) for s in alarms) or "  none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
