"""Diff two runs' summaries and flag regressions: a metric that got worse by more than a tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from evaluation.aggregate import Summary
from evaluation.definitions import METRICS
from evaluation.report import fmt, page

Status = Literal["regression", "improvement", "same", "info", "missing"]
DEFAULT_TOLERANCE = 0.01
"""Absolute tolerance for shares and scores in [0, 1]."""
DEFAULT_REL_TOLERANCE = 0.10
"""Relative tolerance for counts, seconds and throughput."""


@dataclass(frozen=True)
class MetricDiff:
    """One metric in run A and run B, and what the change means."""

    name: str
    a: float | int | None
    b: float | int | None
    status: Status

    @property
    def delta(self) -> float | None:
        """B − A, or None when either is missing."""
        return None if self.a is None or self.b is None else self.b - self.a


def judge(
    name: str, a: float | int | None, b: float | int | None, tolerance: float, rel_tolerance: float
) -> MetricDiff:
    """Classify one metric's change; unknown and direction-less metrics are 'info'."""
    definition = METRICS.get(name)
    if definition is None or definition.better == "none":
        return MetricDiff(name, a, b, "info")
    if a is None or b is None:
        return MetricDiff(name, a, b, "same" if a is None and b is None else "missing")
    worse = (b - a) if definition.better == "lower" else (a - b)
    allowed = tolerance if definition.bounded else rel_tolerance * abs(a)
    if worse > allowed:
        return MetricDiff(name, a, b, "regression")
    return MetricDiff(name, a, b, "improvement" if -worse > allowed else "same")


def compare(
    a: Summary, b: Summary, *, tolerance: float = DEFAULT_TOLERANCE, rel_tolerance: float = DEFAULT_REL_TOLERANCE
) -> list[MetricDiff]:
    """Every metric either run has, in catalog order (then any others), judged B against A."""
    if tolerance < 0 or rel_tolerance < 0:
        raise ValueError("tolerances must be >= 0")
    names = [n for n in METRICS if n in a.metrics or n in b.metrics]
    names += sorted((set(a.metrics) | set(b.metrics)) - set(names))
    return [judge(n, a.metrics.get(n), b.metrics.get(n), tolerance, rel_tolerance) for n in names]


def config_changes(a: Summary, b: Summary) -> list[str]:
    """What differs between the two runs' configurations, e.g. 'model: qwen-0.5b → qwen-1.5b'."""
    left, right = a.config.model_dump(mode="json"), b.config.model_dump(mode="json")
    return [f"{k}: {left[k]} → {right[k]}" for k in left if left[k] != right.get(k)]


def render_diff_html(a: Summary, b: Summary, diffs: list[MetricDiff], labels: tuple[str, str]) -> str:
    """The comparison as a self-contained HTML page; regressions in red, improvements in green."""
    changes = "".join(f"<li>{escape(c)}</li>" for c in config_changes(a, b)) or "<li>same configuration</li>"
    css = {"regression": "bad", "improvement": "good", "missing": "bad"}
    rows = "".join(
        f'<tr class="{css.get(d.status, "")}"><td>{escape(d.name)}</td><td>{fmt(d.a)}</td><td>{fmt(d.b)}</td>'
        f"<td>{fmt(d.delta)}</td><td>{d.status}</td></tr>"
        for d in diffs
    )
    head = f"<tr><th>metric</th><th>A: {escape(labels[0])}</th><th>B: {escape(labels[1])}</th><th>B − A</th>"
    regressions = sum(d.status == "regression" for d in diffs)
    body = f"<h2>Configuration</h2><ul>{changes}</ul><h2>{regressions} regression(s)</h2>"
    return page("promo-agents evaluation: comparison", f"{body}<table>{head}<th>status</th></tr>{rows}</table>")
