"""Bodies of /v1/feedback."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FeedbackBatch(BaseModel):
    """Feedback events; rows are validated one by one so a bad row never sinks the good ones."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {
                            "event_id": "e-1",
                            "run_id": "d11-w48",
                            "user_id": "u001",
                            "kind": "click",
                            "ts": "2026-11-06T10:00:00+08:00",
                            "channel": "push",
                        },
                        {"event_id": "e-2", "run_id": "d11-w48", "user_id": "u002", "kind": "bought"},
                    ]
                }
            ]
        },
    )

    events: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=10_000,
        description="Rows with event_id, run_id, user_id, kind (impression|click|conversion|unsubscribe), ts, "
        "channel, value. Idempotent by event_id.",
    )


class RefusedRow(BaseModel):
    """A row that was not logged, and why."""

    index: int = Field(description="Position in `events`, from 0.")
    reason: str


class FeedbackReport(BaseModel):
    """What the batch did."""

    added: int
    duplicates: int = Field(description="Events already logged under the same event_id.")
    refused: list[RefusedRow]
    consent_revoked: int = Field(description="Users whose consent an unsubscribe revoked.")
