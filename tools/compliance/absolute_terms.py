"""Rule family absolute_terms: restricted absolute and superlative terms (PRC Advertising Law Art. 9(3))."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from domain.review import Violation
from tools.compliance.rule_data import rule_data
from tools.compliance.textutil import Claimed, fold, has_cjk


@dataclass(frozen=True)
class Term:
    """One restricted term, compiled."""

    code: str
    label: str
    pattern: re.Pattern[str]
    exceptions: tuple[re.Pattern[str], ...]
    citation: str
    fix_hint: str
    needle: str = ""
    """Lower-case text any match contains; a text without it is skipped without running the pattern."""


def _needle(pattern: str) -> str:
    """The literal characters a pattern starts with (最 of 最[多少], 第 of 第[一1]); empty when it starts otherwise."""
    depth = 0
    for ch in pattern:  # a top-level alternative (a|b) has no common start
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            return ""
    literal = re.match(r"[^\\.^$*+?{}\[\]|()]+", pattern)
    text = literal[0] if literal else ""
    return text[:-1] if len(text) > 1 and pattern[len(text) : len(text) + 1] in ("?", "*", "{") else text


def _compile_term(entry: str | dict[str, Any]) -> tuple[str, re.Pattern[str], tuple[re.Pattern[str], ...], str]:
    if isinstance(entry, str):
        # ASCII terms match on word boundaries only, so "best" does not hit "bestow".
        body = re.escape(entry) if has_cjk(entry) else rf"(?<![a-z0-9]){re.escape(entry)}(?![a-z0-9])"
        return entry, re.compile(body, re.IGNORECASE), (), entry.lower()
    exceptions = tuple(re.compile(e, re.IGNORECASE) for e in entry.get("exceptions", []))
    pattern = str(entry["pattern"])
    return str(entry["label"]), re.compile(pattern, re.IGNORECASE), exceptions, _needle(pattern).lower()


@functools.cache
def load_terms() -> tuple[Term, ...]:
    """The term list from data/absolute_terms.yaml, longest label first."""
    data = rule_data("absolute_terms")
    terms = []
    for group in data["groups"]:
        citation = data["citations"][group["citation"]]
        for entry in group["terms"]:
            label, pattern, exceptions, needle = _compile_term(entry)
            terms.append(Term(group["code"], label, pattern, exceptions, citation, group["fix_hint"], needle))
    return tuple(sorted(terms, key=lambda t: -len(t.label)))


def _excepted(term: Term, text: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for ex in term.exceptions for m in ex.finditer(text))


def find_absolute_terms(text: str) -> list[Violation]:
    """Every restricted absolute term in the text, each reported once under its longest match."""
    folded, claimed, found = fold(text), Claimed(), []
    lowered = folded.lower()
    for term in load_terms():
        if term.needle not in lowered:  # "" is in every text
            continue
        for m in term.pattern.finditer(folded):
            if _excepted(term, folded, m.start(), m.end()) or not claimed.take(m.start(), m.end()):
                continue
            span = text[m.start() : m.end()]
            found.append(
                Violation(
                    code=term.code,
                    family="absolute_terms",
                    message=f"Restricted absolute term “{span}” ({term.label}).",
                    span=span,
                    fix_hint=term.fix_hint.format(span=span),
                    citation=term.citation,
                )
            )
    return found
