"""Erase one user from every store that holds them.

Stores and what they hold of a user: the shop DB (profile, consent, send log), Chroma (behaviour
history), the feedback log, campaign runs (audience rows and results), graph checkpoints (paused and
interrupted runs). The generation cache keys by prompt, and prompts carry only non-identifying features,
so no entry there belongs to a user; the audit log stores route templates, never user ids.
"""

from __future__ import annotations

from graphs.checkpoints import erase_user_threads
from service.runtime import ServiceRuntime


def erase_user(runtime: ServiceRuntime, user_id: str) -> dict[str, int]:
    """Remove the user everywhere; returns what each store removed. Idempotent: a second call removes 0."""
    return {
        "shop": runtime.services.shop.erase_user(user_id),
        "history": runtime.services.history.erase_user(user_id),
        "feedback": runtime.feedback.erase_user(user_id),
        "runs": runtime.runs.erase_user(user_id),
        "checkpoints": erase_user_threads(runtime.checkpointer, user_id),
    }
