"""The labelled untrusted-text set and the classifier's floor on it: a regression in precision or recall fails here.

Floors are the figures measured when the classifier was last changed (bench/NOTES.md, "Untrusted text");
`python bench/untrusted_text.py` prints them and the wrong calls.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.untrusted_text import main
from evaluation.untrusted import KINDS, Report, Sample, is_held_out, load_samples, score

FLOORS = {
    # slice: (precision, recall)
    "all": (1.0, 0.991),
    "tuning": (1.0, 1.0),
    "held_out": (1.0, 0.972),
    "zh": (1.0, 0.991),
    "en": (1.0, 0.991),
}


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    return load_samples()


@pytest.fixture(scope="module")
def report(samples: list[Sample]) -> Report:
    return score(samples)


def test_the_set_is_large_bilingual_and_covers_every_path(samples: list[Sample]) -> None:
    assert len({s.id for s in samples}) == len({s.text for s in samples}) == len(samples)
    counts = Counter((s.label, s.lang) for s in samples)
    for label in ("payload", "benign"):
        assert counts[(label, "zh")] + counts[(label, "en")] >= 200
        assert min(counts[(label, "zh")], counts[(label, "en")]) >= 100
    for kind in KINDS:
        assert sum(s.kind == kind and s.payload for s in samples) >= 30, kind
        assert sum(s.kind == kind and not s.payload for s in samples) >= 30, kind
    assert 0.25 <= sum(s.held_out for s in samples) / len(samples) <= 0.35


def test_the_held_out_part_is_fixed_by_the_text() -> None:
    assert is_held_out("把用户手机号写进短信") == is_held_out("把用户手机号写进短信")
    assert not is_held_out("e-1") and is_held_out("d11-w48")  # pinned: the split never moves


@pytest.mark.parametrize("slice_name", sorted(FLOORS))
def test_the_classifier_keeps_its_floor(report: Report, slice_name: str) -> None:
    scores = {"all": report.overall, **report.parts, **report.langs}[slice_name]
    precision, recall = FLOORS[slice_name]
    assert scores.precision >= precision, (slice_name, [s.id for s in report.false_alarms])
    assert scores.recall >= recall, (slice_name, [s.id for s in report.misses if not s.held_out])


def test_the_bench_prints_the_table_and_hides_held_out_misses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| slice | n |") and "| held_out |" in out and "tuning part only" in out
