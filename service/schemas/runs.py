"""Bodies of /v1/campaign-runs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.offer import Campaign
from domain.people import UserId
from service.schemas.examples import CAMPAIGN
from tools.profile.untrusted_fields import check_campaign

RunState = Literal["selecting", "writing", "finished", "failed", "stopped"]


class RunRequest(BaseModel):
    """Start a campaign run, or resume one with the same run id and campaign."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"run_id": "d11-w48", "campaign": CAMPAIGN, "holdout": 0.1}]},
    )

    run_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="Names the run.")
    campaign: Campaign
    user_ids: list[UserId] | None = Field(
        default=None, max_length=100_000, description="Candidates; unset takes every shop user."
    )
    holdout: float = Field(default=0.1, ge=0.0, le=0.5, description="Share of the audience held out.")
    concurrency: int | None = Field(default=None, ge=1, le=64, description="Users in flight; unset: LLM slots.")

    _no_instructions = field_validator("campaign")(check_campaign)
    """A campaign field that reads as an instruction to the model is a 422 naming the field."""


class RunStatus(BaseModel):
    """A run's progress. `stopped`: known to the run store but not being processed; POST it again to resume."""

    run_id: str
    state: RunState
    total: int = 0
    done: int = 0
    failed: int = 0
    holdout: int = 0
    pending: int = 0
    error: str | None = None


class RunPlan(BaseModel):
    """The delivery plan so far: one row per planned message, in audience order."""

    run_id: str
    complete: bool = Field(description="False while users are still pending.")
    rows: list[dict[str, Any]] = Field(description="Columns as in the CLI's plan CSV (campaign/plan.py).")


EffectOutcome = Literal["conversion", "click", "impression"]


class RunEffect(BaseModel):
    """A run's measured effect on one outcome: treated users against the randomized holdout."""

    run_id: str
    outcome: EffectOutcome
    treated_mean: float = Field(description="Mean outcome per treated user (conversion: value; else a share).")
    holdout_mean: float = Field(description="The same for the holdout, who got no message.")
    lift: float = Field(description="treated_mean - holdout_mean.")
    ci_low: float = Field(description="Lower end of the 95 % interval of the lift.")
    ci_high: float = Field(description="Upper end of the 95 % interval of the lift.")
    n_treated: int
    n_holdout: int
    feedback_users: int = Field(description="Users of the run with any event of this outcome so far.")
    significant: bool = Field(description="The interval excludes 0.")
