"""/v1/campaign-runs: start in the background, follow progress, read the plan; resume and conflicts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.copy import CopyBatch
from service import campaign_jobs
from tests.fakes import ScriptedChatModel
from tests.service_support import Served, served_app
from tests.unit.conftest import GOOD_ZH, bad_batch, make_campaign
from tools.services import Services
from tools.thread_ids import run_thread_id


@pytest.fixture
def served(tmp_path: Path, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services) as app:
        yield app


def wait_finished(served: Served, run_id: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = served.client.get(f"/v1/campaign-runs/{run_id}", headers=served.auth()).json()
        if status["state"] in ("finished", "failed"):
            return dict(status)
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish in {timeout_s} s")


def run_body(run_id: str = "r1", **campaign: Any) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "campaign": make_campaign(**campaign).model_dump(mode="json"),
        "user_ids": ["u-zh-1", "u-en-1", "u-none", "u-zh-1"],
        "holdout": 0.0,
        "concurrency": 2,
    }


def test_run_lifecycle_start_progress_plan(served: Served) -> None:
    started = served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth())
    assert started.status_code == 202, started.text
    assert started.headers["Location"] == "/v1/campaign-runs/r1"
    assert started.json()["state"] in ("selecting", "writing", "finished")
    status = wait_finished(served, "r1")
    assert status["state"] == "finished", status
    assert status["pending"] == 0 and status["failed"] == 0 and status["total"] == status["done"] >= 1
    plan = served.client.get("/v1/campaign-runs/r1/plan", headers=served.auth()).json()
    assert plan["complete"] and plan["rows"]
    row = plan["rows"][0]
    assert row["user_id"] == "u-zh-1" and "满300减50" in row["text"] and row["explanation"]
    assert "u-none" not in {r["user_id"] for r in plan["rows"]}, "no consent, no send"


def test_posting_a_finished_run_again_resumes_it_without_new_work(served: Served) -> None:
    served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth())
    first = wait_finished(served, "r1")
    again = served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth())
    assert again.status_code == 202
    assert wait_finished(served, "r1") == first


def test_same_run_id_with_another_campaign_is_409(served: Served) -> None:
    served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth())
    wait_finished(served, "r1")
    other = served.client.post("/v1/campaign-runs", json=run_body(name="另一个活动"), headers=served.auth())
    assert other.status_code == 409 and "another campaign" in other.json()["detail"]


def test_unknown_run_is_404(served: Served) -> None:
    assert served.client.get("/v1/campaign-runs/nope", headers=served.auth()).status_code == 404
    assert served.client.get("/v1/campaign-runs/nope/plan", headers=served.auth()).status_code == 404


def test_bad_run_ids_are_422(served: Served) -> None:
    response = served.client.post("/v1/campaign-runs", json=run_body("../etc"), headers=served.auth())
    assert response.status_code == 422


def test_past_the_run_limit_is_429_and_a_busy_run_id_is_409(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    monkeypatch.setattr(campaign_jobs, "process_run", lambda *args, **kwargs: release.wait(30))
    try:
        assert served.client.post("/v1/campaign-runs", json=run_body("a"), headers=served.auth()).status_code == 202
        busy = served.client.post("/v1/campaign-runs", json=run_body("a"), headers=served.auth())
        full = served.client.post("/v1/campaign-runs", json=run_body("b"), headers=served.auth())
    finally:
        release.set()
    assert busy.status_code == 409 and "already being processed" in busy.json()["detail"]
    assert full.status_code == 429 and full.headers["Retry-After"] == "5"
    assert wait_finished(served, "a")["state"] == "finished"


def test_a_run_that_fails_says_why(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("LLM server went away")

    monkeypatch.setattr(campaign_jobs, "process_run", broken)
    served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth())
    status = wait_finished(served, "r1")
    assert status["state"] == "failed" and status["error"] == "RuntimeError: LLM server went away"


def test_a_run_user_waiting_for_approval_is_committed_once_answered(served: Served) -> None:
    writer = served.runtime.services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    writer.script(CopyBatch, *[bad_batch()] * 3)
    body = {**run_body(on_exhausted="human"), "user_ids": ["u-zh-1"]}
    served.client.post("/v1/campaign-runs", json=body, headers=served.auth())
    paused = wait_finished(served, "r1")
    assert (paused["done"], paused["failed"]) == (0, 1)
    thread = run_thread_id("r1", "u-zh-1")
    assert "u-zh-1" not in thread, "the run's thread names its user by pseudonym"
    shown = served.client.get(f"/v1/approvals/{thread}", headers=served.auth())
    assert shown.status_code == 200 and shown.json()["request"]["drafts"]
    reply = {"action": "edit", "reviewer": "legal@shop", "edited": GOOD_ZH.model_dump()}
    answered = served.client.post(f"/v1/approvals/{thread}", json=reply, headers=served.auth())
    assert answered.status_code == 200, answered.text
    after = served.client.get("/v1/campaign-runs/r1", headers=served.auth()).json()
    assert (after["done"], after["failed"], after["state"]) == (1, 0, "finished")
    plan = served.client.get("/v1/campaign-runs/r1/plan", headers=served.auth()).json()
    assert [row["source"] for row in plan["rows"]] == ["human"]


def test_the_effect_is_measured_against_the_holdout_once_feedback_arrives(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert served.client.post("/v1/campaign-runs", json=run_body(), headers=served.auth()).status_code == 202
    wait_finished(served, "r1")
    too_early = served.client.get("/v1/campaign-runs/r1/effect?outcome=click", headers=served.auth())
    assert too_early.status_code == 409 and "holdout" in too_early.json()["detail"]  # no holdout in this run
    arms = {"t1": "treated", "t2": "treated", "t3": "treated", "h1": "holdout", "h2": "holdout"}
    monkeypatch.setattr(served.runtime.runs, "arms", lambda run_id: arms)
    clicks = [
        {"event_id": f"c-{uid}", "run_id": "r1", "user_id": uid, "kind": "click", "ts": "2026-11-06T10:00:00Z"}
        for uid in ("t1", "t2", "h1")
    ]
    assert served.client.post("/v1/feedback", json={"events": clicks}, headers=served.auth()).status_code == 200
    effect = served.client.get("/v1/campaign-runs/r1/effect?outcome=click", headers=served.auth())
    assert effect.status_code == 200, effect.text
    body = effect.json()
    assert (body["treated_mean"], body["holdout_mean"]) == (pytest.approx(2 / 3), 0.5)
    assert body["lift"] == pytest.approx(2 / 3 - 0.5) and body["ci_low"] < body["lift"] < body["ci_high"]
    assert (body["n_treated"], body["n_holdout"], body["feedback_users"], body["significant"]) == (3, 2, 3, False)
    assert served.client.get("/v1/campaign-runs/nope/effect", headers=served.auth()).status_code == 404
    assert served.client.get("/v1/campaign-runs/r1/effect?outcome=bliss", headers=served.auth()).status_code == 422
