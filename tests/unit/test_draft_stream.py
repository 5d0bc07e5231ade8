"""The draft a user's copy is while the model writes it: parsed as it streams, published per user, from real streams."""

from __future__ import annotations

import itertools
import json
from typing import cast
from uuid import uuid4

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import HumanMessage

from agents.context import Context
from agents.draft_stream import TOKENS_PER_UPDATE, USER_REF_KEY, WRITER_NODE, DraftStreamer, partial_variants
from domain.copy import CopyBatch
from graphs.batch import run_many
from tests.fake_openai_server import FakeReplica
from tests.fakes import ScriptedChatModel
from tests.unit.conftest import NOW, USERS, good_slots, make_campaign
from tools.llm.chat_model import make_chat_model
from tools.pseudonym import user_ref
from tools.services import Services
from tools.settings import Settings

SLOTS = {"variants": [{"hook": "冬日暖心之选", "line": "保温杯陪你一整天", "focus": "保温杯"}]}


def test_the_json_written_so_far_gives_each_variant_as_far_as_it_got() -> None:
    text = json.dumps(SLOTS, ensure_ascii=False)
    assert partial_variants(text[: text.index("暖") + 1]) == [{"hook": "冬日暖", "line": ""}]
    assert partial_variants(text[: text.index("陪") + 1]) == [{"hook": "冬日暖心之选", "line": "保温杯陪"}]
    assert partial_variants(text) == [{"hook": "冬日暖心之选", "line": "保温杯陪你一整天"}]
    assert partial_variants('{"varia') == []  # nothing to show yet
    assert partial_variants("Sure! here") == []  # not JSON: nothing, never an error
    assert partial_variants('{"variants": [{"hook": 3}]}') == []
    assert partial_variants('{"variants": [{"title": "保温杯好价", "body": "你关注的保温') == [
        {"hook": "保温杯好价", "line": "你关注的保温"}  # free copy (copy_mode "free"): title and body
    ]


def _call(streamer: DraftStreamer, text: str, node: str = WRITER_NODE, ref: str | None = "u_abc") -> None:
    run_id = uuid4()
    metadata = {"langgraph_node": node} | ({USER_REF_KEY: ref} if ref else {})
    streamer.on_chat_model_start({}, [[HumanMessage("write")]], run_id=run_id, metadata=metadata)
    for ch in text:
        streamer.on_llm_new_token(ch, run_id=run_id)
    streamer.on_llm_end(None, run_id=run_id)


def test_only_the_copywriter_s_calls_in_a_named_run_are_published() -> None:
    published: list[tuple[str, list[dict[str, str]]]] = []
    streamer = DraftStreamer(lambda ref, variants: published.append((ref, variants)))
    text = json.dumps(SLOTS, ensure_ascii=False)
    _call(streamer, text, node="review")  # the critic's critique is no draft
    _call(streamer, text, ref=None)  # a run that names no user
    assert published == []
    _call(streamer, text)
    assert {ref for ref, _ in published} == {"u_abc"}
    assert published[-1][1] == [{"hook": "冬日暖心之选", "line": "保温杯陪你一整天"}]
    hooks = [variants[0]["hook"] for _, variants in published]
    assert hooks == sorted(hooks, key=len)  # it grows as written
    assert len(published) <= len(text) // TOKENS_PER_UPDATE + 1  # throttled, never once a token
    assert all(a != b for a, b in itertools.pairwise(published))  # an unchanged draft is not resent


def test_a_failed_call_stops_being_followed() -> None:
    published: list[tuple[str, list[dict[str, str]]]] = []
    streamer = DraftStreamer(lambda ref, variants: published.append((ref, variants)))
    run_id = uuid4()
    streamer.on_chat_model_start({}, [[]], run_id=run_id, metadata={"langgraph_node": WRITER_NODE, USER_REF_KEY: "u"})
    streamer.on_llm_new_token('{"variants": [{"hook": "冬', run_id=run_id)
    streamer.on_llm_error(RuntimeError("server gone"), run_id=run_id)
    streamer.on_llm_new_token("日暖心之选", run_id=run_id)
    streamer.on_llm_end(None, run_id=run_id)
    assert published == []


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: object) -> None:
        self.tokens.append(token)


def test_a_real_chat_model_streams_its_structured_answer_only_when_a_draft_streamer_listens() -> None:
    settings = Settings(_env_file=None)
    with FakeReplica() as replica:
        model = make_chat_model(replica.base_url, "fake-replica", settings)
        messages = [HumanMessage("写两版保温杯文案")]
        plain, watched = _Tokens(), _Tokens()
        whole = model.with_structured_output(CopyBatch, method="json_schema").invoke(
            messages, config={"callbacks": [plain]}
        )
        streamer = DraftStreamer(lambda ref, variants: None)
        streamed = model.with_structured_output(CopyBatch, method="json_schema").invoke(
            messages, config={"callbacks": [streamer, watched]}
        )
        bodies = [json.loads(b) for b in replica.bodies]
    assert streamed == whole  # the same answer, parsed the same
    assert [b.get("stream", False) for b in bodies] == [False, True]
    assert plain.tokens == [] and len(watched.tokens) > 5  # token by token, as the page shows it
    assert json.loads("".join(watched.tokens)) == json.loads(whole.model_dump_json())


def test_each_previewed_user_s_draft_is_published_under_their_pseudonym(services: Services) -> None:
    """The preview's runner names each run's user by pseudonym: the streamer tells the users apart."""
    cast(ScriptedChatModel, services.writer_model).script("SlotBatch", default=good_slots)
    published: list[tuple[str, list[dict[str, str]]]] = []
    streamer = DraftStreamer(lambda ref, variants: published.append((ref, variants)))
    ids = [u.user_id for u in USERS if u.consent]
    outcomes = run_many(
        ids,
        make_campaign(),
        Context(services=services, now=NOW, copy_mode="slots"),
        concurrency=2,
        callbacks=[streamer],
    )
    written = {user_ref(o.user_id) for o in outcomes if o.result is not None and o.result.drafts}
    assert written and {ref for ref, _ in published} == written
    assert not {u.user_id for u in USERS} & {ref for ref, _ in published}  # never a raw id
    finals = {ref: variants for ref, variants in published}
    assert all(v[0]["hook"] and v[0]["line"] for v in finals.values())
