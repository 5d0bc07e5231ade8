"""Channels, locales and the length limits each channel imposes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Channel = Literal["sms", "push", "email"]
Locale = Literal["zh", "en"]

CHANNELS: tuple[Channel, ...] = ("sms", "push", "email")
LOCALES: tuple[Locale, ...] = ("zh", "en")


@dataclass(frozen=True)
class ChannelLimits:
    """Length limits in characters for one channel and locale."""

    title_max: int
    """Push title / e-mail subject; SMS has no title (0)."""
    body_max: int
    """Body length of the rendered message, unsubscribe text included for SMS."""
    unsubscribe_text: str
    """Text the channel must carry so the receiver can opt out; empty when the channel needs none."""


# Why these numbers: one SMS segment is 70 UCS-2 chars (zh) or 160 GSM-7 chars (en);
# push titles truncate on lock screens beyond ~20 CJK / ~40 Latin chars; e-mail
# subjects beyond ~30 CJK / ~60 Latin chars are cut in most inbox list views.
CHANNEL_LIMITS: dict[tuple[Channel, Locale], ChannelLimits] = {
    ("sms", "zh"): ChannelLimits(title_max=0, body_max=70, unsubscribe_text="回T退订"),
    ("sms", "en"): ChannelLimits(title_max=0, body_max=160, unsubscribe_text="Reply STOP to opt out"),
    ("push", "zh"): ChannelLimits(title_max=20, body_max=60, unsubscribe_text=""),
    ("push", "en"): ChannelLimits(title_max=40, body_max=120, unsubscribe_text=""),
    ("email", "zh"): ChannelLimits(title_max=30, body_max=400, unsubscribe_text="退订请点击邮件底部链接"),
    ("email", "en"): ChannelLimits(
        title_max=60, body_max=800, unsubscribe_text="Unsubscribe via the link at the bottom of this e-mail"
    ),
}


def limits_for(channel: Channel, locale: Locale) -> ChannelLimits:
    """Return the limits of one channel in one locale."""
    return CHANNEL_LIMITS[(channel, locale)]
