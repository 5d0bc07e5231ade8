"""Importer for the Alibaba Taobao UserBehavior CSV: ``user_id,item_id,category_id,behavior_type,timestamp``.

The file has no header; timestamps are unix seconds (UTC). Every row that cannot become an
event is reported with its line number and the reason, never silently dropped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from domain.people import Event, EventKind
from tools.files.csv_rows import csv_rows

DEFAULT_PATH = Path("../shared/data/taobao_user_behavior/UserBehavior_sample.csv")
BEHAVIOURS: dict[str, EventKind] = {"pv": "view", "cart": "cart", "fav": "fav", "buy": "purchase"}
DOCUMENTED_WINDOW = (datetime(2017, 11, 24, 16, tzinfo=UTC), datetime(2017, 12, 3, 16, tzinfo=UTC))
"""The data set covers 2017-11-25 to 2017-12-03, China time; rows outside it are known noise."""


@dataclass(frozen=True)
class BadRow:
    """A row that did not become an event."""

    line: int
    """1-based line number in the file."""
    reason: str
    raw: str


@dataclass(frozen=True)
class TaobaoImport:
    """Events in file order and the rows that were refused."""

    events: list[Event]
    bad_rows: list[BadRow]


def read_taobao_events(
    path: Path, window: tuple[datetime, datetime] | None = DOCUMENTED_WINDOW, id_prefix: str = "tb"
) -> TaobaoImport:
    """Read the CSV into events: users ``tb-<id>``, items ``tb-<id>``, categories ``tb_cat_<id>``.

    Event IDs are ``tb-`` + a hash of the row (plus an occurrence count for repeated rows), so
    importing the same file twice gives the same IDs. Rows outside ``window`` are refused;
    pass ``window=None`` to keep them.
    """
    if not path.is_file():
        raise FileNotFoundError(f"Taobao CSV not found at {path}; pass the path to UserBehavior_sample.csv")
    events: list[Event] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    for record in csv_rows(path):
        raw = ",".join(record.fields).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        try:
            if record.problem:
                raise ValueError(record.problem)
            event = _event(record.fields, window, id_prefix)
        except ValueError as exc:
            bad.append(BadRow(line=record.line, reason=str(exc), raw=raw))
            continue
        seen[event.event_id] = seen.get(event.event_id, 0) + 1
        if seen[event.event_id] > 1:
            event = event.model_copy(update={"event_id": f"{event.event_id}-{seen[event.event_id]}"})
        events.append(event)
    return TaobaoImport(events=events, bad_rows=bad)


def _event(row: list[str], window: tuple[datetime, datetime] | None, prefix: str) -> Event:
    """One row as an event; ValueError says what is wrong with it."""
    if len(row) != 5:
        raise ValueError(f"expected 5 fields, got {len(row)}")
    user, item, category, behaviour, stamp = (field.strip() for field in row)
    for name, value in (("user_id", user), ("item_id", item), ("category_id", category), ("timestamp", stamp)):
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"{name} {value!r} is not a non-negative integer")
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behavior_type {behaviour!r}; expected one of {sorted(BEHAVIOURS)}")
    try:
        ts = datetime.fromtimestamp(int(stamp), tz=UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"timestamp {stamp} is out of range") from exc
    if window is not None and not window[0] <= ts < window[1]:
        raise ValueError(f"timestamp {ts:%Y-%m-%d %H:%M} UTC outside the data set's window")
    digest = hashlib.sha256(f"{user},{item},{category},{behaviour},{stamp}".encode()).hexdigest()[:20]
    return Event(
        event_id=f"{prefix}-{digest}",
        user_id=f"{prefix}-{user}",
        kind=BEHAVIOURS[behaviour],
        ts=ts,
        item_id=f"{prefix}-{item}",
        category=f"tb_cat_{category}",
    )
