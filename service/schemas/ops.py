"""Bodies of the operations routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Liveness(BaseModel):
    """The process answers; nothing more (GET /healthz, no key)."""

    status: Literal["ok"] = "ok"


class Health(BaseModel):
    """Whether the service can do its work: the LLM server reachable and every store open (GET /readyz)."""

    status: Literal["ok", "unavailable"]
    llm: str = Field(description="'ok', or why the LLM server cannot take work.")
    llm_url: str | None = Field(default=None, description="The LLM server's base URL; shown to admins only.")
    stores: dict[str, str] = Field(description="Store → 'ok' or the error that reading it raised.")
