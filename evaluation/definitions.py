"""The metric catalog: every aggregate metric's name, which direction is better, and its one-line meaning.

Compare and gate read it; docs/evaluation.md defines each metric in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower", "none"]


@dataclass(frozen=True)
class MetricDef:
    """One aggregate metric."""

    name: str
    better: Better
    bounded: bool
    """True for shares and scores in [0, 1] (compared with an absolute tolerance), False for counts and times."""
    meaning: str


_ROWS: tuple[tuple[str, Better, bool, str], ...] = (
    ("scenarios", "none", False, "scenarios in scope"),
    ("completed", "none", False, "scenarios whose latest record has a result"),
    ("completion_rate", "higher", True, "completed / scenarios"),
    ("error_rate", "lower", True, "records with an error / records"),
    ("send_rate", "none", True, "completed scenarios decided 'send' / completed"),
    ("targeting_agreement", "higher", True, "decision equals the expected decision, over scenarios that expect one"),
    ("messages", "none", False, "completed scenarios with a final message"),
    ("blocking_violations", "lower", False, "blocking rule violations in final messages, re-checked, summed"),
    ("violation_free_rate", "higher", True, "final messages with no blocking violation / messages"),
    ("warning_violations", "lower", False, "warn-level violations in final messages, summed"),
    ("claim_consistency", "higher", True, "final messages with no claims-family violation / messages"),
    ("channel_compliance", "higher", True, "final messages with no channel-family violation / messages"),
    ("max_length_pass_rate", "higher", True, "rendered body within the scenario's max_length"),
    ("must_mention_pass_rate", "higher", True, "delivered text holds every must_mention phrase"),
    ("must_not_mention_pass_rate", "higher", True, "delivered text holds no must_not_mention phrase"),
    ("personalization_rate", "higher", True, "messages mentioning one of the user's own signal terms"),
    ("attribute_recall", "higher", True, "mean share of the scenario's attribute values the message mentions"),
    ("distinct_1", "higher", True, "unique unigrams / unigrams over all final messages"),
    ("distinct_2", "higher", True, "unique bigrams / bigrams over all final messages"),
    ("rouge_l", "higher", True, "mean ROUGE-L F1 of the body against the reference"),
    ("bleu4", "higher", True, "mean sentence BLEU-4 of the body against the reference"),
    ("draft_pass_rate", "higher", True, "LLM drafts with no blocking violation / LLM drafts reviewed, all attempts"),
    ("llm_copy_rate", "higher", True, "final messages written by the LLM (not the fallback) / messages"),
    ("first_pass_rate", "higher", True, "written scenarios approved at the first attempt"),
    ("rewrite_rate", "lower", True, "written scenarios that needed at least one rewrite"),
    ("fallback_rate", "lower", True, "written scenarios that ended in the template fallback"),
    ("latency_p50_s", "lower", False, "median scenario wall time, seconds (nearest rank)"),
    ("latency_p95_s", "lower", False, "95th percentile scenario wall time, seconds (nearest rank)"),
    ("latency_mean_s", "lower", False, "mean scenario wall time, seconds"),
    ("run_wall_s", "none", False, "wall seconds of every session of the run, summed"),
    ("llm_calls", "none", False, "LLM calls, summed over scenarios"),
    ("completion_tokens", "none", False, "completion tokens, summed over scenarios"),
    ("tokens_per_s", "higher", False, "completion tokens / wall seconds of the sessions that ran them"),
    ("tokens_per_s_per_call", "higher", False, "completion tokens / summed per-call LLM seconds"),
)
METRICS: dict[str, MetricDef] = {
    name: MetricDef(name, better, bounded, meaning) for name, better, bounded, meaning in _ROWS
}
