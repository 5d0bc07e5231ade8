"""Fit and plan time of the learned uplift policy: the Hillstrom file (44,766 rows) and 1M synthetic rows.

    python bench/uplift_speed.py                      # Hillstrom, then 1,000,000 synthetic rows
    python bench/uplift_speed.py --rows 200000 --skip-hillstrom

Times `fit_uplift_policy` (cross-fitted DR nuisance, effect model chosen by cross-fitted value, refit)
and `plan_campaign` (scores, budget allocation at 30 %, per-row reasons with TreeSHAP or linear
contributions) with time.perf_counter. The synthetic log has Hillstrom's columns and interactions in the
effects (the men's e-mail lifts men's buyers on the web channel most, the women's e-mail recent
customers with a high history), so the choice between ridge and trees is a real one.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from evaluation.hillstrom import ARMS, COLUMNS
from evaluation.hillstrom import HILLSTROM_CSV as DEFAULT
from tools.targeting.offline.learned import UpliftPolicy, fit_uplift_policy
from tools.targeting.offline.planning import Budget, plan_campaign
from tools.targeting.offline.table import Table, read_table
from tools.targeting.offline.uplift import Calibration, EffectKind

SEGMENTS = ["1) $0 - $100", "2) $100 - $200", "3) $200 - $350", "4) $350 - $500", "5) $500 - $750"]


def synthetic(n: int, seed: int = 0) -> Table:
    """A randomized three-arm log shaped like Hillstrom, with interacting effects on visits."""
    rng = np.random.default_rng(seed)
    recency = rng.integers(1, 13, n)
    history = rng.gamma(1.5, 160, n)
    mens, womens = rng.integers(0, 2, n), rng.integers(0, 2, n)
    newbie = rng.integers(0, 2, n)
    zip_code = rng.choice(["Urban", "Surburban", "Rural"], n, p=[0.4, 0.45, 0.15])
    channel = rng.choice(["Web", "Phone", "Multichannel"], n, p=[0.45, 0.45, 0.1])
    arm = rng.integers(0, 3, n)
    base = 0.08 + 0.06 * (recency < 4) + 0.04 * (channel == "Web")
    mens_lift = 0.02 + 0.10 * mens * (channel == "Web") - 0.03 * newbie * (zip_code == "Rural")
    womens_lift = 0.01 + 0.08 * womens * (recency < 4) * (history > 200)
    p = base + np.where(arm == 1, mens_lift, 0.0) + np.where(arm == 2, womens_lift, 0.0)
    visit = (rng.random(n) < np.clip(p, 0, 1)).astype(np.int64)
    bucket = np.minimum(np.searchsorted([100, 200, 350, 500], history), 4)
    return Table(
        {
            "recency": recency.astype(str).tolist(),
            "history": np.char.mod("%.2f", history).tolist(),
            "mens": mens.astype(str).tolist(),
            "womens": womens.astype(str).tolist(),
            "newbie": newbie.astype(str).tolist(),
            "history_segment": np.asarray(SEGMENTS)[bucket].tolist(),
            "zip_code": zip_code.tolist(),
            "channel": channel.tolist(),
            "segment": np.asarray(ARMS)[arm].tolist(),
            "visit": visit.astype(str).tolist(),
        },
        source=f"synthetic {n:,} rows",
    )


def timed(name: str, table: Table, calibration: Calibration, kinds: tuple[EffectKind, ...]) -> UpliftPolicy:
    """Fit and plan once, printing the times."""
    started = time.perf_counter()
    policy = fit_uplift_policy(table, COLUMNS, calibration=calibration, effect_models=kinds)
    fitted = time.perf_counter()
    plan = plan_campaign(policy, table, Budget(share=0.3))
    planned = time.perf_counter()
    values = policy.info.get("selection", {}).get("values", {})
    shown = ", ".join(f"{k} {v['value']:.4f}" for k, v in values.items())
    print(
        f"{name}, {table.n_rows:,} rows, candidates {'/'.join(kinds)}, calibration {calibration}: "
        f"fit {fitted - started:.1f} s (chosen {policy.info['effect_model']}{'; ' + shown if shown else ''}), "
        f"plan {planned - fitted:.1f} s ({plan.allocation.sends:,} sends)",
        flush=True,
    )
    return policy


def main() -> None:
    """Parse arguments, time the fits and plans."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--calibration", choices=["isotonic", "sigmoid", "none"], default="isotonic")
    parser.add_argument("--skip-hillstrom", action="store_true")
    args = parser.parse_args()
    calibration: Calibration = args.calibration
    if not args.skip_hillstrom:
        if args.data.is_file():
            table = read_table(args.data)
            timed("Hillstrom", table, calibration, ("linear", "trees"))
            timed("Hillstrom", table, calibration, ("trees",))
        else:
            print(f"SKIP Hillstrom: data not found at {args.data}")
    started = time.perf_counter()
    table = synthetic(args.rows)
    print(f"generated {table.n_rows:,} synthetic rows in {time.perf_counter() - started:.1f} s", flush=True)
    timed("synthetic", table, calibration, ("linear", "trees"))


if __name__ == "__main__":
    main()
