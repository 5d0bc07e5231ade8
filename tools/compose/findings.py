"""Repair a blocked draft from the rules' own findings before any LLM rewrite is spent.

Each blocking finding names the offending span (an invented attribute, a word cut mid-way, a stray English
word, an echo of the prompt, a contact detail): the clause holding it is taken out of the title or body and
the draft is checked again. Facts rendered from data (the offer, its end date) are never taken out: a
finding inside them, or one with no span to find, cannot be repaired here and goes back to the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.copy import Draft
from domain.review import Violation

_CLAUSE_MARKS = "，。！？；、,.!?;"
_CLAUSE = re.compile(f"(?<=[{_CLAUSE_MARKS}])")
_ENDS = "，、；,; "


def _without(text: str, span: str, protected: Sequence[str]) -> str | None:
    """`text` without the clause holding `span`; None when the span is absent or inside a protected fact."""
    clauses = [c for c in _CLAUSE.split(text) if c]
    hit = next((i for i, c in enumerate(clauses) if span in c), None)
    if hit is None or any(p and p in clauses[hit] for p in protected):
        return None
    kept = "".join(clauses[:hit] + clauses[hit + 1 :])
    return kept.strip(_ENDS)


def _offer_clause_start(body: str, offer: str) -> int | None:
    at = body.find(offer) if offer else -1
    if at < 0:
        return None
    return max(body.rfind(ch, 0, at) for ch in _CLAUSE_MARKS) + 1


def keep_offer_scope(before: str, after: str, offer: str, scopes: Sequence[str]) -> str:
    """`after` with the offer's category put back when the clause taken out was the one that named it.

    A Chinese line that opens with the category leaves it out of the offer (「裤子系列，…。享八折」, render_slots);
    taking that clause out would leave 「享八折」 with nothing saying what is 20 % off.
    """
    start, was = _offer_clause_start(after, offer), _offer_clause_start(before, offer)
    if start is None or was is None:
        return after
    named = [s for s in scopes if s and s in before[:was]]
    if not named or any(s in after[: after.index(offer)] for s in scopes if s):
        return after
    return after[:start] + named[0] + after[start:]


def repair_from_findings(
    draft: Draft, blocking: Sequence[Violation], protected: Sequence[str], scopes: Sequence[str] = ()
) -> Draft | None:
    """The draft with every blocking finding's clause taken out, or None when one cannot be.

    `protected` are the rendered facts (offer first, then the end date) a clause must not lose; `scopes` the
    categories the offer covers, put back before the offer when the clause that named one goes (keep_offer_scope).
    The result still has to pass the rules: taking a clause out can leave a title empty or an SMS without its
    point.
    """
    if not blocking:
        return None
    title, body = draft.title, draft.body
    for violation in blocking:
        if not violation.span or violation.field not in ("title", "body"):
            return None
        if violation.field == "title":
            fixed = _without(title, violation.span, protected)
            if not fixed:
                return None
            title = fixed
        else:
            fixed = _without(body, violation.span, protected)
            if fixed is None:
                return None
            body = fixed
    if protected:
        body = keep_offer_scope(draft.body, body, protected[0], scopes)
    if draft.channel == "sms" and not has_own_words(body, protected):  # an SMS shows no title: nothing left
        return None
    return draft.model_copy(update={"title": title, "body": body, "variant_id": f"{draft.variant_id}-fix"})


def has_own_words(body: str, protected: Sequence[str]) -> bool:
    """Whether any clause of the body is the model's, not a rendered fact."""
    return any(c.strip(_ENDS + "。.!?！？") and not any(p in c for p in protected if p) for c in _CLAUSE.split(body))
