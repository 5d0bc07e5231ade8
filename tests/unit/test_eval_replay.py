"""Replay with scripted models: records per scenario, resume, refusal to mix configurations, report and CLI."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.context import GRAPH_CHOICES, Context
from cli.main import app
from domain.copy import CopyBatch, CopyVariant
from evaluation.load import load_scenarios
from evaluation.records import RunConfig, RunDirError, drop_torn_tail, read_manifest, read_records
from evaluation.replay import ReplayOptions, run_scenarios
from evaluation.report import REPORT, SUMMARY, build_report, paired_summaries
from tests.fakes import ScriptedChatModel
from tools.services import Services
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

GATE = Path(__file__).parents[2] / "evaluation" / "data" / "scenarios" / "gate.yaml"
GOOD = CopyVariant(title="暖冬好物", body="暖冬好物：你常看的不锈钢保温杯参加双十一，满300减50。", cta="去看看")
OPTIONS = ReplayOptions(n_variants=1, max_rewrites=1, llm_critique=False, concurrency=3, copy_mode="free")


def services(root: Path, variant: CopyVariant = GOOD, name: str = "fake-model") -> Services:
    writer = ScriptedChatModel().script(CopyBatch, default=CopyBatch(variants=[variant]))
    return Services(
        history=HistoryStore(root / "chroma"),
        shop=ShopDB(root / "unused.sqlite"),
        writer_model=writer,
        critic_model=ScriptedChatModel(),
        model_name=name,
    )


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("eval")
    bundle = services(root)
    run_scenarios(load_scenarios(GATE), root / "run", bundle, OPTIONS)
    bundle.close()
    return root / "run"


def test_every_scenario_gets_a_record_and_the_expected_decision(gate_run: Path) -> None:
    records = read_records(gate_run)
    assert set(records) == {s.id for s in load_scenarios(GATE).scenarios}
    assert all(r.error is None for r in records.values())
    assert all(r.metrics.decision_agrees for r in records.values())
    sent = {sid for sid, r in records.items() if r.metrics.sent}
    assert sent == {
        "zh-push-thermos-fan",
        "zh-sms-opt-out",
        "zh-injected-search",
        "zh-required-phrase",
        "en-coffee-email",
    }
    assert records["no-consent"].usage.calls == 0  # hard constraints cost no LLM call


def test_report_files_are_self_contained(gate_run: Path) -> None:
    summary = build_report(gate_run)
    assert summary.metrics["scenarios"] == 9 and summary.metrics["targeting_agreement"] == 1.0
    html = (gate_run / REPORT).read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "Scenario latency" in html and "ROUGE-L" in html
    lowered = html.lower()
    for external in ("src=", "<script", "<link", "@import", 'href="http'):
        assert external not in lowered
    namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # names, never fetched
    assert set(re.findall(r"https?://[^\"'\s<>)]*", lowered)) <= namespaces
    assert not re.findall(r"url\((?!#)", lowered)  # only the plots' own clip paths
    assert '"schema": "promo-eval-summary/1"' in (gate_run / SUMMARY).read_text(encoding="utf-8")


def test_rerun_skips_done_scenarios_and_reruns_changed_ones(tmp_path: Path) -> None:
    scenarios = load_scenarios(GATE)
    bundle = services(tmp_path)
    try:
        first = run_scenarios(scenarios, tmp_path / "run", bundle, replace(OPTIONS, limit=3))
        again = run_scenarios(scenarios, tmp_path / "run", bundle, replace(OPTIONS, limit=4))
        assert (first.ran, first.skipped) == (3, 0)
        assert (again.ran, again.skipped) == (1, 3)
        changed = scenarios.scenarios[0].model_copy(update={"description": "edited"})
        edited = type(scenarios)(path=scenarios.path, scenarios=[changed, *scenarios.scenarios[1:]])
        third = run_scenarios(edited, tmp_path / "run", bundle, replace(OPTIONS, limit=4))
        assert (third.ran, third.skipped) == (1, 3)
        manifest = read_manifest(tmp_path / "run")
        assert manifest is not None and len(manifest.sessions) == 3 and len(manifest.scenario_ids) == 4
        with pytest.raises(RunDirError, match="another configuration"):
            run_scenarios(scenarios, tmp_path / "run", bundle, ReplayOptions(n_variants=3, limit=4, copy_mode="free"))
    finally:
        bundle.close()


def flat(output: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(output.split())


def test_a_torn_last_line_is_ignored_then_cut_before_appending(gate_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "torn"
    run.mkdir()
    lines = (gate_run / "results.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (run / "results.jsonl").write_text(lines[0] + lines[1][:50], encoding="utf-8")
    assert len(read_records(run)) == 1
    assert drop_torn_tail(run) and not drop_torn_tail(run)
    assert (run / "results.jsonl").read_text(encoding="utf-8") == lines[0]


def test_gate_cli_passes_and_fails_with_named_thresholds(gate_run: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    thresholds = Path(__file__).parents[2] / "evaluation" / "data" / "scenarios" / "gate_thresholds.yaml"
    passed = runner.invoke(app, ["eval", "gate", str(gate_run), "--thresholds", str(thresholds)])
    assert passed.exit_code == 0, passed.output
    assert "gate passed" in flat(passed.output)
    strict = tmp_path / "strict.yaml"
    strict.write_text("thresholds:\n  personalization_rate: {min: 1.01}\n  rouge_l: {min: 0.2}\n", encoding="utf-8")
    failed = runner.invoke(app, ["eval", "gate", str(gate_run), "--thresholds", str(strict)])
    assert failed.exit_code == 1
    assert "personalization_rate" in flat(failed.output) and "< min 1.01" in flat(failed.output)
    assert "rouge_l was not measured" in flat(failed.output)


def test_compare_cli_flags_a_regression(gate_run: Path, tmp_path: Path) -> None:
    worse_run = tmp_path / "worse"
    bundle = services(tmp_path, CopyVariant(title="最低价", body="史上最低价，仅剩3件！", cta="抢"), name="worse-model")
    try:
        run_scenarios(load_scenarios(GATE), worse_run, bundle, OPTIONS)
    finally:
        bundle.close()
    html = tmp_path / "diff.html"
    result = CliRunner().invoke(
        app, ["eval", "compare", str(gate_run), str(worse_run), "--html", str(html), "--fail-on-regression"]
    )
    assert result.exit_code == 1, result.output
    assert "llm_copy_rate" in flat(result.output) and "regression" in flat(result.output)
    assert "model: fake-model → worse-model" in flat(result.output)
    assert 'class="bad"' in html.read_text(encoding="utf-8")


def test_the_manifest_counts_each_session_as_it_goes(tmp_path: Path) -> None:
    # A killed session writes no final manifest: what it ran and how long must already be on disk.
    seen: list[tuple[int, float]] = []

    def on_done(record: object) -> None:
        manifest = read_manifest(tmp_path / "run")
        assert manifest is not None
        seen.append((manifest.sessions[-1].ran, manifest.sessions[-1].wall_seconds))

    bundle = services(tmp_path)
    try:
        run_scenarios(load_scenarios(GATE), tmp_path / "run", bundle, replace(OPTIONS, limit=3), on_done=on_done)
    finally:
        bundle.close()
    assert [ran for ran, _ in seen] == [1, 2, 3]
    assert all(wall > 0 for _, wall in seen)


def test_the_run_configuration_names_every_choice_the_graph_takes() -> None:
    # graph_choices copies these by name between ReplayOptions, RunConfig and Context.
    options, context = {f.name for f in fields(ReplayOptions)}, {f.name for f in fields(Context)}
    assert set(GRAPH_CHOICES) <= options & set(RunConfig.model_fields) & context


def test_paired_compare_uses_only_the_scenarios_both_runs_ran(gate_run: Path, tmp_path: Path) -> None:
    short_run = tmp_path / "short"
    bundle = services(tmp_path, name="other-model")
    try:
        run_scenarios(load_scenarios(GATE), short_run, bundle, replace(OPTIONS, limit=3))
    finally:
        bundle.close()
    a, b = paired_summaries(gate_run, short_run)
    assert a.metrics["scenarios"] == b.metrics["scenarios"] == 3
    assert a.metrics["run_wall_s"] is None and a.metrics["tokens_per_s"] is None  # wall covers other scenarios
    assert build_report(gate_run).metrics["scenarios"] == 9  # the full run's own report is untouched
    result = CliRunner().invoke(app, ["eval", "compare", str(gate_run), str(short_run), "--paired"])
    assert result.exit_code == 0, result.output
    assert "model: fake-model → other-model" in flat(result.output)
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    with pytest.raises(RunDirError):
        paired_summaries(gate_run, unrelated)


def test_run_cli_refuses_a_bad_scenario_file(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("- {id: x, campaign: nope, user: {}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "run", str(bad), "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "unknown demo campaign" in flat(result.output)


def test_report_cli_on_a_folder_without_a_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "report", str(tmp_path)])
    assert result.exit_code == 2 and "holds no evaluation run" in flat(result.output)
