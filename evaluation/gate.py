"""Quality gate: thresholds on summary metrics; a missing metric fails, so a gate never passes on no data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evaluation.aggregate import Summary
from evaluation.definitions import METRICS


class GateFileError(ValueError):
    """A thresholds file that cannot be read or names an unknown metric."""


class Threshold(BaseModel):
    """Bounds on one metric: ``min`` (value must be ≥) and/or ``max`` (value must be ≤)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    min_value: float | None = Field(default=None, alias="min")
    max_value: float | None = Field(default=None, alias="max")
    why: str = Field(default="", description="Why the bound matters, shown when it fails.")

    @model_validator(mode="after")
    def _has_bound(self) -> Self:
        if self.min_value is None and self.max_value is None:
            raise ValueError("a threshold needs min, max or both")
        return self


@dataclass(frozen=True)
class GateResult:
    """One threshold checked."""

    metric: str
    value: float | int | None
    threshold: Threshold
    passed: bool
    message: str


def load_thresholds(path: Path) -> dict[str, Threshold]:
    """Read ``{thresholds: {metric: {min: x, max: y, why: ...}}}``; metric names must be in the catalog."""
    if not path.is_file():
        raise GateFileError(f"thresholds file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise GateFileError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("thresholds"), dict) or not raw["thresholds"]:
        raise GateFileError(f"{path}: expected a non-empty mapping 'thresholds: {{metric: {{min|max: value}}}}'")
    out: dict[str, Threshold] = {}
    for name, spec in raw["thresholds"].items():
        if name not in METRICS:
            raise GateFileError(f"{path}: unknown metric {name!r}; known: {', '.join(METRICS)}")
        try:
            out[name] = Threshold.model_validate(spec)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or name}: {e['msg']}" for e in error.errors())
            raise GateFileError(f"{path}: threshold {name}: {problems}") from error
    return out


def check_one(name: str, value: float | int | None, bound: Threshold) -> GateResult:
    """Check one metric against its bounds, with a message that says what failed and by how much."""
    why = f" ({bound.why})" if bound.why else ""
    if value is None:
        return GateResult(name, value, bound, False, f"{name} was not measured (no applicable scenarios){why}")
    if bound.min_value is not None and value < bound.min_value:
        return GateResult(name, value, bound, False, f"{name} = {value:.4g} < min {bound.min_value:g}{why}")
    if bound.max_value is not None and value > bound.max_value:
        return GateResult(name, value, bound, False, f"{name} = {value:.4g} > max {bound.max_value:g}{why}")
    return GateResult(name, value, bound, True, f"{name} = {value:.4g} ok")


def check_gate(summary: Summary, thresholds: dict[str, Threshold]) -> list[GateResult]:
    """Every threshold checked against the summary, in file order."""
    return [check_one(name, summary.metrics.get(name), bound) for name, bound in thresholds.items()]
