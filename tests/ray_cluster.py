"""A real two-node Ray cluster on this machine for tests: a head and a worker node, each with its own temp dir.

`ray start --head` and `ray start --address` run as they would on two machines: the nodes share nothing but
the head's address and an auth token (Ray turns token authentication on; the token lives in the test's folder,
not in ~/.ray). Drivers are separate processes given `env` (the token), as `promo campaign run` is: Ray reads
the token once per process, so the test process itself never joins. The worker node runs in its own process
group, so a test can kill it as a machine that is lost: the raylet, its log monitor and every actor worker on
it, at once (SIGKILL).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.llm.supervisor import free_loopback_port

NODE_CPUS = 2
"""CPU slots per node: two runs of two actors each fit the cluster at once."""
START_TIMEOUT_S = 90
# The head declares a silent node dead after period x threshold without an answer to its health checks: short
# here, so a test sees a lost node within seconds.
HEALTH_CHECK = {"RAY_health_check_period_ms": "500", "RAY_health_check_failure_threshold": "4"}


class RayCluster:
    """A running head and worker node; `address` is what `ray.init` and `--ray-address` take."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.port = free_loopback_port()
        self.address = f"127.0.0.1:{self.port}"
        self._worker: subprocess.Popen[bytes] | None = None

    def _ray(self, *args: str) -> list[str]:
        """The `ray` command of this environment (the `scale` extra), never another on the PATH."""
        found = shutil.which("ray", path=str(Path(sys.executable).parent))
        if found is None:
            pytest.fail("the `ray` command is not installed next to this Python: install the `scale` extra")
        return [found, *args]

    def node_args(self, name: str) -> list[str]:
        return [
            f"--num-cpus={NODE_CPUS}",
            f'--resources={{"promo_{name}": 1}}',
            f"--temp-dir={self.root / name}",
            "--disable-usage-stats",
            "--object-store-memory=100000000",
            "--node-ip-address=127.0.0.1",
        ]

    def start_head(self) -> None:
        args = self._ray("start", "--head", f"--port={self.port}", "--include-dashboard=false", *self.node_args("head"))
        done = subprocess.run(args, env=self.env, capture_output=True, timeout=START_TIMEOUT_S, check=False)
        if done.returncode != 0:
            pytest.fail(f"ray start --head failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-3000:]}")

    def start_worker(self) -> None:
        """Join a worker node (in its own session) and wait until the cluster counts two nodes."""
        log = (self.root / "worker.log").open("ab")
        args = self._ray("start", f"--address={self.address}", "--block", *self.node_args("worker"))
        self._worker = subprocess.Popen(args, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.wait_for_nodes(2)

    def alive_nodes(self) -> int:
        """Nodes the head counts alive, asked by a short driver of its own (this process never joins Ray)."""
        probe = "import ray; ray.init(address=%r, log_to_driver=False); print(sum(n['Alive'] for n in ray.nodes()))"
        done = subprocess.run(
            [sys.executable, "-c", probe % self.address],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"cannot ask the Ray cluster for its nodes:\n{done.stderr[-3000:]}")
        return int(done.stdout.strip().splitlines()[-1])

    def wait_for_nodes(self, count: int) -> None:
        """Block until `count` nodes are alive."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.alive_nodes() != count:
            if time.monotonic() > deadline:
                pytest.fail(f"the Ray cluster did not reach {count} alive nodes in {START_TIMEOUT_S} s")
            time.sleep(0.5)

    def kill_worker_node(self) -> None:
        """Lose the worker node as a machine is lost: SIGKILL to its raylet and every process it started."""
        assert self._worker is not None, "no worker node is running"
        victims = _descendants(self._worker.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._worker.pid, signal.SIGKILL)
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._worker.wait(timeout=30)
        self._worker = None

    def stop(self) -> None:
        """Stop both nodes (and anything else `ray start` left on this machine)."""
        if self._worker is not None:
            self.kill_worker_node()
        subprocess.run(self._ray("stop", "--force"), env=self.env, capture_output=True, timeout=60, check=False)


def _descendants(root: int) -> list[int]:
    """Every process below `root` (from /proc), children first found first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


@contextlib.contextmanager
def running_cluster(root: Path) -> Iterator[RayCluster]:
    """A head and one worker node, stopped (with `ray stop`) at the end."""
    root.mkdir(parents=True, exist_ok=True)
    token = root / "auth_token"
    token.write_text(secrets.token_hex(32))
    token.chmod(0o600)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    env.update(HEALTH_CHECK)
    cluster = RayCluster(root, env)
    try:
        cluster.start_head()
        cluster.start_worker()
        yield cluster
    finally:
        cluster.stop()
