"""The CI gate set on the real 0.5B model: replay, summarize, and every gate threshold must hold."""

from __future__ import annotations

import time
from pathlib import Path

from evaluation.gate import check_gate, load_thresholds
from evaluation.live import replay_live
from evaluation.load import load_scenarios
from evaluation.replay import ReplayOptions
from evaluation.report import REPORT, build_report
from tests.integration.real_model import REAL_MODEL
from tools.settings import Settings

pytestmark = REAL_MODEL
SCENARIOS = Path(__file__).parents[2] / "evaluation" / "data" / "scenarios"


def test_gate_set_passes_on_the_real_small_model(tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path / "home", embedded_model="qwen2.5-coder-0.5b", embedded_parallel=4, llm_base_url=None
    )
    options = ReplayOptions(n_variants=1, max_rewrites=1, llm_critique=False, concurrency=4)
    started = time.perf_counter()
    report = replay_live(load_scenarios(SCENARIOS / "gate.yaml"), tmp_path / "run", settings, options)
    summary = build_report(tmp_path / "run")
    results = check_gate(summary, load_thresholds(SCENARIOS / "gate_thresholds.yaml"))
    print(
        f"gate set: {report.ran} scenarios in {time.perf_counter() - started:.1f}s; "
        + ", ".join(f"{k}={summary.metrics[k]}" for k in ("messages", "fallback_rate", "latency_p95_s"))
    )
    assert report.errors == 0
    assert (tmp_path / "run" / REPORT).is_file()
    assert [r.message for r in results if not r.passed] == []
