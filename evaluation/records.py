"""The run folder: ``run.json`` (configuration and sessions) and ``results.jsonl`` (one record per scenario run).

Records are appended as scenarios finish, so an interrupted run loses at most the scenarios in flight;
the latest record of a scenario wins when one was run again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from domain.copy import CopyMode
from domain.decision import PromotionResult
from evaluation.metrics import ScenarioMetrics

MANIFEST = "run.json"
RESULTS = "results.jsonl"


class RunDirError(ValueError):
    """A run folder that cannot be used as asked (a different configuration, missing files)."""


class RunConfig(BaseModel):
    """What makes two runs comparable: the model and the graph's per-run choices. A run folder holds one."""

    model: str = Field(description="Model name as the endpoint serves it.")
    n_variants: int = 2
    max_rewrites: int = 2
    llm_critique: bool = True
    prompt_version: str = "v1"
    copy_mode: CopyMode = "free"
    """Runs recorded before slots existed wrote free copy."""
    clock: datetime = Field(description="The run's clock: event times, campaign windows and quiet hours.")


class Session(BaseModel):
    """One invocation of `promo eval run` on the folder."""

    started_at: datetime
    wall_seconds: float = 0.0
    ran: int = 0
    skipped: int = 0


class RunManifest(BaseModel):
    """run.json: the configuration, the scenario file and ids in scope, and every session."""

    config: RunConfig
    scenarios_file: str
    scenario_ids: list[str]
    sessions: list[Session] = Field(default_factory=list)


class Usage(BaseModel):
    """LLM usage of one scenario, as its own UsageMeter saw it."""

    calls: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_seconds: float = Field(default=0.0, description="Sum of per-call latencies.")


class ScenarioRecord(BaseModel):
    """One line of results.jsonl."""

    scenario_id: str
    fingerprint: str
    finished_at: datetime
    seconds: float = Field(description="Wall time of the graph run, start to result or error.")
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    result: PromotionResult | None = None
    metrics: ScenarioMetrics = Field(default_factory=ScenarioMetrics)


def read_manifest(run_dir: Path) -> RunManifest | None:
    """The folder's run.json, or None when there is none yet."""
    path = run_dir / MANIFEST
    return RunManifest.model_validate_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def require_manifest(run_dir: Path) -> RunManifest:
    """The folder's run.json; RunDirError when the folder holds no run."""
    manifest = read_manifest(run_dir)
    if manifest is None:
        raise RunDirError(f"{run_dir} holds no evaluation run ({MANIFEST} missing): run `promo eval run` first")
    return manifest


def write_manifest(run_dir: Path, manifest: RunManifest) -> None:
    """Write run.json (whole file, replaced atomically)."""
    tmp = run_dir / f"{MANIFEST}.tmp"
    tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(run_dir / MANIFEST)


def drop_torn_tail(run_dir: Path) -> bool:
    """Cut a partial last line (a run killed mid-write) so later appends start on a line of their own."""
    path = run_dir / RESULTS
    if not path.is_file():
        return False
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return False
    path.write_bytes(data[: data.rfind(b"\n") + 1])
    return True


def append_record(run_dir: Path, record: ScenarioRecord) -> None:
    """Append one record and flush it to disk."""
    with (run_dir / RESULTS).open("a", encoding="utf-8") as out:
        out.write(record.model_dump_json() + "\n")
        out.flush()


def read_records(run_dir: Path) -> dict[str, ScenarioRecord]:
    """Latest record per scenario id; a torn last line (a killed run) is ignored."""
    path = run_dir / RESULTS
    latest: dict[str, ScenarioRecord] = {}
    if not path.is_file():
        return latest
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = ScenarioRecord.model_validate_json(line)
        except ValueError as error:
            if number == len(lines):
                break
            raise RunDirError(f"{path}:{number}: not a scenario record: {str(error).splitlines()[0]}") from error
        latest[record.scenario_id] = record
    return latest


def scoped_records(run_dir: Path, manifest: RunManifest) -> list[ScenarioRecord]:
    """Latest records of the scenarios in the manifest's scope, in scope order (missing ones left out)."""
    records = read_records(run_dir)
    return [records[sid] for sid in manifest.scenario_ids if sid in records]
