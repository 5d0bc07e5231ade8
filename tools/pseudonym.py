"""Stable, non-reversible pseudonyms for naming a user without the raw ID."""

from __future__ import annotations

import hashlib

PROJECT_SALT = b"promo-agents/user-ref/v1"
"""Fixed salt: the same user_id gives the same reference across runs and machines."""


def user_ref(user_id: str) -> str:
    """``u_`` + the first 12 hex digits of sha256(salt + user_id), e.g. for logs and explanations."""
    if not user_id.strip():
        raise ValueError("user_id is empty: a pseudonym needs the user's ID")
    return "u_" + hashlib.sha256(PROJECT_SALT + b"\x00" + user_id.encode("utf-8")).hexdigest()[:12]
