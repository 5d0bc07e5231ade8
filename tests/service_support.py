"""Build a service runtime on the unit-test stores, with fakes for the LLM endpoint and the assistant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from campaign.feedback import FeedbackLog
from campaign.store import RunStore
from domain.copy import CopyBatch
from domain.review import Critique
from graphs.checkpoints import open_checkpointer
from service.app import create_app
from service.audit import AuditLog
from service.keys import KeyStore
from service.runtime import ChatAssistant, ServiceRuntime
from tests.fake_assistant import scripted_assistant
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import CRITIQUE, NOW, good_batch
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services
from tools.settings import Settings
from tools.stores.database import open_database


class StaticHealth:
    """An LLM health probe with a fixed answer (None: up)."""

    def __init__(self, problem: str | None = None) -> None:
        self.verdict = problem

    async def problem(self) -> str | None:
        """The fixed verdict."""
        return self.verdict

    async def aclose(self) -> None:
        """Nothing to release."""


def build_runtime(
    home: Path,
    services: Services,
    *,
    assistant: ChatAssistant = scripted_assistant,
    health: StaticHealth | None = None,
    **settings: Any,
) -> ServiceRuntime:
    """A runtime on `services` with stores under `home`; writer and critic answer with good copy by default."""
    # Free copy by default: the service tests script whole messages (CopyBatch); slot tests pass copy_mode.
    config = Settings(_env_file=None, home=home, **{"copy_mode": "free", **settings})
    for model, schema, answer in (
        (services.writer_model, CopyBatch, good_batch()),
        (services.critic_model, Critique, CRITIQUE),
    ):
        assert isinstance(model, ScriptedChatModel)
        model.script(schema, default=answer)
    return ServiceRuntime(
        settings=config,
        services=services,
        endpoint=LLMEndpoint(base_url="http://127.0.0.1:9/v1", model="fake"),
        assistant=assistant,
        checkpointer=open_checkpointer(config),  # SQLite files, or PostgreSQL when database_url is given
        runs=RunStore(open_database(config.database_url, config.runs_db_path), clock=lambda: NOW),
        feedback=FeedbackLog(open_database(config.database_url, config.feedback_db_path)),
        keys=KeyStore(config.service_db_path, clock=lambda: NOW),
        audit=AuditLog(config.service_db_path, clock=lambda: NOW),
        llm_health=health or StaticHealth(),
        clock=lambda: NOW,
    )


def close_runtime(runtime: ServiceRuntime) -> None:
    """Close the stores the runtime opened, leaving the shared `services` fixture to its own teardown."""
    runtime.checkpointer.conn.close()
    for store in (runtime.runs, runtime.feedback, runtime.keys, runtime.audit):
        store.close()


@dataclass
class Served:
    """A test client over an app, with a key per role."""

    client: TestClient
    runtime: ServiceRuntime
    marketer: str
    admin: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        """Headers that authenticate as `key` (the marketer by default)."""
        return {"Authorization": f"Bearer {key or self.marketer}"}


def serve(runtime: ServiceRuntime) -> Served:
    """A TestClient over `create_app(runtime)`, with a marketer and an admin key."""
    for name in ("alice", "root"):  # a restarted service in the same home mints fresh keys
        runtime.keys.revoke(name)
    marketer, admin = runtime.keys.add("alice", "marketer"), runtime.keys.add("root", "admin")
    return Served(TestClient(create_app(runtime)), runtime, marketer, admin)


@contextmanager
def served_app(home: Path, services: Services, **options: Any) -> Iterator[Served]:
    """Serve a fresh runtime for one test (lifespan included), then close its stores."""
    runtime = build_runtime(home, services, **options)
    served = serve(runtime)
    try:
        with served.client:
            yield served
    finally:
        close_runtime(runtime)
