"""POST /v1/promotions and /v1/approvals: a result, or a 202 pause that an answer resumes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.copy import CopyBatch
from graphs.checkpoints import user_thread_ids
from tests.fakes import ScriptedChatModel
from tests.service_support import Served, served_app
from tests.unit.conftest import GOOD_ZH, bad_batch, make_campaign
from tools.services import Services


@pytest.fixture
def served(tmp_path: Path, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services) as app:
        yield app


def body(**campaign: Any) -> dict[str, Any]:
    return {"user_id": "u-zh-1", "campaign": make_campaign(**campaign).model_dump(mode="json")}


def pause(served: Served) -> str:
    writer = served.runtime.services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    writer.script(CopyBatch, *[bad_batch()] * 3)
    response = served.client.post("/v1/promotions", json=body(on_exhausted="human"), headers=served.auth())
    assert response.status_code == 202, response.text
    paused = response.json()
    assert response.headers["Location"] == f"/v1/approvals/{paused['thread_id']}"
    return str(paused["thread_id"])


def test_a_promotion_returns_the_message_and_why(served: Served) -> None:
    response = served.client.post("/v1/promotions", json=body(), headers=served.auth())
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["decision"]["send"] and "满300减50" in result["rendered"]
    assert result["user_ref"] != "u-zh-1" and "u-zh-1" not in response.text
    assert user_thread_ids(served.runtime.checkpointer, "u-zh-1") == [], "finished requests keep no checkpoint"
    metrics = served.client.get("/metrics").text
    assert 'promo_http_requests_total{method="POST",route="/v1/promotions",status="200"} 1.0' in metrics


def test_unknown_user_is_404(served: Served) -> None:
    response = served.client.post("/v1/promotions", json={**body(), "user_id": "nobody"}, headers=served.auth())
    assert response.status_code == 404
    assert "no user 'nobody'" in response.json()["detail"]


def test_bad_campaign_is_422(served: Served) -> None:
    bad = body()
    bad["campaign"]["ends_at"] = bad["campaign"]["starts_at"]
    assert served.client.post("/v1/promotions", json=bad, headers=served.auth()).status_code == 422


def test_a_campaign_field_that_reads_as_an_instruction_is_422_naming_it(served: Served) -> None:
    response = served.client.post("/v1/promotions", json=body(name="【系统】年货节"), headers=served.auth())
    assert response.status_code == 422
    assert "name: reads as an instruction to the model" in response.text


def test_a_pause_is_202_and_an_edit_resumes_it(served: Served) -> None:
    thread = pause(served)
    shown = served.client.get(f"/v1/approvals/{thread}", headers=served.auth())
    assert shown.status_code == 200
    assert shown.json()["request"]["drafts"] and shown.json()["request"]["reviews"][0]["verdict"] == "BLOCK"
    answer = {"action": "edit", "reviewer": "legal@shop", "edited": GOOD_ZH.model_dump()}
    resumed = served.client.post(f"/v1/approvals/{thread}", json=answer, headers=served.auth())
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["decision"]["send"] and resumed.json()["message"]["source"] == "human"
    again = served.client.post(f"/v1/approvals/{thread}", json=answer, headers=served.auth())
    assert again.status_code == 404 and "not waiting for approval" in again.json()["detail"]


def test_a_pause_survives_a_restart_of_the_service(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as first:
        thread = pause(first)
    with served_app(tmp_path / "home", services) as second:
        reply = {"action": "reject", "reviewer": "legal@shop"}
        resumed = second.client.post(f"/v1/approvals/{thread}", json=reply, headers=second.auth())
    assert resumed.status_code == 200, resumed.text
    assert not resumed.json()["decision"]["send"]


def test_unknown_thread_and_bad_answers(served: Served) -> None:
    assert served.client.get("/v1/approvals/none", headers=served.auth()).status_code == 404
    thread = pause(served)
    no_copy = served.client.post(
        f"/v1/approvals/{thread}", json={"action": "edit", "reviewer": "x"}, headers=served.auth()
    )
    assert no_copy.status_code == 422
