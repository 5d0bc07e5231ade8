"""Scenario files: the gate set loads; bad files fail naming the file, the line, the scenario and the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evaluation.load import ScenarioFileError, load_scenarios
from evaluation.materialize import demo_shop_at, inline_user_id, materialize
from evaluation.scenario import DEFAULT_CLOCK, Scenario

ROOT = Path(__file__).parents[2]
GATE = ROOT / "evaluation" / "data" / "scenarios" / "gate.yaml"
GOOD = {
    "id": "s1",
    "user": {"consent": {"push": True}, "events": [{"kind": "view", "item": "thermos-01", "days_ago": 1}]},
    "campaign": "double11-thermos",
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_gate_set_loads_with_its_clock() -> None:
    loaded = load_scenarios(GATE)
    assert 6 <= len(loaded.scenarios) <= 10
    assert loaded.clock == DEFAULT_CLOCK
    assert {s.expect.decision for s in loaded.scenarios} == {"send", "no_send"}


YAML_BAD = """\
clock: "2026-11-05T14:00:00+08:00"
scenarios:
  - id: ok
    user: {consent: {push: true}}
    campaign: double11-thermos
  - id: bad-kind
    user:
      events:
        - {kind: teleport, item: thermos-01, days_ago: 1}
    campaign: double11-thermos
  - id: bad-campaign
    user: {}
    campaign: no-such-campaign
"""


def test_yaml_errors_name_file_line_scenario_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", YAML_BAD)
    with pytest.raises(ScenarioFileError) as caught:
        load_scenarios(path)
    message = str(caught.value)
    assert "2 problem(s)" in message
    assert f"{path}:9: bad-kind: user.events.0.kind:" in message
    assert f"{path}:13: bad-campaign: campaign" in message and "unknown demo campaign 'no-such-campaign'" in message


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"user": {"events": [{"kind": "view", "days_ago": 1}]}}, "user.events.0", "needs an item"),
        ({"user": {"events": [{"kind": "search", "days_ago": 1}]}}, "user.events.0", "needs a query"),
        ({"user": {"events": [{"kind": "view", "item": "nope", "days_ago": 1}]}}, "user.events.0.item", "unknown item"),
        ({"user": {"demo": "u001", "consent": {"sms": True}}}, "user", "demo user takes no other fields"),
        ({"user": {"demo": "u077"}}, "user.demo", "u001..u040"),
        ({"campaign": {"campaign_id": "x", "name": "n", "channels": ["push"]}}, "campaign", "offer: Field required"),
        ({"channel": "fax"}, "channel", "Input should be"),
        ({"expect": {"decision": "maybe"}}, "expect.decision", "Input should be"),
        ({"expect": {"max_length": 0}}, "expect.max_length", "greater than 0"),
        ({"surprise": 1}, "surprise", "Extra inputs"),
        ({"id": "has space"}, "id", "pattern"),
    ],
)
def test_jsonl_errors_name_line_and_field(tmp_path: Path, change: dict[str, object], field: str, text: str) -> None:
    lines = [json.dumps(GOOD), "", json.dumps({**GOOD, "id": "s2", **change})]
    path = write(tmp_path, "s.jsonl", "\n".join(lines))
    with pytest.raises(ScenarioFileError, match=text) as caught:
        load_scenarios(path)
    assert f"{path}:3: {change.get('id', 's2')}: {field}" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.jsonl", json.dumps(GOOD) + "\n{not json\n", r"s.jsonl:2: not valid JSON"),
        ("s.jsonl", json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n", "duplicate id 's1' \\(first at line 1\\)"),
        ("s.yaml", "scenarios: [unclosed\n", "not valid YAML"),
        ("s.yaml", "other: 1\n", "needs 'scenarios'"),
        ("s.yaml", "just text\n", "expected a list"),
        ("s.yaml", "clock: '2026-11-05T14:00:00'\nscenarios:\n  - " + json.dumps(GOOD) + "\n", "clock must be"),
        ("s.yaml", "[]\n", "no scenarios"),
    ],
)
def test_file_level_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(ScenarioFileError, match=message):
        load_scenarios(write(tmp_path, name, text))


def test_missing_file() -> None:
    with pytest.raises(ScenarioFileError, match="not found"):
        load_scenarios("/nonexistent/s.yaml")


def test_materialize_places_events_relative_to_the_clock() -> None:
    clock = datetime(2026, 11, 5, 6, tzinfo=UTC)
    scenario = Scenario.model_validate(
        {**GOOD, "items": [{"item_id": "x1", "title_zh": "小杯", "title_en": "Cup", "category": "cup", "price": 9}]}
    )
    m = materialize(scenario, clock, lambda: demo_shop_at(clock))
    assert m.user.user_id == inline_user_id(scenario) == "sc-s1"
    assert [(e.ts, e.item_title, e.category) for e in m.events] == [
        (datetime(2026, 11, 4, 6, tzinfo=UTC), "316不锈钢保温杯 500ml", "thermos")
    ]
    assert m.campaign.starts_at < clock < m.campaign.ends_at
    assert {i.category for i in m.campaign_items()} == {"thermos"}
    assert "x1" in {i.item_id for i in m.items}


def test_demo_references_resolve_to_the_seeded_shop() -> None:
    scenario = Scenario.model_validate({"id": "d", "user": {"demo": "u008"}, "campaign": "coffee-20-off-en"})
    m = materialize(scenario, DEFAULT_CLOCK, lambda: demo_shop_at(DEFAULT_CLOCK))
    assert m.user.user_id == "u008"
    assert m.events and all(e.user_id == "u008" and e.ts <= DEFAULT_CLOCK for e in m.events)
    assert m.campaign.campaign_id == "coffee-20-off-en"


def test_inline_campaign_window_defaults_around_the_clock() -> None:
    spec = {"campaign_id": "c", "name": "n", "offer": {"kind": "percent_off", "percent_off": 10}, "channels": ["push"]}
    scenario = Scenario.model_validate({**GOOD, "campaign": spec})
    m = materialize(scenario, DEFAULT_CLOCK, lambda: demo_shop_at(DEFAULT_CLOCK))
    assert (m.campaign.ends_at - m.campaign.starts_at).days == 8
    assert len(m.campaign_items()) == len(m.items)  # nothing named: storewide


def test_fingerprint_changes_with_content() -> None:
    a = Scenario.model_validate(GOOD)
    b = Scenario.model_validate({**GOOD, "expect": {"decision": "send"}})
    assert a.fingerprint() == Scenario.model_validate(GOOD).fingerprint() != b.fingerprint()
