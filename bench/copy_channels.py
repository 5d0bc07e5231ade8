"""What the customer gets, per channel: the copy figures of one evaluation run (docs/copy.md's tables).

For every channel in the run: sent messages, the share the model wrote (not a template), the share whose
first attempt had a draft passing every blocking rule, the share whose sent copy states the offer as it is
(the claims rule), blocking violations left in sent copy, the share naming one of the customer's own terms,
and LLM calls per sent message (every call the scenario made: copy, rewrites, critiques).

    python bench/copy_channels.py RUN_DIR [RUN_DIR ...]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from evaluation.records import ScenarioRecord, require_manifest, scoped_records


@dataclass
class ChannelTally:
    """Counts over one channel's finished scenarios."""

    sent: int = 0
    model_written: int = 0
    first_draft_passes: int = 0
    offer_correct: int = 0
    blocking: int = 0
    personalized: int = 0
    calls: int = 0

    def add(self, record: ScenarioRecord) -> None:
        """Count one scenario that sent a message."""
        result = record.result
        assert result is not None and result.message is not None
        m = record.metrics
        self.sent += 1
        self.model_written += result.message.source == "llm"
        self.first_draft_passes += any(r.attempt == 0 and r.verdict == "PASS" for r in result.reviews)
        self.offer_correct += bool(m.claim_ok)
        self.blocking += len(m.blocking)
        self.personalized += bool(m.personalized)
        self.calls += record.usage.calls

    def row(self, channel: str) -> str:
        """One table row in Markdown."""
        n = max(self.sent, 1)
        shares = [self.model_written, self.first_draft_passes, self.offer_correct]
        cells = [f"{s / n:.0%}" for s in shares] + [str(self.blocking), f"{self.personalized / n:.0%}"]
        return f"| {channel} | {self.sent} | " + " | ".join(cells) + f" | {self.calls / n:.2f} |"


HEADER = (
    "| channel | sent | model-written | first draft passes the rules | offer correct | blocking in sent copy "
    "| personalization | LLM calls / sent message |\n|---|---|---|---|---|---|---|---|"
)


def tally(run_dirs: list[Path]) -> dict[str, ChannelTally]:
    """Per-channel tallies over the runs' sent messages, plus an ``all`` row."""
    tallies: dict[str, ChannelTally] = {}
    for run_dir in run_dirs:
        manifest = require_manifest(run_dir)
        for record in scoped_records(run_dir, manifest):
            if record.result is None or record.result.message is None:
                continue
            for key in (record.result.message.channel, "all"):
                tallies.setdefault(key, ChannelTally()).add(record)
    return tallies


def main(argv: list[str] | None = None) -> None:
    """Print the table for the given run folders."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+", type=Path, help="evaluation run folders (`promo eval run --out`)")
    args = parser.parse_args(argv)
    tallies = tally(args.run_dirs)
    if not tallies:
        raise SystemExit("no sent messages in these runs")
    print(HEADER)
    for channel in sorted(tallies, key=lambda c: (c == "all", c)):
        print(tallies[channel].row(channel))


if __name__ == "__main__":
    main()
