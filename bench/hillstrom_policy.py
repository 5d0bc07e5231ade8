"""Hillstrom benchmark: value of the learned targeting policy at a 30 % send budget, by IPW on held-out rows.

    python bench/hillstrom_policy.py                       # default data path ../shared/data/hillstrom/...
    python bench/hillstrom_policy.py --repeats 5 --outcome-model linear

Fits on a random 70 % of the public file and evaluates on the other 30 %: visits, conversions and spend per
1,000 customers with 95 % bootstrap CIs, for send nobody, random 30 % with each e-mail, a T-learner at
30 % and the DR-learner policy at 30 %. Assignment was randomized with probability 1/3, so IPW is
unbiased. Paired differences (same bootstrap resamples) test "beats" and "not significantly worse".
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from evaluation.hillstrom import ARMS, COLUMNS
from evaluation.hillstrom import HILLSTROM_CSV as DEFAULT
from tools.targeting.offline.encoding import FeatureEncoder
from tools.targeting.offline.learned import fit_uplift_policy
from tools.targeting.offline.logs import FloatArray, IntArray, LoggedFeedback
from tools.targeting.offline.ope import InverseProbabilityWeighting, PolicyValue, deterministic_dist
from tools.targeting.offline.planning import Budget, plan_campaign
from tools.targeting.offline.selection import select_policy
from tools.targeting.offline.table import Table, read_table
from tools.targeting.offline.uplift import OutcomeModel, TLearner

OUTCOMES = ["visit", "conversion", "spend"]
Results = dict[str, dict[str, tuple[PolicyValue, FloatArray]]]


def subset(table: Table, rows: IntArray) -> Table:
    """The rows of a table, as a new table."""
    return Table({name: np.asarray(values)[rows].tolist() for name, values in table.columns.items()}, table.source)


def top_share(effects: FloatArray, share: float) -> IntArray:
    """Deterministic policy: the best treatment for the top `share` of customers by their best effect."""
    actions = np.zeros(effects.shape[0], dtype=np.int64)
    best = effects.max(axis=1)
    chosen = np.argsort(-best, kind="stable")[: int(share * effects.shape[0])]
    chosen = chosen[best[chosen] > 0]
    actions[chosen] = effects[chosen].argmax(axis=1) + 1
    return actions


def policies(table: Table, train: IntArray, test: IntArray, args: argparse.Namespace) -> dict[str, FloatArray]:
    """Action probabilities on the test rows for every policy compared."""
    n = test.size
    dists: dict[str, FloatArray] = {"send nobody": deterministic_dist(np.zeros(n, dtype=np.int64), 3)}
    for k in (1, 2):
        dist = np.zeros((n, 3))
        dist[:, 0], dist[:, k] = 1 - args.budget_share, args.budget_share
        dists[f"random {args.budget_share:.0%} {ARMS[k]}"] = dist
    fit_table, eval_table = subset(table, train), subset(table, test)
    actions = np.asarray([ARMS.index(s) for s in table.columns["segment"]], dtype=np.int64)
    encoder = FeatureEncoder(COLUMNS.numeric, COLUMNS.categorical, args.bins).fit(fit_table)
    started = time.perf_counter()
    baseline = TLearner(3, outcome_model=args.outcome_model, random_state=args.seed)
    baseline.fit(encoder.transform(fit_table), actions[train], table.numbers("visit")[train])
    t_effects = baseline.predict_effects(encoder.transform(eval_table))
    dists[f"T-learner top {args.budget_share:.0%}"] = deterministic_dist(top_share(t_effects, args.budget_share), 3)
    middle = time.perf_counter()
    policy = fit_uplift_policy(
        fit_table, COLUMNS, n_bins=args.bins, outcome_model=args.outcome_model, random_state=args.seed
    )
    plan = plan_campaign(policy, eval_table, Budget(share=args.budget_share))
    dists[f"DR-learner policy {args.budget_share:.0%}"] = deterministic_dist(plan.allocation.treatment + 1, 3)
    print(f"  fit: T-learner {middle - started:.1f} s, DR-learner policy {time.perf_counter() - middle:.1f} s")
    return dists


def evaluate(table: Table, test: IntArray, dists: dict[str, FloatArray], args: argparse.Namespace) -> Results:
    """IPW value per 1,000 customers and paired bootstrap replicates, per policy and outcome."""
    actions = np.asarray([ARMS.index(s) for s in np.asarray(table.columns["segment"])[test]], dtype=np.int64)
    estimator = InverseProbabilityWeighting(n_bootstrap=args.bootstrap, random_state=args.seed)
    out: Results = {}
    for outcome in OUTCOMES:
        log = LoggedFeedback(actions, table.numbers(outcome)[test], np.full(test.size, 1 / 3), n_actions=3)
        for name, dist in dists.items():
            numerator, denominator = estimator.checked_terms(log, dist, None)
            reps = estimator.replicates(numerator, denominator) * 1000
            value = estimator.estimate(log, dist).scaled(1000)
            out.setdefault(name, {})[outcome] = (value, reps)
    return out


def select(table: Table, test: IntArray, dists: dict[str, FloatArray], args: argparse.Namespace) -> None:
    """Safe selection on visits, the random men's e-mail as incumbent: does the learned policy qualify."""
    actions = np.asarray([ARMS.index(s) for s in np.asarray(table.columns["segment"])[test]], dtype=np.int64)
    log = LoggedFeedback(actions, table.numbers("visit")[test], np.full(test.size, 1 / 3), n_actions=3)
    incumbent = f"random {args.budget_share:.0%} Mens E-Mail"
    estimator = InverseProbabilityWeighting(n_bootstrap=args.bootstrap, random_state=args.seed)
    choice = select_policy(log, dists, incumbent, estimator=estimator)
    print(f"safe selection on visits (incumbent {incumbent}): {choice.reasons[-1]}")


def report(results: Results, budget_share: float) -> dict[str, tuple[bool, float]]:
    """Print the table and the goal checks; return each check's outcome and margin."""
    print(f"\n{'policy':<28}" + "".join(f"{o + ' /1000':>26}" for o in OUTCOMES))
    for name, by_outcome in results.items():
        cells = [f"{v.value:8.2f} [{v.ci_low:7.2f},{v.ci_high:7.2f}]" for v, _ in by_outcome.values()]
        print(f"{name:<28}" + "".join(f"{c:>26}" for c in cells))
    ours = f"DR-learner policy {budget_share:.0%}"
    simple = [n for n in results if n.startswith(("send nobody", "random"))]
    checks: dict[str, tuple[bool, float]] = {}
    print()
    for name in results:
        if name != ours:
            gap = results[ours]["visit"][1] - results[name]["visit"][1]
            diff = results[ours]["visit"][0].value - results[name]["visit"][0].value
            low, high = np.quantile(gap, [0.025, 0.975])
            checks[f"visits > {name}"] = (diff > 0, diff)
            print(f"visits, ours - {name}: {diff:+.2f} [{low:+.2f}, {high:+.2f}]")
    for outcome in ("conversion", "spend"):
        best = max(simple, key=lambda n: results[n][outcome][0].value)
        gap = results[ours][outcome][1] - results[best][outcome][1]
        diff = results[ours][outcome][0].value - results[best][outcome][0].value
        low, high = np.quantile(gap, [0.025, 0.975])
        checks[f"{outcome} not significantly worse than {best}"] = (high >= 0, diff)
        print(f"{outcome}, ours - best simple ({best}): {diff:+.2f} [{low:+.2f}, {high:+.2f}]")
    return checks


def main() -> None:
    """Parse arguments, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--budget-share", type=float, default=0.3)
    parser.add_argument("--test-share", type=float, default=0.3)
    parser.add_argument("--bins", type=int, default=4)
    parser.add_argument("--outcome-model", choices=["gbm", "linear"], default="gbm")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="Independent splits (seeds seed..seed+repeats-1).")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"SKIP: Hillstrom data not found at {args.data}; pass --data PATH (see ../shared/data/README.md)")
        return
    table = read_table(args.data)
    outcome_model: OutcomeModel = args.outcome_model
    args.outcome_model = outcome_model
    tally: dict[str, list[tuple[bool, float]]] = {}
    base_seed = args.seed
    for repeat in range(args.repeats):
        args.seed = base_seed + repeat
        order = np.random.default_rng(args.seed).permutation(table.n_rows)
        cut = round((1 - args.test_share) * table.n_rows)
        train, test = np.sort(order[:cut]), np.sort(order[cut:])
        print(f"split seed {args.seed}: fit on {train.size:,} rows, evaluate on {test.size:,}")
        dists = policies(table, train, test, args)
        checks = report(evaluate(table, test, dists, args), args.budget_share)
        select(table, test, dists, args)
        for name, outcome in checks.items():
            tally.setdefault(name, []).append(outcome)
    print(f"\ngoal checks over {args.repeats} split(s) (passed; mean margin per 1,000 customers):")
    for name, outcomes in tally.items():
        passed = sum(ok for ok, _ in outcomes)
        print(f"  {name}: {passed}/{len(outcomes)}; {np.mean([m for _, m in outcomes]):+.2f}")


if __name__ == "__main__":
    main()
