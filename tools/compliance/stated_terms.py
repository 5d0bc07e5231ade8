"""Claims a product may make only where an in-scope catalog title states them: the terms, compiled and matched.

Effects on health (claims_efficacy) and environmental claims (claims_green) share one data-file layout: a list
of entries, each a literal string or a mapping with `pattern` (a regex), `label`, optional `exceptions` (a hit
lying inside one is allowed) and `stated` (the words a catalog title must hold to allow a hit; default: the
hit itself). The catalog is the only evidence the system holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from domain.review import Violation
from tools.compliance.claim_finding import claim_violation
from tools.compliance.textutil import Claimed

_I = re.IGNORECASE


@dataclass(frozen=True)
class StatedTerm:
    """One claim, compiled: what it matches, what it spares, what a title must hold to allow it."""

    label: str
    pattern: re.Pattern[str]
    exceptions: tuple[re.Pattern[str], ...]
    stated: re.Pattern[str] | None
    """Words a catalog title must hold to allow a hit; None: the hit itself."""


def compile_terms(entries: Sequence[Any]) -> tuple[StatedTerm, ...]:
    """The entries of a data file's term list, compiled (a literal string matches as written, in any case)."""
    terms = []
    for entry in entries:
        if isinstance(entry, str):
            entry = {"pattern": re.escape(entry), "label": entry}
        stated = entry.get("stated")
        terms.append(
            StatedTerm(
                label=str(entry["label"]),
                pattern=re.compile(str(entry["pattern"]), _I),
                exceptions=tuple(re.compile(e, _I) for e in entry.get("exceptions", [])),
                stated=re.compile(stated, _I) if stated else None,
            )
        )
    return tuple(terms)


def _excepted(term: StatedTerm, folded: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for ex in term.exceptions for m in ex.finditer(folded))


def _stated(term: StatedTerm, hit: str, titles: Sequence[str]) -> bool:
    """Whether an in-scope catalog title states what the hit claims."""
    if term.stated is not None:
        return any(term.stated.search(t) for t in titles)
    return any(hit.lower() in t.lower() for t in titles)


def unstated_hits(
    terms: Sequence[StatedTerm], folded: str, titles: Sequence[str]
) -> Iterator[tuple[StatedTerm, re.Match[str]]]:
    """Each hit of `terms` in `folded` (full-width folded text) that none of the catalog `titles` states."""
    for term in terms:
        for m in term.pattern.finditer(folded):
            if not _excepted(term, folded, m.start(), m.end()) and not _stated(term, m[0], titles):
                yield term, m


@dataclass(frozen=True)
class StatedRule:
    """How one family of catalog-stated claims is reported: its code, what a hit claims, what to write instead."""

    code: str
    claims: str
    """What a hit does, after the quoted span: "claims an effect on the body or on health"."""
    instead: str
    """What the hint asks for in its place."""
    citation: str


def stated_violations(
    rule: StatedRule, hits: Iterator[tuple[StatedTerm, re.Match[str]]], text: str, claimed: Claimed
) -> list[Violation]:
    """One blocking claims finding per unstated hit that no earlier rule judged (`claimed`)."""
    found = []
    for term, m in hits:
        if claimed.take(m.start(), m.end()):
            span = text[m.start() : m.end()]
            message = f"“{span}” {rule.claims} ({term.label}) the catalog does not state."
            hint = f"Remove “{span}”; {rule.instead}."
            found.append(claim_violation(rule.code, span, message, hint, rule.citation))
    return found
