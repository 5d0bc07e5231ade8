"""Bodies of the operations routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """Whether the service can do its work: the LLM server reachable and every store open."""

    status: Literal["ok", "unavailable"]
    llm: str = Field(description="'ok', or why the LLM server cannot take work.")
    stores: dict[str, str] = Field(description="Store → 'ok' or the error that reading it raised.")
