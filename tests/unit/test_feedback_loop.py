from __future__ import annotations

import random
from pathlib import Path

import pytest
from pydantic import SecretStr

from campaign.effect import estimate_effect
from campaign.feedback import FeedbackLog
from campaign.ingest import ingest_feedback
from campaign.runner import _unit_hash
from domain.people import User
from tools.stores.database import open_database
from tools.stores.shop_db import ShopDB

CSV = """event_id,run_id,user_id,kind,ts,channel,value
e1,r1,u1,impression,2026-11-05T10:00:00+08:00,push,
e2,r1,u1,click,2026-11-05T10:05:00+08:00,push,
e3,r1,u1,conversion,2026-11-05T11:00:00+08:00,push,320
e4,r1,u2,unsubscribe,2026-11-05T12:00:00+08:00,sms,
e5,r1,u3,teleport,2026-11-05T12:00:00+08:00,push,
e6,r1,,click,2026-11-05T12:00:00+08:00,push,
e7,r1,u1,conversion,not-a-time,push,1
"""


@pytest.fixture
def shop(tmp_path: Path) -> ShopDB:
    db = ShopDB(tmp_path / "shop.sqlite")
    db.upsert_users([User(user_id=u, consent={"push": True, "sms": True}) for u in ("u1", "u2")])
    return db


def test_ingest_is_idempotent_and_reports_every_bad_row(
    tmp_path: Path, shop: ShopDB, database_url: SecretStr | None
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(CSV, encoding="utf-8")
    log = FeedbackLog(open_database(database_url, tmp_path / "feedback.sqlite"))
    first = ingest_feedback(path, log, shop)
    assert (first.added, first.duplicates) == (4, 0)
    assert [line for line, _ in first.bad_rows] == [6, 7, 8]
    assert "kind" in first.bad_rows[0][1] and "user_id" in first.bad_rows[1][1] and "ts" in first.bad_rows[2][1]
    second = ingest_feedback(path, log, shop)
    assert (second.added, second.duplicates) == (0, 4)
    assert log.outcomes("r1", "conversion") == {"u1": 320.0}
    assert log.outcomes("r1", "click") == {"u1": 1.0}
    log.close()
    reopened = FeedbackLog(open_database(database_url, tmp_path / "feedback.sqlite"))  # as the next process would
    assert reopened.outcomes("r1", "conversion") == {"u1": 320.0}
    assert reopened.erase_user("u1") == 3
    assert reopened.outcomes("r1", "click") == {}


def test_unsubscribe_revokes_consent_for_that_channel(
    tmp_path: Path, shop: ShopDB, database_url: SecretStr | None
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(CSV, encoding="utf-8")
    ingest_feedback(path, FeedbackLog(open_database(database_url, tmp_path / "feedback.sqlite")), shop)
    assert shop.get_user("u2").consent == {"push": True, "sms": False}
    assert shop.get_user("u1").consent == {"push": True, "sms": True}


def test_missing_feedback_file(tmp_path: Path, shop: ShopDB) -> None:
    with pytest.raises(FileNotFoundError, match="feedback file not found"):
        ingest_feedback(tmp_path / "nope.csv", FeedbackLog(tmp_path / "f.sqlite"), shop)


def simulate(seed: int, n: int, p_treated: float, p_holdout: float) -> tuple[dict[str, str], dict[str, float]]:
    rng = random.Random(seed)
    arms = {f"u{i}": ("holdout" if _unit_hash(f"sim:{seed}:{i}") < 0.2 else "treated") for i in range(n)}
    outcomes = {uid: 1.0 for uid, arm in arms.items() if rng.random() < (p_treated if arm == "treated" else p_holdout)}
    return arms, outcomes


def test_simulated_feedback_recovers_the_known_effect_within_its_ci() -> None:
    truth, runs = 0.04, 60
    effects = [estimate_effect(*simulate(seed, 5_000, 0.10, 0.06)) for seed in range(runs)]
    coverage = sum(e.ci_low <= truth <= e.ci_high for e in effects) / runs
    assert coverage >= 0.88, f"95 % intervals covered the true effect in only {coverage:.0%} of runs"
    mean_lift = sum(e.lift for e in effects) / runs
    assert abs(mean_lift - truth) < 0.005, f"estimator is biased: mean {mean_lift:.4f} vs truth {truth}"


def test_holdout_draw_is_stable_and_near_its_share() -> None:
    draws = [_unit_hash(f"run:{i}") for i in range(10_000)]
    assert draws == [_unit_hash(f"run:{i}") for i in range(10_000)]
    assert 0.09 < sum(d < 0.1 for d in draws) / len(draws) < 0.11


def test_effect_needs_both_arms() -> None:
    with pytest.raises(ValueError, match="at least 2 treated and 2 holdout"):
        estimate_effect({"a": "treated", "b": "treated"}, {})
