"""Off-policy evaluation on the Open Bandit Dataset: Bernoulli TS's value, estimated from the random logs.

    python bench/ope_obd.py                          # default data ../shared/data/open_bandit_dataset
    python bench/ope_obd.py --data PATH --campaigns all men women

The evaluation policy is BTS as it behaved in its own logs: for each slot, the share of impressions BTS
gave each item (the empirical action distribution of the bts file). BTS ignores user context, so this is
its marginal policy over the week; the logged per-row propensity only covers the chosen item, while the
frequencies estimate the whole distribution. IPW / SNIPW / DM / DR estimate its CTR from the uniform
random logs (propensity 1 / n_items); the truth is BTS's on-policy CTR, the mean click of the bts logs.
The reward model for DM / DR is a per-(item, slot) CTR shrunk to the slot's CTR, cross-fitted on 2 folds.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from tools.targeting.offline.logs import FloatArray, IntArray, LoggedFeedback
from tools.targeting.offline.ope import ESTIMATORS

DEFAULT = Path("../shared/data/open_bandit_dataset")
SHRINK = 20.0  # pseudo-impressions of the slot CTR in each item's estimate: ~0.4 % CTR gives few clicks


def read_log(path: Path) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """(item, position 0..2, click, propensity) columns of an OBD log file."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items = np.asarray([int(r["item_id"]) for r in rows], dtype=np.int64)
    positions = np.asarray([int(r["position"]) - 1 for r in rows], dtype=np.int64)
    clicks = np.asarray([float(r["click"]) for r in rows])
    return items, positions, clicks, np.asarray([float(r["propensity_score"]) for r in rows])


def action_shares(items: IntArray, positions: IntArray, n_items: int) -> FloatArray:
    """Per slot, the share of impressions each item got: shape (3, n_items)."""
    counts = np.zeros((3, n_items))
    np.add.at(counts, (positions, items), 1.0)
    shares: FloatArray = counts / counts.sum(axis=1, keepdims=True)
    return shares


def reward_model(items: IntArray, positions: IntArray, clicks: FloatArray, n_items: int, seed: int) -> FloatArray:
    """Cross-fitted shrunken CTR of every item in every logged row's slot: shape (n, n_items)."""
    folds = np.random.default_rng(seed).integers(0, 2, items.size)
    out = np.zeros((items.size, n_items))
    for fold in (0, 1):
        train = folds != fold
        shows, hits = np.zeros((3, n_items)), np.zeros((3, n_items))
        np.add.at(shows, (positions[train], items[train]), 1.0)
        np.add.at(hits, (positions[train], items[train]), clicks[train])
        slot_ctr = hits.sum(axis=1, keepdims=True) / np.maximum(shows.sum(axis=1, keepdims=True), 1.0)
        ctr = (hits + SHRINK * slot_ctr) / (shows + SHRINK)
        out[folds == fold] = ctr[positions[folds == fold]]
    return out


def campaign(data: Path, name: str, args: argparse.Namespace) -> None:
    """Estimate BTS's CTR from the random logs of one campaign and compare with its on-policy CTR."""
    bts_items, bts_positions, bts_clicks, _ = read_log(data / "bts" / name / f"{name}.csv")
    items, positions, clicks, propensities = read_log(data / "random" / name / f"{name}.csv")
    n_items = int(max(items.max(), bts_items.max())) + 1
    truth = float(bts_clicks.mean())
    rng = np.random.default_rng(args.seed)
    boot = rng.integers(0, bts_clicks.size, (args.bootstrap, bts_clicks.size))
    t_low, t_high = np.quantile(bts_clicks[boot].mean(axis=1), [0.025, 0.975])
    policy = action_shares(bts_items, bts_positions, n_items)[positions]  # BTS's distribution in each row's slot
    log = LoggedFeedback(items, clicks, propensities, n_actions=n_items)
    rewards_hat = reward_model(items, positions, clicks, n_items, args.seed)
    print(
        f"\ncampaign {name}: {items.size:,} random rows ({int(clicks.sum())} clicks), "
        f"{bts_items.size:,} BTS rows ({int(bts_clicks.sum())} clicks), {n_items} items"
    )
    print(f"  random policy on-policy CTR {clicks.mean():.4%}")
    print(f"  BTS on-policy CTR (truth)   {truth:.4%} [{t_low:.4%}, {t_high:.4%}]")
    for estimator_name, estimator in ESTIMATORS.items():
        value = estimator(n_bootstrap=args.bootstrap, random_state=args.seed).estimate(log, policy, rewards_hat)
        error = abs(value.value - truth) / truth
        print(
            f"  {estimator_name:<6} {value.value:.4%} [{value.ci_low:.4%}, {value.ci_high:.4%}]  "
            f"relative error {error:.1%}"
        )


def main() -> None:
    """Parse arguments, run each campaign."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--campaigns", nargs="+", default=["all", "men", "women"])
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "random").is_dir() or not (args.data / "bts").is_dir():
        print(f"SKIP: Open Bandit Dataset not found at {args.data}; pass --data PATH (see ../shared/data/README.md)")
        return
    for name in args.campaigns:
        campaign(args.data, name, args)


if __name__ == "__main__":
    main()
