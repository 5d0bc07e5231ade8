"""The one shape of a claims finding: every claims rule blocks, in the claims family, citing its own article."""

from __future__ import annotations

from domain.review import Violation


def claim_violation(code: str, span: str, message: str, hint: str, citation: str) -> Violation:
    """A claims Violation for `span`; the rules differ only in code, wording and the law they cite."""
    return Violation(code=code, family="claims", message=message, span=span, fix_hint=hint, citation=citation)
