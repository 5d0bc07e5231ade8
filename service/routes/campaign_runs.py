"""/v1/campaign-runs: start or resume a run in the background, follow its progress, read its plan."""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter, HTTPException, Response, status

from campaign.effect import estimate_effect
from campaign.plan import plan_row
from service.campaign_jobs import RunAlreadyActive, RunLimitReached
from service.deps import Marketer, StateDep
from service.openapi import BUSY, Responses
from service.schemas.runs import EffectOutcome, RunEffect, RunPlan, RunRequest, RunState, RunStatus
from service.state import ServiceState

router = APIRouter(prefix="/v1/campaign-runs", tags=["campaign runs"])

UNKNOWN: Responses = {404: {"description": "No such run."}}


def _status(state: ServiceState, run_id: str) -> RunStatus:
    job = state.campaign_runs.get(run_id)
    if job is None and state.runtime.runs.get(run_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no campaign run {run_id!r}")
    counts = state.runtime.runs.progress(run_id)  # zeros while the audience is being selected
    if job is not None:
        run_state: RunState = job.state
    else:  # created by the CLI or an earlier process
        run_state = "finished" if counts.pending == 0 else "stopped"
    return RunStatus(
        run_id=run_id,
        state=run_state,
        total=counts.total,
        done=counts.done,
        failed=counts.failed,
        holdout=counts.holdout,
        pending=counts.pending,
        error=job.error if job else None,
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses={409: {"description": "Running already, or the run id has another campaign."}, **BUSY},
)
async def start_campaign_run(body: RunRequest, state: StateDep, response: Response, _who: Marketer) -> RunStatus:
    """Select the audience under the budget, then write and review copy for it, in the background."""
    existing = await anyio.to_thread.run_sync(state.runtime.runs.get, body.run_id)
    if existing is not None and existing.campaign != body.campaign:
        raise HTTPException(status.HTTP_409_CONFLICT, f"run {body.run_id!r} exists with another campaign; use a new id")
    await state.require_llm()
    if body.user_ids is None:
        candidates = await anyio.to_thread.run_sync(state.runtime.services.shop.list_user_ids)
    else:
        candidates = list(dict.fromkeys(body.user_ids))  # duplicates must not become duplicate sends
    concurrency = body.concurrency or state.runtime.settings.embedded_parallel
    try:
        state.campaign_runs.start(body.run_id, body.campaign, candidates, body.holdout, concurrency)
    except RunAlreadyActive as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except RunLimitReached as error:
        state.metrics.rejected.labels("campaign_runs", "full").inc()
        retry = str(state.runtime.settings.service_retry_after_s)
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(error), {"Retry-After": retry}) from error
    response.headers["Location"] = f"/v1/campaign-runs/{body.run_id}"
    return await anyio.to_thread.run_sync(_status, state, body.run_id)


@router.get("/{run_id}", responses=UNKNOWN)
async def get_campaign_run(run_id: str, state: StateDep, _who: Marketer) -> RunStatus:
    """A run's progress: users done, failed, held out and pending."""
    return await anyio.to_thread.run_sync(_status, state, run_id)


def _plan(state: ServiceState, run_id: str) -> RunPlan:
    progress = _status(state, run_id)
    results = state.runtime.runs.results(run_id)
    rows = [row for uid, result in results if (row := plan_row(uid, result)) is not None]
    return RunPlan(run_id=run_id, complete=progress.state == "finished", rows=rows)


@router.get("/{run_id}/plan", responses=UNKNOWN)
async def get_campaign_plan(run_id: str, state: StateDep, _who: Marketer) -> RunPlan:
    """The delivery plan: who gets which message, on which channel, when, and why."""
    return await anyio.to_thread.run_sync(partial(_plan, state, run_id))


def _effect(state: ServiceState, run_id: str, outcome: EffectOutcome) -> RunEffect:
    _status(state, run_id)  # 404 for an unknown run
    outcomes = state.runtime.feedback.outcomes(run_id, outcome)
    try:
        measured = estimate_effect(state.runtime.runs.arms(run_id), outcomes)
    except ValueError as error:  # too few treated or held-out users yet: nothing to compare
        raise HTTPException(status.HTTP_409_CONFLICT, f"no effect to measure yet: {error}") from error
    return RunEffect(
        run_id=run_id,
        outcome=outcome,
        **{name: getattr(measured, name) for name in _EFFECT_FIELDS},
        feedback_users=len(outcomes),
        significant=measured.significant,
    )


_EFFECT_FIELDS = ("treated_mean", "holdout_mean", "lift", "ci_low", "ci_high", "n_treated", "n_holdout")


@router.get("/{run_id}/effect", responses={**UNKNOWN, 409: {"description": "Too few treated or held-out users yet."}})
async def get_campaign_effect(
    run_id: str, state: StateDep, _who: Marketer, outcome: EffectOutcome = "conversion"
) -> RunEffect:
    """The run's measured effect so far: treated against holdout on one outcome, with its 95 % interval."""
    return await anyio.to_thread.run_sync(partial(_effect, state, run_id, outcome))
