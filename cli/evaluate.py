"""`promo eval ...`: replay scenario files through the real graph, report, compare two runs, gate a run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.clock import CLOCK_HELP, parse_clock
from domain.channels import CHANNELS
from evaluation.adgen import DEFAULT_ADGEN_PATH, import_adgen, pool_exemplars, write_jsonl
from evaluation.aggregate import Summary
from evaluation.compare import DEFAULT_REL_TOLERANCE, DEFAULT_TOLERANCE, compare, config_changes, render_diff_html
from evaluation.gate import GateFileError, check_gate, load_thresholds
from evaluation.live import replay_live
from evaluation.load import ScenarioFileError, load_scenarios
from evaluation.records import RunDirError, ScenarioRecord
from evaluation.replay import ReplayOptions
from evaluation.report import REPORT, build_report, fmt, load_summary, paired_summaries
from tools.settings import EmbeddedModel, get_settings
from tools.stores.exemplars import ExemplarStore

app = typer.Typer(help="Evaluate: replay scenarios, report, compare runs, gate on thresholds.", no_args_is_help=True)
console = Console()
HEADLINE = (
    "completed",
    "error_rate",
    "targeting_agreement",
    "blocking_violations",
    "must_not_mention_pass_rate",
    "personalization_rate",
    "rouge_l",
    "bleu4",
    "fallback_rate",
    "latency_p50_s",
    "latency_p95_s",
    "tokens_per_s",
)
DEFAULT_THRESHOLDS = Path("evaluation/data/scenarios/gate_thresholds.yaml")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error in red and return the Exit to raise."""
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code=code)


def print_headline(summary: Summary) -> None:
    """The headline metrics as a table."""
    table = Table("metric", "value", title=f"{summary.config.model}: {summary.metrics['scenarios']} scenarios")
    for name in HEADLINE:
        table.add_row(name, fmt(summary.metrics.get(name)))
    console.print(table)


@app.command("run")
def run(
    scenarios: Annotated[Path, typer.Argument(help="Scenario file (.yaml or .jsonl).")],
    out: Annotated[Path, typer.Option(help="Run folder: results, stores, summary and report (resumable).")],
    concurrency: Annotated[int, typer.Option(min=0, max=64, help="Scenarios in flight; 0: the server's slots.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N scenarios of the file.")] = None,
    variants: Annotated[int, typer.Option(min=1, max=5)] = 2,
    max_rewrites: Annotated[int, typer.Option(min=0, max=5)] = 2,
    critique: Annotated[bool, typer.Option(help="Run the LLM critic on rule-passing drafts (one call each).")] = False,
    model: Annotated[EmbeddedModel | None, typer.Option(help="Embedded model; default from settings.")] = None,
    clock: Annotated[str | None, typer.Option(help=f"{CLOCK_HELP}; default the file's or fixed.")] = None,
) -> None:
    """Replay scenarios through the graph; skip those already done in OUT; write summary.json and report.html."""
    try:
        loaded = load_scenarios(scenarios)
        moment = parse_clock(clock)
    except (ScenarioFileError, ValueError) as error:
        raise fail(str(error)) from error
    settings = get_settings()
    if model is not None:
        settings = settings.model_copy(update={"embedded_model": model})
    options = ReplayOptions(
        n_variants=variants,
        max_rewrites=max_rewrites,
        llm_critique=critique,
        copy_mode=settings.copy_mode,
        concurrency=concurrency or settings.embedded_parallel,
        limit=limit,
        clock=moment,
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("scenarios", total=None)

        def started(todo: int, skipped: int) -> None:
            progress.update(task, total=todo, description=f"scenarios ({skipped} already done)")

        def done(record: ScenarioRecord) -> None:
            progress.advance(task)
            if record.error:
                progress.console.print(f"[yellow]{record.scenario_id}: {record.error}[/yellow]")

        try:
            report = replay_live(
                loaded,
                out,
                settings,
                options,
                say=lambda m: progress.console.print(f"[dim]{m}[/dim]"),
                on_start=started,
                on_done=done,
            )
        except RunDirError as error:
            raise fail(str(error)) from error
    console.print(f"ran {report.ran}, skipped {report.skipped}, {report.errors} errors in {report.wall_seconds:.1f}s")
    print_headline(build_report(out))
    console.print(f"report: {out / REPORT}")


@app.command("report")
def report(run_dir: Annotated[Path, typer.Argument(help="A run folder.")]) -> None:
    """Rebuild summary.json and report.html from a run folder's records."""
    try:
        print_headline(build_report(run_dir))
    except RunDirError as error:
        raise fail(str(error)) from error
    console.print(f"report: {run_dir / REPORT}")


@app.command("compare")
def compare_runs(
    run_a: Annotated[Path, typer.Argument(help="Baseline run folder (or summary.json).")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run folder (or summary.json).")],
    html: Annotated[Path | None, typer.Option(help="Write the diff as HTML here.")] = None,
    tolerance: Annotated[
        float, typer.Option(min=0, help="Allowed worsening of shares and scores.")
    ] = DEFAULT_TOLERANCE,
    rel_tolerance: Annotated[float, typer.Option(min=0, help="Allowed relative worsening of times, counts.")] = (
        DEFAULT_REL_TOLERANCE
    ),
    fail_on_regression: Annotated[bool, typer.Option(help="Exit 1 when any metric regressed.")] = False,
    paired: Annotated[
        bool, typer.Option(help="Compare only the scenarios both run folders ran (e.g. a full run vs a --limit run).")
    ] = False,
) -> None:
    """Diff two runs' metrics (B against A) and highlight regressions."""
    try:
        a, b = paired_summaries(run_a, run_b) if paired else (load_summary(run_a), load_summary(run_b))
    except (FileNotFoundError, RunDirError, ValueError) as error:
        raise fail(str(error)) from error
    diffs = compare(a, b, tolerance=tolerance, rel_tolerance=rel_tolerance)
    for change in config_changes(a, b):
        console.print(f"[dim]config {change}[/dim]")
    style = {"regression": "bold red", "improvement": "green", "missing": "red"}
    table = Table("metric", f"A {run_a.name}", f"B {run_b.name}", "B − A", "status")
    for d in diffs:
        table.add_row(d.name, fmt(d.a), fmt(d.b), fmt(d.delta), d.status, style=style.get(d.status))
    console.print(table)
    regressions = [d.name for d in diffs if d.status == "regression"]
    console.print(f"{len(regressions)} regression(s){': ' + ', '.join(regressions) if regressions else ''}")
    if html is not None:
        html.write_text(render_diff_html(a, b, diffs, (str(run_a), str(run_b))), encoding="utf-8")
        console.print(f"diff: {html}")
    if regressions and fail_on_regression:
        raise typer.Exit(code=1)


@app.command("gate")
def gate(
    run_dir: Annotated[Path, typer.Argument(help="A run folder.")],
    thresholds: Annotated[Path, typer.Option(help="Thresholds YAML.")] = DEFAULT_THRESHOLDS,
) -> None:
    """Check a run against thresholds; exit 1 naming every failed threshold."""
    try:
        bounds = load_thresholds(thresholds)
        results = check_gate(build_report(run_dir), bounds)
    except (GateFileError, RunDirError) as error:
        raise fail(str(error)) from error
    for result in results:
        console.print(
            f"[{'green' if result.passed else 'red'}]{'PASS' if result.passed else 'FAIL'}[/] {result.message}"
        )
    failed = [r for r in results if not r.passed]
    if failed:
        raise fail(
            f"gate failed: {len(failed)} of {len(results)} thresholds: {'; '.join(r.message for r in failed)}", 1
        )
    console.print(f"[green]gate passed: {len(results)} thresholds[/green]")


@app.command("import-adgen")
def import_adgen_command(
    out: Annotated[Path, typer.Option(help="Scenario JSONL to write (keep it out of the repository).")],
    path: Annotated[Path, typer.Argument(help="AdvertiseGen JSONL.")] = DEFAULT_ADGEN_PATH,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N rows.")] = None,
    channel: Annotated[str, typer.Option(help="Channel of every scenario: email, sms or push.")] = "email",
    outside_pool: Annotated[
        bool,
        typer.Option(
            help="Only rows outside the exemplar pool (`promo eval pool-adgen`): their own reference "
            "can never reach their prompt."
        ),
    ] = False,
) -> None:
    """Turn AdvertiseGen rows (attributes → reference copy) into scenarios."""
    if channel not in CHANNELS:
        raise fail(f"--channel must be one of {', '.join(CHANNELS)}; got {channel!r}")
    try:
        imported = import_adgen(path, limit, channel, outside_pool=outside_pool)
    except FileNotFoundError as error:
        raise fail(f"{error}; skipping the AdvertiseGen import") from error
    for line, reason in imported.skipped:
        console.print(f"[yellow]line {line} skipped: {reason}[/yellow]")
    write_jsonl(imported.scenarios, out)
    console.print(f"{len(imported.scenarios)} scenarios written to {out}")


@app.command("pool-adgen")
def pool_adgen_command(
    path: Annotated[Path, typer.Argument(help="AdvertiseGen JSONL.")] = DEFAULT_ADGEN_PATH,
) -> None:
    """Fill the exemplar pool with clean style lines from a seeded half of the AdvertiseGen rows.

    The other half is what `import-adgen --outside-pool` evaluates; re-running changes nothing.
    """
    try:
        exemplars = pool_exemplars(path)
    except FileNotFoundError as error:
        raise fail(f"{error}; the pool is unchanged") from error
    pool_dir = get_settings().exemplar_pool_dir
    with ExemplarStore(pool_dir) as store:
        store.add(exemplars)
        total = store.count()
    rows = len({e.source for e in exemplars})
    console.print(f"{len(exemplars)} style lines from {rows} rows in the pool at {pool_dir} ({total} lines in all)")
