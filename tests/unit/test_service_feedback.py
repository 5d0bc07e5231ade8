"""POST /v1/feedback: good rows logged once, bad rows reported with index and reason, unsubscribes applied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service_support import Served, served_app
from tools.services import Services

GOOD = [
    {"event_id": "e1", "run_id": "r1", "user_id": "u-zh-1", "kind": "click", "ts": "2026-11-06T10:00:00+08:00"},
    {
        "event_id": "e2",
        "run_id": "r1",
        "user_id": "u-zh-1",
        "kind": "conversion",
        "ts": "2026-11-06T11:00:00+08:00",
        "value": 329.0,
    },
]
BAD = [
    {"event_id": "e3", "run_id": "r1", "user_id": "u-zh-1", "kind": "bought", "ts": "2026-11-06T10:00:00+08:00"},
    {"event_id": "e4", "run_id": "r1", "user_id": "u-zh-1", "kind": "click"},
    {"event_id": "e5", "run_id": "r1", "user_id": "u-zh-1", "kind": "conversion", "ts": "yesterday", "value": -1},
]


@pytest.fixture
def served(tmp_path: Path, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services) as app:
        yield app


def test_good_rows_are_logged_and_bad_rows_reported(served: Served) -> None:
    response = served.client.post("/v1/feedback", json={"events": [GOOD[0], *BAD, GOOD[1]]}, headers=served.auth())
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["added"], report["duplicates"], report["consent_revoked"]) == (2, 0, 0)
    refused = {r["index"]: r["reason"] for r in report["refused"]}
    assert sorted(refused) == [1, 2, 3]
    assert "kind:" in refused[1] and "ts: Field required" in refused[2]
    assert "ts:" in refused[3] and "value:" in refused[3]
    assert served.runtime.feedback.outcomes("r1", "conversion") == {"u-zh-1": 329.0}


def test_feedback_is_idempotent_by_event_id(served: Served) -> None:
    served.client.post("/v1/feedback", json={"events": GOOD}, headers=served.auth())
    again = served.client.post("/v1/feedback", json={"events": GOOD}, headers=served.auth()).json()
    assert (again["added"], again["duplicates"]) == (0, 2)


def test_an_unsubscribe_revokes_that_channel_at_once(served: Served) -> None:
    event = {"event_id": "u1", "run_id": "r1", "user_id": "u-zh-1", "kind": "unsubscribe", "ts": "2026-11-06T10:00:00Z"}
    report = served.client.post(
        "/v1/feedback", json={"events": [{**event, "channel": "sms"}]}, headers=served.auth()
    ).json()
    assert report["consent_revoked"] == 1
    consent = served.runtime.services.shop.get_user("u-zh-1").consent
    assert consent["sms"] is False and consent["push"] is True


def test_an_empty_batch_is_422(served: Served) -> None:
    assert served.client.post("/v1/feedback", json={"events": []}, headers=served.auth()).status_code == 422
