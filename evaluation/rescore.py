"""Score stored results again with the current metric code, so a fixed or new metric applies to old runs."""

from __future__ import annotations

import functools
from pathlib import Path

from evaluation.load import ScenarioFileError, load_scenarios
from evaluation.materialize import demo_shop_at, materialize
from evaluation.metrics import score_scenario
from evaluation.records import RunManifest, ScenarioRecord


def rescored(manifest: RunManifest, records: list[ScenarioRecord]) -> list[ScenarioRecord]:
    """Records with metrics recomputed from their results.

    A record keeps its stored metrics when the scenario file is gone or invalid, or its scenario changed
    since it ran (another fingerprint).
    """
    path = Path(manifest.scenarios_file)
    try:
        scenarios = {s.id: s for s in load_scenarios(path).scenarios}
    except ScenarioFileError:
        return records
    clock = manifest.config.clock
    demo = functools.cache(lambda: demo_shop_at(clock))
    out = []
    for record in records:
        scenario = scenarios.get(record.scenario_id)
        if scenario is None or scenario.fingerprint() != record.fingerprint or record.result is None:
            out.append(record)
            continue
        metrics = score_scenario(materialize(scenario, clock, demo), record.result)
        out.append(record.model_copy(update={"metrics": metrics}))
    return out
