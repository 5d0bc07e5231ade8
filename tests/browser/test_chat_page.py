"""The chat page in a real browser: Debian's Chromium, driven by playwright, against uvicorn on loopback.

Fails (never skips) when /usr/bin/chromium is missing: .ci/run installs it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from domain.brief import BriefDraft
from service.app import create_app
from service.assistant import production_assistant
from service.runtime import ServiceRuntime
from tests.fakes import ScriptedChatModel
from tests.service_support import build_runtime, close_runtime
from tests.unit.conftest import ITEMS, NOW, USERS, _events, good_slots
from tools.services import Services
from tools.settings import Settings
from tools.stores.history import HistoryStore
from tools.stores.shop_db import ShopDB

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve(runtime: ServiceRuntime) -> Iterator[tuple[str, str]]:
    """The app on a free loopback port, in a thread; yields (url, a marketer's key)."""
    key = runtime.keys.add("alice", "marketer")
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", key
    server.should_exit = True
    thread.join(20)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The service with the realistic scripted assistant (exact texts to check the page's rendering)."""
    root = tmp_path_factory.mktemp("browser")
    services = Services(
        history=HistoryStore(root / "chroma"),
        shop=ShopDB(root / "shop.sqlite"),
        writer_model=ScriptedChatModel(),
        critic_model=ScriptedChatModel(),
    )
    runtime = build_runtime(root / "home", services)
    yield from serve(runtime)
    close_runtime(runtime)
    services.close()


@pytest.fixture(scope="module")
def real_graph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The service with the production assistant: the real chat graph, stores and rule critic; scripted LLM."""
    root = tmp_path_factory.mktemp("browser-graph")
    shop = ShopDB(root / "shop.sqlite")
    shop.upsert_items(ITEMS)
    shop.upsert_users(USERS)
    history = HistoryStore(root / "chroma")
    history.add_events(_events())
    writer = ScriptedChatModel().script(BriefDraft, default=BriefDraft(offer_kind="none"))
    writer.script("SlotBatch", default=good_slots)  # the service's default copy mode
    services = Services(history=history, shop=shop, writer_model=writer, critic_model=ScriptedChatModel())
    assistant = production_assistant(Settings(_env_file=None, home=root / "home"), services, clock=lambda: NOW)
    runtime = build_runtime(root / "home", services, assistant=assistant)
    yield from serve(runtime)
    close_runtime(runtime)
    services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    outside: list[str] = []
    opened.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    yield opened
    context.close()
    assert outside == [], f"the page fetched from outside: {outside}"


def test_a_brief_streams_status_lines_and_variant_cards(page: Page, base_url: tuple[str, str]) -> None:
    url, key = base_url
    page.goto(url)
    page.fill("#api-key", key)
    page.click("#key-form button")
    expect(page.locator("#key-state")).to_have_text("saved")
    page.fill("#brief", "双十一保温杯满300减50，给最近看过保温杯的老客发push，写两版。")
    page.click("#send")
    expect(page.locator(".line.status").first).to_have_text("Reading the brief…")
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator(".channel")).to_have_text("push")
    expect(cards.nth(0).locator(".text")).to_contain_text("满300减50")
    expect(cards.nth(0)).to_have_class("card chosen")
    expect(cards.nth(0).locator(".variant")).to_have_text("✓ chosen · v1")
    expect(cards.nth(0).locator(".who")).to_contain_text("u_3f2a9c1d0b7e (high value, last active 7d")
    expect(cards.nth(0).locator(".who")).to_contain_text("send at 2026-11-05T14:00:00+08:00")
    expect(cards.nth(0).locator(".why")).to_contain_text("lift 0.031 vs threshold 0.020; 最近浏览保温杯; push 已授权")
    expect(cards.nth(1).locator(".text")).to_have_text("双十一保温杯专场，满300减50，给家人挑一只。 去看看")
    expect(page.locator(".line.answer")).to_have_text("Two variants passed review.")
    expect(page.locator("#send")).to_be_enabled()
    assert page.evaluate("localStorage.getItem('promo-api-key')") == key


def test_a_missing_key_shows_the_401_reason(page: Page, base_url: tuple[str, str]) -> None:
    url, _ = base_url
    page.goto(url)
    page.evaluate("localStorage.clear()")
    page.fill("#brief", "保温杯满300减50")
    page.click("#send")
    expect(page.locator(".line.error")).to_contain_text("401: missing API key")


def test_the_real_chat_graph_answers_a_brief_with_critic_approved_cards(
    page: Page, real_graph_url: tuple[str, str]
) -> None:
    url, key = real_graph_url
    page.set_default_timeout(60_000)
    page.goto(url)
    page.fill("#api-key", key)
    page.click("#key-form button")
    page.fill("#brief", "给最近浏览过保温杯的用户写两条推送，满300减50")
    page.click("#send")
    cards = page.locator(".card")
    expect(cards.first).to_be_visible()
    expect(page.locator(".line.answer")).to_be_visible()
    texts = cards.locator(".text").all_inner_texts()
    # Every card states the briefed offer, in the user's language (满300减50 / ¥50 off orders over ¥300).
    assert texts and all("满300减50" in t or ("¥50" in t and "¥300" in t) for t in texts), texts
    for raw in (u.user_id for u in USERS):
        assert raw not in page.content(), "the page shows users by pseudonym only"


def test_api_docs_render_offline(page: Page, base_url: tuple[str, str]) -> None:
    url, _ = base_url
    page.goto(f"{url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("promo-agents")
    expect(page.locator(".opblock-summary-path", has_text="/v1/chat/completions").first).to_be_visible()
