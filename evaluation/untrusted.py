"""Precision and recall of the instruction classifier on the labelled untrusted-text set.

The set (evaluation/data/untrusted/texts.jsonl, described in its README) holds payloads and benign texts for
every untrusted path: search queries, seller titles, chat briefs, campaign fields and feedback ids. A fixed
30 % is held out by a hash of the text, so tuning on the rest can be checked on texts it never saw.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from tools.profile.instructions import reads_as_instruction

TEXTS = Path(__file__).parent / "data" / "untrusted" / "texts.jsonl"
HELD_OUT_SHARE = 3
"""Out of 10: a text is held out when the first byte of its SHA-256, modulo 10, is below this."""

Label = Literal["payload", "benign"]
Lang = Literal["zh", "en"]
Kind = Literal["query", "title", "brief", "campaign_field", "feedback"]
KINDS: tuple[Kind, ...] = ("query", "title", "brief", "campaign_field", "feedback")
LANGS: tuple[Lang, ...] = ("zh", "en")


def is_held_out(text: str) -> bool:
    """Whether a text belongs to the held-out part (fixed by its content, not by its position in the file)."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 10 < HELD_OUT_SHARE


@dataclass(frozen=True)
class Sample:
    """One labelled text and the path it arrives on."""

    id: str
    text: str
    label: Label
    lang: Lang
    kind: Kind
    technique: str

    @property
    def payload(self) -> bool:
        """Whether the text is labelled a payload."""
        return self.label == "payload"

    @property
    def held_out(self) -> bool:
        """Whether the text is in the held-out part."""
        return is_held_out(self.text)


def load_samples(path: Path = TEXTS) -> list[Sample]:
    """Every labelled text of the set, in file order."""
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            samples.append(
                Sample(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    label=cast(Label, row["label"]),
                    lang=cast(Lang, row["lang"]),
                    kind=cast(Kind, row["kind"]),
                    technique=str(row["technique"]),
                )
            )
    return samples


def classify(sample: Sample) -> bool:
    """The classifier under test: normalize, then look for an instruction, as the sample's path does."""
    return reads_as_instruction(sample.text, sample.kind)


@dataclass
class Scores:
    """A confusion matrix, payload being the positive class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, payload: bool, flagged: bool) -> None:
        """Count one call."""
        if payload and flagged:
            self.tp += 1
        elif payload:
            self.fn += 1
        elif flagged:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        """Texts counted."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        """Share of flagged texts that are payloads (1.0 when nothing was flagged)."""
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Share of payloads flagged (1.0 when there are none)."""
        payloads = self.tp + self.fn
        return self.tp / payloads if payloads else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores overall, per part, per language and per path kind, and every wrong call."""

    overall: Scores = field(default_factory=Scores)
    parts: dict[str, Scores] = field(default_factory=dict)
    langs: dict[str, Scores] = field(default_factory=dict)
    kinds: dict[str, Scores] = field(default_factory=dict)
    part_langs: dict[tuple[str, str], Scores] = field(default_factory=dict)
    misses: list[Sample] = field(default_factory=list)
    """Payloads not flagged."""
    false_alarms: list[Sample] = field(default_factory=list)
    """Benign texts flagged."""


def part_of(sample: Sample) -> str:
    """``held_out`` or ``tuning``."""
    return "held_out" if sample.held_out else "tuning"


def score(samples: Iterable[Sample], classifier: Callable[[Sample], bool] = classify) -> Report:
    """Run the classifier over the samples and tally the result."""
    report = Report()
    for sample in samples:
        flagged = classifier(sample)
        part = part_of(sample)
        for scores in (
            report.overall,
            report.parts.setdefault(part, Scores()),
            report.langs.setdefault(sample.lang, Scores()),
            report.kinds.setdefault(sample.kind, Scores()),
            report.part_langs.setdefault((part, sample.lang), Scores()),
        ):
            scores.add(sample.payload, flagged)
        if sample.payload and not flagged:
            report.misses.append(sample)
        elif flagged and not sample.payload:
            report.false_alarms.append(sample)
    return report


def table(rows: Sequence[tuple[str, Scores]]) -> str:
    """A Markdown table of precision, recall and F1."""
    lines = ["| slice | n | TP | FP | FN | precision | recall | F1 |", "|---|---|---|---|---|---|---|---|"]
    lines += [
        f"| {name} | {s.n} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"
        for name, s in rows
    ]
    return "\n".join(lines)


def summary_rows(report: Report) -> list[tuple[str, Scores]]:
    """The rows bench/NOTES.md records: overall, each part, each language, each part and language, each kind."""
    rows: list[tuple[str, Scores]] = [("all", report.overall)]
    rows += [(part, report.parts[part]) for part in ("tuning", "held_out") if part in report.parts]
    rows += [(lang, report.langs[lang]) for lang in LANGS if lang in report.langs]
    rows += [
        (f"{part} {lang}", report.part_langs[(part, lang)])
        for part in ("tuning", "held_out")
        for lang in LANGS
        if (part, lang) in report.part_langs
    ]
    rows += [(kind, report.kinds[kind]) for kind in KINDS if kind in report.kinds]
    return rows
