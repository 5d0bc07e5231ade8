"""API fuzzing from the service's own OpenAPI schema (schemathesis), bounded for CI.

Every operation, with data the schema allows (positive) and data it forbids (negative), sent with an admin
key (the role that may call everything) to the real app on the unit-test stores and scripted models. Each
answer must: not be a server error, have a status code and content type the schema documents, match the
documented body schema, and carry no stack trace. `PROMO_FUZZ_EXAMPLES` (per operation and mode)
(default 15) scales it up; the summary line gives the counts (bench/NOTES.md has the 10,000-request run).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import AcceptedNegativeData
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.service_support import served_app
from tools.services import Services

EXAMPLES = int(os.environ.get("PROMO_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]
STACK_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")


@dataclass
class FuzzTally:
    """What the fuzzer sent and what came back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    nothing_to_negate: list[str] = field(default_factory=list)

    def summary(self) -> str:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        server_errors = sum(n for code, n in self.statuses.items() if code >= 500 and code != 503)
        return (
            f"{self.requests} requests, {server_errors} server errors, {len(self.failures)} failures ({codes}); "
            f"no negative data for {', '.join(self.nothing_to_negate) or 'none'}"
        )


def lost_on_the_wire(failure: Failure, response: Response, operation: APIOperation) -> bool:
    """A negative case whose unknown query parameter never reached the service (a name the HTTP client drops,
    such as an empty one): the request sent was valid, so accepting it is right."""
    if not isinstance(failure, AcceptedNegativeData) or "in query" not in failure.message:
        return False
    sent = parse_qs(urlsplit(str(response.request.url)).query, keep_blank_values=True)
    return set(sent) <= {parameter.name for parameter in operation.query}


def fuzz(operation: APIOperation, mode: GenerationMode, headers: dict[str, str], tally: FuzzTally) -> None:
    """Send EXAMPLES generated requests to one operation, tallying the answers and every failed check."""

    @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case: schemathesis.Case) -> None:
        # A negative case may be about the Authorization header: schemathesis then leaves it out (401).
        response = case.call(headers=headers)
        tally.requests += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            real = [failure for failure in group.exceptions if not lost_on_the_wire(failure, response, operation)]
            tally.failures += [f"{operation.label} [{mode.value}]: {str(failure)[:600]}" for failure in real]
        if STACK_TRACE.search(response.text):
            tally.failures.append(f"{operation.label} [{mode.value}]: stack trace in the body")

    try:
        send()
    except Unsatisfiable:  # nothing to negate: the operation takes no parameters and no body
        assert mode is GenerationMode.NEGATIVE, operation.label
        tally.nothing_to_negate.append(operation.label)


def test_every_operation_answers_as_documented_to_generated_requests(tmp_path: Path, services: Services) -> None:
    tally = FuzzTally()
    with served_app(tmp_path, services) as served:
        schema = schemathesis.openapi.from_asgi("/openapi.json", served.client.app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15, [op.label for op in operations]
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(operation, mode, served.auth(served.admin), tally)
    print(tally.summary())
    assert tally.failures == [], "\n\n".join(tally.failures[:10])
    assert tally.requests >= len(operations) * EXAMPLES, tally.summary()
