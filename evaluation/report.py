"""The run's outputs: ``summary.json`` (machine-readable) and ``report.html`` (self-contained, inline SVG)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from evaluation.aggregate import Summary, summarize
from evaluation.definitions import METRICS
from evaluation.plots import bar_chart, histogram
from evaluation.records import MANIFEST, ScenarioRecord, read_records, require_manifest, scoped_records
from evaluation.rescore import rescored

SUMMARY = "summary.json"
REPORT = "report.html"
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
    "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.bad{color:#b00020;font-weight:600}.good{color:#0a7d32}"
    ".plots svg{margin:0 16px 16px 0;vertical-align:top}"
    ".copy{max-width:420px;white-space:pre-wrap}"
)


def fmt(value: float | int | None) -> str:
    """A metric value for display: '-' for None, 4 significant digits for floats."""
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def page(title: str, body: str) -> str:
    """A complete HTML page with the shared inline style."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def _metrics_table(summary: Summary) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{fmt(value)}</td><td>{escape(METRICS[name].meaning)}</td></tr>"
        for name, value in summary.metrics.items()
        if name in METRICS
    )
    return f"<table><tr><th>metric</th><th>value</th><th>meaning</th></tr>{rows}</table>"


def _scenario_rows(records: list[ScenarioRecord]) -> str:
    rows = []
    for r in records:
        m = r.metrics
        decision = "error" if r.error else ("send" if m.sent else "no send")
        expected = "-" if m.expected_send is None else ("send" if m.expected_send else "no send")
        agree = "" if m.decision_agrees is None else ("good" if m.decision_agrees else "bad")
        text = r.error or m.copy_text or ""
        cells = [
            escape(r.scenario_id),
            f'<span class="{agree}">{decision}</span> / {expected}',
            escape(m.source or "-"),
            str(m.attempts),
            f'<span class="bad">{escape(", ".join(m.blocking))}</span>' if m.blocking else "",
            fmt(m.rouge_l),
            f"{r.seconds:.1f}",
            f'<div class="copy">{escape(text)}</div>',
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("scenario", "decision / expected", "source", "attempts", "blocking"))
    head += "<th>ROUGE-L</th><th>seconds</th><th>final copy or error</th>"
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_html(summary: Summary, records: list[ScenarioRecord]) -> str:
    """The report page: configuration, headline metrics, four plots and the per-scenario table."""
    c = summary.config
    config = (
        f"<p>model <b>{escape(c.model)}</b>, {c.n_variants} variants, ≤ {c.max_rewrites} rewrites, critique "
        f"{'on' if c.llm_critique else 'off'}, prompts {escape(c.prompt_version)}, clock {c.clock.isoformat()}; "
        f"scenarios from {escape(summary.scenarios_file)}</p>"
    )
    final = [c for c, n in summary.per_rule.items() if n["block"] or n["warn"]]
    drafts = [c for c, n in summary.per_rule.items() if n["drafts"]]
    plots = "".join(
        [
            histogram(summary.distributions["latency_s"], title="Scenario latency", x_label="seconds"),
            bar_chart(
                final,
                {sev: [summary.per_rule[c][sev] for c in final] for sev in ("block", "warn")},
                title="Violations in final copy, by rule",
            ),
            bar_chart(
                drafts,
                {"caught": [summary.per_rule[c]["drafts"] for c in drafts]},
                title="Blocking violations caught in LLM drafts, by rule",
            ),
            histogram(summary.distributions["rouge_l"], title="ROUGE-L vs reference", x_label="F1", lo=0.0, hi=1.0),
        ]
    )
    body = f'{config}<h2>Metrics</h2>{_metrics_table(summary)}<h2>Plots</h2><div class="plots">{plots}</div>'
    body += f"<h2>Scenarios</h2>{_scenario_rows(records)}"
    return page("promo-agents evaluation", body)


def build_report(run_dir: Path) -> Summary:
    """Summarize a run folder (results scored again with the current metrics); write summary.json, report.html."""
    manifest = require_manifest(run_dir)
    records = rescored(manifest, scoped_records(run_dir, manifest))
    summary = summarize(manifest, records)
    (run_dir / SUMMARY).write_text(summary.model_dump_json(indent=2, by_alias=True), encoding="utf-8")
    (run_dir / REPORT).write_text(render_html(summary, records), encoding="utf-8")
    return summary


def paired_summaries(run_a: Path, run_b: Path) -> tuple[Summary, Summary]:
    """Both runs summarized over only the scenarios both ran (done or failed), in A's order.

    For comparing a full run with a shorter one (``--limit``): the metrics then describe the same scenarios.
    Run wall time and tokens/s are left out, since the sessions' wall time covers other scenarios too.
    """
    manifests = require_manifest(run_a), require_manifest(run_b)
    latest = read_records(run_a), read_records(run_b)
    in_b = set(manifests[1].scenario_ids) & set(latest[1])
    common = [sid for sid in manifests[0].scenario_ids if sid in latest[0] and sid in in_b]
    if not common:
        raise ValueError(f"{run_a} and {run_b} have no scenario in common to compare")
    summaries = []
    for manifest, records in zip(manifests, latest, strict=True):
        scoped = manifest.model_copy(update={"scenario_ids": common, "sessions": []})
        summaries.append(summarize(scoped, rescored(scoped, [records[sid] for sid in common])))
    return summaries[0], summaries[1]


def load_summary(path: Path) -> Summary:
    """A run folder's summary (rebuilt from its records), or a summary.json file (or folder holding only one)."""
    if path.is_dir() and (path / MANIFEST).is_file():
        return build_report(path)  # rebuilt, so a resumed run is never compared or gated on a stale summary
    if path.is_dir():
        path = path / SUMMARY
    if not path.is_file():
        raise FileNotFoundError(f"no run folder or summary file at {path}")
    return Summary.model_validate_json(path.read_text(encoding="utf-8"))
