from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shopdata.taobao import DEFAULT_PATH, read_taobao_events

REAL = Path(__file__).resolve().parents[2] / DEFAULT_PATH


@pytest.mark.skipif(not REAL.is_file(), reason=f"Taobao sample not found at {REAL} (../shared/data)")
def test_real_sample_imports_with_every_refusal_reported() -> None:
    result = read_taobao_events(REAL)
    total = sum(1 for _ in REAL.open(encoding="utf-8"))
    assert len(result.events) + len(result.bad_rows) == total
    assert len(result.events) > 4000
    assert len({e.user_id for e in result.events}) == 43
    assert [b.line for b in result.bad_rows] == [4171]
    assert "window" in result.bad_rows[0].reason
    kinds = Counter(e.kind for e in result.events)
    assert set(kinds) == {"view", "cart", "fav", "purchase"}
    assert kinds["view"] > kinds["purchase"]
    assert len({e.event_id for e in result.events}) == len(result.events)
    assert [e.event_id for e in read_taobao_events(REAL).events] == [e.event_id for e in result.events]
    first = result.events[0]
    assert first.user_id == "tb-1"
    assert first.category is not None
    assert first.category.startswith("tb_cat_")
    assert first.item_title is None
    assert first.price is None


def test_rows_map_to_events(tmp_path: Path) -> None:
    path = tmp_path / "ub.csv"
    path.write_text("1,2268318,2520377,pv,1511544070\n7,42,99,buy,1511600000\n", encoding="utf-8")
    view, buy = read_taobao_events(path).events
    assert (view.user_id, view.item_id, view.category, view.kind) == ("tb-1", "tb-2268318", "tb_cat_2520377", "view")
    assert view.ts == datetime(2017, 11, 24, 17, 21, 10, tzinfo=UTC)
    assert buy.kind == "purchase"


def test_bad_rows_are_reported_with_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "ub.csv"
    rows = [
        "1,2,3,pv,1511544070",
        "1,2,3,pv",
        "1,2,3,like,1511544070",
        "x,2,3,pv,1511544070",
        "",
        "1,2,3,pv,1505117799",
        "1,2,3,pv,²",
        "1,2,3,pv,1511544070",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = read_taobao_events(path)
    reasons = {b.line: b.reason for b in result.bad_rows}
    assert set(reasons) == {2, 3, 4, 6, 7}  # the blank line 5 is no row
    assert "5 fields" in reasons[2]
    assert "like" in reasons[3]
    assert "user_id" in reasons[4]
    assert "window" in reasons[6]
    assert "timestamp" in reasons[7]
    first, repeat = result.events
    assert first.event_id != repeat.event_id
    assert repeat.event_id.startswith(first.event_id)
    assert len(read_taobao_events(path, window=None).events) == 3


def test_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"UserBehavior_sample\.csv"):
        read_taobao_events(tmp_path / "nope.csv")
