"""Ingest a feedback file: log the events, and turn unsubscribes into revoked consent."""

from __future__ import annotations

from pathlib import Path

from campaign.feedback import FeedbackEvent, FeedbackLog, IngestReport, read_feedback_file
from tools.stores.shop_db import ShopDB


def revoke_consent(shop: ShopDB, unsubscribes: list[FeedbackEvent]) -> int:
    """Set consent to False for each unsubscribed channel (all channels when none is given)."""
    revoked = 0
    for event in unsubscribes:
        try:
            user = shop.get_user(event.user_id)
        except KeyError:
            continue  # a user erased since the send: nothing left to revoke
        channels = [event.channel] if event.channel else list(user.consent)
        consent = {**user.consent, **dict.fromkeys(channels, False)}
        if consent != user.consent:
            shop.upsert_users([user.model_copy(update={"consent": consent})])
            revoked += 1
    return revoked


def ingest_feedback(path: Path, log: FeedbackLog, shop: ShopDB) -> IngestReport:
    """Parse, log (idempotent by event id) and apply unsubscribes; bad rows come back in the report."""
    events, bad = read_feedback_file(path)
    added, duplicates = log.add(events)
    revoke_consent(shop, [e for e in events if e.kind == "unsubscribe"])
    return IngestReport(added=added, duplicates=duplicates, bad_rows=bad)
