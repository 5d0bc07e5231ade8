"""The report's plots, drawn by matplotlib's SVG backend and returned as inline ``<svg>`` strings.

Only the object API is used (``Figure.savefig(format="svg")``): no pyplot global state, no GUI toolkit, safe in
threads. Text stays text (``svg.fonttype = none``) and the SVG carries no date, so the same data draws the same
bytes on every run.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

COLORS = ("#4c78a8", "#e45756", "#72b7b2", "#f58518")
WIDTH_IN, HEIGHT_IN = 5.2, 2.4
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "promo-agents", "font.size": 8.0, "axes.titlesize": 9.5}


@contextmanager
def _styled() -> Iterator[None]:
    """The report's style for the figures drawn inside, without touching matplotlib's global settings."""
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]  # rcParams keys are a Literal union in the stubs
        yield


def to_svg(figure: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no metadata, no creation date)."""
    buffer = io.StringIO()
    with _styled():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # The RDF block names outside vocabularies and says nothing a reader needs.
    start, end = text.find("<metadata>"), text.find("</metadata>")
    return text[:start] + text[end + len("</metadata>") :] if start >= 0 <= end else text


def _figure(height_in: float = HEIGHT_IN) -> Figure:
    with _styled():
        return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _empty(title: str, message: str) -> str:
    with _styled():
        figure = _figure(1.0)
        axes = figure.add_subplot()
        axes.set_title(title)
        axes.text(0.5, 0.4, message, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    return to_svg(figure)


def histogram(
    values: Sequence[float],
    *,
    title: str,
    x_label: str,
    bins: int = 12,
    lo: float | None = None,
    hi: float | None = None,
) -> str:
    """A histogram of ``values``; the range defaults to [min, max], values outside it are clamped to its edges."""
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    if not values:
        return _empty(title, "no data")
    low = min(values) if lo is None else lo
    high = max(values) if hi is None else hi
    high = high if high > low else low + 1.0
    clamped = [min(high, max(low, v)) for v in values]
    with _styled():
        figure = _figure()
        axes = figure.add_subplot()
        axes.hist(clamped, bins=bins, range=(low, high), color=COLORS[0], edgecolor="white")
        axes.set_title(title)
        axes.set_xlabel(x_label)
        axes.set_ylabel("scenarios")
        axes.spines[["top", "right"]].set_visible(False)
    return to_svg(figure)


def bar_chart(labels: Sequence[str], series: dict[str, Sequence[int]], *, title: str) -> str:
    """Horizontal stacked bars, one row per label, one colour per series (e.g. block, warn), with a legend."""
    if not labels:
        return _empty(title, "none")
    with _styled():
        figure = _figure(0.9 + 0.22 * len(labels))
        axes = figure.add_subplot()
        rows = list(range(len(labels)))
        left = [0] * len(labels)
        for color, (name, values) in zip(COLORS[1:] + COLORS[:1], series.items(), strict=False):
            axes.barh(rows, values, left=left, color=color, label=name, height=0.7)
            left = [a + b for a, b in zip(left, values, strict=True)]
        for row, total in zip(rows, left, strict=True):
            axes.annotate(f"{total}", (total, row), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_yticks(rows, labels=list(labels))
        axes.invert_yaxis()  # first label on top, as in the table below the plots
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            axes.legend(loc="lower right", frameon=False)
    return to_svg(figure)
