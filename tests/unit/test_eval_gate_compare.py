"""Gate and compare on hand-made summaries: a broken threshold fails by name; regressions are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.aggregate import Summary, summarize
from evaluation.compare import compare, config_changes, judge, render_diff_html
from evaluation.definitions import METRICS
from evaluation.gate import GateFileError, check_gate, load_thresholds
from evaluation.plots import bar_chart, histogram
from evaluation.records import RunConfig, RunManifest
from evaluation.scenario import DEFAULT_CLOCK

THRESHOLDS = Path(__file__).parents[2] / "evaluation" / "data" / "scenarios" / "gate_thresholds.yaml"
PASSING: dict[str, float | int | None] = {
    "completion_rate": 1.0,
    "error_rate": 0.0,
    "targeting_agreement": 1.0,
    "messages": 5,
    "blocking_violations": 0,
    "claim_consistency": 1.0,
    "channel_compliance": 1.0,
    "max_length_pass_rate": 1.0,
    "must_mention_pass_rate": 1.0,
    "must_not_mention_pass_rate": 1.0,
    "rouge_l": 0.30,
    "latency_p95_s": 10.0,
}


def summary(model: str = "m", **changes: float | int | None) -> Summary:
    return Summary(
        config=RunConfig(model=model, clock=DEFAULT_CLOCK),
        scenarios_file="s.yaml",
        metrics={**PASSING, **changes},
        per_rule={},
        distributions={"latency_s": [], "rouge_l": []},
    )


def test_the_gate_thresholds_are_real() -> None:
    bounds = load_thresholds(THRESHOLDS)
    assert bounds["blocking_violations"].max_value == 0
    assert bounds["targeting_agreement"].min_value == 1.0
    assert bounds["must_not_mention_pass_rate"].min_value == 1.0
    assert all(r.passed for r in check_gate(summary(), bounds))


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [
        ("targeting_agreement", 0.875, "targeting_agreement = 0.875 < min 1"),
        ("blocking_violations", 1, "blocking_violations = 1 > max 0"),
        ("must_not_mention_pass_rate", 0.5, "must_not_mention_pass_rate = 0.5 < min 1"),
        ("error_rate", 0.1, "error_rate = 0.1 > max 0"),
        ("messages", 4, "messages = 4 < min 5"),
        ("must_mention_pass_rate", None, "must_mention_pass_rate was not measured"),
    ],
)
def test_the_gate_fails_on_a_broken_threshold_and_names_it(metric: str, value: float | None, message: str) -> None:
    results = check_gate(summary(**{metric: value}), load_thresholds(THRESHOLDS))
    failed = [r for r in results if not r.passed]
    assert [r.metric for r in failed] == [metric]
    assert failed[0].message.startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("thresholds: {}\n", "non-empty mapping"),
        ("thresholds:\n  nonsense: {min: 1}\n", "unknown metric 'nonsense'"),
        ("thresholds:\n  rouge_l: {}\n", "needs min, max or both"),
        ("thresholds:\n  rouge_l: {least: 1}\n", "least"),
        ("thresholds: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_threshold_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GateFileError, match=message):
        load_thresholds(path)
    with pytest.raises(GateFileError, match="not found"):
        load_thresholds(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("name", "a", "b", "status"),
    [
        ("rouge_l", 0.30, 0.285, "regression"),  # worse by 0.015 > 0.01
        ("rouge_l", 0.30, 0.295, "same"),  # within the absolute tolerance
        ("rouge_l", 0.30, 0.32, "improvement"),
        ("blocking_violations", 10, 12, "regression"),  # lower is better: +20 % > 10 %
        ("latency_p95_s", 10.0, 10.5, "same"),  # +5 % within the relative tolerance
        ("latency_p95_s", 10.0, 8.0, "improvement"),
        ("messages", 5, 1, "info"),  # no direction
        ("rouge_l", 0.3, None, "missing"),
        ("unknown_metric", 1, 2, "info"),
    ],
)
def test_judge(name: str, a: float | None, b: float | None, status: str) -> None:
    assert judge(name, a, b, tolerance=0.01, rel_tolerance=0.10).status == status


def test_compare_orders_by_catalog_and_renders_regressions() -> None:
    a, b = summary("qwen-0.5b"), summary("qwen-1.5b", targeting_agreement=0.5, rouge_l=0.4)
    diffs = {d.name: d for d in compare(a, b)}
    assert diffs["targeting_agreement"].status == "regression"
    assert diffs["rouge_l"].status == "improvement" and diffs["rouge_l"].delta == pytest.approx(0.1)
    assert next(iter(diffs)) == next(n for n in METRICS if n in PASSING)
    assert config_changes(a, b) == ["model: qwen-0.5b → qwen-1.5b"]
    html = render_diff_html(a, b, list(diffs.values()), ("A", "B"))
    assert "1 regression(s)" in html and '<tr class="bad"><td>targeting_agreement' in html
    assert "http" not in html
    with pytest.raises(ValueError, match="tolerances"):
        compare(a, b, tolerance=-1)


def test_every_summary_metric_is_in_the_catalog() -> None:
    manifest = RunManifest(config=RunConfig(model="m", clock=DEFAULT_CLOCK), scenarios_file="s", scenario_ids=[])
    assert set(summarize(manifest, []).metrics) == set(METRICS)


def test_plots_are_inline_svg_with_escaped_text_and_no_date() -> None:
    assert "no data" in histogram([], title="t", x_label="x")
    assert "none" in bar_chart([], {}, title="t")
    chart = bar_chart(["ABS001", "<b>"], {"block": [2, 0], "warn": [1, 3]}, title="rules")
    assert chart.startswith("<svg") and "&lt;b&gt;" in chart and "<b>" not in chart
    assert "ABS001" in chart and "block" in chart and "warn" in chart  # labels and legend stay text
    plot = histogram([0.0, 0.1, 0.5, 1.0, 7.0], title="ROUGE-L", x_label="F1", bins=2, lo=0.0, hi=1.0)
    assert plot == histogram([0.0, 0.1, 0.5, 1.0, 7.0], title="ROUGE-L", x_label="F1", bins=2, lo=0.0, hi=1.0)
    assert "<dc:date>" not in plot and "ROUGE-L" in plot  # same bytes every run: no creation date
    with pytest.raises(ValueError, match="bins must be >= 1"):
        histogram([1.0], title="t", x_label="x", bins=0)
