"""PROMO_SERVICE_* settings: read from the environment as typed values, refused when out of range."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.admission import Admission
from service.metrics import ServiceMetrics
from tools.settings import Settings


def test_service_settings_come_from_the_environment_as_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMO_SERVICE_MAX_JOBS", "8")
    monkeypatch.setenv("PROMO_SERVICE_QUEUE", "0")
    monkeypatch.setenv("PROMO_SERVICE_RETRY_AFTER_S", "12")
    settings = Settings(_env_file=None)
    assert (settings.service_max_jobs, settings.service_queue, settings.service_retry_after_s) == (8, 0, 12)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("service_max_jobs", 0, "greater than or equal to 1"),
        ("service_queue", -1, "greater than or equal to 0"),
        ("service_queue_timeout_s", 0, "greater than 0"),
        ("service_retry_after_s", 0, "greater than or equal to 1"),
        ("service_max_campaign_runs", 17, "less than or equal to 16"),
        ("service_health_timeout_s", 0, "greater than 0"),
        ("service_max_body_bytes", 100, "greater than or equal to 1024"),
        ("service_max_header_bytes", 10**7, "less than or equal to 1048576"),
    ],
)
def test_out_of_range_service_settings_are_refused(field: str, value: float, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, **{field: value})


def test_admission_refuses_impossible_bounds() -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        Admission("jobs", 0, 1, 1.0, 5, ServiceMetrics())
