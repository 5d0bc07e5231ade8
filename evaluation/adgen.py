"""AdvertiseGen (attributes → human ad copy) rows as scenarios.

Each row ``{"content": "类型#上衣*材质#牛仔布*颜色#白色", "summary": "..."}`` becomes: items whose titles
carry the attribute values (at most MAX_TITLE characters each, the length the profile keeps), a synthetic
zh user who viewed them all and carted the first, an e-mail campaign (八折) on the row's 类型 category,
and the summary as the reference copy. The data stays outside the repository: pass its path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.channels import Channel
from evaluation.scenario import Scenario
from tools.compose.exemplars import exemplar_lines
from tools.stores.exemplars import Exemplar

DEFAULT_ADGEN_PATH = Path("../shared/data/advertisegen/adgen_dev_public.jsonl")
MAX_TITLE = 24
MAX_ITEMS = 3
FALLBACK_CATEGORY = "服饰"
ITEM_PRICE = 199.0
POOL_SALT = "exemplar-pool-v1"
"""Seeds the split of rows between the exemplar pool and evaluation; a new salt is a new split."""


@dataclass(frozen=True)
class AdgenImport:
    """Scenarios made from the rows, and the rows skipped with why (line numbers are 1-based)."""

    scenarios: list[Scenario]
    skipped: list[tuple[int, str]] = field(default_factory=list)


def parse_content(content: str) -> list[tuple[str, str]]:
    """``类型#上衣*材质#牛仔布`` → [("类型", "上衣"), ("材质", "牛仔布")]; raises ValueError on a bad pair."""
    pairs = []
    for part in content.split("*"):
        key, sep, value = part.partition("#")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"attribute {part!r} is not key#value")
        pairs.append((key.strip(), value.strip()))
    return pairs


def item_titles(values: list[str], category: str) -> list[str]:
    """Attribute values packed, in order, into at most MAX_ITEMS titles of ≤ MAX_TITLE chars, ending in the category."""
    titles: list[str] = []
    chunk: list[str] = []
    for value in values:
        if len(" ".join([*chunk, value, category])) > MAX_TITLE and chunk:
            titles.append(" ".join([*chunk, category]))
            chunk = []
        chunk.append(value)
    if chunk or not titles:
        titles.append(" ".join([*chunk, category])[: MAX_TITLE + 8])
    return titles[:MAX_ITEMS]


def row_scenario(line: int, row: dict[str, Any], channel: Channel = "email") -> Scenario:
    """One AdvertiseGen row as a scenario on `channel` (see the module docstring); ValueError on a bad row."""
    content, summary = row.get("content"), row.get("summary")
    if not isinstance(content, str) or not isinstance(summary, str) or not summary.strip():
        raise ValueError("needs string fields content and summary")
    pairs = parse_content(content)
    category = next((v for k, v in pairs if k == "类型"), FALLBACK_CATEGORY)
    values = list(dict.fromkeys(v for k, v in pairs if v != category))
    sid = f"adgen-{line:04d}" if channel == "email" else f"adgen-{line:04d}-{channel}"
    items = [
        {
            "item_id": f"{sid}-{n}",
            "title_zh": title,
            "title_en": f"AdvertiseGen {line} item {n}",
            "category": category,
            "price": ITEM_PRICE,
        }
        for n, title in enumerate(item_titles(values, category), start=1)
    ]
    events = [{"kind": "view", "item": item["item_id"], "days_ago": 1 + n} for n, item in enumerate(items)]
    events.append({"kind": "cart", "item": items[0]["item_id"], "days_ago": 0.5})
    return Scenario.model_validate(
        {
            "id": sid,
            "description": f"AdvertiseGen dev row {line}: {content}",
            "tags": ["adgen"],
            "user": {"locale": "zh", "consent": {"email": True, "push": True, "sms": True}, "events": events},
            "items": items,
            "campaign": {
                "campaign_id": sid,
                "name": f"{category}专场",
                "offer": {"kind": "percent_off", "percent_off": 20},
                "eligible_categories": [category],
                "channels": [channel],
                "locale": "zh",
                "brand": {"brand_name": "好物铺"},
            },
            "channel": channel,
            "locale": "zh",
            "attributes": list(dict.fromkeys(v for _, v in pairs)),
            "expect": {"decision": "send", "reference": summary.strip()},
        }
    )


def import_adgen(
    path: Path | str = DEFAULT_ADGEN_PATH,
    limit: int | None = None,
    channel: Channel = "email",
    *,
    outside_pool: bool = False,
) -> AdgenImport:
    """Read the first ``limit`` rows (all when None), only those outside the exemplar pool when asked.

    Raises FileNotFoundError with the expected path.
    """
    scenarios: list[Scenario] = []
    skipped: list[tuple[int, str]] = []
    for line, text in _rows(Path(path)):
        if limit is not None and len(scenarios) >= limit:
            break
        if outside_pool and in_exemplar_pool(line):
            continue
        try:
            scenarios.append(row_scenario(line, json.loads(text), channel))
        except ValueError as error:  # JSONDecodeError and pydantic's ValidationError are ValueErrors
            skipped.append((line, str(error).splitlines()[0]))
    return AdgenImport(scenarios=scenarios, skipped=skipped)


def in_exemplar_pool(line: int) -> bool:
    """Whether row ``line`` (1-based) feeds the exemplar pool: a seeded half of the rows, the same everywhere.

    Rows in the pool are never evaluated (``import_adgen(outside_pool=True)``), so no scenario's own
    reference can reach its prompt.
    """
    return hashlib.sha256(f"{POOL_SALT}:{line}".encode()).digest()[0] < 128


def _rows(path: Path) -> Iterator[tuple[int, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"AdvertiseGen file not found: {path} (expected ../shared/data/advertisegen/...)")
    with path.open(encoding="utf-8") as rows:
        for line, text in enumerate(rows, start=1):
            if text.strip():
                yield line, text


def pool_exemplars(path: Path | str = DEFAULT_ADGEN_PATH) -> list[Exemplar]:
    """Style lines from the references of the pool's rows (`in_exemplar_pool`), tagged with their 类型."""
    exemplars = []
    for line, text in _rows(Path(path)):
        if not in_exemplar_pool(line):
            continue
        try:
            row = json.loads(text)
            pairs = parse_content(str(row.get("content", "")))
        except ValueError:  # a bad row gives no lines; import_adgen reports it
            continue
        category = next((v for k, v in pairs if k == "类型"), FALLBACK_CATEGORY)
        for n, sentence in enumerate(exemplar_lines(str(row.get("summary", "")), "zh")):
            exemplars.append(Exemplar(f"advertisegen:{line}:{n}", sentence, "zh", category, f"advertisegen:{line}"))
    return exemplars


def write_jsonl(scenarios: list[Scenario], path: Path) -> None:
    """Write scenarios one per line (defaults left out), readable by evaluation.load.load_scenarios."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(s.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False) for s in scenarios)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
