"""Off-policy estimators against synthetic ground truth: bias, RMSE and CI coverage over repeated logs.

    python bench/ope_synthetic.py                    # 200 logs of 5,000 rounds
    python bench/ope_synthetic.py --repeats 500 --rounds 2000

The world: 5-dimensional Gaussian contexts, 4 actions, click probability sigmoid(x . theta_a), a softmax
logging policy and a different softmax target policy. The truth is the target's value computed exactly
per context (no sampling of actions or clicks) over 1,000,000 fresh contexts. DM and DR get a reward
model fitted (logistic, per action) on an independent log of the same size, and a deliberately
misspecified one (a constant), to show DR's robustness and DM's bias.
"""

from __future__ import annotations

import argparse

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from tools.targeting.offline.logs import FloatArray, LoggedFeedback
from tools.targeting.offline.ope import ESTIMATORS, OffPolicyEstimator

N_ACTIONS, DIM = 4, 5


def softmax(scores: FloatArray) -> FloatArray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    out: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return out


class World:
    """Fixed parameters of the synthetic environment."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.theta = rng.normal(0, 0.7, (DIM, N_ACTIONS)) + np.array([-1.5, -1.0, -1.2, -2.0])
        self.logging_w = rng.normal(0, 0.5, (DIM, N_ACTIONS))
        self.target_w = rng.normal(0, 1.0, (DIM, N_ACTIONS))

    def click_prob(self, x: FloatArray) -> FloatArray:
        """P(click | x, a), shape (n, N_ACTIONS)."""
        out: FloatArray = 1 / (1 + np.exp(-(x @ self.theta)))
        return out

    def truth(self, rng: np.random.Generator) -> float:
        """Exact expected reward of the target policy, averaged over many contexts."""
        x = rng.normal(size=(1_000_000, DIM))
        return float((softmax(x @ self.target_w) * self.click_prob(x)).sum(axis=1).mean())

    def log(self, rng: np.random.Generator, n: int) -> tuple[LoggedFeedback, FloatArray, FloatArray]:
        """A logged dataset, the target's action probabilities and the contexts."""
        x = rng.normal(size=(n, DIM))
        logging = softmax(x @ self.logging_w)
        actions = (rng.random(n)[:, None] > logging.cumsum(axis=1)).sum(axis=1)
        actions = np.minimum(actions, N_ACTIONS - 1)
        clicks = (rng.random(n) < self.click_prob(x)[np.arange(n), actions]).astype(float)
        feedback = LoggedFeedback(actions, clicks, logging[np.arange(n), actions], N_ACTIONS)
        return feedback, softmax(x @ self.target_w), x


def fitted_model(world: World, rng: np.random.Generator, n: int) -> LogisticRegression:
    """A per-action logistic reward model on an independent log (contexts one-hot-crossed with actions)."""
    log, _, x = world.log(rng, n)
    return LogisticRegression(max_iter=1000).fit(crossed(x, log.actions), log.rewards)


def crossed(x: FloatArray, actions: npt.ArrayLike) -> FloatArray:
    """Context features crossed with the action one-hot, so one logistic model has per-action weights."""
    onehot = np.eye(N_ACTIONS)[np.asarray(actions, dtype=np.int64)]
    out: FloatArray = np.hstack([onehot, (x[:, :, None] * onehot[:, None, :]).reshape(len(x), -1)])
    return out


def main() -> None:
    """Parse arguments, run the repeated estimates, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    world = World(args.seed)
    truth = world.truth(np.random.default_rng(args.seed + 1))
    model = fitted_model(world, np.random.default_rng(args.seed + 2), args.rounds)
    print(f"true value of the target policy: {truth:.5f} ({args.repeats} logs of {args.rounds:,} rounds)")
    rows: dict[str, list[tuple[float, bool, float]]] = {}
    for repeat in range(args.repeats):
        rng = np.random.default_rng([args.seed, repeat])
        log, target, x = world.log(rng, args.rounds)
        good = np.column_stack([model.predict_proba(crossed(x, np.full(len(x), a)))[:, 1] for a in range(N_ACTIONS)])
        models = {"fitted": good, "constant": np.full_like(good, float(log.rewards.mean()))}
        for name, cls in ESTIMATORS.items():
            estimator: OffPolicyEstimator = cls(n_bootstrap=args.bootstrap, random_state=repeat)
            for label, rewards_hat in models.items() if name in ("DM", "DR") else [("", None)]:
                value = estimator.estimate(log, target, rewards_hat)
                key = f"{name} ({label} model)" if label else name
                rows.setdefault(key, []).append(
                    (value.value - truth, value.ci_low <= truth <= value.ci_high, value.ci_high - value.ci_low)
                )
    print(f"\n{'estimator':<22}{'bias':>10}{'bias s.e.':>11}{'RMSE':>10}{'95% CI coverage':>17}{'CI width':>10}")
    for key, results in rows.items():
        errors = np.asarray([r[0] for r in results])
        coverage = np.mean([r[1] for r in results])
        width = np.mean([r[2] for r in results])
        print(
            f"{key:<22}{errors.mean():>+10.5f}{errors.std() / np.sqrt(errors.size):>11.5f}"
            f"{np.sqrt((errors**2).mean()):>10.5f}{coverage:>17.1%}{width:>10.5f}"
        )


if __name__ == "__main__":
    main()
