"""Plots as inline SVG strings, drawn here: a histogram and a stacked bar chart. No scripts, no external files."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 520, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 40
COLORS = ("#4c78a8", "#e45756", "#72b7b2", "#f58518")


def _frame(title: str, body: list[str], width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg class="plot" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>"
        f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def bin_counts(values: Sequence[float], bins: int, lo: float, hi: float) -> list[int]:
    """Counts of values in ``bins`` equal-width bins over [lo, hi]; the last bin is closed, outliers are clamped."""
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    width = (hi - lo) / bins if hi > lo else 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - lo) / width)))] += 1
    return counts


def histogram(
    values: Sequence[float],
    *,
    title: str,
    x_label: str,
    bins: int = 12,
    lo: float | None = None,
    hi: float | None = None,
) -> str:
    """A histogram of ``values``; the range defaults to [min, max]."""
    if not values:
        return _frame(title, [f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle">no data</text>'])
    low = min(values) if lo is None else lo
    high = max(values) if hi is None else hi
    high = high if high > low else low + 1.0
    counts = bin_counts(values, bins, low, high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak, bar_w = max(counts), plot_w / bins
    body = []
    for i, count in enumerate(counts):
        h = plot_h * count / peak if peak else 0
        x, y = LEFT + i * bar_w, TOP + plot_h - h
        edge = low + (high - low) * i / bins
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{COLORS[0]}">'
            f"<title>{_fmt(edge)}–{_fmt(edge + (high - low) / bins)}: {count}</title></rect>"
        )
    base = TOP + plot_h
    body += [
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#333"/>',
        f'<text x="{LEFT}" y="{base + 14}" font-size="11">{_fmt(low)}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{base + 14}" font-size="11" text-anchor="end">{_fmt(high)}</text>',
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{base + 30}" font-size="11" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + 10}" font-size="11" text-anchor="end">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{base}" font-size="11" text-anchor="end">0</text>',
    ]
    return _frame(title, body)


def bar_chart(labels: Sequence[str], series: dict[str, Sequence[int]], *, title: str) -> str:
    """Horizontal stacked bars, one row per label, one colour per series (e.g. block, warn), with a legend."""
    if not labels:
        return _frame(title, [f'<text x="{WIDTH / 2:.0f}" y="60" text-anchor="middle">none</text>'], height=90)
    row, label_w = 20, 150
    height = TOP + row * len(labels) + 36
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    scale = (WIDTH - label_w - RIGHT - 30) / max(max(totals), 1)
    body = []
    for i, label in enumerate(labels):
        y, x = TOP + i * row, float(label_w)
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label)}</text>')
        for color, (name, values) in zip(COLORS[1:] + COLORS[:1], series.items(), strict=False):
            w = values[i] * scale
            if values[i]:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{color}">'
                    f"<title>{escape(label)} {escape(name)}: {values[i]}</title></rect>"
                )
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="11">{totals[i]}</text>')
    for k, (color, name) in enumerate(zip(COLORS[1:] + COLORS[:1], series, strict=False)):
        lx = label_w + k * 90
        body.append(f'<rect x="{lx}" y="{height - 22}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{lx + 14}" y="{height - 13}" font-size="11">{escape(name)}</text>')
    return _frame(title, body, height=height)
