"""Charts over time as SVG, drawn on the server with pygal (no JavaScript in the page).

pygal writes standalone SVG with its own styles; with `js=[]` it links no script.
The SVG is served as an image (`<img>`), where browsers never run scripts, and its
response carries a CSP that allows none. pygal's inline config `<script>` is removed
from the output (the tooltips need it, and the page runs no chart script).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pygal
from pygal.style import Style

from commands.dutch_numbers import format_number
from storage import bounds
from storage.portal_view import Line
from storage.timezone import AMSTERDAM

# Dark-on-light, colour-blind-safe palette (Okabe–Ito), readable in print.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#595959",
    colors=PALETTE,
    font_family="system-ui, sans-serif",
    # Large: the 720 px wide chart is drawn at half size on a phone.
    label_font_size=16,
    major_label_font_size=16,
    legend_font_size=18,
    title_font_size=20,
)

# pygal's inline `<script>` holding its tooltip config: of no use without its JS.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def line_chart(title: str, lines: list[Line], empty_text: str) -> str:
    """One metric's region totals over time as an SVG document."""
    chart = pygal.DateTimeLine(
        js=[],
        style=STYLE,
        width=720,
        height=340,
        title=title,
        show_dots=True,  # a series of one report is one dot
        dots_size=3,
        stroke_style={"width": 2.5},
        x_label_rotation=20,
        value_formatter=format_number,
        x_value_formatter=lambda moment: moment.astimezone(AMSTERDAM).strftime("%d-%m %H:%M"),
        legend_at_bottom=True,
        truncate_legend=40,
        no_data_text=empty_text,
        disable_xml_declaration=True,
        print_values=False,
        # Only bounded or estimated points carry a label ("> 3", "ca. 3"): a bound is
        # marked on the chart as in the table, an exact point stays unlabelled.
        print_labels=True,
    )
    for line in lines:
        # The unit in the legend: a region with figures in two units has two lines.
        name = f"{line.region} ({line.unit})" if line.unit else line.region
        chart.add(name, [_point(line, index) for index in range(len(line.points))])
    svg = chart.render(is_unicode=True)
    return _SCRIPT.sub("", svg)


def _point(line: Line, index: int) -> tuple[datetime, float] | dict[str, Any]:
    """A point as pygal takes it: bare when exact, else with its mark as a printed label."""
    moment, value = line.points[index]
    kind = line.kind_at(index)
    if kind == bounds.EXACT:
        return (moment, value)
    return {"value": (moment, value), "label": bounds.prefix(kind) + format_number(value)}
