"""Property: malformed rows in an imported file (any bytes, wrong columns, bad values) are reported with their
line number, every good row is still read, and nothing raises.

Feedback files (JSONL and CSV) and the Taobao behaviour CSV, generated line by line. A policy table (the
uplift learner's input) is read whole or refused naming its first bad line.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from campaign.feedback import read_feedback_file
from shopdata.taobao import read_taobao_events
from tools.targeting.offline.table import Table, TableError, read_table

GOOD_FEEDBACK = {"event_id": "e1", "run_id": "r1", "user_id": "u1", "kind": "click", "ts": "2026-11-05T06:00:00Z"}
CSV_HEADER = "event_id,run_id,user_id,kind,ts,channel,value"

junk_line = st.one_of(
    st.binary(max_size=60).map(lambda raw: raw.replace(b"\n", b" ").replace(b"\r", b" ")),
    st.text(max_size=60).map(lambda text: text.replace("\n", " ").replace("\r", " ").encode("utf-8", "replace")),
    st.sampled_from([b"{", b"[]", b"null", b'{"kind": "click"}', b"1,2,3", b",,,,,,", b'"unclosed,quote', b"\xff\xfe"]),
)
"""A line that is not a valid row (one might be by chance: the test allows for it)."""


def lines_with_junk(good: bytes, *, csv: bool = False) -> st.SearchStrategy[list[tuple[bool, bytes]]]:
    """(is_good, line) pairs: good rows with junk lines between them. In a CSV file a line with an unclosed
    quote holds the lines after it by the format's rules: reported as one row (test below), not generated."""
    junk = junk_line.filter(lambda line: line.count(b'"') % 2 == 0) if csv else junk_line
    return st.lists(st.one_of(st.just((True, good)), junk.map(lambda line: (False, line))), max_size=12)


def write(lines: list[bytes], header: bytes | None = None) -> Path:
    with tempfile.NamedTemporaryFile(delete=False, suffix=".jsonl" if header is None else ".csv") as handle:
        handle.write(b"\n".join(([header] if header else []) + lines) + b"\n")
    return Path(handle.name)


def checked_lines(rows: list[tuple[bool, bytes]], read: object, first_line: int) -> None:
    """Every good line read, every line that was not read reported by number, nothing else raised."""
    assert callable(read)
    path = write([line for _, line in rows], CSV_HEADER.encode() if first_line == 2 else None)
    try:
        parsed, bad = read(path)  # never raises: a bad line is a bad row
    finally:
        path.unlink()
    reported = {line for line, _ in bad}
    for offset, (good, line) in enumerate(rows):
        number = first_line + offset
        if good:
            assert number not in reported, (number, bad)
        elif line.strip() and number not in reported:  # junk that happens to be a valid row is read
            assert len(parsed) > sum(g for g, _ in rows[:offset]), (number, line)
    assert len(parsed) >= sum(good for good, _ in rows)


@given(rows=lines_with_junk(json.dumps(GOOD_FEEDBACK).encode()))
def test_feedback_jsonl_reports_bad_lines_by_number_and_keeps_the_good(rows: list[tuple[bool, bytes]]) -> None:
    checked_lines(rows, read_feedback_file, first_line=1)


@given(rows=lines_with_junk(b"e1,r1,u1,click,2026-11-05T06:00:00Z,push,0", csv=True))
def test_feedback_csv_reports_bad_lines_by_number_and_keeps_the_good(rows: list[tuple[bool, bytes]]) -> None:
    checked_lines(rows, read_feedback_file, first_line=2)


@given(rows=lines_with_junk(b"1,2,3,pv,1511658000", csv=True))
def test_taobao_csv_reports_bad_lines_by_number_and_keeps_the_good(rows: list[tuple[bool, bytes]]) -> None:
    def read(path: Path) -> tuple[list[object], list[tuple[int, str]]]:
        window = (datetime(2017, 11, 1, tzinfo=UTC), datetime(2017, 12, 31, tzinfo=UTC))
        imported = read_taobao_events(path, window=window)
        return list(imported.events), [(bad.line, bad.reason) for bad in imported.bad_rows]

    checked_lines(rows, read, first_line=1)


def test_an_unclosed_quote_in_a_feedback_csv_is_one_bad_row_naming_the_lines_it_ran_over(tmp_path: Path) -> None:
    path = tmp_path / "feedback.csv"
    good = "e1,r1,u1,click,2026-11-05T06:00:00Z,push,0"
    path.write_text("\n".join([CSV_HEADER, good, '"e2,r1,u2,click', good.replace("e1", "e3"), ""]), encoding="utf-8")
    events, bad = read_feedback_file(path)
    assert [e.event_id for e in events] == ["e1"]
    assert bad == [(3, "a quoted field runs from line 3 to line 4: close it")]


@given(rows=lines_with_junk(b"1,0,1,0.5", csv=True))
def test_a_policy_table_is_read_whole_or_refused_naming_a_bad_line(rows: list[tuple[bool, bytes]]) -> None:
    path = write([line for _, line in rows], b"treated,visit,conversion,spend")
    outcome: Table | TableError
    try:
        outcome = read_table(path)
    except TableError as error:
        outcome = error
    finally:
        path.unlink()
    junk = [2 + n for n, (good, line) in enumerate(rows) if not good and line.strip()]
    if isinstance(outcome, Table):  # junk that happens to be a valid row is a row
        assert outcome.n_rows == sum(1 for _, line in rows if line.strip())
    elif "no data rows" not in str(outcome):
        named = re.search(r"line (\d+)", str(outcome))
        assert named is not None and int(named.group(1)) in junk, (str(outcome), rows)
