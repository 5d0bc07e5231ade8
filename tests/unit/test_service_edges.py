"""The service's edges: hostile bodies are 422 (never 500), errors echo only excerpts, size limits, OPTIONS."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import nullcontext
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.errors import excerpt, unrenderable
from service.limits import LimitsMiddleware
from tests.service_support import Served, served_app
from tools.services import Services


def body_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a body, from the app's own schema; path parameters filled."""
    schema = create_app(nullcontext).openapi()  # type: ignore[arg-type]  # never started: only its routes
    found = [
        (method.upper(), re.sub(r"\{[^}]+\}", "x", path))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(found) >= 5, found  # chat, promotions, approvals, campaign runs, feedback, keys
    return found


HOSTILE: list[tuple[str, bytes, list[Any]]] = [
    ("NaN", b'{"variants": NaN}', ["body", "variants"]),
    ("Infinity", b'{"variants": Infinity}', ["body", "variants"]),
    ("-Infinity", b'{"a": [1, {"b": -Infinity}]}', ["body", "a", 1, "b"]),
    ("1e400", b'{"holdout": 1e400}', ["body", "holdout"]),
    ("escaped surrogate", b'{"user_id": "\\ud800"}', ["body", "user_id"]),
    (
        "surrogate in a list",
        b'{"messages": [{"role": "user", "content": "hi \\udfff"}]}',
        ["body", "messages", 0, "content"],
    ),
    ("surrogate as a key", b'{"\\ud800": 1}', ["body", "\\ud800"]),
    ("raw surrogate bytes", b'{"name": "\xed\xa0\x80"}', ["body", "name"]),
]


LIMIT = 128 * 1024


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def served(tmp_path: Any, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services, service_max_body_bytes=LIMIT) as app:
        app.client = TestClient(app.client.app, raise_server_exceptions=False)  # a 500 must show as a 500
        yield app


@pytest.mark.parametrize(("method", "path"), body_operations())
def test_every_body_route_answers_hostile_json_with_422_naming_the_field(
    served: Served, method: str, path: str
) -> None:
    headers = {**served.auth(served.admin), "Content-Type": "application/json"}
    for label, body, loc in HOSTILE:
        response = served.client.request(method, path, content=body, headers=headers)
        assert response.status_code == 422, (label, response.text)
        (error,) = response.json()["detail"]
        assert error["loc"] == loc, label
        assert ".".join(map(str, loc)) in error["msg"], label
        assert ("finite" in error["msg"]) != ("surrogate" in error["msg"]), label


@pytest.mark.parametrize(("method", "path"), body_operations())
def test_every_body_route_echoes_at_most_an_excerpt_of_a_long_value(served: Served, method: str, path: str) -> None:
    long = "长" * 9000  # 27 kB of UTF-8 in each of four fields: under the test's limit, over every field's
    body = {"messages": [{"role": "user", "content": long}], "user_id": long, "name": long, "events": long}
    response = served.client.request(method, path, json=body, headers=served.auth(served.admin))
    assert response.status_code == 422, response.text
    assert len(response.content) < 4000
    for error in response.json()["detail"]:
        assert len(json.dumps(error.get("input"), ensure_ascii=False)) < 130
    assert "characters)" in response.text  # each long value as an excerpt with its length


def test_a_long_chat_message_is_refused_with_an_excerpt(served: Served) -> None:
    body = {"messages": [{"role": "user", "content": "x" * 9000}]}
    response = served.client.post("/v1/chat/completions", json=body, headers=served.auth())
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["input"].endswith("… (9031 characters)") and len(error["input"]) < 110


def test_a_body_that_is_not_utf8_without_a_content_type_is_refused_not_500(served: Served) -> None:
    response = served.client.post("/v1/promotions", content=b"\xff\xfe\xed\xa0\x80", headers=served.auth())
    assert response.status_code in (400, 422)
    response.json()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        (1.5, 1.5),
        (7, 7),
        (True, True),
        (None, None),
        ("\ud800x", "\\ud800x"),
        ("a" * 81, "a" * 80 + "… (81 characters)"),
        (b"\xff", "\ufffd"),
        ({"k": float("nan")}, '{"k": NaN}'),
        (10**100, "1" + "0" * 79 + "… (101 characters)"),
    ],
)
def test_excerpt_is_short_and_renderable(value: Any, shown: Any) -> None:
    assert excerpt(value) == shown
    json.dumps(excerpt(value), allow_nan=False).encode("utf-8")


def test_unrenderable_stops_at_ten_problems() -> None:
    assert len(unrenderable([float("nan")] * 50)) == 10
    assert unrenderable({"ok": [1, 2.5, "text", None, True]}) == []


def test_a_body_over_the_limit_is_413_from_its_content_length(served: Served) -> None:
    body = json.dumps({"messages": [{"role": "user", "content": "x" * 140_000}]})
    response = served.client.post("/v1/chat/completions", content=body, headers=served.auth())
    assert response.status_code == 413
    assert "131072 bytes" in response.json()["detail"] and "PROMO_SERVICE_MAX_BODY_BYTES" in response.json()["detail"]


def test_a_chunked_body_over_the_limit_is_413_counted_as_it_arrives(served: Served) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": ['
        for _ in range(3000):
            yield b'{"event_id": "e", "run_id": "r", "user_id": "u", "kind": "click"},'
        yield b"{}]}"

    response = served.client.post("/v1/feedback", content=chunks(), headers=served.auth())
    assert response.status_code == 413
    assert "over the limit of 131072 bytes" in response.json()["detail"]


async def _through_limits(chunks: list[bytes]) -> tuple[int, bytes]:
    """Send `chunks` as separate ASGI messages through LimitsMiddleware (default limits) to an app that reads all."""
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/x", "raw_path": b"/x", "query_string": b"", "headers": []}
    scope["app"] = SimpleNamespace(state=SimpleNamespace(service=None))
    await LimitsMiddleware(app)(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.anyio
async def test_a_streamed_body_is_counted_message_by_message() -> None:
    mib = b"x" * (1024 * 1024)
    status, body = await _through_limits([mib, mib, b"y"])  # 2 MiB + 1 byte: over the default
    assert status == 413 and b"over the limit of 2097152 bytes" in body
    status, body = await _through_limits([b"a" * 10, b"b" * 10, b"c"])
    assert (status, body) == (200, b"a" * 10 + b"b" * 10 + b"c")  # every message replayed in order


def test_a_chunked_body_under_the_limit_reaches_the_route_whole(served: Served) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": [{"event_id": "e-chunked", "run_id": "r", '
        yield b'"user_id": "u-zh-1", "kind": "click", "ts": "2026-11-05T10:00:00+08:00"}]}'

    headers = {**served.auth(), "Content-Type": "application/json"}
    response = served.client.post("/v1/feedback", content=chunks(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1


def test_a_huge_authorization_header_is_431_and_never_read_as_a_key(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(served.runtime.keys, "verify", lambda key: checked.append(key))
    response = served.client.get("/v1/models", headers={"Authorization": "Bearer " + "k" * 1_000_000})
    assert response.status_code == 431
    assert "'authorization'" in response.json()["detail"] and "8192 bytes per header" in response.json()["detail"]
    assert checked == []


def test_many_headers_together_over_the_limit_are_431(served: Served) -> None:
    headers = {f"x-pad-{i}": "v" * 4000 for i in range(10)}
    response = served.client.get("/healthz", headers=headers)
    assert response.status_code == 431 and "the headers hold" in response.json()["detail"]


def test_a_url_over_the_limit_is_414(served: Served) -> None:
    response = served.client.get("/v1/campaign-runs/" + "r" * 9000, headers=served.auth())
    assert response.status_code == 414


def test_a_long_key_is_refused_before_any_lookup(served: Served) -> None:
    assert served.runtime.keys.verify("promo_" + "a" * 5000) is None


def test_options_lists_every_method_of_the_path(served: Served) -> None:
    for path, allowed in [
        ("/v1/keys", "GET, OPTIONS, POST"),
        ("/v1/keys/bob", "DELETE, OPTIONS"),
        ("/v1/promotions", "OPTIONS, POST"),
        ("/healthz", "GET, OPTIONS"),
        ("/static/app.js", "GET, HEAD, OPTIONS"),
    ]:
        response = served.client.options(path)
        assert response.status_code == 204, path
        assert response.headers["Allow"] == allowed, path
    assert served.client.options("/no/such/path").status_code == 404
    assert served.client.get("/no/such/path").status_code == 404


def test_openapi_documents_the_errors_each_operation_can_answer(served: Served) -> None:
    schema = served.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if operation.get("security"):
                assert {"401", "403", "503"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= codes, (method, path)
            if path.startswith("/v1/"):
                assert "422" in codes, (method, path)  # unknown query parameters
    assert {"429", "503"} <= set(schema["paths"]["/v1/chat/completions"]["post"]["responses"])
    assert "lone surrogate" in schema["paths"]["/v1/promotions"]["post"]["responses"]["422"]["description"]
    assert schema["components"]["schemas"]["Problem"]["required"] == ["detail"]


def test_an_unknown_query_parameter_is_422_naming_it_and_what_the_operation_takes(served: Served) -> None:
    response = served.client.get("/v1/audit?limt=5", headers=served.auth(served.admin))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "limt"] and "this operation takes limit" in error["msg"]
    assert served.client.get("/v1/audit?limit=5", headers=served.auth(served.admin)).status_code == 200
    none = served.client.get("/v1/models?x=1&y=2", headers=served.auth()).json()["detail"]
    assert [e["loc"] for e in none] == [["query", "x"], ["query", "y"]] and "no query parameters" in none[0]["msg"]


def test_the_page_ignores_query_parameters_a_link_adds(served: Served) -> None:
    assert served.client.get("/?utm_source=newsletter").status_code == 200


@pytest.mark.parametrize("user_id", ["\r", " ", " u1", "u1\n", "a\nb"])
def test_a_blank_or_multiline_user_id_is_422_never_a_server_error(served: Served, user_id: str) -> None:
    response = served.client.delete(f"/v1/users/{quote(user_id)}", headers=served.auth(served.admin))
    assert response.status_code == 422, response.text
    response = served.client.post("/v1/promotions", json={"user_id": user_id, "campaign": {}}, headers=served.auth())
    assert response.status_code == 422 and ["body", "user_id"] in [e["loc"] for e in response.json()["detail"]]
