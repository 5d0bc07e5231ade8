"""The labelled case file and the benchmark's scoring: regressions in any rule family fail here."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from bench.advertisegen_flags import flag_texts
from bench.advertisegen_flags import main as advertisegen_main
from bench.compliance_rules import CASES, FAMILIES, Case, load_cases, predicted_families, score
from domain.review import Violation

GOAL = 0.95


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


def test_case_file_is_large_bilingual_and_covers_every_family(cases: list[Case]) -> None:
    assert len(cases) >= 300
    assert len({c.id for c in cases}) == len(cases)
    for locale in ("zh", "en"):
        assert sum(c.draft.locale == locale for c in cases) >= 100
    for family in FAMILIES:
        assert sum(family in c.expect for c in cases) >= 15, family
    assert sum(not c.expect for c in cases) >= 100  # tricky negatives
    assert {c.draft.channel for c in cases} == {"sms", "push", "email"}


def test_rule_engine_meets_the_goal_on_every_family(cases: list[Case]) -> None:
    report = score(cases)
    wrong = [case.id for case, _, _ in report.wrong]
    for family, s in report.families.items():
        assert s.precision >= GOAL, (family, s, wrong)
        assert s.recall >= GOAL, (family, s, wrong)


def test_only_blocking_violations_count() -> None:
    warn = Violation(code="CH_UNSUBSCRIBE_DUP", family="channel", severity="warn", message="x")
    block = Violation(code="ABS_RANK", family="absolute_terms", message="x")
    assert predicted_families([warn, block]) == {"absolute_terms"}


def test_scores_count_each_family_once_per_case(cases: list[Case]) -> None:
    picked = [c for c in cases if c.id in {"mix-01", "abs-zh-n01"}]
    report = score(picked)
    assert report.overall.tp == 3  # mix-01: absolute_terms, claims, channel; the negative adds nothing
    assert report.overall.fp == report.overall.fn == 0
    assert report.families["brand"].precision == report.families["brand"].recall == 1.0  # nothing labelled


def test_unknown_family_in_a_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    records = [json.loads(line) for line in CASES.read_text("utf-8").splitlines()]
    case = next(r for r in records if r["type"] == "case") | {"expect": ["tone"]}
    fixtures = [r for r in records if r["type"] != "case"]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [*fixtures, case]), "utf-8")
    with pytest.raises(ValueError, match="unknown families"):
        load_cases(path)


def test_advertisegen_flags_absolute_terms_and_keeps_composition_labels() -> None:
    report = flag_texts(["这款连衣裙完美修饰身材。", "采用100%纯棉面料。", "最近很流行的款式。", "绝对是秋季首选。"])
    assert report.rows == 4
    assert report.flagged_rows["absolute_terms"] == 2
    assert report.codes == {"ABS_SUPERLATIVE": 1, "ABS_GUARANTEE": 1, "ABS_RANK": 1}
    assert report.hits[0].context == "这款连衣裙【完美】修饰身材。"


def test_advertisegen_script_skips_without_data(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["advertisegen_flags.py", "--path", "/nonexistent/adgen.jsonl"])
    advertisegen_main()
    assert "skipped: AdvertiseGen data not found" in capsys.readouterr().out


def test_every_rule_code_is_in_the_legal_catalogue() -> None:
    root = Path(__file__).parents[2]
    sources = [*(root / "tools" / "compliance").glob("*.py"), root / "tools/compliance/data/absolute_terms.yaml"]
    codes = {
        code for path in sources for code in re.findall(r"\b(?:ABS|CLAIM|PD|CH|BRAND)_[A-Z_]+\b", path.read_text())
    }
    catalogue = (root / "docs" / "compliance.md").read_text("utf-8")
    assert len(codes) >= 45
    assert sorted(code for code in codes if f"| {code} |" not in catalogue) == []
