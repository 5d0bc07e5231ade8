"""Hard constraints: consent, campaign channels, frequency cap, budget and quiet hours. Never scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from domain.channels import Channel
from domain.offer import Campaign
from domain.people import User

FREQUENCY_CAP_DAYS = 7
"""The frequency cap counts a user's promotions over this many days up to now."""


def budget_note(planned: int, campaign: Campaign) -> str:
    """The constraint note of a campaign whose budget is spent."""
    return f"budget: campaign already planned {planned} of {campaign.max_sends} sends"


def frequency_cap_note(recent: int, campaign: Campaign) -> str:
    """The constraint note of a user at the frequency cap."""
    return f"frequency cap: {recent} promotions in {FREQUENCY_CAP_DAYS} days (cap {campaign.frequency_cap})"


@dataclass(frozen=True)
class ChannelEligibility:
    """Which campaign channels may reach a user, and why the others may not."""

    channels: list[Channel]
    """Channels that passed every hard constraint, preferred first."""
    blocked: list[str] = field(default_factory=list)
    """Readable reasons, one per constraint that removed a channel or the user."""

    @property
    def reachable(self) -> bool:
        """Whether any channel is left."""
        return bool(self.channels)


def eligible_channels(
    user: User,
    campaign: Campaign,
    *,
    sends_last_7d: int,
    campaign_sends: int,
    channel_clicks: dict[Channel, int] | None = None,
    requested: Channel | None = None,
) -> ChannelEligibility:
    """Apply the hard constraints; order what is left by the user's click habits, then by cost."""
    blocked: list[str] = []
    if campaign_sends >= campaign.max_sends:
        blocked.append(budget_note(campaign_sends, campaign))
        return ChannelEligibility(channels=[], blocked=blocked)
    if sends_last_7d >= campaign.frequency_cap:
        blocked.append(frequency_cap_note(sends_last_7d, campaign))
        return ChannelEligibility(channels=[], blocked=blocked)
    candidates = [requested] if requested else list(campaign.channels)
    if requested and requested not in campaign.channels:
        blocked.append(f"channel {requested} is not one of this campaign's channels {campaign.channels}")
        candidates = []
    allowed: list[Channel] = []
    for channel in candidates:
        if user.has_consent(channel):
            allowed.append(channel)
        else:
            blocked.append(f"consent: no marketing consent for {channel}")
    clicks = channel_clicks or {}
    allowed.sort(key=lambda ch: (-clicks.get(ch, 0), campaign.cost_per_send.get(ch, 0.0)))
    return ChannelEligibility(channels=allowed, blocked=blocked)


def next_send_time(user: User, now: datetime, campaign: Campaign) -> datetime | None:
    """Earliest moment at or after `now` outside the user's quiet hours and inside the campaign window.

    Returns None when the campaign ends before such a moment exists.
    """
    local_tz = timezone(timedelta(hours=user.utc_offset_hours))
    moment = max(now, campaign.starts_at).astimezone(local_tz)
    for _ in range(48):  # quiet hours span < 24 h, so two days of hourly steps always suffice
        if not user.quiet_hours.contains(moment.hour):
            break
        moment = (moment + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    if moment >= campaign.ends_at:
        return None
    return moment
