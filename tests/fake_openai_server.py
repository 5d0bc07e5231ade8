"""A tiny scripted OpenAI-compatible server on loopback, standing in for one LLM replica (vLLM, llama.cpp).

It answers structured-output requests (`response_format: json_schema`) for the copywriter and the critic
from a hash of the prompt, so every replica gives the same answer to the same prompt: a run spread over
several replicas must then plan exactly what a local run plans. It counts the requests it served and keeps
their bodies as received, so a test can assert on what went over the wire. `GET /health` answers 200 as vLLM's
and llama.cpp's do; given `total_slots` it also serves llama.cpp's `GET /props`, given `vllm_version` vLLM's
`GET /version` (tools/llm/server_limits.py reads them); every GET path is kept, in order.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

from domain.copy import CopyBatch, CopyVariant
from domain.review import Critique

MODEL = "fake-replica"
STREAM_PIECE = 4
"""Characters per streamed chunk: about a token's worth, so a streamed answer arrives in many pieces."""
Fault = Literal["http500", "drop", "malformed", "truncated"]
"""What a faulty replica does instead of answering: a 500, a dropped connection, text that is not the JSON
asked for, or half of it cut off at the token limit."""
VARIANTS = [
    CopyVariant(title="保温杯好价", body="你关注的保温杯参加双十一，满300减50。", cta="去看看"),
    CopyVariant(title="暖心好物", body="双十一保温杯专场，满300减50，给家人挑一只。", cta="立即选购"),
    CopyVariant(title="冬日暖饮", body="冬天来一杯热水，保温杯满300减50。", cta="去逛逛"),
]


def scripted_answer(schema: str, prompt: str) -> str:
    """The JSON answer for one request: chosen by a hash of the prompt, the same in every process."""
    digest = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
    if schema == "Critique":
        return Critique(fluency=3 + digest % 3, tone=4, personalization=3, comment="ok").model_dump_json()
    if schema == "CopyBatch":
        return CopyBatch(variants=[VARIANTS[digest % 3], VARIANTS[(digest + 1) % 3]]).model_dump_json()
    raise ValueError(f"no script for schema {schema!r}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures, not access logs
        return

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.rstrip("/")
        with self.server.lock:
            self.server.gets.append(path)
        if path == "/v1/models":
            self._reply(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "test"}]})
        elif path == "/health":
            self._reply(200, {})
        elif path == "/props" and self.server.total_slots is not None:
            self._reply(200, {"total_slots": self.server.total_slots, "model_alias": MODEL})
        elif path == "/version" and self.server.vllm_version is not None:
            self._reply(200, {"version": self.server.vllm_version})
        elif path == "/metrics" and self.server.max_num_seqs is not None:  # vLLM's gauges, as its scheduler sets them
            with self.server.lock:
                running = min(self.server.in_flight, self.server.max_num_seqs)
                waiting = self.server.in_flight - running
            lines = [
                f'vllm:num_requests_running{{engine="0"}} {running}',
                f'vllm:num_requests_waiting{{engine="0"}} {waiting}',
            ]
            body = "\n".join([*lines, ""]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self._reply(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._reply(404, {"error": {"message": f"no route {self.path}"}})
            return
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.bodies.append(raw)
        request = json.loads(raw)
        schema = request.get("response_format", {}).get("json_schema", {}).get("name", "")
        prompt = "".join(str(m.get("content", "")) for m in request["messages"])
        with self.server.lock:
            self.server.in_flight += 1
        try:
            time.sleep(self.server.delay_s)
            # No response_format: plain text (the concurrency probe); otherwise the schema's scripted answer.
            content = scripted_answer(schema, prompt) if schema else "one two three"
        finally:
            with self.server.lock:
                self.server.in_flight -= 1
        with self.server.lock:
            self.server.requests += 1
            fault = self.server.fault
        finish = "stop"
        if fault == "http500":
            self._reply(500, {"error": {"message": "internal error", "type": "server_error"}})
            return
        if fault == "drop":  # the server dies mid-request: the connection closes with no answer
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "malformed":
            content = "Sure! Here is the copy: {title: 保温杯"
        if fault == "truncated":  # out of tokens: half a JSON object
            content, finish = content[: len(content) // 2], "length"
        usage = {"prompt_tokens": len(prompt), "completion_tokens": len(content), "total_tokens": 0}
        if request.get("stream"):
            self._stream(content, finish, usage)
            return
        self._reply(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 0,
                "model": MODEL,
                "choices": [
                    {"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}
                ],
                "usage": usage,
            },
        )

    def _stream(self, content: str, finish: str, usage: dict[str, int]) -> None:
        """The answer as a server streams it: chunks of STREAM_PIECE characters, the finish, usage, [DONE]."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        head = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": MODEL}
        deltas = [{"role": "assistant", "content": ""}]
        deltas += [{"content": content[i : i + STREAM_PIECE]} for i in range(0, len(content), STREAM_PIECE)]
        for delta in deltas:
            self._event({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        self._event({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        self._event({**head, "choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a real server's backlog: many clients connect at once (socketserver's default is 5)

    def __init__(
        self,
        delay_s: float,
        port: int = 0,
        total_slots: object = None,
        vllm_version: str | None = None,
        max_num_seqs: int | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.delay_s = delay_s
        self.total_slots = total_slots
        self.vllm_version = vllm_version
        self.max_num_seqs = max_num_seqs
        self.in_flight = 0
        self.lock = threading.Lock()
        self.requests = 0
        self.bodies: list[bytes] = []
        self.gets: list[str] = []
        self.fault: Fault | None = None


class FakeReplica:
    """`with FakeReplica() as replica:` serves on a free loopback port until the block ends.

    total_slots: answer llama.cpp's `/props` with it (any JSON value, to script a bad one); None: no /props.
    vllm_version: answer vLLM's `/version` with it; None: no /version.
    max_num_seqs: serve vLLM's `/metrics` gauges, running at most this many chat completions, the rest waiting.
    """

    def __init__(
        self,
        delay_s: float = 0.0,
        *,
        total_slots: object = None,
        vllm_version: str | None = None,
        max_num_seqs: int | None = None,
    ) -> None:
        self._server = _Server(delay_s, total_slots=total_slots, vllm_version=vllm_version, max_num_seqs=max_num_seqs)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in /v1."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> int:
        """Chat completions served so far."""
        with self._server.lock:
            return self._server.requests

    def set_fault(self, fault: Fault | None) -> None:
        """Start (or, with None, stop) answering every chat completion with the fault."""
        with self._server.lock:
            self._server.fault = fault

    @property
    def gets(self) -> list[str]:
        """Every GET path received, in order."""
        with self._server.lock:
            return list(self._server.gets)

    @property
    def bodies(self) -> list[bytes]:
        """Every chat-completion request body received, byte for byte as it came over the wire."""
        with self._server.lock:
            return list(self._server.bodies)

    def __enter__(self) -> FakeReplica:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """`python -m tests.fake_openai_server --port N`: serve until killed (a child for the supervisor tests)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    server = _Server(0.0, port=parser.parse_args().port)
    server.serve_forever()


if __name__ == "__main__":
    main()
