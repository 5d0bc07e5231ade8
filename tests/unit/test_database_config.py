"""PROMO_DATABASE_URL: refused early when malformed, clear when unreachable, and never echoing the password."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from tools.settings import Settings
from tools.stores.database import open_database
from tools.stores.postgres import DatabaseUnavailable


def settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://promo:hunter2@db/promo", "must be a PostgreSQL URL"),
        ("promo:hunter2@db/promo", "must be a PostgreSQL URL"),
        ("postgresql://promo:hunter2@db:port/promo", "invalid port"),
        ("postgresql://promo:changeme@db/promo", "placeholder password"),
    ],
)
def test_bad_database_urls_are_refused_without_echoing_them(url: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        settings(url)
    assert "hunter2" not in str(refused.value)


def test_unset_or_empty_means_sqlite_and_a_set_url_stays_secret() -> None:
    assert settings("").database_url is None
    configured = settings("postgresql://promo:hunter2@db:5432/promo")
    assert configured.database_url is not None
    assert "hunter2" not in repr(configured)


def test_an_unreachable_database_says_where_but_not_the_password(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = SecretStr(f"postgresql://promo:hunter2@127.0.0.1:{port}/promo")
    with pytest.raises(
        DatabaseUnavailable, match=re.escape(f"cannot connect to PostgreSQL at 127.0.0.1:{port}/promo")
    ) as e:
        open_database(url, tmp_path / "unused.sqlite")
    assert "hunter2" not in str(e.value)


def test_an_invalid_connection_option_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a valid PostgreSQL URL"):
        open_database(SecretStr("postgresql://db/promo?no_such_option=1"), tmp_path / "unused.sqlite")
