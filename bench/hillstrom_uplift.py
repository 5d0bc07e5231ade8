"""Hillstrom uplift benchmark: the learned policy against a boosted T-learner over 10 seeded 70/30 splits.

    python bench/hillstrom_uplift.py --outcome visit            # 10 splits, report in /tmp/hillstrom_uplift
    python bench/hillstrom_uplift.py --outcome conversion --splits 3 --out /tmp/h

Per split: fit on 70 % of the public file, evaluate on the other 30 % by IPW (assignment probability
exactly 1/3, so IPW is unbiased): visits, conversions and spend per 1,000 customers at a 30 % send budget
for send nobody, random 30 % men's / women's e-mail, two T-learners with HistGradientBoosting (tuned, and
scikit-learn's defaults; top 30 % by predicted uplift), every candidate of the DR-learner (ridge and
boosted-tree effect models, trained on the outcome and, for conversion, also on the surrogate visit
alone and on conversion + visit), and the learned policy (as `fit_uplift_policy`: the candidate chosen
by cross-fitted value on the outcome within the training split, then `plan_campaign`). Prints mean, sd,
min and max across splits, wins of the learned policy over the T-learners, safe selection's verdict, and
writes an HTML report with Qini and uplift curves (matplotlib's SVG backend, no pyplot) to --out.
"""

from __future__ import annotations

import argparse
import html
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from evaluation.hillstrom import ARMS
from evaluation.hillstrom import HILLSTROM_CSV as DEFAULT
from evaluation.plots import to_svg as svg
from tools.targeting.offline.candidates import choose_candidate, fit_candidate, make_candidates, top_share_actions
from tools.targeting.offline.curves import UpliftCurves, uplift_curves
from tools.targeting.offline.effects import EffectModel
from tools.targeting.offline.encoding import FeatureEncoder
from tools.targeting.offline.learned import UpliftPolicy
from tools.targeting.offline.logs import FloatArray, IntArray, LoggedFeedback
from tools.targeting.offline.ope import InverseProbabilityWeighting
from tools.targeting.offline.planning import Budget, plan_campaign
from tools.targeting.offline.selection import select_policy
from tools.targeting.offline.table import Table, read_table
from tools.targeting.offline.uplift import Calibration, DRLearner, DRScores, TLearner, fit_effect_model

OUTCOMES = ["visit", "conversion", "spend"]
NUMERIC = ["recency", "history", "mens", "womens", "newbie"]
CATEGORICAL = ["history_segment", "zip_code", "channel"]
LEARNED = "learned policy (auto)"
T_TUNED, T_DEFAULT = "T-learner HGB (tuned)", "T-learner HGB (defaults)"
MENS = "random men's"


class DefaultTLearner(TLearner):
    """T-learner with scikit-learn's default HistGradientBoostingClassifier per arm, uncalibrated."""

    def _model(self, binary: bool) -> BaseEstimator:
        model = HistGradientBoostingClassifier if binary else HistGradientBoostingRegressor
        return model(random_state=self.random_state)


@dataclass
class Split:
    """One split's results: IPW values per 1,000 per policy and outcome, curves per ranking, notes."""

    values: dict[str, dict[str, float]] = field(default_factory=dict)
    curves: dict[str, UpliftCurves] = field(default_factory=dict)
    chosen: str = ""
    selection: dict[str, Any] = field(default_factory=dict)
    replaced: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def subset(table: Table, rows: IntArray) -> Table:
    """The rows of a table, as a new table."""
    return Table({name: np.asarray(values)[rows].tolist() for name, values in table.columns.items()}, table.source)


def ipw_per_1000(dist: FloatArray, actions: IntArray, outcome: FloatArray) -> float:
    """Horvitz-Thompson IPW value per 1,000 customers; every logged propensity is 1/3."""
    return float(1000 * np.mean(outcome * dist[np.arange(actions.size), actions] * 3))


def one_hot(actions: IntArray) -> FloatArray:
    """A deterministic policy as action probabilities."""
    return np.eye(3)[actions]


def run_split(table: Table, seed: int, args: argparse.Namespace) -> Split:
    """Fit every policy on 70 % and evaluate it on the other 30 %."""
    out = Split()
    order = np.random.default_rng(seed).permutation(table.n_rows)
    cut = round((1 - args.test_share) * table.n_rows)
    train, test = np.sort(order[:cut]), np.sort(order[cut:])
    fit_table, eval_table = subset(table, train), subset(table, test)
    actions = np.asarray([ARMS.index(s) for s in table.columns["segment"]], dtype=np.int64)
    y_fit = table.numbers(args.outcome)[train]
    encoder = FeatureEncoder(NUMERIC, CATEGORICAL, args.bins).fit(fit_table)
    x_fit, x_eval = encoder.transform(fit_table), encoder.transform(eval_table)
    share = args.budget_share
    dists: dict[str, FloatArray] = {"send nobody": one_hot(np.zeros(test.size, dtype=np.int64))}
    for k, name in ((1, MENS), (2, "random women's")):
        dists[name] = np.zeros((test.size, 3))
        dists[name][:, 0], dists[name][:, k] = 1 - share, share
    rankings: dict[str, FloatArray] = {}
    for name, learner in (
        (T_TUNED, TLearner(3, outcome_model="gbm", calibration="none", random_state=seed)),
        (T_DEFAULT, DefaultTLearner(3, random_state=seed)),
    ):
        started = time.perf_counter()
        rankings[name] = learner.fit(x_fit, actions[train], y_fit).predict_effects(x_eval)
        out.seconds[name] = time.perf_counter() - started
    # The learned policy, step by step as `fit_uplift_policy` does it, so every candidate can be shown too.
    # Everything here sees the training split only: the choice is by cross-fitted value on the outcome.
    started = time.perf_counter()
    calibration: Calibration = args.calibration
    dr = DRLearner(3, "gbm", calibration, 3, seed)
    scores: dict[str, DRScores] = {}
    for outcome in [args.outcome, *surrogates(args)]:
        y = table.numbers(outcome)[train]
        scores[outcome] = dr.dr_scores(x_fit, actions[train], y, np.full(train.size, 1 / 3))
    target = {args.outcome: 1.0}
    candidates = make_candidates(scores, target, ("linear", "trees"), surrogates(args))
    choice = choose_candidate(x_fit, scores, target, candidates, share=share, random_state=seed)
    chosen = fit_candidate(choice.candidate, x_fit, scores, seed)
    out.seconds[LEARNED] = time.perf_counter() - started
    policy = UpliftPolicy(encoder, ARMS, chosen, dict(choice.candidate.signal))
    out.chosen, out.selection = choice.chosen, choice.summary()["values"]
    models: dict[tuple[str, str], EffectModel] = {(choice.candidate.kind, o): m for o, m in chosen.items()}
    for c in candidates:
        for o in c.signal:
            if (c.kind, o) not in models:
                models[c.kind, o] = fit_effect_model(c.kind, x_fit, scores[o].pseudo, seed)
    for c in candidates:
        rankings[f"DR-learner, {c.name}"] = c.ranking({o: models[c.kind, o] for o in c.signal}, x_eval)
    started = time.perf_counter()
    plan = plan_campaign(policy, eval_table, Budget(share=share))
    out.seconds["plan"] = time.perf_counter() - started
    for name, ranking in rankings.items():
        dists[name] = one_hot(top_share_actions(ranking, share))
    dists[LEARNED] = one_hot(plan.allocation.treatment + 1)
    rankings[LEARNED] = policy.scores(x_eval)
    a_eval = actions[test]
    for name, dist in dists.items():
        out.values[name] = {o: ipw_per_1000(dist, a_eval, table.numbers(o)[test]) for o in OUTCOMES}
    y_eval = table.numbers(args.outcome)[test]
    for name, ranking in rankings.items():
        out.curves[name] = uplift_curves(ranking, a_eval, y_eval, np.full(test.size, 1 / 3))
    log = LoggedFeedback(a_eval, y_eval, np.full(test.size, 1 / 3), n_actions=3)
    estimator = InverseProbabilityWeighting(n_bootstrap=1000, random_state=seed)
    out.replaced = select_policy(log, {MENS: dists[MENS], LEARNED: dists[LEARNED]}, MENS, estimator=estimator).replaced
    return out


def surrogates(args: argparse.Namespace) -> list[str]:
    """The declared surrogate outcomes: --surrogate, or by default visit when the outcome is conversion."""
    if args.surrogate == "auto":
        return ["visit"] if args.outcome == "conversion" else []
    return [] if args.surrogate == "none" else [args.surrogate]


def sd(values: FloatArray) -> float:
    """Sample standard deviation; 0 for a single split."""
    return float(values.std(ddof=1)) if values.size > 1 else 0.0


def summarize(splits: list[Split], args: argparse.Namespace) -> str:
    """Print and return the table across splits, the win counts and the conversion/spend comparison."""
    lines = [
        f"outcome {args.outcome}, {len(splits)} splits (seeds {args.seed}..{args.seed + len(splits) - 1}), "
        f"budget {args.budget_share:.0%}; IPW per 1,000 held-out customers: mean (sd) [min, max]",
        f"{'policy':<30}" + "".join(f"{o:>34}" for o in OUTCOMES) + f"{'AUUC x1000':>16}",
    ]
    for name in splits[0].values:
        cells = []
        for o in OUTCOMES:
            v = np.asarray([s.values[name][o] for s in splits])
            cells.append(f"{v.mean():8.2f} ({sd(v):5.2f}) [{v.min():7.2f},{v.max():7.2f}]")
        auuc = [1000 * s.curves[name].auuc for s in splits if name in s.curves]
        lines.append(f"{name:<30}" + "".join(f"{c:>34}" for c in cells) + (f"{np.mean(auuc):16.2f}" if auuc else ""))
    ours = np.asarray([s.values[LEARNED][args.outcome] for s in splits])
    lines.append("")
    for rival in (T_TUNED, T_DEFAULT, "DR-learner, linear", MENS):
        theirs = np.asarray([s.values[rival][args.outcome] for s in splits])
        diff = ours - theirs
        lines.append(
            f"{args.outcome}: learned - {rival}: mean {diff.mean():+.2f} (sd {sd(diff):.2f}), "
            f"ahead on {(diff > 0).sum()}/{diff.size} splits"
        )
    for o in ("visit", "conversion", "spend"):
        diff = np.asarray([s.values[LEARNED][o] - s.values[MENS][o] for s in splits])
        lines.append(
            f"{o}: learned - random men's: mean {diff.mean():+.2f} (sd {sd(diff):.2f}), "
            f"not below on {(diff >= 0).sum()}/{diff.size} splits"
        )
    chosen = [s.chosen for s in splits]
    lines.append(f"effect model chosen by cross-fitted value: {', '.join(chosen)}")
    lines.append(
        f"safe selection (incumbent random men's) replaced it on {sum(s.replaced for s in splits)}/{len(splits)}"
    )
    for key in (T_TUNED, T_DEFAULT, LEARNED, "plan"):
        lines.append(f"seconds {key}: mean {np.mean([s.seconds[key] for s in splits]):.1f}")
    text = "\n".join(lines)
    print(text)
    return text


def draw(splits: list[Split], args: argparse.Namespace) -> str:
    """Mean Qini curve and mean per-decile uplift across splits, per ranking model."""
    figure = Figure(figsize=(11, 4.2))
    qini_axes, decile_axes = figure.subplots(1, 2)
    for name in splits[0].curves:
        share = splits[0].curves[name].share
        qini = np.mean([1000 * s.curves[name].qini for s in splits], axis=0)
        auuc = np.mean([1000 * s.curves[name].auuc for s in splits])
        qini_axes.plot(share, qini, label=f"{name} (AUUC {auuc:.1f})")
        deciles = np.mean([1000 * s.curves[name].decile_uplift for s in splits], axis=0)
        decile_axes.plot(np.arange(1, 11), deciles, marker="o", label=name)
    for name in (MENS, "random women's"):
        full = np.mean([s.values[name][args.outcome] - s.values["send nobody"][args.outcome] for s in splits])
        qini_axes.plot([0, 1], [0, full / args.budget_share], linestyle="--", label=f"{name} at random")
    qini_axes.axvline(args.budget_share, color="grey", linewidth=0.8)
    qini_axes.set(
        xlabel="share of customers targeted",
        ylabel=f"incremental {args.outcome}s per 1,000 customers",
        title=f"Qini curve, mean of {len(splits)} splits",
    )
    decile_axes.set(
        xlabel="tenth of the ranking (1 = highest predicted uplift)",
        ylabel=f"uplift in {args.outcome}s per 1,000 targeted",
        title="Uplift curve by tenth",
    )
    decile_axes.axhline(0, color="grey", linewidth=0.8)
    qini_axes.legend(fontsize=7)
    decile_axes.legend(fontsize=7)
    figure.tight_layout()
    return svg(figure)


def main() -> None:
    """Parse arguments, run the splits, print the summary, write the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--outcome", choices=["visit", "conversion"], default="visit")
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget-share", type=float, default=0.3)
    parser.add_argument("--test-share", type=float, default=0.3)
    parser.add_argument("--bins", type=int, default=4)
    parser.add_argument("--calibration", choices=["isotonic", "sigmoid", "none"], default="isotonic")
    parser.add_argument(
        "--surrogate",
        choices=["auto", "none", *OUTCOMES[:2]],
        default="auto",
        help="denser outcome whose effect models are candidates too (auto: visit for conversion, none for visit)",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/hillstrom_uplift"))
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"SKIP: Hillstrom data not found at {args.data}; pass --data PATH (see ../shared/data/README.md)")
        return
    table = read_table(args.data)
    splits = []
    for seed in range(args.seed, args.seed + args.splits):
        started = time.perf_counter()
        splits.append(run_split(table, seed, args))
        s = splits[-1]
        print(
            f"split {seed}: learned {s.values[LEARNED][args.outcome]:.2f} ({s.chosen}), "
            f"T tuned {s.values[T_TUNED][args.outcome]:.2f}, T defaults {s.values[T_DEFAULT][args.outcome]:.2f}, "
            f"men's {s.values[MENS][args.outcome]:.2f}; {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    text = summarize(splits, args)
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.out / f"report_{args.outcome}.html"
    report.write_text(
        f"<!doctype html><meta charset='utf-8'><title>Hillstrom uplift, {args.outcome}</title>"
        f"<h1>Hillstrom uplift benchmark, outcome {args.outcome}</h1><pre>{html.escape(text)}</pre>"
        f"{draw(splits, args)}",
        encoding="utf-8",
    )
    raw = {
        str(args.seed + i): {"values": s.values, "chosen": s.chosen, "selection": s.selection}
        for i, s in enumerate(splits)
    }
    (args.out / f"splits_{args.outcome}.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    print(f"wrote {report}")


if __name__ == "__main__":
    main()
