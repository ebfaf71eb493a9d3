"""Listening charts as inline SVG, drawn on the server: no script, no charting library to ship.

Each chart is an `<svg role="img">` with a title and a description that says
what it shows in words (screen readers read those), and a `<title>` on each
bar for a pointer. Each shape has a class the console's stylesheet colours
(`static/pages.css`) and a colour attribute as its fallback (the page's
Content-Security-Policy allows no inline style); the quartile lines also differ
by dash pattern, not by colour alone.
"""

from __future__ import annotations

import itertools
from html import escape

from markupsafe import Markup

from service.listeners.feeds.listens import QUARTILES, DailyStats, ListeningStats

_ids = itertools.count(1)

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 14, 34
# Text sizes in the charts' own units: a chart is at most its width in CSS pixels (pages.css), so these are
# pixels on a desktop and about half that on a 360 px phone.
AXIS_FONT, BAR_FONT = 16, 16
TEXT, GRID, BAR, TRACK = "#333333", "#d0d4da", "#9fb8d3", "#eef0f3"
# Each quartile line: (fallback colour, dash pattern); its class is q25, q50, ...
LINE_STYLES = {
    25: ("#1b6ca8", ""),
    50: ("#7a4fa3", "6 3"),
    75: ("#b35c00", "2 3"),
    100: ("#1d7a3a", "8 3 2 3"),
}


def _nice_max(value: int) -> int:
    """The top of the y axis: the smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "no plays"


def daily_chart(stats: DailyStats, label: str) -> Markup:
    """Plays per day as bars, and the listens that reached each quartile as lines over them."""
    days = stats.days
    totals = stats.totals
    top = _nice_max(max([d.plays for d in days] + [d.reached[q] for d in days for q in QUARTILES] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(days)

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / top)

    chart_id = f"chart-{next(_ids)}"
    first, last = days[0].day, days[-1].day
    busiest = max(days, key=lambda d: d.plays)
    summary = (
        f"{totals.plays} plays from {first:%d %b} to {last:%d %b %Y}"
        + (f", most on {busiest.day:%d %b} ({busiest.plays})" if busiest.plays else "")
        + "; "
        + ", ".join(f"{q} % reached by {totals.reached[q]}" for q in QUARTILES)
        + "."
    )
    parts = [
        f'<svg xmlns="{SVG_NS}" class="chart chart-daily" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-t">{escape(label)}</title>',
        f'<desc id="{chart_id}-d">{escape(summary)}</desc>',
    ]
    for tick in (0, top // 2, top) if top >= 2 else (0, top):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'class="grid" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 5:.1f}" text-anchor="end" font-size="{AXIS_FONT}" '
            f'class="label" fill="{TEXT}">{tick}</text>'
        )
    bar_w = max(1.0, slot * 0.7)
    for n, day in enumerate(days):
        x = LEFT + n * slot + (slot - bar_w) / 2
        reached = ", ".join(f"{q} %: {day.reached[q]}" for q in QUARTILES)
        parts.append(
            f'<rect x="{x:.1f}" y="{y(day.plays):.1f}" width="{bar_w:.1f}" height="{y(0) - y(day.plays):.1f}" '
            f'class="bar" fill="{BAR}"><title>{day.day:%a %d %b}: {day.plays} plays; '
            f"reached {reached}</title></rect>"
        )
    for q in QUARTILES:
        colour, dash = LINE_STYLES[q]
        points = " ".join(f"{LEFT + (n + 0.5) * slot:.1f},{y(d.reached[q]):.1f}" for n, d in enumerate(days))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline class="q{q}" points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>'
        )
    for anchor, edge, when in (("start", LEFT, first), ("end", WIDTH - RIGHT, last)):
        parts.append(
            f'<text x="{edge}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="{AXIS_FONT}" '
            f'class="label" fill="{TEXT}">{when:%d %b}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every text in it escaped above


def legend() -> Markup:
    """The key of the daily chart: one swatch per series, drawn as the chart draws it."""
    items = [
        f'<li><svg width="24" height="12" aria-hidden="true"><rect class="bar" width="24" height="12" '
        f'fill="{BAR}"/></svg> plays</li>'
    ]
    for q in QUARTILES:
        colour, dash = LINE_STYLES[q]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            f'<li><svg width="24" height="12" aria-hidden="true"><line class="q{q}" x1="0" x2="24" y1="6" y2="6" '
            f'stroke="{colour}" stroke-width="2"{dashes}/></svg> reached {q} %</li>'
        )
    return Markup(f'<ul class="chart-legend">{"".join(items)}</ul>')


def quartile_chart(stats: ListeningStats, label: str) -> Markup:
    """How far listens got: one horizontal bar per quartile, as a share of the plays."""
    chart_id = f"chart-{next(_ids)}"
    row_h, label_w, width = 32, 130, 480
    height = row_h * len(QUARTILES) + 4
    summary = "; ".join(
        f"{q} % reached by {stats.reached[q]} of {stats.plays} plays ({_percent(stats.reached[q], stats.plays)})"
        for q in QUARTILES
    )
    parts = [
        f'<svg xmlns="{SVG_NS}" class="chart chart-quartiles" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(label)}</title>',
        f'<desc id="{chart_id}-d">{escape(summary)}.</desc>',
    ]
    bar_space = width - label_w - 70
    for n, q in enumerate(QUARTILES):
        y = 2 + n * row_h
        share = stats.reached[q] / stats.plays if stats.plays else 0.0
        colour, _dash = LINE_STYLES[q]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 21}" text-anchor="end" font-size="{BAR_FONT}" '
            f'class="label" fill="{TEXT}">reached {q} %</text>'
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{bar_space}" height="{row_h - 8}" fill="{TRACK}"/>'
            f'<rect class="q{q}-fill" x="{label_w}" y="{y + 4}" width="{bar_space * min(share, 1.0):.1f}" '
            f'height="{row_h - 8}" fill="{colour}"/>'
            f'<text x="{label_w + bar_space + 6}" y="{y + 21}" font-size="{BAR_FONT}" '
            f'class="label" fill="{TEXT}">{_percent(stats.reached[q], stats.plays)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every text in it escaped above
