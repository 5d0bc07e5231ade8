"""Erase one user from every store that holds them, leaving none of their bytes on disk.

Stores and what they hold of a user: the shop DB (profile, consent, send log), Chroma (behaviour
history), the feedback log, campaign runs (audience rows and results), graph checkpoints (paused and
interrupted runs). The generation cache keys by prompt, and prompts carry only non-identifying features,
so no entry there belongs to a user; the audit log stores route templates, never user ids.

On disk: SQLite zeroes deleted rows (secure_delete, tools/stores/sqlite.py) and each store's WAL is
truncated after the erase; Chroma's log, freed pages and segment files are scrubbed (tools/stores/chroma.py),
except on a Chroma server (PROMO_CHROMA_URL): there the events are deleted through its API, and the server's
operator scrubs its files on its machine;
on PostgreSQL the stores' tables are rewritten (VACUUM FULL) and the WAL segment that logged the rows is ended
and checkpointed away (tools/stores/postgres.py `scrub`: the server needs `wal_recycle = off`, the role
pg_checkpoint and EXECUTE on pg_switch_wal, else the WAL keeps them until recycled).
"""

from __future__ import annotations

from agents.copywriter import personal_values
from graphs.checkpoints import erase_user_threads
from service.runtime import ServiceRuntime


def erase_user(runtime: ServiceRuntime, user_id: str) -> dict[str, int]:
    """Remove the user everywhere; returns what each store removed. Idempotent: a second call removes 0."""
    shop = runtime.services.shop
    try:
        personal = personal_values(shop.get_user(user_id))
    except KeyError:  # erased before, or never in the shop: their history may still be somewhere
        personal = [user_id]
    removed = {
        "shop": shop.erase_user(user_id),
        "history": runtime.services.history.erase_user(user_id, personal),
        "feedback": runtime.feedback.erase_user(user_id),
        "runs": runtime.runs.erase_user(user_id),
        "checkpoints": erase_user_threads(runtime.checkpointer, user_id),
    }
    for store in (shop, runtime.feedback, runtime.runs):
        store.scrub_erased()
    return removed
