from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tools.targeting.bandit import LinearThompsonSampling
from tools.targeting.logs import LogValidationError


def test_learns_the_better_variant_per_context() -> None:
    bandit = LinearThompsonSampling(n_features=2, n_draws=200, random_state=1)
    rng = np.random.default_rng(0)
    for t in range(400):
        group = t % 2
        context = [1.0, float(group)]
        choice = bandit.choose(context, ["a", "b"], key=str(t))
        best = "b" if group else "a"  # variant a suits group 0, b suits group 1
        bandit.update(context, choice.arm, float(rng.random() < (0.6 if choice.arm == best else 0.2)))
    assert bandit.choose([1.0, 0.0], ["a", "b"]).probabilities["a"] > 0.9
    assert bandit.choose([1.0, 1.0], ["a", "b"]).probabilities["b"] > 0.9


def test_choice_carries_its_propensity() -> None:
    bandit = LinearThompsonSampling(n_features=2, n_draws=500)
    choice = bandit.choose([1.0, 0.5], ["v1", "v2", "v3"], key="u1:c1")
    assert sum(choice.probabilities.values()) == pytest.approx(1.0)
    assert choice.propensity == choice.probabilities[choice.arm]
    assert 1 / 501 <= choice.propensity <= 1.0
    # With no data, all three variants are equally likely.
    assert all(abs(p - 1 / 3) < 0.08 for p in choice.probabilities.values())


def test_seeded_and_persistable() -> None:
    first = LinearThompsonSampling(n_features=2, random_state=7)
    first.update([1.0, 0.0], "a", 1.0)
    restored = LinearThompsonSampling.from_json(first.to_json())
    assert restored.choose([1.0, 0.3], ["a", "b"], key="k") == first.choose([1.0, 0.3], ["a", "b"], key="k")
    assert restored.arms["a"].pulls == 1
    # The next call draws a fresh stream (the counter advanced), and a new variant starts from the prior.
    assert first.choices_made == 1
    assert first.choose([1.0, 0.3], ["a", "c"]).arm in {"a", "c"}
    assert "c" in first.arms


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda b: b.choose([1.0], ["a"]), LogValidationError, "context must have 2 features, got 1"),
        (lambda b: b.choose([1.0, np.nan], ["a"]), LogValidationError, "context has a NaN"),
        (lambda b: b.choose([1.0, 0.0], []), ValueError, "at least one candidate"),
        (lambda b: b.update([1.0, 0.0], "a", float("nan")), LogValidationError, "reward must be a finite number"),
    ],
)
def test_bad_calls(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(LinearThompsonSampling(n_features=2))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"n_features": 0}, "n_features must be >= 1"),
        ({"exploration": 0.0}, "must be > 0"),
        ({"n_draws": 5}, "n_draws must be >= 10"),
    ],
)
def test_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LinearThompsonSampling(**{"n_features": 2, **settings})


def test_bad_state_file() -> None:
    with pytest.raises(ValueError, match="not a promo-lints/1"):
        LinearThompsonSampling.from_json('{"format": "x"}')
