"""Hard constraints as an eligibility mask: consent per channel, quiet hours, frequency caps.

They are never scores: a blocked pair cannot be bought back by a high predicted effect. The reasons are
kept per user so each decision can say which constraint applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tools.targeting.offline.logs import BoolArray, IntArray


@dataclass(frozen=True)
class Eligibility:
    """Which (user, treatment) pairs are allowed, and why the others are not."""

    mask: BoolArray
    """(n, K) True where the treatment may be sent to the user."""
    reasons: dict[int, list[str]]
    """User index -> the constraints that blocked something for them (only users with a block)."""


def build_eligibility(
    n_users: int,
    treatment_channels: list[str],
    *,
    consent: dict[str, npt.ArrayLike] | None = None,
    can_send_now: npt.ArrayLike | None = None,
    recent_sends: npt.ArrayLike | None = None,
    frequency_cap: int | None = None,
) -> Eligibility:
    """Combine the hard constraints into one mask.

    consent: channel -> (n,) opt-in flags; a channel a treatment uses but that has no entry is blocked for
    everyone (opt-in: no record means no consent). can_send_now: (n,) False inside quiet hours for the
    whole send window. recent_sends with frequency_cap: users at or above the cap get nothing.
    """
    k = len(treatment_channels)
    mask = np.ones((n_users, k), dtype=bool)
    blocks: list[tuple[BoolArray, str]] = []  # (users blocked, reason)
    consent = consent or {}
    for column, channel in enumerate(treatment_channels):
        flags = _flags(consent.get(channel, np.zeros(n_users)), f"consent[{channel}]", n_users)
        mask[:, column] &= flags
        blocks.append((~flags, f"consent: no opt-in for {channel}"))
    if can_send_now is not None:
        quiet = ~_flags(can_send_now, "can_send_now", n_users)
        mask[quiet] = False
        blocks.append((quiet, "quiet hours: no allowed send time in the window"))
    if recent_sends is not None:
        if frequency_cap is None or frequency_cap < 1:
            raise ValueError(f"recent_sends needs a frequency_cap >= 1, got {frequency_cap!r}")
        sends: IntArray = np.asarray(recent_sends, dtype=np.int64)
        if sends.shape != (n_users,):
            raise ValueError(f"recent_sends must have {n_users} entries, got shape {sends.shape}")
        capped = sends >= frequency_cap
        mask[capped] = False
        blocks.append((capped, f"frequency cap: already {frequency_cap}+ promotions in the period"))
    reasons: dict[int, list[str]] = {}
    for blocked, text in blocks:
        for user in np.flatnonzero(blocked).tolist():
            listed = reasons.setdefault(user, [])
            if text not in listed:  # two treatments on one channel: one consent reason
                listed.append(text)
    return Eligibility(mask, reasons)


def _flags(values: npt.ArrayLike, name: str, n_users: int) -> BoolArray:
    flags = np.asarray(values)
    if flags.shape != (n_users,):
        raise ValueError(f"{name} must have one entry per user ({n_users}), got shape {flags.shape}")
    if flags.dtype != bool and not np.isin(flags, (0, 1)).all():
        raise ValueError(f"{name} must be booleans or 0/1")
    return flags.astype(bool)
