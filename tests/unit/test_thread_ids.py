"""One thread-id format, pseudonymous: the raw user id never appears, and both kinds parse back."""

from __future__ import annotations

import pytest

from tools.pseudonym import user_ref
from tools.thread_ids import ThreadId, parse_thread_id, request_thread_id, run_thread_id


def test_a_run_thread_is_stable_and_names_the_user_by_pseudonym() -> None:
    thread = run_thread_id("double11:2026", "u-zh-1")
    assert thread == run_thread_id("double11:2026", "u-zh-1") and "u-zh-1" not in thread
    assert parse_thread_id(thread) == ThreadId("run", "double11:2026", user_ref("u-zh-1"))


def test_request_threads_are_fresh_and_parse_back() -> None:
    first, second = request_thread_id("c:1", "u-zh-1"), request_thread_id("c:1", "u-zh-1")
    assert first != second and "u-zh-1" not in first
    parsed = parse_thread_id(first)
    assert parsed is not None and (parsed.kind, parsed.scope, parsed.user_ref) == ("req", "c:1", user_ref("u-zh-1"))
    assert str(parsed) == first


@pytest.mark.parametrize("text", ["run-1:u-zh-1", "c1:u_0123456789ab:ffff", "run:", "req:c:u_1", "", "run:r:x"])
def test_other_strings_are_not_thread_ids_of_this_format(text: str) -> None:
    assert parse_thread_id(text) is None
