"""The Ray actor of a scaled-out run: one per LLM replica, holding that replica's clients for the whole run."""

from __future__ import annotations

import ray

from agents.context import Context
from campaign.runner import UserDone, process_users
from campaign.store import RunInfo, open_run_store
from graphs.checkpoints import open_checkpointer
from graphs.promotion import build_graph
from tools.llm.chat_model import LLMEndpoint
from tools.services import open_services
from tools.settings import Settings


class ReplicaWorker:
    """The stores, a checkpointed graph and chat models for one replica, built once when the actor starts."""

    def __init__(self, settings: Settings, endpoint: LLMEndpoint, concurrency: int, cache_generations: bool) -> None:
        self._services = open_services(settings, endpoint, cache_generations=cache_generations)
        self._saver = open_checkpointer(settings, setup=False)  # the driver created the tables once
        self._store = open_run_store(settings)
        self._graph = build_graph(self._saver)
        self._concurrency = concurrency
        self._settings = settings

    @ray.method
    def process(self, info: RunInfo, user_ids: list[str]) -> list[UserDone]:
        """Process one batch exactly as the local runner does; each user is committed as it finishes."""
        settings = self._settings
        context = Context(
            services=self._services, now=info.clock, copy_mode=settings.copy_mode, llm_critique=settings.llm_critique
        )
        return process_users(self._store, info, context, self._graph, user_ids, concurrency=self._concurrency)

    @ray.method
    def close(self) -> None:
        """Release the connections."""
        self._saver.conn.close()
        self._store.close()
        self._services.close()
