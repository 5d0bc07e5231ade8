"""deploy/vllm_gpu: serve.sh refuses what is not local weights and prints what it would run; wait_ready.sh waits."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.fake_openai_server import MODEL, FakeReplica
from tools.llm.server_limits import users_in_flight

ROOT = Path(__file__).parents[2]
SERVE = ROOT / "deploy" / "vllm_gpu" / "serve.sh"
WAIT = ROOT / "deploy" / "vllm_gpu" / "wait_ready.sh"


def run(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run([str(script), *args], env=environment, capture_output=True, text=True, timeout=60)


def test_wait_ready_gives_up_on_a_dead_port_with_a_message() -> None:
    done = run(WAIT, "http://127.0.0.1:9/v1", "1")
    assert done.returncode == 1
    assert "http://127.0.0.1:9 not ready after 1 s (last: no answer at http://127.0.0.1:9)" in done.stderr


def test_wait_ready_prints_the_served_models() -> None:
    with FakeReplica() as replica:
        done = run(WAIT, replica.base_url, "10", API_KEY="secret")
        assert replica.gets == ["/health", "/v1/models"]
    assert (done.returncode, done.stdout) == (0, f"{MODEL}\n"), done.stderr


def test_wait_ready_refuses_a_bad_timeout() -> None:
    done = run(WAIT, "http://127.0.0.1:9", "soon")
    assert done.returncode == 2 and "TIMEOUT_S must be whole seconds" in done.stderr


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    folder = tmp_path / "Qwen2.5-7B-Instruct"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"")
    return folder


@pytest.mark.parametrize("model", ["Qwen/Qwen2.5-7B-Instruct", "missing-folder"])
def test_serve_refuses_anything_but_a_local_weights_folder(model: str, tmp_path: Path) -> None:
    done = run(SERVE, model, DRY_RUN="1")
    assert done.returncode == 2
    assert "not a folder holding config.json" in done.stderr and "nothing is downloaded" in done.stderr
    (tmp_path / "no-config").mkdir()
    assert "not a folder holding config.json" in run(SERVE, str(tmp_path / "no-config"), DRY_RUN="1").stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_NUM_SEQS": "0"}, "MAX_NUM_SEQS must be a whole number >= 1"),
        ({"TENSOR_PARALLEL_SIZE": "two"}, "TENSOR_PARALLEL_SIZE must be a whole number >= 1"),
        ({"GPU_MEMORY_UTILIZATION": "1.5"}, "GPU_MEMORY_UTILIZATION must be in (0, 1]"),
        ({"MODEL_DIR": ""}, "usage: deploy/vllm_gpu/serve.sh MODEL_DIR"),
    ],
)
def test_serve_refuses_bad_settings(weights: Path, env: dict[str, str], message: str) -> None:
    args = [] if "MODEL_DIR" in env else [str(weights)]
    done = run(SERVE, *args, DRY_RUN="1", **env)
    assert done.returncode == 2 and message in done.stderr


def test_serve_refuses_weights_without_safetensors(weights: Path) -> None:
    (weights / "model.safetensors").unlink()
    done = run(SERVE, str(weights), DRY_RUN="1")
    assert done.returncode == 2 and "holds no *.safetensors weights" in done.stderr


def test_serve_runs_vllm_with_the_copywriter_profile(weights: Path) -> None:
    done = run(SERVE, str(weights), DRY_RUN="1", API_KEY="secret-key")
    assert done.returncode == 0, done.stderr
    command = shlex.split(done.stdout)
    assert command[:3] == ["vllm", "serve", str(weights)]
    flags: dict[str, str] = {}  # --flag value, or --switch → ""
    for word, after in zip(command[3:], [*command[4:], "--"], strict=True):
        if word.startswith("--"):
            flags[word] = "" if after.startswith("--") else after
    assert flags["--enable-prefix-caching"] == ""
    assert flags["--structured-outputs-config"] == '{"backend": "xgrammar", "disable_any_whitespace": true}'
    expected = {
        "--served-model-name": "promo-writer",
        "--host": "127.0.0.1",
        "--max-num-seqs": "32",
        "--max-model-len": "4096",
        "--tensor-parallel-size": "1",
        "--gpu-memory-utilization": "0.90",
        "--load-format": "safetensors",
    }
    assert {flag: flags.get(flag) for flag in expected} == expected
    assert "secret-key" not in done.stdout, "the key goes to vLLM through its environment, not the command line"


@pytest.mark.parametrize("seqs", [1, 16, 32, 43, 256])
def test_serve_prints_the_concurrency_the_client_rule_gives(weights: Path, seqs: int) -> None:
    done = run(SERVE, str(weights), DRY_RUN="1", MAX_NUM_SEQS=str(seqs))
    said = re.search(r"--concurrency (\d+)", done.stderr)
    assert said is not None, done.stderr
    assert int(said.group(1)) == users_in_flight(seqs)
