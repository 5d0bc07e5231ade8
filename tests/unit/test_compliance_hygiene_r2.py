"""Channel rules of the r2 round: prompt and fix-hint echoes, English words in Chinese copy, words cut mid-way."""

from __future__ import annotations

import pytest

from domain.channels import Locale
from tools.compliance.foreign_words import foreign_words
from tools.compliance.text_hygiene import check_text_hygiene


def _codes(text: str, locale: Locale = "zh") -> set[str]:
    return {v.code for v in check_text_hygiene(text, locale, "body")}


@pytest.mark.parametrize(
    ("code", "text", "locale", "flagged"),
    [
        ("CH_PROMPT_ECHO", "优惠（原样使用）：满300减50", "zh", True),
        ("CH_PROMPT_ECHO", "根据用户数据，你喜欢马克杯", "zh", True),
        ("CH_PROMPT_ECHO", "<用户数据>满300减50</用户数据>", "zh", True),
        ("CH_PROMPT_ECHO", "适用范围：保温杯。满300减50", "zh", True),
        ("CH_PROMPT_ECHO", "满300减50。上一稿未通过审核。", "zh", True),
        ("CH_PROMPT_ECHO", "Offer (use exactly): 15% off thermoses.", "en", True),
        ("CH_PROMPT_ECHO", "15% off. Write only the message the customer reads.", "en", True),
        ("CH_PROMPT_ECHO", "Based on <customer_data>, 15% off.", "en", True),
        ("CH_PROMPT_ECHO", "15% off. Remove the claim; state only the offer.", "en", True),
        ("CH_PROMPT_ECHO", "满300减50，使用方便，用户都说好。", "zh", False),
        ("CH_PROMPT_ECHO", "满300减50，适用于办公室。", "zh", False),
        ("CH_PROMPT_ECHO", "15% off thermoses that keep exactly the heat you want.", "en", False),
        ("CH_TRUNCATED", "15% off thermoses. Keep drinks hot with our fre", "en", True),
        ("CH_TRUNCATED", "$10 off earbuds. Great sound for your dai", "en", True),
        ("CH_TRUNCATED", "Winter walks call for 15% off therm", "en", True),
        ("CH_TRUNCATED", "15% off thermoses. Warm drinks for your day", "en", False),
        ("CH_TRUNCATED", "¥30 off. Tea for two", "en", False),
        ("CH_TRUNCATED", "15% off thermoses. Shop now and save", "en", False),
        ("CH_TRUNCATED", "满300减50，让你的购物体验更加", "zh", True),
        ("CH_TRUNCATED", "满300减50，每天早上为你的", "zh", True),
        ("CH_TRUNCATED", "满300减50，送给长辈非常", "zh", True),
        ("CH_TRUNCATED", "满300减50，冬天更加温暖", "zh", False),
        ("CH_TRUNCATED", "满300减50，这份香浓只为你", "zh", False),
        # a URL's trailing / is no cut (CH_URL judges it)
        ("CH_TRUNCATED", "满300减50，详见 https://haowupu.cn/", "zh", False),
    ],
)
def test_prompt_echoes_and_cut_text(code: str, text: str, locale: Locale, flagged: bool) -> None:
    # CH_PROMPT_ECHO: prompt or fix-hint wording in the copy; CH_TRUNCATED: text cut mid-word or mid-phrase.
    assert (code in _codes(text, locale)) is flagged


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("thermos满300减50", ["thermos"]),
        ("Thermos满300减50", ["Thermos"]),  # a category label in any case
        ("coffee_beans立减20元", ["coffee_beans"]),
        ("保持 drinks热", ["drinks"]),
        ("陶瓷mug八折", ["mug"]),
        ("每天一杯fresh咖啡", ["fresh"]),
        ("500ml真空保温杯，咖啡豆1kg", []),  # units after a number
        ("App下单，Hi，DIY一杯，LOGO简约", []),  # accepted words and acronyms
        ("Yū咖啡豆", []),  # a brand-like name is judged by the claims rules
        ("加微信 haowu_2026 或 a@b.cn，详见 https://x.cn/a", []),  # ids, e-mails and links have their own rules
    ],
)
def test_foreign_words_in_chinese_copy(text: str, words: list[str]) -> None:
    assert [text[s:e] for s, e in foreign_words(text)] == words


def test_campaign_phrases_are_no_foreign_words() -> None:
    assert foreign_words("Goodshop 保温杯满300减50", ["Goodshop"]) == []
    found = check_text_hygiene("Shop now and save", "zh", "body")
    assert [v.span for v in found if v.code == "CH_FOREIGN_WORD"] == ["Shop", "now", "and", "save"]


def test_a_cut_word_is_judged_in_the_body_only() -> None:
    assert check_text_hygiene("Shop the fre", "en", "cta") == []
