"""Bodies of the admin routes: keys, erasure, audit."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.keys import NAME_PATTERN, NAME_RULE, Role


class NewKey(BaseModel):
    """Create an API key."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "alice", "role": "marketer"}]})

    name: str = Field(
        description=f"Who or what uses the key; shown in the audit log. {NAME_RULE[0].upper()}{NAME_RULE[1:]}.",
        json_schema_extra={"pattern": NAME_PATTERN, "minLength": 1, "maxLength": 64},
    )
    role: Role

    @field_validator("name")
    @classmethod
    def _safe_name(cls, name: str) -> str:
        if not re.fullmatch(NAME_PATTERN, name):
            raise ValueError(NAME_RULE)
        return name


class CreatedKey(BaseModel):
    """The new key, shown this once: only its hash is stored."""

    name: str
    role: Role
    key: str


class KeyView(BaseModel):
    """A key as listed, without its secret."""

    name: str
    role: Role
    created_at: str
    revoked_at: str | None


class Erasure(BaseModel):
    """What erasing a user removed from each store (zeros when it held nothing)."""

    user_ref: str = Field(description="The erased user's pseudonym.")
    removed: dict[str, int] = Field(description="Store → rows, events or threads removed.")


class AuditView(BaseModel):
    """One audit entry."""

    ts: str
    key_name: str
    role: str
    method: str
    route: str
    status: int
    latency_ms: float
