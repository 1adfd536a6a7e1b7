"""core.charts: the geometry of a server-drawn bar chart."""

import datetime as dt
from decimal import Decimal as D

from core.charts import BOTTOM, HEIGHT, SIDE, TOP, WIDTH, Point, bar_chart, monthly_bar_chart


def point(value) -> Point:
    return Point(label="", sublabel="", caption="", value=D(value))


def test_bar_chart__bars_side_by_side_from_the_zero_line_the_largest_at_the_top():
    chart = bar_chart([point(0), point(50), point(100)])

    baseline = HEIGHT - BOTTOM
    assert chart.baseline == baseline and chart.top_value == D("100")
    assert [bar.height for bar in chart.bars] == [0, (baseline - TOP) / 2, baseline - TOP]
    assert [bar.y + bar.height for bar in chart.bars] == [baseline] * 3
    assert chart.bars[2].y == TOP
    assert [bar.centre for bar in chart.bars] == [round(SIDE + (WIDTH - 2 * SIDE) * n / 6, 1) for n in (1, 3, 5)]
    assert all(SIDE <= bar.x and bar.x + bar.width <= WIDTH - SIDE for bar in chart.bars)


def test_bar_chart__a_negative_value_hangs_below_the_zero_line():
    chart = bar_chart([point("30"), point("-10")])
    up, down = chart.bars
    assert not up.negative and down.negative
    assert up.y + up.height == chart.baseline == down.y
    assert round(up.height / down.height, 1) == 3.0
    assert down.y + down.height <= HEIGHT - BOTTOM + 0.1


def test_bar_chart__nothing_paid__flat_bars_and_no_scale():
    chart = bar_chart([point("0")] * 12)
    assert chart.top_value == 0 and {bar.height for bar in chart.bars} == {0}


def test_monthly_bar_chart__month_numbers_with_the_year_under_the_first_bar_and_january():
    months = [dt.date(2024, m, 1) for m in range(11, 13)] + [dt.date(2025, m, 1) for m in range(1, 3)]
    chart = monthly_bar_chart([(month, D(1)) for month in months])
    assert [(bar.point.label, bar.point.sublabel, bar.point.caption) for bar in chart.bars] == [
        ("11", "2024", "11/2024"), ("12", "", "12/2024"), ("1", "2025", "1/2025"), ("2", "", "2/2025"),
    ]


def test_monthly_bar_chart__december_first__its_year_left_to_januarys_so_that_they_do_not_overlap():
    months = [dt.date(2024, 12, 1), dt.date(2025, 1, 1)]
    chart = monthly_bar_chart([(month, D(1)) for month in months])
    assert [bar.point.sublabel for bar in chart.bars] == ["", "2025"]


def test_bar_chart__nothing_paid__empty_with_the_zero_line_at_the_bottom_of_the_plot():
    """Issue 23, item 9: not a bare line at the top over the month numbers, but an x axis under an
    empty plot, for the template to say so over it."""
    chart = bar_chart([point("0")] * 12)
    assert chart.empty and chart.baseline == HEIGHT - BOTTOM and TOP < chart.middle_y < chart.baseline
    assert not bar_chart([point("0"), point("5")]).empty and not bar_chart([point("-5")]).empty
