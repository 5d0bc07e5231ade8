"""Replay against a real endpoint: the embedded model (or PROMO_LLM_BASE_URL), stores under the run folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evaluation.load import ScenarioSet
from evaluation.records import ScenarioRecord
from evaluation.replay import ReplayOptions, ReplayReport, run_scenarios
from tools.llm.chat_model import llm_endpoint
from tools.services import open_services
from tools.settings import Settings


def replay_live(
    scenarios: ScenarioSet,
    out_dir: Path,
    settings: Settings,
    options: ReplayOptions,
    *,
    say: Callable[[str], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[ScenarioRecord], None] | None = None,
) -> ReplayReport:
    """Start (or reach) the model, open the run's own stores under ``out_dir/shop`` and replay.

    Model weights and the exemplar pool stay in ``settings.home``; the evaluation's Chroma and SQLite files go
    to the run folder, so an evaluation never touches the shop's real stores.
    """
    with llm_endpoint(settings, progress=say) as endpoint:
        # The exemplar pool is shared: it holds no shop data, and evaluated rows are kept out of it.
        run_settings = settings.model_copy(
            update={"home": out_dir / "shop", "exemplars_dir": settings.exemplar_pool_dir}
        )
        services = open_services(run_settings, endpoint)
        try:
            return run_scenarios(scenarios, out_dir, services, options, on_start=on_start, on_done=on_done)
        finally:
            services.close()
