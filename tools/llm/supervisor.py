"""A child process kept alive: started, waited for, and restarted with backoff whenever it exits.

The service runs the embedded model this way (`tools.llm.embedded_process`): a killed or crashed model comes
back on its own, on the same port, while the service answers 503 with Retry-After (its health probe sees
the model gone). The backoff doubles from `first_backoff_s` to `max_backoff_s` and starts over once the
process has stayed up for `stable_s`. The child is asked to die with its parent (Linux), so a killed service
leaves no orphaned model holding memory (`exit_with_parent`, called by the child).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

logger = logging.getLogger("promo.llm")


def exit_with_parent(stop: Callable[[], None], poll_s: float = 1.0) -> None:
    """Called first thing in a supervised child: `stop()` runs once its parent is gone (it is then re-parented).

    Polled, not PR_SET_PDEATHSIG: that signal fires when the parent *thread* that spawned the child exits, and
    the service spawns from a worker thread that ends while the service runs on.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        logger.warning("parent process %d is gone: stopping", parent)
        stop()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class SupervisedProcess:
    """`with SupervisedProcess(command, ready) as child:` keeps `command` running until the block ends."""

    def __init__(
        self,
        command: Sequence[str],
        ready: Callable[[], bool],
        *,
        name: str = "child",
        start_timeout_s: float = 120.0,
        first_backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        stable_s: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> None:
        """`ready()` says whether the process serves (polled after each start); nothing starts until start()."""
        self._command, self._ready, self._name = list(command), ready, name
        self._start_timeout_s, self._first_backoff_s = start_timeout_s, first_backoff_s
        self._max_backoff_s, self._stable_s = max_backoff_s, stable_s
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watchdog: threading.Thread | None = None
        self.restarts = 0
        """How many times the process was started again after it exited."""

    @property
    def pid(self) -> int | None:
        """The running child's process id; None before start and after stop."""
        with self._lock:
            return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the process and wait until it is ready; RuntimeError with its exit status when it is not."""
        self._spawn()
        self._wait_ready()
        self._watchdog = threading.Thread(target=self._watch, name=f"{self._name}-supervisor", daemon=True)
        self._watchdog.start()

    def _spawn(self) -> None:
        # Its own session: a Ctrl-C at the terminal reaches the service, which then stops the child itself.
        process = subprocess.Popen(self._command, env=self._env, stdin=subprocess.DEVNULL, start_new_session=True)
        with self._lock:
            self._process = process

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline and not self._stopping.is_set():
            with self._lock:
                process = self._process
            if process is None or process.poll() is not None:
                code = None if process is None else process.returncode
                raise RuntimeError(f"{self._name} exited with status {code} before it was ready")
            if self._ready():
                return
            time.sleep(0.2)
        if not self._stopping.is_set():
            raise RuntimeError(f"{self._name} was not ready within {self._start_timeout_s:.0f}s")

    def _watch(self) -> None:
        backoff = self._first_backoff_s
        while not self._stopping.is_set():
            with self._lock:
                process = self._process
            if process is None:
                return
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= self._stable_s:
                backoff = self._first_backoff_s  # it ran well for a while: a new failure starts the backoff over
            logger.warning("%s exited with status %s; restarting in %.0f s", self._name, code, backoff)
            if self._stopping.wait(backoff):
                return
            backoff = min(backoff * 2, self._max_backoff_s)
            try:
                self._spawn()
                self.restarts += 1
                self._wait_ready()
                logger.warning("%s is back (restart %d)", self._name, self.restarts)
            except (OSError, RuntimeError) as error:  # the next loop waits on the dead process and backs off
                logger.error("%s did not come back: %s", self._name, error)

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop supervising, then SIGTERM the process, and SIGKILL it after `grace_s`."""
        self._stopping.set()
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.join(grace_s)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def free_loopback_port() -> int:
    """A port nothing listens on now; the child binds it at once (it keeps it over restarts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_pids(parent: int, marker: str) -> list[int]:
    """Process ids of `parent`'s children whose command line holds `marker` (from /proc: Linux; else none).

    For benchmarks and tests that measure or kill the model process a service supervises.
    """
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            parent_of = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if parent_of == parent and marker in command:
            found.append(int(entry.name))
    return found
