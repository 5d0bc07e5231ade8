"""Properties of the rule engine and the feature extractor over generated input.

Rule engine: any text (marketing fragments, numbers, symbols, arbitrary Unicode) is judged without an error
and the same way twice; a banned absolute term, a wrong offer or the customer's phone number added anywhere is
always caught, whatever surrounds it. Feature extractor: any history gives features in range, the order of
the events does not matter, and events after the clock change nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.channels import CHANNELS
from domain.people import Event
from tests.unit.conftest import NOW
from tests.unit.test_compliance_support import check, codes, draft
from tools.profile.features import derive_features, to_prompt_profile

FRAGMENTS = [
    "保温杯", "双十一", "满300减50", "冬天", "热水", "给家人", "限时", "11月11日", "¥", "元", "折", "%", "！", "。",
    "，", "Thermos", "Nov 11", "off", " ", "\n", "24小时保温", "316不锈钢", "立即", "去看看", "新品", "赠", "包邮",
    "300", "50", "8", "0.5", "价", "🔥", "https://", "@", "#",
]  # fmt: skip
"""Pieces the rules look at (offers, money, dates, channels' symbols), so generated text reaches them."""

copy_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=24).map("".join),
    st.text(max_size=120),
)

SURROUNDINGS = st.tuples(
    st.lists(st.sampled_from(FRAGMENTS), max_size=8), st.lists(st.sampled_from(FRAGMENTS), max_size=8)
)


def inside(text: str, around: tuple[list[str], list[str]]) -> str:
    """`text` with generated copy before and after it; a comma where digits would run into each other (满39减10
    before 11月 reads as 减1011, a text nobody writes)."""
    parts = ["".join(around[0]), text, "".join(around[1])]
    joined = parts[0]
    for part in parts[1:]:
        glued = joined[-1:].isdigit() and part[:1].isdigit()
        joined += ("，" if glued else "") + part
    return joined


@given(title=copy_text, body=copy_text, cta=copy_text, channel=st.sampled_from(CHANNELS))
def test_any_text_is_judged_without_error_and_the_same_way_twice(title: str, body: str, cta: str, channel: str) -> None:
    d = draft(body, title=title, cta=cta, channel=channel)  # type: ignore[arg-type]
    assert check(d) == check(d)


@given(around=SURROUNDINGS, term=st.sampled_from(["全网最低价", "最便宜", "第一品牌", "史上最低"]))
def test_a_banned_absolute_term_is_caught_whatever_surrounds_it(around: tuple[list[str], list[str]], term: str) -> None:
    found = check(draft(inside(term, around)))
    assert any(v.family == "absolute_terms" and v.severity == "block" for v in found), [v.code for v in found]


@given(around=SURROUNDINGS, wrong=st.sampled_from(["满39减10", "满200减30", "满300减80", "全场5折"]))
def test_a_wrong_offer_is_caught_whatever_surrounds_it(around: tuple[list[str], list[str]], wrong: str) -> None:
    found = check(draft(inside(wrong, around)))  # the campaign's offer is 满300减50
    assert any(v.family == "claims" and v.severity == "block" for v in found), [v.code for v in found]


@given(around=SURROUNDINGS, field=st.sampled_from(["title", "body", "cta"]))
def test_the_customers_phone_is_caught_in_any_field(around: tuple[list[str], list[str]], field: str) -> None:
    texts = {"title": "双十一好物", "body": "保温杯满300减50。", "cta": "立即选购"}
    texts[field] = inside("13812345678", around)
    found = check(draft(texts["body"], title=texts["title"], cta=texts["cta"]), personal_data=["13812345678"])
    assert "PII_VALUE" in codes(found) or any(v.family == "personal_data" for v in found), [v.code for v in found]


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    """One user's events up to 200 days back, some after the clock (which features must ignore)."""
    events = []
    for n in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["view", "cart", "purchase", "search", "click"]))
        ts = NOW - timedelta(hours=draw(st.floats(-72.0, 24 * 200.0, allow_nan=False)))
        if kind == "search":
            events.append(Event(event_id=f"e{n}", user_id="u", kind="search", ts=ts, query=draw(copy_text) or "q"))
            continue
        events.append(
            Event(
                event_id=f"e{n}",
                user_id="u",
                kind=kind,  # type: ignore[arg-type]
                ts=ts,
                item_id=draw(st.sampled_from(["i1", "i2", "i3"])),
                item_title=draw(st.one_of(st.none(), copy_text.map(lambda t: t[:200]))),
                category=draw(st.one_of(st.none(), st.sampled_from(["thermos", "coffee", "umbrella"]))),
                price=draw(st.one_of(st.none(), st.floats(0, 5000, allow_nan=False))),
                channel=draw(st.sampled_from(CHANNELS)) if kind == "click" else None,
            )
        )
    return events


@given(events=histories(), seed=st.integers(0, 2**16))
def test_features_are_in_range_ignore_order_and_ignore_the_future(events: list[Event], seed: int) -> None:
    features = derive_features(events, NOW)
    past = [e for e in events if e.ts <= NOW]
    assert features.event_count == len(past)
    assert features.frequency_90d <= sum(e.kind == "purchase" for e in past)
    assert features.monetary_90d >= 0
    assert features.recency_days is None if not past else features.recency_days >= 0
    assert all(0 <= c.score <= 1 for c in features.top_categories)
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    assert derive_features(shuffled, NOW) == features
    assert derive_features(past, NOW) == features
    profile = to_prompt_profile(features, ())  # what the LLM sees: never more than its limits allow
    assert len(profile.interests) <= 5 and len(profile.top_categories) <= 3
