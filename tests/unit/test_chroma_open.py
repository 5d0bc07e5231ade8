"""Chroma folders opened by several processes at once, as two campaign runs started together open the pool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
PROCESSES = 3
# Each process imports (seconds), says it is ready, and waits for the others before it opens the folder.
OPEN = """
import sys, time
from pathlib import Path
from tools.stores.exemplars import ExemplarStore
folder, ready, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
(ready / sys.argv[4]).touch()
while len(list(ready.iterdir())) < count:
    time.sleep(0.001)
with ExemplarStore(folder) as pool:
    print(pool.count())
"""


def test_processes_creating_one_new_folder_at_once_all_open_it(tmp_path: Path) -> None:
    folder, ready = tmp_path / "exemplars", tmp_path / "ready"
    ready.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, str(folder), str(ready), str(PROCESSES), str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, [err[-2000:] for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["0"] * PROCESSES
