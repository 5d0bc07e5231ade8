"""Fixtures of the real-model suites: the demo shop and the embedded 0.5B over real stores, once per module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from shopdata.demo_shop import DemoShop, build_demo_shop
from tests.integration.real_model import demo_services
from tools.services import Services


@pytest.fixture(scope="module")
def shop() -> DemoShop:
    """14 users (seed 11): one high-value zh user viewed thermos lately; the clock is the real one, at import."""
    return build_demo_shop(seed=11, n_users=14, now=datetime.now(UTC))


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, shop: DemoShop) -> Iterator[Services]:
    """The embedded 0.5B and real stores filled with `shop`, closed after the module."""
    with demo_services(tmp_path_factory.mktemp("promo-home"), shop) as bundle:
        yield bundle
