from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.targeting.offline.allocation import Allocation, AllocationProblem, allocate_exact
from tools.targeting.offline.eligibility import build_eligibility
from tools.targeting.offline.greedy import allocate_greedy
from tools.targeting.offline.planning import Budget
from tools.targeting.offline.solve import allocate


def random_problem(seed: int, *, costs: bool, caps: bool, n: int = 40) -> AllocationProblem:
    rng = np.random.default_rng(seed)
    values = rng.normal(0.3, 1.0, (n, 3))
    return AllocationProblem(
        values=values,
        budget=float(rng.uniform(1, n / 2)) if costs else float(rng.integers(1, n // 2)),
        costs=rng.uniform(0.2, 2.0, 3) if costs else None,
        eligible=rng.random((n, 3)) > 0.2,
        channels=np.array([0, 1, 1]) if caps else None,
        capacities=np.array([np.inf, float(rng.integers(1, 8))]) if caps else None,
    )


def check_feasible(problem: AllocationProblem, result: Allocation) -> None:
    chosen = np.flatnonzero(result.treatment >= 0)
    picks = result.treatment[chosen]
    assert np.asarray(problem.eligible)[chosen, picks].all()
    assert result.cost <= problem.budget + 1e-9
    used = np.bincount(np.asarray(problem.channels)[picks], minlength=len(np.asarray(problem.capacities)))
    assert (used <= np.asarray(problem.capacities)).all()
    assert result.upper_bound >= result.value - 1e-9


@pytest.mark.parametrize("seed", range(12))
def test_greedy_is_optimal_for_send_budgets(seed: int) -> None:
    problem = random_problem(seed, costs=False, caps=False)
    greedy, exact = allocate_greedy(problem), allocate_exact(problem)
    check_feasible(problem, greedy)
    assert greedy.value == pytest.approx(exact.value)
    assert greedy.optimality_gap == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_guarantee_with_costs(seed: int) -> None:
    problem = random_problem(seed, costs=True, caps=False)
    greedy, exact = allocate_greedy(problem), allocate_exact(problem)
    check_feasible(problem, greedy)
    best_single = float(np.asarray(problem.values)[problem.candidates()].max(initial=0.0))
    assert greedy.value >= exact.value - best_single - 1e-9  # value >= OPT - max value (module docstring)
    assert greedy.upper_bound >= exact.value - 1e-9  # the certificate really bounds the optimum


@pytest.mark.parametrize("seed", range(12))
def test_greedy_respects_channel_capacities_and_certifies(seed: int) -> None:
    problem = random_problem(seed, costs=True, caps=True)
    greedy, exact = allocate_greedy(problem), allocate_exact(problem)
    check_feasible(problem, greedy)
    check_feasible(problem, exact)
    assert greedy.upper_bound >= exact.value - 1e-9


def test_greedy_close_to_milp_on_a_larger_capped_instance() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    values = rng.gamma(2, 0.01, (n, 3)) * rng.lognormal(0, 0.5, (n, 1))
    problem = AllocationProblem(
        values,
        180.0,
        np.array([0.05, 0.3, 0.02]),
        rng.random((n, 3)) > 0.2,
        np.array([0, 1, 2]),
        np.array([np.inf, 300.0, 450.0]),
    )
    greedy, exact = allocate_greedy(problem), allocate_exact(problem)
    check_feasible(problem, greedy)
    assert greedy.value >= 0.99 * exact.value
    assert greedy.optimality_gap < 0.01


def test_auto_uses_milp_only_where_the_greedy_is_not_provably_optimal() -> None:
    sends = random_problem(0, costs=False, caps=False)
    assert allocate(sends).method == "greedy"  # optimal for send budgets: no MILP needed
    costly = random_problem(3, costs=True, caps=True)
    result = allocate(costly)
    assert result.value >= allocate_exact(costly).value - 1e-9
    large = AllocationProblem(np.random.default_rng(0).random((30_000, 3)), 1000.0, costs=[1.0, 2.0, 3.0])
    assert allocate(large).method == "greedy"
    with pytest.raises(ValueError, match="method must be auto, milp or greedy"):
        allocate(large, method="magic")  # type: ignore[arg-type]


def test_nothing_worth_sending() -> None:
    problem = AllocationProblem(-np.ones((5, 2)), budget=3.0)
    for result in (allocate_greedy(problem), allocate_exact(problem)):
        assert result.sends == 0
        assert result.value == 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"budget": -1.0}, "budget must be a finite number >= 0"),
        ({"budget": float("nan")}, "budget must be a finite number >= 0"),
        ({"values": [[1.0, np.nan]] * 3}, "values has a NaN or infinite value at row 0"),
        ({"values": [1.0, 2.0]}, "values must be 2-dimensional"),
        ({"values": np.zeros((0, 2))}, "values is empty"),
        ({"costs": [1.0, 0.0]}, "costs must be finite and > 0"),
        ({"costs": [1.0, 2.0, 3.0]}, r"costs must have shape \(2,\) or \(3, 2\)"),
        ({"eligible": np.ones((2, 2), dtype=bool)}, r"eligible must have shape \(3, 2\)"),
        ({"channels": [0, -1]}, "channels must be 2 non-negative channel indices"),
        ({"channels": [0, 1], "capacities": [5.0]}, "capacities must be 2 numbers >= 0"),
        ({"channels": [0, 1], "capacities": [5.0, -1.0]}, "capacities must be 2 numbers >= 0"),
    ],
)
def test_bad_problems_say_what_to_fix(change: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"values": np.ones((3, 2)), "budget": 2.0, **change}
    with pytest.raises(ValueError, match=message):
        AllocationProblem(**fields)


def test_eligibility_is_a_hard_constraint_with_reasons() -> None:
    eligibility = build_eligibility(
        4,
        ["email", "sms"],
        consent={"email": [1, 1, 0, 1]},  # no sms record at all: opt-in means nobody gets sms
        can_send_now=[True, False, True, True],
        recent_sends=[0, 0, 0, 3],
        frequency_cap=3,
    )
    assert eligibility.mask.tolist() == [[True, False], [False, False], [False, False], [False, False]]
    assert eligibility.reasons[1] == ["consent: no opt-in for sms", "quiet hours: no allowed send time in the window"]
    assert "frequency cap" in eligibility.reasons[3][-1]
    values = np.full((4, 2), 5.0)
    result = allocate_greedy(AllocationProblem(values, 4.0, eligible=eligibility.mask))
    assert result.treatment.tolist() == [0, -1, -1, -1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"consent": {"email": [1, 0]}}, r"consent\[email\] must have one entry per user \(3\)"),
        ({"consent": {"email": [1, 0, 2]}}, r"consent\[email\] must be booleans or 0/1"),
        ({"recent_sends": [0, 1, 2]}, "recent_sends needs a frequency_cap >= 1"),
        ({"recent_sends": [0, 1], "frequency_cap": 2}, "recent_sends must have 3 entries"),
    ],
)
def test_bad_eligibility_inputs(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_eligibility(3, ["email"], **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give exactly one budget"),
        ({"share": 0.3, "sends": 10}, "give exactly one budget"),
        ({"share": 1.5}, r"budget share must be in \[0, 1\]"),
        ({"sends": -2}, "budget must be >= 0"),
    ],
)
def test_bad_budgets(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Budget(**kwargs)


def test_budget_amounts() -> None:
    assert Budget(share=0.3).amount(1001) == 300.0
    assert Budget(sends=7).amount(1001) == 7.0
    assert Budget(cost=12.5).amount(10) == 12.5


@st.composite
def problems(draw: st.DrawFn) -> AllocationProblem:
    """Any small problem: values of either sign, unit or per-pair costs, sparse eligibility, capped channels."""
    n, k = draw(st.integers(1, 12)), draw(st.integers(1, 4))
    numbers = st.floats(-3.0, 3.0, allow_nan=False)
    values = np.array(draw(st.lists(st.lists(numbers, min_size=k, max_size=k), min_size=n, max_size=n)))
    costs = None
    if draw(st.booleans()):
        costs = np.array(draw(st.lists(st.floats(0.05, 3.0), min_size=k, max_size=k)))
    eligible = np.array(draw(st.lists(st.lists(st.booleans(), min_size=k, max_size=k), min_size=n, max_size=n)))
    channels = np.array(draw(st.lists(st.integers(0, 1), min_size=k, max_size=k)))
    n_channels = int(channels.max()) + 1
    capacities = np.array(
        draw(st.lists(st.sampled_from([np.inf, 0.0, 1.0, 2.0, 5.0]), min_size=n_channels, max_size=n_channels))
    )
    budget = draw(st.floats(0.0, 10.0))
    return AllocationProblem(values, budget, costs, eligible, channels, capacities)


@settings(max_examples=150)
@given(problem=problems(), method=st.sampled_from(["greedy", "milp", "auto"]))
def test_no_allocation_breaks_eligibility_the_budget_or_a_capacity(problem: AllocationProblem, method: str) -> None:
    result = allocate(problem, method=method)  # type: ignore[arg-type]
    check_feasible(problem, result)
    chosen = result.treatment[result.treatment >= 0]
    assert ((result.treatment >= -1) & (result.treatment < problem.shape[1])).all()
    assert (np.asarray(problem.values)[result.treatment >= 0, chosen] > 0).all(), "never a pair worth nothing"
    assert result.sends == chosen.size
