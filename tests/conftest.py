"""Suite-wide option: `--clock-shift-days N` runs every test with the wall clock N days ahead.

CI runs the suite once as it is and once a year ahead (.ci/run): a test, fixture or code path that reads the
wall clock instead of the clock its caller passed then sees another date, and fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, settings

# One throwaway PostgreSQL server per session for every suite (unit tests on both SQL backends, the cluster).
from tests.postgres_cluster import database_url, postgres_cluster  # noqa: F401  (fixtures)

# Property tests: the same examples on every run (derandomized, no example database) so CI is repeatable,
# no per-example deadline (a loaded 2-core runner is slow, not wrong). `--hypothesis-profile explore` searches
# afresh with many more examples, for a local hunt.
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        help="move the wall clock this many days ahead for the whole run (time-machine; 0: the real clock)",
    )


def pytest_configure(config: pytest.Config) -> None:
    days: int = config.getoption("--clock-shift-days")
    if days:
        # Started before collection, so module-level constants see the shifted clock too; it keeps ticking.
        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    days: int = config.getoption("--clock-shift-days")
    return f"wall clock shifted {days} days ahead: {datetime.now(UTC).isoformat()}" if days else None
