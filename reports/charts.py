"""Charts as inline SVG drawn by pygal on the server: they need no script, print with the page
(the weekly and monthly documents are self-contained), and their Chinese labels are text
rendered with a CJK font (`fonts-noto-cjk` on Debian)."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style

from reports.series import DayRow

STYLE = Style(
    font_family='"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    background="white",
    plot_background="white",
    colors=("#0b5394", "#38761d", "#cc0000", "#e69138", "#674ea7", "#45818e"),
    title_font_size=15,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    value_font_size=10,
)
OPTIONS = {
    "style": STYLE,
    "js": [],  # no tooltip script from a CDN: the pages work offline
    "disable_xml_declaration": True,
    "explicit_size": False,
    "print_values": False,
    "legend_at_bottom": True,
    "truncate_label": 12,
}


def _svg(chart: pygal.graph.graph.Graph) -> Markup:
    return Markup(chart.render(is_unicode=True))  # noqa: S704 - pygal escapes labels itself


def daily(rows: Sequence[DayRow], title: str, names: dict[str, str]) -> Markup:
    """Calls, answered, abandoned and tickets per day."""
    chart = pygal.Line(
        width=900,
        height=320,
        title=title,
        x_label_rotation=30,
        show_minor_x_labels=False,
        **OPTIONS,
    )
    labels = [f"{row.day:%m-%d}" for row in rows]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 10)]
    for key in ("calls", "answered", "abandoned", "tickets"):
        chart.add(names[key], [getattr(row, key) for row in rows])
    return _svg(chart)


def bars(title: str, pairs: Sequence[tuple[str, int]], series: str) -> Markup:
    """A horizontal bar per label (long Chinese category names stay readable)."""
    chart = pygal.HorizontalBar(
        width=600,
        height=max(160, 60 + 26 * len(pairs)),
        title=title,
        show_legend=False,
        **OPTIONS,
    )
    ordered = list(reversed(pairs))  # the largest at the top
    chart.x_labels = [label for label, _ in ordered]
    chart.add(series, [value for _, value in ordered])
    return _svg(chart)


def pie(title: str, pairs: Sequence[tuple[str, int]]) -> Markup:
    chart = pygal.Pie(width=420, height=320, title=title, inner_radius=0.45, **OPTIONS)
    for label, value in pairs:
        chart.add(label, value)
    return _svg(chart)
