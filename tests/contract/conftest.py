"""Fixtures of the contract suite: every test that takes `endpoint` or `services` runs once per server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopdata.demo_shop import DemoShop, build_demo_shop
from tests.contract.servers import MODEL, NOW, SERVERS, Endpoint, endpoint_of
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services, open_services
from tools.settings import Settings


@pytest.fixture(scope="session", params=SERVERS)
def endpoint(request: pytest.FixtureRequest) -> Iterator[Endpoint]:
    with endpoint_of(str(request.param)) as served:
        yield served


@pytest.fixture(scope="session")
def shop() -> DemoShop:
    return build_demo_shop(seed=11, n_users=14, now=NOW)


def filled_services(home_dir: pytest.TempPathFactory, shop: DemoShop, endpoint: Endpoint) -> Services:
    """Real stores under a fresh home, filled with `shop`, with models at `endpoint` (the caller closes them)."""
    home = home_dir.mktemp(f"home-{endpoint.server}")
    settings = Settings(home=home, embedded_model=MODEL, llm_base_url=endpoint.base_url, llm_model=endpoint.model)
    bundle = open_services(settings, LLMEndpoint(base_url=endpoint.base_url, model=endpoint.model))
    bundle.shop.upsert_items(shop.items)
    bundle.shop.upsert_users(shop.users)
    bundle.history.add_events(shop.events)
    return bundle


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory, shop: DemoShop, endpoint: Endpoint) -> Iterator[Services]:
    bundle = filled_services(tmp_path_factory, shop, endpoint)
    try:
        yield bundle
    finally:
        bundle.close()
