"""API keys and roles: 401 without a valid key, 403 for the wrong role, hashes at rest, an audit row per request."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from service.keys import KeyStore
from tests.service_support import Served, served_app
from tools.services import Services
from tools.settings import get_settings


@pytest.fixture
def served(tmp_path: Path, services: Services) -> Iterator[Served]:
    with served_app(tmp_path / "home", services) as app:
        yield app


def test_no_key_is_401_with_a_bearer_challenge(served: Served) -> None:
    response = served.client.get("/v1/models")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize("key", ["nonsense", "promo_abc_def", "Basic dXNlcjpwYXNz"])
def test_unknown_or_malformed_key_is_401(served: Served, key: str) -> None:
    response = served.client.get("/v1/models", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown or revoked API key"


def test_tampered_secret_is_401(served: Served) -> None:
    tampered = served.marketer[:-2] + ("AA" if not served.marketer.endswith("AA") else "BB")
    assert served.client.get("/v1/models", headers=served.auth(tampered)).status_code == 401


def test_marketer_may_not_erase_or_manage_keys(served: Served) -> None:
    for method, path in [("DELETE", "/v1/users/u-zh-1"), ("GET", "/v1/keys"), ("GET", "/v1/audit")]:
        response = served.client.request(method, path, headers=served.auth())
        assert response.status_code == 403, path
        assert response.json()["detail"] == "key 'alice' has role 'marketer'; this needs role 'admin'"


def test_admin_may_do_what_a_marketer_may(served: Served) -> None:
    assert served.client.get("/v1/models", headers=served.auth(served.admin)).status_code == 200


def test_keys_are_created_listed_and_revoked_by_an_admin(served: Served) -> None:
    admin = served.auth(served.admin)
    created = served.client.post("/v1/keys", json={"name": "bob", "role": "marketer"}, headers=admin)
    assert created.status_code == 201
    bob = created.json()["key"]
    assert served.client.get("/v1/models", headers=served.auth(bob)).status_code == 200
    listed = served.client.get("/v1/keys", headers=admin).json()
    assert {"alice", "root", "bob"} <= {k["name"] for k in listed}
    assert all("key" not in k and "digest" not in k for k in listed)
    again = served.client.post("/v1/keys", json={"name": "bob", "role": "admin"}, headers=admin)
    assert again.status_code == 409
    assert served.client.delete("/v1/keys/bob", headers=admin).status_code == 204
    assert served.client.get("/v1/models", headers=served.auth(bob)).status_code == 401
    assert served.client.delete("/v1/keys/bob", headers=admin).status_code == 404


def test_keys_are_stored_only_as_salted_hashes(served: Served) -> None:
    raw = served.runtime.settings.service_db_path.read_bytes()
    secret = served.marketer.rsplit("_", 1)[-1]
    assert secret.encode() not in raw and served.marketer.encode() not in raw
    with sqlite3.connect(served.runtime.settings.service_db_path) as db:
        salts = [row[0] for row in db.execute("SELECT salt FROM api_keys")]
    assert len(set(salts)) == len(salts) == 2


def test_every_request_is_audited_with_who_and_the_route_template(served: Served) -> None:
    served.client.get("/v1/models", headers=served.auth())
    served.client.get("/v1/models")
    served.client.delete("/v1/users/u-secret-id", headers=served.auth())
    entries = served.client.get("/v1/audit", headers=served.auth(served.admin)).json()
    seen = [(e["key_name"], e["role"], e["method"], e["route"], e["status"]) for e in reversed(entries)]
    assert seen[:3] == [
        ("alice", "marketer", "GET", "/v1/models", 200),
        ("-", "-", "GET", "/v1/models", 401),
        ("alice", "marketer", "DELETE", "/v1/users/{user_id}", 403),
    ]
    assert all(e["latency_ms"] >= 0 for e in entries)
    assert b"u-secret-id" not in served.runtime.settings.service_db_path.read_bytes()


def test_cli_prints_a_new_key_once_and_it_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMO_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["service", "key", "add", "--role", "marketer", "--name", "alice"])
        assert result.exit_code == 0, result.output
        key = result.output.splitlines()[0]
        listed = CliRunner().invoke(cli, ["service", "key", "list"])
        refused = CliRunner().invoke(cli, ["service", "key", "add", "--role", "owner", "--name", "eve"])
    finally:
        get_settings.cache_clear()
    assert key.startswith("promo_")
    assert key not in listed.output and "alice\tmarketer" in listed.output
    assert refused.exit_code == 2 and "marketer, admin" in refused.output
    store = KeyStore(tmp_path / "service.sqlite")
    who = store.verify(key)
    store.close()
    assert who is not None and (who.name, who.role) == ("alice", "marketer")


@pytest.mark.parametrize(
    "name", ["bob\nroot admin GET /v1/keys -> 200", "team/ops", "a b", "", "x" * 65, ".", "..", "-x", "名字"]
)
def test_a_key_name_outside_the_safe_alphabet_is_422_with_the_rule(served: Served, name: str) -> None:
    response = served.client.post("/v1/keys", json={"name": name, "role": "admin"}, headers=served.auth(served.admin))
    assert response.status_code == 422
    assert "A-Z a-z 0-9 . _ -" in response.json()["detail"][0]["msg"]
    with pytest.raises(ValueError, match="A-Z a-z 0-9"):  # the CLI's path refuses it too
        served.runtime.keys.add(name, "admin")


@pytest.mark.parametrize("name", ["a", "ci-bot.2", "A_B", "0" * 64, "x.y-z_1", "svc..x"])
def test_every_name_that_can_be_created_can_be_revoked_over_rest(served: Served, name: str) -> None:
    admin = served.auth(served.admin)
    created = served.client.post("/v1/keys", json={"name": name, "role": "marketer"}, headers=admin)
    assert created.status_code == 201, created.text
    assert served.client.delete(f"/v1/keys/{name}", headers=admin).status_code == 204
    assert served.client.get("/v1/models", headers=served.auth(created.json()["key"])).status_code == 401


def test_a_key_named_before_the_rule_can_still_be_revoked(served: Served) -> None:
    key = served.runtime.keys.add("legacy", "marketer")
    with sqlite3.connect(served.runtime.settings.service_db_path) as db:
        db.execute("UPDATE api_keys SET name = 'team/ops' WHERE name = 'legacy'")
    assert served.client.delete("/v1/keys/team/ops", headers=served.auth(served.admin)).status_code == 204
    assert served.client.get("/v1/models", headers=served.auth(key)).status_code == 401


def test_a_key_name_with_a_line_break_cannot_forge_an_audit_line(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    key = served.runtime.keys.add("legacy", "marketer")
    forged = "eve marketer GET /v1/models -> 200 in 1.0 ms\nroot admin DELETE /v1/users/{user_id}"
    with sqlite3.connect(served.runtime.settings.service_db_path) as db:
        db.execute("UPDATE api_keys SET name = ? WHERE name = 'legacy'", (forged,))
    with caplog.at_level(logging.INFO, logger="promo.audit"):
        served.client.get("/v1/models", headers=served.auth(key))
    (line,) = [r.getMessage() for r in caplog.records if r.name == "promo.audit"]
    assert line.startswith("eve\\x20marketer\\x20GET")  # the name is one field, escaped
    assert re.fullmatch(r"\S+ marketer GET /v1/models -> 200 in [\d.]+ ms", line)
