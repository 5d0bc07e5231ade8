"""The chat graph with real SQLite + Chroma and scripted models: event order, questions, privacy, previews."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agents.chat_state import ChatInput
from agents.context import ChatContext, Context
from domain.brief import BriefDraft
from domain.chat import ChatEvent, ChatMessage
from domain.copy import CopyBatch
from domain.review import Critique
from graphs.chat import chat_graph, stream_chat
from graphs.served import ServedChatContext, ServedContext
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import CRITIQUE, NOW, USERS, good_batch
from tools.pseudonym import user_ref
from tools.services import Services
from tools.services_field import MissingServices

ROOT = Path(__file__).parents[2]
SNAPSHOT = Path(__file__).parent / "snapshots" / "chat_graph.mmd"
BRIEF_ZH = "给最近浏览过保温杯的用户写两条双十一推送，满300减50"


def scripted(services: Services) -> tuple[ScriptedChatModel, ScriptedChatModel]:
    writer, critic = services.writer_model, services.critic_model
    assert isinstance(writer, ScriptedChatModel) and isinstance(critic, ScriptedChatModel)
    writer.script(BriefDraft, default=BriefDraft(offer_kind="none"))
    writer.script(CopyBatch, default=good_batch())
    critic.script(Critique, default=CRITIQUE)
    return writer, critic


def run(services: Services, *texts: str, **options: object) -> list[ChatEvent]:
    messages = [ChatMessage(role="user", content=t) for t in texts]
    context = ChatContext(services=services, now=NOW, **options)  # type: ignore[arg-type]

    async def collect() -> list[ChatEvent]:
        return [event async for event in stream_chat(messages, context)]

    return asyncio.run(collect())


def test_wiring_matches_snapshot() -> None:
    drawn = chat_graph.get_graph().draw_mermaid()
    assert drawn.strip() == SNAPSHOT.read_text(encoding="utf-8").strip(), "chat graph wiring changed"


def test_full_turn_streams_events_in_order(services: Services) -> None:
    scripted(services)
    events = run(services, BRIEF_ZH)
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["brief", "audience", "status"] and kinds[-1] == "answer", kinds
    sampled = [u["user_ref"] for u in (events[1].data or {})["users"]]
    # viewed thermos in the last 30 days with push or SMS consent: u-zh-1, u-en-1, u-inject (u-none has no consent)
    assert sorted(sampled) == sorted(user_ref(u) for u in ("u-zh-1", "u-en-1", "u-inject"))
    assert (events[1].data or {})["no_consent"] == 1
    done: set[str] = set()
    drafted: set[str] = set()
    for event in events[3:-1]:
        ref = (event.data or {})["user_ref"]
        if event.kind == "draft":
            assert ref not in done, "a user's draft comes while they are written, before their status"
            drafted.add(ref)
        elif event.kind == "status":
            done.add(ref)
        else:
            assert event.kind == "variant" and ref in done, "a user's variants follow their status"
    assert done == set(sampled)
    assert drafted and drafted <= done  # the model's copy showed while written (a template fallback has none)
    variants = [e for e in events if e.kind == "variant"]
    assert variants and all("claims" in (v.data or {})["checks_passed"] for v in variants)
    assert any((v.data or {})["chosen"] for v in variants)
    assert any("满300减50" in v.text for v in variants)  # completion order varies: en users finish any time
    assert "预览完成" in events[-1].text


def test_preview_records_no_sends(services: Services) -> None:
    scripted(services)
    run(services, BRIEF_ZH)
    assert all(services.shop.count_sends_since(u.user_id, NOW.replace(year=2000)) == 0 for u in USERS)


def test_no_raw_ids_or_personal_data_in_events_or_prompts(services: Services) -> None:
    writer, critic = scripted(services)
    events = run(services, BRIEF_ZH)
    shown = json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False)
    prompts = writer.prompts_text() + critic.prompts_text()
    for user in USERS:
        for value in (user.user_id, user.name, user.phone, user.email, user.address):
            if value:
                assert value not in shown, f"{value!r} in events"
                assert value not in prompts, f"{value!r} in a prompt"


def test_missing_offer_asks_and_ends_the_turn(services: Services) -> None:
    writer, _ = scripted(services)
    events = run(services, "给最近浏览过保温杯的用户写两条推送")
    assert [e.kind for e in events] == ["question"]
    assert "优惠" in events[0].text and (events[0].data or {})["missing"] == ["offer"]
    assert [name for name, _ in writer.calls] == ["BriefDraft"]  # no copy written


def test_follow_up_answer_runs_the_preview(services: Services) -> None:
    scripted(services)
    question = run(services, "给最近浏览过保温杯的用户写两条推送")[0]
    messages = [
        ChatMessage(role="user", content="给最近浏览过保温杯的用户写两条推送"),
        ChatMessage(role="assistant", content=question.text),
        ChatMessage(role="user", content="满300减50"),
    ]
    context = ChatContext(services=services, now=NOW)
    output = chat_graph.invoke(ChatInput(messages=messages), context=context)
    assert output["question"] is None and output["brief"].offer.threshold == 300
    assert output["results"] and output["answer"]


def test_nobody_matching_answers_why(services: Services) -> None:
    scripted(services)
    events = run(services, "给最近浏览过保温杯的高价值用户写推送，满300减50")
    assert [e.kind for e in events] == ["brief", "audience", "answer"]
    assert "价值层级不符" in events[-1].text


def test_sample_size_bounds_the_preview(services: Services) -> None:
    scripted(services)
    events = run(services, BRIEF_ZH, sample_size=1)
    assert len((events[1].data or {})["users"]) == 1
    assert sum(e.kind == "status" for e in events) == 2  # "writing for 1 user" + that user's status


def test_context_schema_leaves_services_out() -> None:
    schema = chat_graph.get_context_jsonschema() or {}
    assert "services" not in schema.get("properties", {}) and "sample_size" in schema["properties"]


def test_a_context_without_services_refuses_to_be_read() -> None:
    context = ChatContext()
    repr(context)  # nothing is read, nothing starts
    with pytest.raises(MissingServices, match="pass services="):
        _ = context.services
    with pytest.raises(MissingServices, match="Context was built without services"):
        _ = Context().services


def test_the_served_graphs_use_the_process_default_on_first_read(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Services] = []

    def default() -> Services:
        built.append(services)
        return services

    monkeypatch.setattr("tools.default_services.process_services", default)
    context = ServedChatContext()  # what the LangGraph server builds from an empty context
    repr(context)
    assert built == []  # nothing started until a node reads it
    assert context.services is services and context.promotion_context(2).services is services
    assert ServedContext().services is services and len(built) == 2


def test_the_preview_context_keeps_the_chat_choices_and_records_no_sends(services: Services) -> None:
    chat = ChatContext(services=services, max_rewrites=1, llm_critique=True, prompt_version="v2", copy_mode="slots")
    context = chat.promotion_context(3)
    choices = (
        context.n_variants,
        context.max_rewrites,
        context.llm_critique,
        context.prompt_version,
        context.copy_mode,
    )
    assert choices == (3, 1, True, "v2", "slots")
    assert context.services is services and context.now == chat.now and not context.record_sends


def test_importing_the_graph_contract_loads_no_client_library() -> None:
    probe = "import sys, agents.context, agents.state; print(*sorted({'chromadb', 'openai'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == ""
