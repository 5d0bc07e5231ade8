"""The production runtime: the embedded model (or PROMO_LLM_BASE_URL), the stores, the chat assistant."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from fastapi import FastAPI

from campaign.feedback import open_feedback_log
from campaign.store import open_run_store
from domain.clock import utc_now
from graphs.checkpoints import open_checkpointer
from service.app import create_app
from service.assistant import production_assistant
from service.audit import AuditLog
from service.keys import KeyStore
from service.llm_health import ModelsProbe
from service.runtime import ServiceRuntime
from tools.llm.chat_model import llm_endpoint
from tools.services import open_services
from tools.settings import Settings

logger = logging.getLogger("promo.service")


@contextmanager
def open_runtime(settings: Settings) -> Iterator[ServiceRuntime]:
    """Start (or reach) the model, open every store once; close all of it on exit, also on errors."""
    with ExitStack() as stack:
        # The model in its own supervised process: killed or crashed, it restarts while the service answers 503.
        endpoint = stack.enter_context(llm_endpoint(settings, progress=logger.info, own_process=True))
        services = open_services(settings, endpoint)
        stack.callback(services.close)
        saver = open_checkpointer(settings)
        stack.callback(saver.conn.close)
        runs = open_run_store(settings)
        stack.callback(runs.close)
        feedback = open_feedback_log(settings)
        stack.callback(feedback.close)
        keys = KeyStore(settings.service_db_path, clock=utc_now)
        stack.callback(keys.close)
        audit = AuditLog(settings.service_db_path, clock=utc_now)
        stack.callback(audit.close)
        yield ServiceRuntime(
            settings=settings,
            services=services,
            endpoint=endpoint,
            assistant=production_assistant(settings, services, clock=utc_now),
            checkpointer=saver,
            runs=runs,
            feedback=feedback,
            keys=keys,
            audit=audit,
            llm_health=ModelsProbe(
                endpoint.base_url, settings.llm_api_key.get_secret_value(), settings.service_health_timeout_s
            ),
            clock=utc_now,  # the service's clock is the real one
        )


def production_app(settings: Settings) -> FastAPI:
    """The app `promo serve` runs: the runtime opens on startup and closes on shutdown."""
    return create_app(lambda: open_runtime(settings))
