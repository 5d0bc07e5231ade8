"""Build a run's send log (lift, arm, outcome per audience user) for re-estimating the send threshold."""

from __future__ import annotations

import numpy as np

from agents.profiling import assess
from campaign.store import RunStore
from tools.services import Services
from tools.targeting.offline.send_threshold import SendLog


def send_log(store: RunStore, services: Services, run_id: str, outcomes: dict[str, float]) -> SendLog:
    """Every audience user with a known arm, scored as the run scored them (same clock, same history).

    Holdout users were never run through the graph, so every user is re-assessed at the run's clock: the
    score then comes from the same features the selection saw, for both arms alike.
    """
    info = store.get(run_id)
    if info is None:
        raise ValueError(f"no run {run_id!r}; see `promo campaign status`")
    arms = store.arms(run_id)
    if not arms:
        raise ValueError(f"run {run_id!r} has no users with a known arm yet; process it first")
    users = sorted(arms)
    channels = {uid: result.decision.channel for uid, result in store.results(run_id)}
    costs = [
        info.campaign.cost_per_send.get(channel, 0.0)
        if arms[uid] == "treated" and (channel := channels.get(uid))
        else 0.0
        for uid in users
    ]
    lifts = [assess(services, uid, info.campaign, info.clock).lift for uid in users]
    return SendLog(
        lifts=np.array(lifts, dtype=np.float64),
        treated=np.array([arms[uid] == "treated" for uid in users]),
        outcomes=np.array([outcomes.get(uid, 0.0) for uid in users], dtype=np.float64),
        costs=np.array(costs, dtype=np.float64),
    )
