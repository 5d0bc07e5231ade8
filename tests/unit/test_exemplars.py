"""The exemplar pool: clean style lines in, nearest lines out, and no evaluated row's reference in the pool."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agents.text.copy_prompt import slot_messages
from domain.profile import PromptProfile
from evaluation.adgen import import_adgen, in_exemplar_pool, pool_exemplars
from shopdata.campaigns import demo_campaigns
from shopdata.exemplars import demo_exemplars
from tools.compose.exemplars import exemplar_lines
from tools.stores.exemplars import Exemplar, ExemplarStore

LINES = [
    Exemplar("a", "早上灌一杯热茶，午休打开还是刚好入口的温度", "zh", "thermos", "demo"),
    Exemplar("b", "周末的早晨，给自己磨一杯慢慢喝", "zh", "coffee", "demo"),
    Exemplar("c", "Fill it with tea at breakfast and it is still warm by lunch", "en", "thermos", "demo"),
]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "简约的黑色系列，充分凸显成熟韵味。修身的立体廓形，为你塑造修长的曲线。",
            ["简约的黑色系列，充分凸显成熟韵味", "修身的立体廓形，为你塑造修长的曲线"],
        ),
        ("这款裙子原价399元，现在只要199。", []),  # prices: never an example
        ("最好看的裙子，穿上就是全场焦点。", []),  # a superlative
        ("短句。", []),  # too short to show a line
        ("采用进口的aramid面料，轻盈透气又耐磨的好选择。", []),  # Latin letters in Chinese copy
    ],
)
def test_only_clean_line_sized_sentences_become_exemplars(text: str, lines: list[str]) -> None:
    assert exemplar_lines(text, "zh") == lines


def test_the_pool_returns_the_nearest_lines_of_the_locale_and_re_adding_changes_nothing(tmp_path: Path) -> None:
    with ExemplarStore(tmp_path / "pool") as store:
        store.add(LINES)
        store.add(LINES)
        assert store.count() == 3
        assert store.nearest("保温杯 热水", "zh", 1) == [LINES[0].text]
        assert store.nearest("thermos", "en", 2) == [LINES[2].text]  # never a line of another locale
        assert store.nearest("  ", "zh") == []


def test_an_empty_pool_gives_no_lines(tmp_path: Path) -> None:
    with ExemplarStore(tmp_path / "empty") as store:
        assert store.nearest("保温杯", "zh") == []


def test_no_evaluated_row_feeds_the_pool(tmp_path: Path) -> None:
    rows = [{"content": "类型#裙*颜色#黑色", "summary": "黑色的裙子，修身的立体廓形为你塑造修长的曲线。"}] * 40
    data = tmp_path / "adgen.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    evaluated = {int(s.id.split("-")[1]) for s in import_adgen(data, outside_pool=True).scenarios}
    pooled = {int(e.source.split(":")[1]) for e in pool_exemplars(data)}
    assert evaluated and pooled and not evaluated & pooled
    assert evaluated | {n for n in range(1, 41) if in_exemplar_pool(n)} == set(range(1, 41))


def test_the_prompt_shows_the_lines_as_examples_only_when_there_are_some() -> None:
    campaign = demo_campaigns(datetime(2026, 11, 5, tzinfo=UTC))[0]
    profile = PromptProfile(recency="active_7d", value_tier="high", price_sensitivity="low", funnel_stage="considering")
    common: dict[str, Any] = {"campaign": campaign, "profile": profile, "channel": "push", "locale": "zh"}
    shown = slot_messages(**common, focus=["保温杯"], limits=(16, 30), n_variants=1, feedback="", version="v1",
                          exemplars=[LINES[0].text])  # fmt: skip
    plain = slot_messages(**common, focus=["保温杯"], limits=(16, 30), n_variants=1, feedback="", version="v1")
    assert LINES[0].text in str(shown[1].content) and "不要照抄" in str(shown[1].content)
    assert "写法参考" not in str(plain[1].content)


def test_the_demo_lines_pass_the_pool_filter() -> None:
    exemplars = demo_exemplars()
    assert len(exemplars) >= 40 and {e.locale for e in exemplars} == {"zh", "en"}


def test_a_demo_line_the_filter_refuses_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "exemplars.yaml"
    bad.write_text("thermos:\n  zh:\n    - 全场最低价只要九九元\n", encoding="utf-8")
    with pytest.raises(ValueError, match="thermos/zh line 1"):
        demo_exemplars(bad)


def test_the_prompt_no_longer_names_a_season() -> None:
    # Named, it opened 95 % of the 1.5B's messages (秋日来临); off-season clauses are repaired away instead.
    campaign = demo_campaigns(datetime(2026, 11, 5, tzinfo=UTC))[0]
    profile = PromptProfile(recency="active_7d", value_tier="high", price_sensitivity="low", funnel_stage="considering")
    common: dict[str, Any] = {"campaign": campaign, "profile": profile, "channel": "push", "locale": "zh"}
    messages = slot_messages(**common, focus=["保温杯"], limits=(16, 30), n_variants=1, feedback="", version="v1")
    assert "时节" not in str(messages[1].content) and "冬季" not in str(messages[1].content)
