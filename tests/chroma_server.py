"""A throwaway Chroma server for tests: `chroma run` on a temp folder and a free loopback port, stopped afterwards."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tools.llm.supervisor import free_loopback_port

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
START_S = 30.0
"""A bound on the server's start, so a broken server fails the test instead of hanging it."""


@dataclass
class ChromaServer:
    """A `chroma run` child serving `root` at `url`."""

    url: str
    port: int
    root: Path
    process: subprocess.Popen[bytes]


def heartbeat(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def chroma_server(root: Path) -> Iterator[ChromaServer]:
    """Start `chroma run --path root/data` on a free loopback port, wait for its heartbeat, stop it afterwards."""
    if CHROMA is None:
        pytest.skip("the `chroma` command (chromadb's server) is not installed next to this Python or on PATH")
    root.mkdir(parents=True, exist_ok=True)
    port = free_loopback_port()
    url = f"http://127.0.0.1:{port}"
    command = [CHROMA, "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)]
    with (root / "server.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_S
        while not heartbeat(url):
            log_text = (root / "server.log").read_text(errors="replace")[-2000:]
            assert process.poll() is None, f"chroma run exited with {process.returncode}:\n{log_text}"
            assert time.monotonic() < deadline, f"chroma run did not answer within {START_S} s:\n{log_text}"
            time.sleep(0.05)
        yield ChromaServer(url, port, root, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
