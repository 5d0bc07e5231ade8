"""Properties of every data schema: the service's request and response bodies and the domain models.

Generated from each model's own JSON schema (hypothesis-jsonschema) and from arbitrary JSON: validating
either accepts the value or raises pydantic's ValidationError (which the service answers 422), never any
other error; what is accepted survives a JSON round trip unchanged.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel, ValidationError

import domain
import service.schemas


def models_of(package: Any) -> list[type[BaseModel]]:
    """Every pydantic model defined in the package's modules."""
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return [found[key] for key in sorted(found)]


MODELS = models_of(service.schemas) + models_of(domain)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30,
)


def accepted_or_refused(model: type[BaseModel], value: Any) -> BaseModel | None:
    """The model for a JSON value, or None when validation refuses it; any other exception fails the test."""
    try:
        return model.model_validate_json(json.dumps(value, ensure_ascii=False))
    except ValidationError:
        return None


def test_every_schema_module_is_covered() -> None:
    names = {model.__name__ for model in MODELS}
    assert {"PromotionRequest", "RunRequest", "FeedbackBatch", "ChatCompletionRequest", "NewKey"} <= names
    assert {"Campaign", "Offer", "User", "Event", "Draft", "PromotionResult"} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda model: f"{model.__module__}.{model.__name__}")
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_values_from_the_schema_validate_or_are_refused_cleanly_and_round_trip(
    model: type[BaseModel], data: st.DataObject
) -> None:
    schema = model.model_json_schema(mode="validation")
    value = data.draw(st.one_of(from_schema(schema), json_values), label="value")
    parsed = accepted_or_refused(model, value)
    if parsed is not None:
        assert model.model_validate_json(parsed.model_dump_json()) == parsed
