"""Checkpoint thread ids: one format, pseudonymous (the user appears only as `user_ref`, never the raw id).

- a campaign run's user: ``run:<run_id>:<user_ref>``, stable, so a resumed run finds its checkpoints;
- a single request: ``req:<campaign_id>:<user_ref>:<nonce>``, fresh per request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from tools.pseudonym import user_ref

ThreadKind = Literal["run", "req"]


@dataclass(frozen=True)
class ThreadId:
    """A parsed thread id: what it belongs to (a run or a campaign) and whose it is."""

    kind: ThreadKind
    scope: str
    """The run id (kind "run") or the campaign id (kind "req")."""
    user_ref: str
    nonce: str = ""

    def __str__(self) -> str:
        parts = [self.kind, self.scope, self.user_ref, *([self.nonce] if self.nonce else [])]
        return ":".join(parts)


def run_thread_id(run_id: str, user_id: str) -> str:
    """The thread of one user in a campaign run, the same on every resume."""
    return str(ThreadId("run", run_id, user_ref(user_id)))


def request_thread_id(campaign_id: str, user_id: str) -> str:
    """A fresh thread for one user's single request."""
    return str(ThreadId("req", campaign_id, user_ref(user_id), uuid.uuid4().hex[:12]))


def parse_thread_id(text: str) -> ThreadId | None:
    """The parts of a thread id in this format; None for any other string (ids may hold colons)."""
    kind, _, rest = text.partition(":")
    if kind == "run":
        scope, _, ref = rest.rpartition(":")
        return ThreadId("run", scope, ref) if scope and ref.startswith("u_") else None
    if kind == "req":
        head, _, nonce = rest.rpartition(":")
        scope, _, ref = head.rpartition(":")
        return ThreadId("req", scope, ref, nonce) if scope and ref.startswith("u_") and nonce else None
    return None
