"""POST /v1/chat/completions: OpenAI's chunk format line by line, whole answers, and the `openai` client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionUserMessageParam

from tests.fake_assistant import VARIANTS, failing_assistant
from tests.service_support import Served, served_app
from tools.services import Services

BRIEF: ChatCompletionUserMessageParam = {
    "role": "user",
    "content": "双十一保温杯满300减50，给最近看过保温杯的老客发push。",
}


@pytest.fixture
def served(tmp_path: Path, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services) as app:
        yield app


def stream_lines(served: Served, body: dict[str, Any]) -> list[str]:
    with served.client.stream("POST", "/v1/chat/completions", json=body, headers=served.auth()) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(response.iter_lines())


def test_stream_is_openai_chunks_then_done(served: Served) -> None:
    lines = stream_lines(served, {"model": "promo-assistant", "stream": True, "messages": [BRIEF]})
    events = [line for line in lines if line]
    assert all(line.startswith("data: ") for line in events), events
    assert lines[1] == "", "each event ends with a blank line"
    assert events[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"].startswith("chatcmpl-")
    assert all(c["choices"][0]["index"] == 0 for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    body = chunks[1:-1]
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    assert [c["promo_event"]["kind"] for c in body] == ["status", "brief", "audience", "variant", "variant", "answer"]
    assert all(c["choices"][0]["delta"]["content"].rstrip("\n") == c["promo_event"]["text"].rstrip("\n") for c in body)
    assert all(c["choices"][0]["delta"]["content"].endswith("\n") for c in body), "events never run together"
    assert [c["promo_event"]["data"] for c in body if c["promo_event"]["kind"] == "variant"] == VARIANTS
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}


def test_whole_answer_joins_the_events(served: Served) -> None:
    response = served.client.post("/v1/chat/completions", json={"messages": [BRIEF]}, headers=served.auth())
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == "promo-assistant"
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    assert choice["message"]["content"].splitlines() == [e["text"].rstrip("\n") for e in body["promo_events"]]
    assert "满300减50" in choice["message"]["content"]


def test_the_openai_client_works_streamed_and_whole(served: Served) -> None:
    client = openai.OpenAI(base_url="http://testserver/v1", api_key=served.marketer, http_client=served.client)
    assert [m.id for m in client.models.list()] == ["promo-assistant"]
    whole = client.chat.completions.create(model="promo-assistant", messages=[BRIEF])
    text = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in client.chat.completions.create(
            model="promo-assistant",
            messages=[BRIEF],
            stream=True,
        )
    )
    assert text == whole.choices[0].message.content and "u_3f2a9c1d0b7e · push]" in text


def test_list_content_and_developer_role_are_accepted(served: Served) -> None:
    messages = [
        {"role": "developer", "content": "Answer in Chinese."},
        {"role": "user", "content": [{"type": "text", "text": "保温杯"}, {"type": "text", "text": "满300减50"}]},
    ]
    response = served.client.post("/v1/chat/completions", json={"messages": messages}, headers=served.auth())
    assert response.status_code == 200


@pytest.mark.parametrize(
    "messages",
    [[], [{"role": "user", "content": "x" * 8001}], [{"role": "tool", "content": "x"}]],
    ids=["empty", "too-long", "bad-role"],
)
def test_bad_requests_are_422(served: Served, messages: list[dict[str, str]]) -> None:
    response = served.client.post("/v1/chat/completions", json={"messages": messages}, headers=served.auth())
    assert response.status_code == 422


def test_a_failing_assistant_ends_the_stream_with_an_error_not_a_stop(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services, assistant=failing_assistant) as served:
        lines = [line for line in stream_lines(served, {"stream": True, "messages": [BRIEF]}) if line]
        client = openai.OpenAI(base_url="http://testserver/v1", api_key=served.marketer, http_client=served.client)
        with pytest.raises(openai.APIError, match="the assistant failed"):
            list(client.chat.completions.create(model="promo-assistant", messages=[BRIEF], stream=True))
        jobs = served.client.get("/metrics").text
    assert json.loads(lines[-1].removeprefix("data: ")) == {
        "error": {"message": "the assistant failed: RuntimeError", "type": "server_error", "code": None}
    }
    assert "data: [DONE]" not in lines
    assert not any('"finish_reason":"stop"' in line for line in lines)
    assert 'promo_jobs_running{pool="jobs"} 0.0' in jobs, "a failed stream must give its slot back"


def test_the_docs_openai_example_runs_as_written(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (Path(__file__).parents[2] / "docs" / "service.md").read_text(encoding="utf-8")
    snippet = text.split("```python\n", 1)[1].split("```", 1)[0]
    assert 'OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="promo_...")' in snippet

    real_client = openai.OpenAI

    def local_client(*, base_url: str, api_key: str) -> openai.OpenAI:
        # The same client, pointed at the in-process app instead of a listening server.
        assert base_url == "http://127.0.0.1:8000/v1"
        return real_client(base_url="http://testserver/v1", api_key=served.marketer, http_client=served.client)

    monkeypatch.setattr(openai, "OpenAI", local_client)
    printed: list[str] = []
    exec(snippet, {"print": lambda *args, **kwargs: printed.append(" ".join(map(str, args)))})
    cards = [line for line in printed if line.startswith("card:")]
    assert len(cards) == 2 and "'channel': 'push'" in cards[0]
    assert printed[-1].startswith("正在读取需求…")
