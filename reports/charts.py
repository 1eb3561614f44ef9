"""The dashboard's charts: SVG drawn on the server by pygal, no script, no CDN.

Each chart is inline SVG with a <title> per value, so it reads on a closed network, prints,
and shows its figures to screen readers and on hover without any JavaScript.
"""

import re

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#767676",
    colors=("#b40000", "#0b4f9c", "#a15c00", "#2e7d32", "#6a1b9a"),
    font_family="system-ui, 'Segoe UI', Roboto, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
COMMON = {
    "style": STYLE,
    "js": [],  # pygal's tooltips script comes from a CDN: none on a closed network
    "disable_xml_declaration": True,
    "width": 640,
    "height": 320,
    "legend_at_bottom": True,
    "margin": 8,
    "show_minor_x_labels": True,
    "truncate_label": -1,  # an axis label is written whole ("1…" said nothing)
    "truncate_legend": -1,
}


def _svg(chart) -> str:
    # pygal always inlines its config for the tooltip script, which we do not load; its one
    # style attribute becomes the same SVG attribute, which the CSP does not count as a style.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return svg.replace('style="opacity: 0"', 'opacity="0"')


def throughput_chart(rows: list[dict], label) -> str:
    """Received, resolved and backlog per bucket."""
    chart = pygal.Line(
        title=_("Received, resolved and backlog"),
        x_label_rotation=30,
        include_x_axis=True,  # counts start from 0: a scale from 20 made small changes look big
        **COMMON,
    )
    chart.x_labels = [label(row["bucket"]) for row in rows]
    for name, title in (
        ("received", _("Received")),
        ("resolved", _("Resolved")),
        ("backlog", _("Backlog")),
    ):
        chart.add(title, [row[name] for row in rows])
    return _svg(chart)


def on_time_chart(rows: list[tuple[str, float | None]]) -> str:
    """On-time rate per agency, in percent."""
    chart = pygal.HorizontalBar(
        title=_("On-time rate by agency (%)"),
        range=(0, 100),
        show_legend=False,
        **{**COMMON, "height": max(240, 26 * len(rows) + 80)},
    )
    chart.x_labels = [name for name, _rate in rows]
    chart.add(_("On time"), [rate for _name, rate in rows])
    return _svg(chart)


def channel_chart(shares: list[tuple[str, int]]) -> str:
    """Cases received per channel."""
    chart = pygal.Pie(title=_("Channel mix (received)"), inner_radius=0.45, **COMMON)
    for name, count in shares:
        chart.add(name, count)
    return _svg(chart)
