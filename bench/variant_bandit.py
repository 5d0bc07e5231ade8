"""Variant choice in a simulated shop: the learning bandit against the quality softmax, random and an oracle.

Each send offers 2-3 approved variants with random traits (mentions the user's interest, offer early,
critic score, template or not) to a user who is or is not price sensitive and recent. The true click model
is known and deliberately disagrees with the critic in part (the critic's score is worth little, a personal
mention and an early offer for price-sensitive users are worth a lot). Campaigns of `--run-size` sends run
one after another; the bandit learns after each run, as `promo campaign learn` does, while the others stay
fixed. Prints clicks per 1,000 sends for each policy, the bandit's regret against the oracle per run, and the
smallest propensity it logged (off-policy evaluation needs it above 0).

    python bench/variant_bandit.py --runs 12 --run-size 1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from shopdata.click_model import click_probability
from tools.targeting import TargetingPolicy, VariantCandidate
from tools.targeting.variant_bandit import VariantBandit
from tools.targeting.variant_features import FEATURE_NAMES


def random_candidates(rng: np.random.Generator) -> list[VariantCandidate]:
    """2-3 approved variants for one random user."""
    price_sensitive, recent = rng.random() < 0.4, rng.random() < 0.5
    candidates = []
    for index in range(int(rng.integers(2, 4))):
        fallback = rng.random() < 0.15
        quality = 3.0 if fallback else float(rng.choice([3.0, 3.33, 3.67, 4.0, 4.33, 4.67]))
        personal, early = float(rng.random() < 0.5), float(rng.random() < 0.5)
        features = {
            "bias": 1.0,
            "critic_quality": (quality - 3.0) / 2,
            "mentions_interest": personal,
            "offer_early": early,
            "length_used": float(rng.uniform(0.4, 1.0)),
            "template_fallback": float(fallback),
            "rewritten": float(rng.random() < 0.3),
            "offer_early_x_price_sensitive": early * price_sensitive,
            "mentions_interest_x_recent": personal * recent,
        }
        candidates.append(VariantCandidate(f"v{index}", quality, {n: features[n] for n in FEATURE_NAMES}))
    return candidates


def main() -> None:
    """Run the simulation and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--run-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    bandit = VariantBandit()
    learning = TargetingPolicy(variant_bandit=bandit)
    softmax = TargetingPolicy(variant_bandit=None)
    expected = {"oracle": 0.0, "bandit": 0.0, "softmax": 0.0, "random": 0.0}
    min_propensity = 1.0
    started = time.perf_counter()
    print("run  bandit   softmax  oracle   (expected clicks per 1,000 sends in this run)")
    for run in range(args.runs):
        logged: list[tuple[dict[str, float], float]] = []
        run_value = dict.fromkeys(expected, 0.0)
        for i in range(args.run_size):
            candidates = random_candidates(rng)
            rates = [click_probability(c.features) for c in candidates]
            chosen, propensity = learning.choose_variant(candidates, f"run{run}:user{i}")
            min_propensity = min(min_propensity, propensity)
            soft_probabilities = softmax.variant_probabilities(candidates)
            run_value["oracle"] += max(rates)
            run_value["bandit"] += rates[candidates.index(chosen)]
            run_value["softmax"] += float(np.dot(soft_probabilities, rates))
            run_value["random"] += float(np.mean(rates))
            logged.append((chosen.features, float(rng.random() < rates[candidates.index(chosen)])))
        for features, reward in logged:  # learn after the run, as `promo campaign learn` does
            bandit.update(features, reward)
        for name, value in run_value.items():
            expected[name] += value
        per_k = {name: 1000 * value / args.run_size for name, value in run_value.items()}
        print(f"{run + 1:>3}  {per_k['bandit']:6.1f}   {per_k['softmax']:6.1f}   {per_k['oracle']:6.1f}")
    sends = args.runs * args.run_size
    print(f"\n{sends:,} sends in {time.perf_counter() - started:.1f} s; clicks per 1,000 sends over all runs:")
    for name, value in sorted(expected.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<8} {1000 * value / sends:6.1f}")
    share = (expected["bandit"] - expected["random"]) / (expected["oracle"] - expected["random"])
    print(f"bandit gets {share:.0%} of the oracle's gain over random; smallest logged propensity {min_propensity:.3f}")
    learned = dict(zip(FEATURE_NAMES, bandit.posterior_mean().round(3).tolist(), strict=True))
    print(f"learned weights (click-probability scale): {learned}")


if __name__ == "__main__":
    main()
