"""Read scenario files (YAML or JSONL) with errors that name the file, the line, the scenario and the field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evaluation.scenario import Scenario
from shopdata.catalog import load_catalog

MAX_SHOWN = 20
DEMO_USERS = 40


class ScenarioFileError(ValueError):
    """A scenario file that cannot be read or does not validate; the message lists every problem found."""


@dataclass(frozen=True)
class ScenarioSet:
    """The scenarios of one file, in file order, with the file's clock (None: the run decides)."""

    path: Path
    scenarios: list[Scenario]
    clock: datetime | None = None


@dataclass(frozen=True)
class _Raw:
    data: Any
    line: int
    node: yaml.Node | None


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...], default: int) -> int:
    """The line (1-based) of the deepest YAML node that the error location reaches."""
    line = default
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _yaml_entries(path: Path, text: str) -> tuple[list[_Raw], Any]:
    try:
        data, root = yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"{path}: not valid YAML: {error}") from error
    clock = None
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"scenarios", "clock"})
        if unknown or "scenarios" not in data:
            raise ScenarioFileError(f"{path}: a mapping needs 'scenarios' (and may have 'clock'); got {unknown}")
        clock = data["clock"]
        root = next((v for k, v in root.value if k.value == "scenarios"), None) if root else None
        data = data["scenarios"]
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise ScenarioFileError(f"{path}: expected a list of scenarios (or a mapping with 'scenarios')")
    return [_Raw(d, n.start_mark.line + 1, n) for d, n in zip(data, root.value, strict=True)], clock


def _jsonl_entries(path: Path, text: str) -> list[_Raw]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(_Raw(json.loads(line), number, None))
        except json.JSONDecodeError as error:
            raise ScenarioFileError(f"{path}:{number}: not valid JSON: {error.msg}") from error
    return entries


def _clock(path: Path, value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ScenarioFileError(f"{path}: clock must be an ISO time with a zone, e.g. 2026-11-05T14:00:00+08:00")
    return moment


def _cross_checks(scenario: Scenario, catalog_ids: set[str]) -> list[tuple[str, str]]:
    """(field, problem) pairs that need more than one field: item references and demo user range."""
    known = catalog_ids | {item.item_id for item in scenario.items}
    problems = [
        (f"user.events.{n}.item", f"unknown item {e.item!r}: add it to items or use a demo catalog id")
        for n, e in enumerate(scenario.user.events)
        if e.item is not None and e.item not in known
    ]
    if scenario.user.demo and not 1 <= int(scenario.user.demo[1:]) <= DEMO_USERS:
        problems.append(("user.demo", f"demo users are u001..u{DEMO_USERS:03d}"))
    return problems


def load_scenarios(path: Path | str) -> ScenarioSet:
    """Parse and validate a scenario file; raises ScenarioFileError listing every problem with its line."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioFileError(f"scenario file not found: {path}")
    text = path.read_text(encoding="utf-8")
    entries, clock = (_jsonl_entries(path, text), None) if path.suffix == ".jsonl" else _yaml_entries(path, text)
    catalog_ids = {item.item_id for item in load_catalog().items}
    scenarios: list[Scenario] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        name = entry.data.get("id", f"#{number}") if isinstance(entry.data, dict) else f"#{number}"
        try:
            scenario = Scenario.model_validate(entry.data)
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(map(str, e["loc"])) or "scenario"
                problems.append(f"{path}:{_line_of(entry.node, e['loc'], entry.line)}: {name}: {where}: {e['msg']}")
            continue
        for where, problem in _cross_checks(scenario, catalog_ids):
            loc = tuple(int(p) if p.isdigit() else p for p in where.split("."))
            problems.append(f"{path}:{_line_of(entry.node, loc, entry.line)}: {name}: {where}: {problem}")
        if scenario.id in first_line:
            problems.append(
                f"{path}:{entry.line}: duplicate id {scenario.id!r} (first at line {first_line[scenario.id]})"
            )
        first_line.setdefault(scenario.id, entry.line)
        scenarios.append(scenario)
    if problems:
        shown = problems[:MAX_SHOWN] + (
            [f"... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else []
        )
        raise ScenarioFileError(f"{len(problems)} problem(s) in {path}:\n" + "\n".join(shown))
    if not scenarios:
        raise ScenarioFileError(f"{path}: no scenarios")
    return ScenarioSet(path=path, scenarios=scenarios, clock=_clock(path, clock))
