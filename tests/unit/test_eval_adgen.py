"""The AdvertiseGen importer: attribute parsing, item titles, scenarios from rows (real file when present)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.channels import Channel
from evaluation.adgen import DEFAULT_ADGEN_PATH, MAX_TITLE, import_adgen, item_titles, parse_content, write_jsonl
from evaluation.load import load_scenarios
from evaluation.materialize import demo_shop_at, materialize
from evaluation.scenario import DEFAULT_CLOCK

ROW = {"content": "类型#上衣*材质#牛仔布*颜色#白色*风格#简约", "summary": "这款白色牛仔上衣，简约百搭。"}
REAL = Path(__file__).parents[2] / DEFAULT_ADGEN_PATH


def test_parse_content() -> None:
    assert parse_content(ROW["content"]) == [("类型", "上衣"), ("材质", "牛仔布"), ("颜色", "白色"), ("风格", "简约")]
    with pytest.raises(ValueError, match="key#value"):
        parse_content("类型#上衣*颜色")


def test_item_titles_keep_to_the_profile_length_and_end_in_the_category() -> None:
    values = ["牛仔布", "白色", "简约", "复古", "文艺", "宽松", "百搭", "破洞", "直筒", "九分"]
    titles = item_titles(values, "裤")
    assert all(len(t) <= MAX_TITLE and t.endswith(" 裤") for t in titles)
    assert " ".join(titles).count("牛仔布") == 1
    assert item_titles([], "裙") == ["裙"]


def test_rows_become_scenarios_that_load_and_materialize(tmp_path: Path) -> None:
    data = tmp_path / "adgen.jsonl"
    bad = {"content": "类型#上衣", "summary": ""}
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (ROW, bad, ROW)) + "\n", encoding="utf-8")
    imported = import_adgen(data)
    assert [s.id for s in imported.scenarios] == ["adgen-0001", "adgen-0003"]
    assert imported.skipped == [(2, "needs string fields content and summary")]
    first = imported.scenarios[0]
    assert first.expect.reference == ROW["summary"] and first.expect.decision == "send"
    assert first.attributes == ["上衣", "牛仔布", "白色", "简约"]
    assert first.items[0].title_zh == "牛仔布 白色 简约 上衣"
    out = tmp_path / "scenarios.jsonl"
    write_jsonl(imported.scenarios, out)
    loaded = load_scenarios(out).scenarios
    assert loaded == imported.scenarios
    m = materialize(loaded[0], DEFAULT_CLOCK, lambda: demo_shop_at(DEFAULT_CLOCK))
    assert m.campaign.eligible_categories == ["上衣"] and [i.item_id for i in m.campaign_items()] == ["adgen-0001-1"]
    assert {e.kind for e in m.events} == {"view", "cart"}


@pytest.mark.parametrize("channel", ["sms", "push"])
def test_the_importer_sets_the_channel(tmp_path: Path, channel: Channel) -> None:
    data = tmp_path / "adgen.jsonl"
    data.write_text(json.dumps(ROW, ensure_ascii=False) + "\n", encoding="utf-8")
    scenario = import_adgen(data, channel=channel).scenarios[0]
    assert scenario.channel == channel and scenario.campaign["channels"] == [channel]
    assert scenario.id == f"adgen-0001-{channel}"  # one run folder can hold every channel's rows
    assert scenario.user.consent[channel]


def test_limit_and_missing_file(tmp_path: Path) -> None:
    data = tmp_path / "adgen.jsonl"
    data.write_text((json.dumps(ROW, ensure_ascii=False) + "\n") * 5, encoding="utf-8")
    assert len(import_adgen(data, limit=2).scenarios) == 2
    with pytest.raises(FileNotFoundError, match="AdvertiseGen file not found"):
        import_adgen(tmp_path / "absent.jsonl")


@pytest.mark.skipif(not REAL.is_file(), reason=f"AdvertiseGen data absent at {REAL}")
def test_first_real_rows_import() -> None:
    imported = import_adgen(REAL, limit=5)
    assert len(imported.scenarios) == 5 and not imported.skipped
    assert all(s.expect.reference and s.attributes and s.items for s in imported.scenarios)
