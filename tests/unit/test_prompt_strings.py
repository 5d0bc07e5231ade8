"""Phrase tables live in prompts/strings/*.yaml: both locales each, phrases only, and the old values unchanged."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from agents.fallback import PERSONAL
from agents.text.brief_text import ASK, ASSUMED, CHANNEL_LABELS, SEP, TIER_LABELS
from agents.text.chat_events import status_text
from agents.text.copy_prompt import CHANNEL_HINTS, CHANNEL_NAMES, DEFAULT_TONE, PROFILE_LABELS
from agents.text.intake_llm import ROLE_NAMES
from prompts.phrases import PhraseError, check_tables, fill, phrase_table, phrases
from tools.compliance.fallback import _CTA, _GENERIC_TITLE
from tools.compose.render import CTA, NEUTRAL_HOOK, NEUTRAL_LINE
from tools.compose.repair import NEUTRAL
from tools.compose.slots import SLOT_DESCRIPTIONS

FILES = sorted(p.name.removesuffix(".yaml") for p in resources.files("prompts").joinpath("strings").iterdir())
SAME_KEYS_EXCEPT = {("compose", "plain_words")}
"""Tables whose locales may list different keys: the absolute terms differ by language."""


def test_there_are_phrase_files() -> None:
    assert {"brief", "chat", "compose", "copy"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_every_table_has_zh_and_en(name: str) -> None:
    raw = yaml.safe_load(resources.files("prompts").joinpath("strings", f"{name}.yaml").read_text(encoding="utf-8"))
    assert raw, name
    for table, entry in raw.items():
        assert set(entry) == {"zh", "en"}, f"{name}.yaml: {table}"
    assert phrases(name) == raw  # the loader's checks pass and change nothing


@pytest.mark.parametrize("name", FILES)
def test_mapping_tables_name_the_same_keys_in_both_locales(name: str) -> None:
    for table, entry in phrases(name).items():
        if isinstance(entry["zh"], dict) and (name, table) not in SAME_KEYS_EXCEPT:
            assert list(entry["zh"]) == list(entry["en"]), f"{name}.yaml: {table}"


def test_a_missing_table_names_the_file_and_the_table() -> None:
    with pytest.raises(PhraseError, match=r"prompts/strings/copy\.yaml has no table 'channel_nmes'"):
        phrase_table("copy", "channel_nmes")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(FileNotFoundError, match=r"prompts/strings/nope\.yaml"):
        phrases("nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("greeting:\n  zh: 你好\n", r"x\.yaml: table 'greeting' has no 'en' entry"),
        ("greeting:\n  zh: 你好\n  en: hi\n  fr: salut\n", r"table 'greeting' has unknown locale\(s\) 'fr'"),
        ("answer:\n  zh: {ok: 好}\n  en: {ok: no}\n", r"table 'answer'\.en\.ok: False is not a phrase"),
        ("counts:\n  zh: [一, 2]\n  en: [one, two]\n", r"table 'counts'\.zh\[1\]: 2 is not a phrase"),
        ("greeting: hi\n", r"table 'greeting' must map each locale"),
        ("", r"x\.yaml must be a mapping"),
    ],
)
def test_a_malformed_file_is_refused_with_the_place(text: str, message: str) -> None:
    with pytest.raises(PhraseError, match=message):
        check_tables(yaml.safe_load(text), "prompts/strings/x.yaml")


def test_fill_leaves_placeholders_it_is_not_given() -> None:
    table = {"zh": "{n} 条（要求 {asked} 条）", "en": ["{n} of {asked}"]}
    assert fill(table, n=5) == {"zh": "5 条（要求 {asked} 条）", "en": ["5 of {asked}"]}


def test_tables_are_copies() -> None:
    phrase_table("copy", "default_tone")["zh"] = "changed"
    assert phrase_table("copy", "default_tone")["zh"] == "自然、亲切"


# The values the modules held before the move, written out: the move must not change a character.


def test_copy_prompt_tables_are_unchanged() -> None:
    assert CHANNEL_NAMES == {
        "zh": {"sms": "短信", "push": "App 推送", "email": "营销邮件"},
        "en": {"sms": "SMS", "push": "push notification", "email": "e-mail"},
    }
    assert CHANNEL_HINTS["en"]["sms"] == (
        "SMS shows no title: make the title a 1-3 word label; the brand and opt-out text are added for you."
    )
    assert list(PROFILE_LABELS["zh"].items()) == [  # the order the prompt lists the features in
        ("recency", "活跃度"),
        ("value_tier", "价值层级"),
        ("price_sensitivity", "价格敏感度"),
        ("funnel_stage", "购物阶段"),
        ("top_categories", "偏好品类"),
        ("interests", "近期感兴趣的商品"),
    ]
    assert DEFAULT_TONE == {"zh": "自然、亲切", "en": "natural and friendly"}


def test_brief_tables_are_unchanged() -> None:
    assert CHANNEL_LABELS == {
        "zh": {"sms": "短信", "push": "App 推送", "email": "邮件"},
        "en": {"sms": "SMS", "push": "push", "email": "e-mail"},
    }
    assert TIER_LABELS["zh"] == {
        "high": "高价值",
        "mid": "中等价值",
        "low": "低价值",
        "new": "新用户",
        "any": "不限价值层级",  # issue #17: the default audience reads as the marketer would write it
    }
    assert ASK["zh"]["unknown"] == "商品目录里没有找到「{words}」。目录里有：{categories}，想推广哪个？"
    assert SEP == {"zh": "、", "en": ", "}
    assert ROLE_NAMES == {
        "zh": {"user": "营销人员", "assistant": "助理"},
        "en": {"user": "marketer", "assistant": "assistant"},
    }


def test_assumed_fills_the_constants_and_keeps_the_runtime_placeholders() -> None:
    assert set(ASSUMED["zh"]) == {"unknown", "occasion", "capped"}  # the defaults show on their own lines now
    assert ASSUMED["zh"]["occasion"] == "「{occasion}」不在未来 60 天内，文案不提"
    assert ASSUMED["en"]["capped"] == "at most 5 variants per user ({asked} asked)"
    assert ASSUMED["en"]["unknown"] == "not in the catalog: "  # the trailing space is the phrase's


def test_compose_tables_are_unchanged() -> None:
    assert CTA == {"zh": "立即选购", "en": "Shop now"}
    assert NEUTRAL_HOOK == {"zh": "给你的好物", "en": "Picked for you"}
    assert NEUTRAL_LINE == {"zh": "看看这次的活动", "en": "Take a look at this week's picks"}
    assert SLOT_DESCRIPTIONS["zh"]["focus"] == "消息要写的商品或品类，从给定选项中选一个"
    assert NEUTRAL["zh"]["首选"] == "好选择"
    assert NEUTRAL["en"]["flawless"] == "smooth"
    assert PERSONAL["zh"].hook == "为你挑选的好物"
    assert PERSONAL["en"].line == "Something you have been browsing is on offer"
    assert PERSONAL["en"].focus == ""
    assert _CTA == {"zh": ("立即选购", "去看看"), "en": ("Shop now", "View")}
    assert _GENERIC_TITLE == {"zh": "限时优惠", "en": "Special offer"}


def test_chat_phrases_are_unchanged() -> None:
    assert status_text(None, "u_1", "boom", "zh") == "u_1：生成失败（boom）"
    assert status_text(None, "u_1", "boom", "en") == "u_1: failed (boom)"
    assert phrase_table("chat", "chosen_mark") == {"zh": " ✓ 选中", "en": " (chosen)"}
