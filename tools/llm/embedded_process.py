"""`python -m tools.llm.embedded_process`: the embedded llama.cpp server alone in its own process.

The service runs the model here, under `tools.llm.supervisor`, so a crashed or killed model is restarted on its
own while the service keeps answering (503 with Retry-After until the model is back). Serves on the given
loopback port until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from tools.llm.local_server import LocalLLMError, LocalLLMServer
from tools.llm.supervisor import exit_with_parent


def main(argv: list[str] | None = None) -> int:
    """Serve until told to stop; exit 1 with the reason on stderr when the model cannot start."""
    parser = argparse.ArgumentParser(prog="python -m tools.llm.embedded_process")
    parser.add_argument("--model-path", type=Path, required=True)
    parser.add_argument("--name", required=True, help="The model id /v1/models lists.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--ctx-per-slot", type=int, default=2048)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeat-penalty", type=float, default=1.1)
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    exit_with_parent(stop.set)
    server = LocalLLMServer(
        args.model_path,
        args.name,
        n_parallel=args.parallel,
        ctx_per_slot=args.ctx_per_slot,
        threads=args.threads,
        repeat_penalty=args.repeat_penalty,
        port=args.port,
    )
    try:
        server.start()
    except LocalLLMError as error:
        print(f"embedded model: {error}", file=sys.stderr)
        return 1
    print(f"ready {server.base_url}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
