"""The production assistant: the real chat graph (graphs/chat.py) behind /v1/chat/completions, scripted models."""

from __future__ import annotations

import json
from pathlib import Path

from domain.brief import BriefDraft
from service.assistant import production_assistant
from tests.fakes import ScriptedChatModel
from tests.service_support import served_app
from tests.unit.conftest import NOW, USERS, good_slots
from tools.services import Services
from tools.settings import Settings

KINDS = {"status", "question", "brief", "audience", "draft", "variant", "answer", "error"}


def test_the_chat_graph_streams_through_the_service(tmp_path: Path, services: Services) -> None:
    writer = services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    writer.script(BriefDraft, default=BriefDraft(offer_kind="none"))  # the patterns read the brief alone
    writer.script("SlotBatch", default=good_slots)  # the service's default: slots around rendered facts
    assistant = production_assistant(Settings(_env_file=None, home=tmp_path), services, clock=lambda: NOW)
    brief = {"role": "user", "content": "给最近浏览过保温杯的用户写两条双十一推送，满300减50"}
    with served_app(tmp_path / "home", services, assistant=assistant) as served:
        with served.client.stream(
            "POST", "/v1/chat/completions", json={"stream": True, "messages": [brief]}, headers=served.auth()
        ) as response:
            lines = [line for line in response.iter_lines() if line]
        whole = served.client.post("/v1/chat/completions", json={"messages": [brief]}, headers=served.auth()).json()
    # A whole answer has the checked cards, not the drafts that streamed before them.
    assert "draft" not in {e["kind"] for e in whole["promo_events"]} and whole["promo_events"][-1]["kind"] == "answer"
    assert lines[-1] == "data: [DONE]", lines[-3:]
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    events = [c["promo_event"] for c in chunks if "promo_event" in c]
    kinds = [e["kind"] for e in events]
    assert set(kinds) <= KINDS and kinds[0] == "brief" and kinds[-1] == "answer"
    variants = [e["data"] for e in events if e["kind"] == "variant"]
    assert variants and all(v["channel"] == "push" and v["user_ref"].startswith("u_") for v in variants)
    raw_ids = {u.user_id for u in USERS}
    assert not any(uid in line for uid in raw_ids for line in lines), "the stream names users by pseudonym only"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    # Drafts are for the page: no content for an OpenAI client, and each names its user by pseudonym.
    drafts = [c for c in chunks if c.get("promo_event", {}).get("kind") == "draft"]
    assert drafts and all(c["choices"][0]["delta"] == {} for c in drafts)
    assert {c["promo_event"]["data"]["user_ref"] for c in drafts} <= {v["user_ref"] for v in variants}
