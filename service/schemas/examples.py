"""Example values shared by several request bodies' OpenAPI examples."""

from __future__ import annotations

from typing import Any

CAMPAIGN: dict[str, Any] = {
    "campaign_id": "d11-thermos",
    "name": "双十一保温杯专场",
    "offer": {"kind": "threshold", "threshold": 300, "amount_off": 50},
    "eligible_categories": ["thermos"],
    "starts_at": "2026-11-01T00:00:00+08:00",
    "ends_at": "2026-11-11T23:59:00+08:00",
    "channels": ["push", "sms"],
    "locale": "zh",
    "max_sends": 500,
    "brand": {"brand_name": "好物铺"},
}
