"""Bar charts drawn by the server: the geometry of an SVG (no JavaScript, no library).

``bar_chart`` turns labelled values into rectangles in a viewBox of its own size; the template
``_bar_chart.html`` draws them with SVG attributes and classes only (the Content-Security-Policy
allows no inline style) and lists the same figures in a table for screen readers. The viewBox is
about as wide as a phone's card (a 375 px screen leaves some 290 px), so that its 13-unit text
stays some 12 px high there; the stylesheet scales it to the card's width, up to a limit.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 320
HEIGHT = 200
TOP = 18  # room for the scale's label above the plot
BOTTOM = 36  # room for two lines of labels under it
GAP = 0.25  # of a bar's slot left empty
SIDE = 6  # room left and right, so that a year under the first or last bar is not cut


@dataclass(frozen=True)
class Point:
    label: str  # under the bar, short ("6")
    sublabel: str  # a second line under it, or "" ("2025" under the first bar and each January)
    caption: str  # in full, for the bar's tooltip and the table ("6/2025")
    value: Decimal


@dataclass(frozen=True)
class Bar:
    point: Point
    x: float
    y: float
    width: float
    height: float
    centre: float
    negative: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    baseline: float  # y of the zero line
    top: float  # y of the largest value's line
    scale_y: float  # y of the largest value's label, above its line
    top_value: Decimal  # the largest value (the scale's label), 0 when there is none
    label_y: float
    sublabel_y: float
    empty: bool  # nothing to draw (no value other than 0): the template says so over the axes
    middle_y: float  # y of that text, half way down the plot


def _round(value: float) -> float:
    return round(value, 1)


def bar_chart(points: list[Point], *, width: int = WIDTH, height: int = HEIGHT) -> BarChart:
    """One bar per point, left to right, from a zero line; negative values hang below it."""
    highest = max([Decimal(0), *(point.value for point in points)])
    lowest = min([Decimal(0), *(point.value for point in points)])
    span = float(highest - lowest) or 1.0
    plot = height - TOP - BOTTOM
    empty = highest == lowest == 0
    # With nothing to show the zero line is the bottom of the plot, an x axis under empty space,
    # not a line at the top over the month numbers.
    baseline = TOP + plot if empty else TOP + plot * float(highest) / span
    slot = (width - 2 * SIDE) / max(len(points), 1)
    bars = []
    for index, point in enumerate(points):
        size = plot * abs(float(point.value)) / span
        negative = point.value < 0
        bars.append(
            Bar(
                point=point,
                x=_round(SIDE + index * slot + slot * GAP / 2),
                y=_round(baseline if negative else baseline - size),
                width=_round(slot * (1 - GAP)),
                height=_round(size),
                centre=_round(SIDE + index * slot + slot / 2),
                negative=negative,
            )
        )
    return BarChart(
        bars=bars, width=width, height=height, baseline=_round(baseline), top=TOP, scale_y=TOP - 5, top_value=highest,
        label_y=height - BOTTOM + 15, sublabel_y=height - BOTTOM + 31, empty=empty, middle_y=_round(TOP + plot / 2),
    )


def monthly_bar_chart(totals: list[tuple[dt.date, Decimal]]) -> BarChart:
    """A bar per month, oldest first: the month's number under it, the year under each January and
    under the first bar (unless January is next: two years side by side would overlap), "6/2025" in
    full in its tooltip and the table."""
    points = [
        Point(
            label=str(month.month),
            sublabel=str(month.year) if month.month == 1 or (index == 0 and month.month != 12) else "",
            caption=f"{month.month}/{month.year}",
            value=value,
        )
        for index, (month, value) in enumerate(totals)
    ]
    return bar_chart(points)
