"""Compare the copy of two delivery plans of the same campaign and users: what changed, and known defects.

Pairs with the generation cache: run a campaign at one commit, then the same campaign at another with the
same `PROMO_HOME` (the shop's send log emptied in a copy, a new run id). The second run reads every
generation the first one made, so the plans differ only by what the code after the model did (repair,
rules, choice): a paired comparison with no sampling noise. See bench/NOTES.md ("Copy repairs from
campaign runs").

    python bench/plan_copy_compare.py BEFORE.jsonl AFTER.jsonl [--show]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from pathlib import Path

DEFECTS: dict[str, re.Pattern[str]] = {
    "product named twice": re.compile(r"(保温杯|咖啡)[，,]?(?:这款|这只|我们的)\1|\b(\w{4,}) \2\b", re.IGNORECASE),
    "clause cut after 还 / 让你 / 的同时": re.compile(r"(?:还|让你|的同时|而且)。"),
    "where or when alone as the title": re.compile(
        r"^T:(?:在|当)[^，！？]{1,14}(?:里|中|期间|之际|时|时候|上|节|季|天|日|夜|晚|年|月|时节|时刻)\|"
    ),
    "an offer the campaign does not make": re.compile(r"礼品|红包|积分|包邮|返现|抽奖|双倍|酬宾|全网|超低|半角|额外"),
    "a measure without its number": re.compile(r"摄氏|毫升|\bliters?\b|capacity of", re.IGNORECASE),
    "an occasion the campaign does not name": re.compile(r"周末|派对|生日|\bweekend|\bparty|\bbirthday", re.IGNORECASE),
    "the CTA twice": re.compile(r"立即选购。.*立即选购|Shop now\..*Shop now"),
    "an English title cut": re.compile(
        r"^T:(?!Picked for you\|)[A-Za-z].*\b(?:designed|keeps|waiting|you|with|a|the|to|for|and|of|never|but)\|"
    ),
    "an English title in lower case": re.compile(r"^T:[a-z]"),
    "a relative deadline": re.compile(r"明日|明天|tomorrow|即将开始", re.IGNORECASE),
}
"""Defects read by hand in campaign runs on the demo shop (session 15), as patterns over "T:title|text"."""

STAND_IN_TITLES = frozenset({"Picked for you", "给你的好物", "双十一保温杯专场", "Coffee Week", "咖啡周", "保温杯优惠"})
"""Titles that are a stand-in (the neutral hook or a campaign's name), not the model's words."""
FACTS_FIRST = re.compile(r"^(?:【好物铺】|\[好物铺\] )?(?:[^，。.]{0,14}满300减50|¥50 off|20% off|[^，。]{0,10}享八折)")
"""A body that opens with the rendered offer: the model's line was left out."""


def read_plan(path: Path) -> dict[str, dict[str, str]]:
    """The plan's messages by user id (title and text)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["user_id"]: {"title": row["title"], "text": row["text"], "source": row["source"]} for row in rows}


def defects_of(message: dict[str, str]) -> list[str]:
    """The DEFECTS a message shows."""
    said = f"T:{message['title']}|{message['text']}"
    return [name for name, pattern in DEFECTS.items() if pattern.search(said)]


def summary(plan: dict[str, dict[str, str]]) -> str:
    """Counts for one plan: messages, model-written, defects by kind, stand-in titles, facts-only bodies."""
    counts: dict[str, int] = {}
    flawed = 0
    for message in plan.values():
        found = defects_of(message)
        flawed += bool(found)
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    kinds = ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"
    stand_in = sum(m["title"] in STAND_IN_TITLES for m in plan.values())
    facts_only = sum(bool(FACTS_FIRST.match(m["text"])) for m in plan.values())
    written = sum(m["source"] == "llm" for m in plan.values())
    return (
        f"{len(plan)} messages, {written} model-written; {flawed} with a known defect ({kinds}); "
        f"stand-in titles {stand_in}, facts-only bodies {facts_only}"
    )


def changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> Iterable[tuple[str, str]]:
    """(before, after) for each user both plans message with different copy."""
    for user_id, old in before.items():
        new = after.get(user_id)
        if new is not None and (old["title"], old["text"]) != (new["title"], new["text"]):
            yield f"{old['title']} | {old['text']}", f"{new['title']} | {new['text']}"


def main() -> None:
    """Print both plans' counts and how many users' copy changed (each change with --show)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--show", action="store_true", help="print every changed message, before and after")
    args = parser.parse_args()
    before, after = read_plan(args.before), read_plan(args.after)
    changed = list(changes(before, after))
    print(f"before: {summary(before)}")
    print(f"after:  {summary(after)}")
    print(f"users in both: {len(before.keys() & after.keys())}, copy changed for {len(changed)}")
    if args.show:
        for old, new in changed:
            print(f"- {old}\n+ {new}")


if __name__ == "__main__":
    main()
