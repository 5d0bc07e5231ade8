"""The lock files install what pyproject.toml asks for: every requirement pinned, hashed and satisfied."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {"requirements-test.lock": ("dev", "model-small"), "requirements-demo.lock": ("model-default",)}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock: str) -> dict[str, str]:
    """Package → pinned version, with every pin followed by at least one hash."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match is None:
            continue
        assert "--hash=sha256:" in block, f"{lock}: {match[1]} has no hash; refresh with `make lock`"
        found[str(canonicalize_name(match[1]))] = match[2]
    return found


def required(extras: tuple[str, ...]) -> list[Requirement]:
    """The project's requirements with these extras, its own extras (promo-agents[...]) expanded."""
    name = canonicalize_name(PROJECT["project"]["name"])
    todo = [Requirement(r) for r in PROJECT["project"]["dependencies"]]
    seen: set[str] = set()
    pending = list(extras)
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for spec in PROJECT["project"]["optional-dependencies"][extra]:
            req = Requirement(spec)
            if canonicalize_name(req.name) == name:
                pending.extend(req.extras)
            else:
                todo.append(req)
    todo += [Requirement(r) for r in PROJECT["build-system"]["requires"]]  # the editable install needs it
    return [r for r in todo if r.marker is None or r.marker.evaluate()]


def unmet(locked: dict[str, str], requirements: list[Requirement]) -> list[str]:
    """The requirements that no pin satisfies, each with what is locked."""
    missing = []
    for req in requirements:
        version = locked.get(str(canonicalize_name(req.name)))
        if version is None or not req.specifier.contains(version, prereleases=True):
            missing.append(f"{req} (locked: {version or 'nothing'})")
    return missing


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_the_lock_satisfies_every_requirement(lock: str, extras: tuple[str, ...]) -> None:
    problems = unmet(pins(lock), required(extras))
    assert not problems, f"{lock} does not match pyproject.toml: {problems}; refresh with `make lock`"


def test_both_locks_pin_shared_packages_alike() -> None:
    test, demo = pins("requirements-test.lock"), pins("requirements-demo.lock")
    differing = {name: (test[name], demo[name]) for name in test.keys() & demo.keys() if test[name] != demo[name]}
    assert not differing, f"one venv holds both locks, so shared pins must agree: {differing}"


def test_a_changed_or_new_requirement_is_caught() -> None:
    locked = {"openai": "2.1.0", "langgraph": "1.2.22"}
    assert unmet(locked, [Requirement("openai>=3"), Requirement("LangGraph==1.2.22"), Requirement("ray")]) == [
        "openai>=3 (locked: 2.1.0)",
        "ray (locked: nothing)",
    ]
