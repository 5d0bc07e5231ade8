"""Aggregate per-scenario records into the run summary.

The summary holds the metrics of evaluation.definitions, per-rule counts and the distributions the report plots.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evaluation.records import RunConfig, RunManifest, ScenarioRecord
from evaluation.stats import mean, rate, share_true
from evaluation.text_metrics import distinct_n, tokenize
from tools.stats import percentile

SCHEMA = "promo-eval-summary/1"


class Summary(BaseModel):
    """summary.json: everything compare and gate need, and the report's plots."""

    model_config = ConfigDict(populate_by_name=True)

    schema_version: str = Field(default=SCHEMA, alias="schema")
    config: RunConfig
    scenarios_file: str
    metrics: dict[str, float | int | None]
    per_rule: dict[str, dict[str, int]] = Field(
        description="Rule code → {'block': n, 'warn': n} in final copy, and 'drafts': blocking finds in LLM drafts."
    )
    distributions: dict[str, list[float]] = Field(description="latency_s and rouge_l values, for the plots.")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _copy_metrics(done: list[ScenarioRecord]) -> dict[str, Any]:
    scored = [r.metrics for r in done if r.metrics.copy_text is not None]
    tokens = [tokenize(m.copy_text or "", m.locale) for m in scored]
    done_metrics = [r.metrics for r in done]
    written = [m for m in done_metrics if m.attempts > 0]
    return {
        "messages": len(scored),
        "blocking_violations": sum(len(m.blocking) for m in scored),
        "violation_free_rate": rate(sum(not m.blocking for m in scored), len(scored)),
        "warning_violations": sum(len(m.warnings) for m in scored),
        "claim_consistency": share_true([m.claim_ok for m in scored]),
        "channel_compliance": share_true([m.channel_ok for m in scored]),
        "personalization_rate": share_true([m.personalized for m in scored]),
        "attribute_recall": mean([m.attribute_recall for m in scored if m.attribute_recall is not None]),
        "distinct_1": distinct_n(tokens, 1),
        "distinct_2": distinct_n(tokens, 2),
        "rouge_l": mean([m.rouge_l for m in scored if m.rouge_l is not None]),
        "bleu4": mean([m.bleu4 for m in scored if m.bleu4 is not None]),
        "draft_pass_rate": rate(
            sum(m.drafts_reviewed - m.drafts_blocked for m in done_metrics),
            sum(m.drafts_reviewed for m in done_metrics),
        ),
        "llm_copy_rate": rate(sum(m.source == "llm" for m in scored), len(scored)),
        "first_pass_rate": rate(sum(m.attempts == 1 and not m.used_fallback for m in written), len(written)),
        "rewrite_rate": rate(sum(m.attempts > 1 for m in written), len(written)),
        "fallback_rate": rate(sum(m.used_fallback for m in written), len(written)),
    }


def summarize(manifest: RunManifest, records: list[ScenarioRecord]) -> Summary:
    """The summary of the latest records of the scenarios in the manifest's scope."""
    done = [r for r in records if r.error is None and r.result is not None]
    metrics = [r.metrics for r in done]
    latencies = [r.seconds for r in records]
    tokens = sum(r.usage.completion_tokens for r in records)
    llm_seconds = sum(r.usage.llm_seconds for r in records)
    wall = sum(s.wall_seconds for s in manifest.sessions)
    values: dict[str, Any] = {
        "scenarios": len(manifest.scenario_ids),
        "completed": len(done),
        "completion_rate": rate(len(done), len(manifest.scenario_ids)),
        "error_rate": rate(len(records) - len(done), len(records)),
        "send_rate": share_true([m.sent for m in metrics]),
        "targeting_agreement": share_true([m.decision_agrees for m in metrics]),
        "max_length_pass_rate": share_true([m.max_length_ok for m in metrics]),
        "must_mention_pass_rate": share_true([m.must_mention_ok for m in metrics]),
        "must_not_mention_pass_rate": share_true([m.must_not_mention_ok for m in metrics]),
        **_copy_metrics(done),
        "latency_p50_s": percentile(latencies, 0.50),
        "latency_p95_s": percentile(latencies, 0.95),
        "latency_mean_s": mean(latencies),
        "run_wall_s": wall if wall > 0 else None,
        "llm_calls": sum(r.usage.calls for r in records),
        "completion_tokens": tokens,
        "tokens_per_s": tokens / wall if wall > 0 and tokens else None,
        "tokens_per_s_per_call": tokens / llm_seconds if llm_seconds > 0 and tokens else None,
    }
    per_rule: dict[str, Counter[str]] = {}
    for m in metrics:
        for severity, codes in (("block", m.blocking), ("warn", m.warnings), ("drafts", m.draft_blocking)):
            for code in codes:
                per_rule.setdefault(code, Counter())[severity] += 1
    return Summary(
        config=manifest.config,
        scenarios_file=manifest.scenarios_file,
        metrics={k: _round(v) if isinstance(v, float) else v for k, v in values.items()},
        per_rule={code: {k: c[k] for k in ("block", "warn", "drafts")} for code, c in sorted(per_rule.items())},
        distributions={
            "latency_s": [round(v, 3) for v in latencies],
            "rouge_l": [round(m.rouge_l, 4) for m in metrics if m.rouge_l is not None],
        },
    )
