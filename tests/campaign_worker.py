"""A campaign run in its own process, with a deterministic slow fake LLM, for the kill-and-resume test.

Usage: python -m tests.campaign_worker HOME RUN_ID PLAN_DIR [DATABASE_URL]
(run store and checkpoints in PostgreSQL when DATABASE_URL is given, else SQLite files in HOME)
"""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import SecretStr

from agents.context import Context
from campaign.plan import write_plan
from campaign.runner import process_run, start_run
from campaign.store import open_run_store
from domain.copy import CopyBatch, CopyVariant
from domain.review import Critique
from graphs.checkpoints import open_checkpointer
from graphs.promotion import build_graph
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tests.fakes import ScriptedChatModel
from tools.services import Services
from tools.settings import Settings
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

CLOCK = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
VARIANTS = [
    CopyVariant(title="保温杯好价", body="你关注的保温杯参加双十一，满300减50。", cta="去看看"),
    CopyVariant(title="暖心好物", body="双十一保温杯专场，满300减50，给家人挑一只。", cta="立即选购"),
    CopyVariant(title="冬日暖饮", body="冬天来一杯热水，保温杯满300减50。", cta="去逛逛"),
]


class DeterministicSlowModel(ScriptedChatModel):
    """Answers from a hash of the prompt (same prompt, same answer in any process), slowly enough to kill."""

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:  # type: ignore[override]
        def answer(messages: list[BaseMessage]) -> Any:
            time.sleep(0.3)
            digest = int(hashlib.sha256("".join(str(m.content) for m in messages).encode()).hexdigest(), 16)
            if schema is Critique:
                return Critique(fluency=3 + digest % 3, tone=4, personalization=3, comment="ok")
            return CopyBatch(variants=[VARIANTS[digest % 3], VARIANTS[(digest + 1) % 3]])

        return RunnableLambda(answer)


def main(home: Path, run_id: str, plan_dir: Path, database_url: SecretStr | None = None) -> None:
    """Build the demo shop once per home, then start or resume the run, then write the plan."""
    shop_db, history = ShopDB(home / "shop.sqlite"), HistoryStore(home / "chroma")
    if not shop_db.list_user_ids():
        shop = build_demo_shop(seed=7, n_users=24, now=CLOCK)
        shop_db.upsert_items(shop.items)
        shop_db.upsert_users(shop.users)
        history.add_events(shop.events)
    services = Services(
        history=history, shop=shop_db, writer_model=DeterministicSlowModel(), critic_model=DeterministicSlowModel()
    )
    settings = Settings(_env_file=None, home=home, database_url=database_url)
    store = open_run_store(settings)
    campaign = demo_campaigns(CLOCK)[0]
    info, _ = start_run(store, run_id, campaign, shop_db.list_user_ids(), services, CLOCK)
    saver = open_checkpointer(settings)
    process_run(store, info, Context(services=services, now=info.clock), build_graph(saver), concurrency=2)
    write_plan(store.results(run_id), plan_dir, run_id)
    print(f"done {store.progress(run_id)}")
    failures = store.failures(run_id)
    for user_id, error in failures:
        print(f"failed {user_id}: {error}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), SecretStr(sys.argv[4]) if len(sys.argv) > 4 else None)
