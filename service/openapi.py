"""Error responses documented on several routes, typed the way FastAPI's `responses=` takes them."""

from __future__ import annotations

from typing import Any

Responses = dict[int | str, dict[str, Any]]

BUSY: Responses = {
    429: {"description": "Too busy: every slot and queue place is taken; retry after Retry-After seconds."},
    503: {"description": "The LLM server cannot take work; retry after Retry-After seconds."},
}
