"""Attributes the catalog contradicts: a material, colour or size right before a product must be in its title.

金合金保温杯 when the catalog has 钛合金保温杯, a 1L thermos when it has a 500ml one: the attribute must stand in
an in-scope catalog title that names the same product.

Decision: only an attribute directly before a product noun is judged (粉色保温杯, 800ml真空保温杯, glass mugs);
an attribute of a part (不锈钢内胆) or one the titles cannot settle (no in-scope title names that product) is left
alone. Catalog titles are the only source of attributes we have.
"""

from __future__ import annotations

import functools
import re

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.catalog_terms import SIZE_TAIL, en_stem, product_nouns
from tools.compliance.claim_finding import claim_violation
from tools.compliance.facts import OfferFacts
from tools.compliance.textutil import has_cjk

_I = re.IGNORECASE
_CITATION = (
    "PRC Advertising Law Art. 8 and Art. 28: a product's material, size and other qualities must be stated truly"
)
_CAP = r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>ml|毫升|l|升|kg|千克|公斤|g|克|oz)(?![a-z])"
_ZH_MATERIALS = r"[钛铝锌镁铜金银镍铁]{1,2}合金|不锈钢|陶瓷|玻璃|塑料|硅胶|骨瓷|紫砂|实木|木质|竹制|纯铜"
_ZH = re.compile(
    rf"{_CAP}|{_ZH_MATERIALS}|[红橙黄绿青蓝紫黑白灰粉棕金银]色|粉红|玫瑰金|香槟金",
    _I,
)
_EN = re.compile(
    rf"(?<![\w.]){_CAP}|\b(?:titanium|stainless(?:\s+steel)?|steel|ceramic|glass|plastic|silicone|bamboo|wooden"
    r"|copper|alumini?um|red|orange|yellow|green|blue|purple|black|white|gr[ae]y|pink|rose\s+gold|gold(?:en)?|silver)\b",
    _I,
)
_SCALE = {"l": 1000.0, "升": 1000.0, "kg": 1000.0, "千克": 1000.0, "公斤": 1000.0, "oz": 29.57}
_ZH_GAP = 0
"""Characters allowed between a Chinese attribute and its product noun."""


def _size(m: re.Match[str]) -> float | None:
    """A capacity or weight in ml or g; None for a material or colour."""
    if not m["num"]:
        return None
    return float(m["num"]) * _SCALE.get(m["unit"].lower(), 1.0)


def _has(title: str, m: re.Match[str], pattern: re.Pattern[str]) -> bool:
    """Whether a catalog title states the attribute the match found."""
    size = _size(m)
    if size is None:
        return re.search(re.escape(m[0]), title, _I) is not None
    return any(_size(t) == size for t in pattern.finditer(title) if t["num"])


def _zh_noun(folded: str, end: int, nouns: tuple[str, ...]) -> str | None:
    for noun in nouns:
        if folded.startswith(noun, end) or folded.startswith(noun, end + _ZH_GAP):
            return noun
    return None


def _en_noun(folded: str, end: int, nouns: frozenset[str]) -> str | None:
    word = re.match(r"\s+([a-z]+)", folded[end:], _I)
    return en_stem(word[1]) if word and en_stem(word[1]) in nouns else None


def check_attributes(text: str, folded: str, facts: OfferFacts, locale: Locale) -> list[Violation]:
    """Flag a material, colour or size before a product noun that no in-scope title of that product states."""
    zh_titles = tuple(t for t in facts.item_titles if has_cjk(t))
    en_titles = tuple(t for t in facts.item_titles if not has_cjk(t))
    zh_nouns = tuple(
        sorted({*product_nouns(zh_titles, cjk=True), *(c for c in facts.categories if has_cjk(c))}, key=len)[::-1]
    )
    en_nouns = frozenset(en_stem(w) for t in en_titles for w in re.findall(r"[a-z]+", t, _I) if len(w) > 2)
    found = []
    for pattern, cjk in ((_ZH, True), (_EN, False)):
        for m in pattern.finditer(folded):
            if cjk:
                noun = _zh_noun(folded, m.end(), zh_nouns)
                titles = [t for t in zh_titles if noun and noun in t]
            else:
                noun = _en_noun(folded, m.end(), en_nouns)
                titles = [t for t in en_titles if noun and noun in {en_stem(w) for w in re.findall(r"[a-z]+", t, _I)}]
            if not noun or not titles or any(_has(t, m, pattern) for t in titles):
                continue
            span = text[m.start() : m.end()]
            message = f"“{span}” does not match the catalog: {' / '.join(titles)}."
            hint = f"Remove “{span}” or name the product as the catalog does: {titles[0]}."
            found.append(claim_violation("CLAIM_ATTRIBUTE", span, message, hint, _CITATION))
    return found


_SPEC_SEGMENT = re.compile(r"[\dA-Za-z.+%]+[\u4e00-\u9fff]{0,2}")
"""A title segment that is a size or count (500ml, 1.5L, 30片, SPF50+), not a feature."""
_SPEC_PREFIX = re.compile(r"^[\dA-Za-z.+%]+")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_MATERIAL = re.compile(_ZH_MATERIALS)
_FUNCTION = re.compile(r"加热|制冷|充电|蓝牙|自清洁")
"""Powered functions, a closed class like the materials: a thermos keeps heat, it does not make it (make demo:
「保温杯不仅可以给你快速加热饮料」). One the product's own title lacks was invented."""


def _features(title: str, nouns: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    """(product name, its feature words) of a Chinese title.

    智能测温保温杯 温度显示 → (智能测温保温杯, {智能测温, 温度显示}): the features are the title's other
    segments and what stands before the category noun in its first one.
    """
    segments = [s for s in title.split() if has_cjk(s) and not _SPEC_SEGMENT.fullmatch(s)]
    if not segments:
        return "", frozenset()
    sized = SIZE_TAIL.sub("", segments[0])  # 真空保温杯500ml → 真空保温杯 (316不锈钢保温杯 is no size: kept)
    name, features = sized if has_cjk(sized) else segments[0], set(segments[1:])
    noun = next((n for n in nouns if name.endswith(n) and len(name) > len(n)), None)
    if noun and len(name) - len(noun) >= 2:
        features.add(name[: -len(noun)])
    return name, frozenset(f for f in features if len(f) >= 2)


@functools.cache
def _catalog_features(titles: tuple[str, ...], nouns: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Product name → its feature words, for the Chinese titles; once per catalog (repair asks per clause)."""
    products = dict(_features(t, nouns) for t in titles if has_cjk(t))
    products.pop("", None)
    for name, features in list(products.items()):  # copy names 316不锈钢保温杯 as 不锈钢保温杯 (focus.short_name)
        bare = _SPEC_PREFIX.sub("", name)
        if bare != name and has_cjk(bare):
            products.setdefault(bare, features)
    return products


def borrowed_features(text: str, titles: tuple[str, ...], nouns: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(feature, product it was said of, product that has it) for each sentence naming one product.

    A small model told about the customer's 智能测温保温杯 wrote 「钛合金保温杯温度显示功能让你随时掌控」: a feature
    of one catalog item said of another. Only whole feature words of a title are judged (温度显示, 便携饭盒).
    """
    products = _catalog_features(titles, nouns)
    found = []
    for sentence in _SENTENCE.findall(text):
        named = {p for p in products if p in sentence}
        named = {p for p in named if not any(p != q and p in q for q in named)}  # 保温杯 inside 钛合金保温杯
        if not named:  # about the category (保温杯…): a function no in-scope title has was invented
            noun = next((n for n in nouns if n in sentence), None)
            for m in _FUNCTION.finditer(sentence) if noun else ():
                if not any(m[0] in t for t in titles):
                    found.append((m[0], noun or "", "no catalog title of it"))
            continue
        if len(named) != 1:
            continue
        (product,) = named
        own = products[product] | {product}
        for other, features in products.items():
            for feature in features:
                if other != product and feature in sentence and not any(feature in o for o in own):
                    found.append((feature, product, other))
        # A material is a closed word class: any the product's own title lacks was borrowed or invented
        # (「钛合金保温杯，超厚的不锈钢材质」).
        for m in [*_MATERIAL.finditer(sentence), *_FUNCTION.finditer(sentence)]:
            if not any(m[0] in o for o in own) and not any(m[0] == f for f, _, _ in found):
                found.append((m[0], product, "no catalog title of it"))
    return found


def check_borrowed_features(text: str, facts: OfferFacts) -> list[Violation]:
    """Flag a feature of one in-scope catalog item said of another (温度显示 of the 钛合金保温杯)."""
    zh_titles = tuple(t for t in facts.item_titles if has_cjk(t))
    nouns = tuple(sorted((c for c in facts.categories if has_cjk(c)), key=len, reverse=True))
    found = []
    for feature, product, other in borrowed_features(text, zh_titles, nouns):
        message = f"“{feature}” is said of {product}, but the catalog gives it to {other}."
        hint = f"Remove “{feature}”; say only what the catalog says of {product}."
        found.append(claim_violation("CLAIM_ATTRIBUTE", feature, message, hint, _CITATION))
    return found
