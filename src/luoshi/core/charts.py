"""Charts drawn on the server as inline SVG: the same markup serves the pages and the PDFs (WeasyPrint).

No JavaScript and nothing from a CDN. Every function returns a ``SafeString`` holding one ``<svg>`` element
with ``role="img"``, a ``<title>`` and a ``<desc>`` (referenced by ``aria-labelledby``), so a screen reader
announces what the chart shows. The markup is built with ElementTree, which escapes every label and title:
a unit called ``<script>`` is drawn as text, never run.

Public functions (other apps import them; keep the names and keyword arguments stable):

``bar_chart(items, *, title, description="", decimals=None, suffix="", max_value=None, width=640, color=...)``
    Horizontal bars, one per ``Bar(label, value, color=None, note="")`` (or ``(label, value)`` tuple).
    Labels (CJK or Latin) wrap onto two lines and are cut with "…" past that; the full label stays in a
    ``<title>`` tooltip. The value is printed after each bar.

``stacked_bar_chart(rows, series, *, title, description="", width=640, percent=False)``
    One horizontal bar per ``StackRow(label, counts)`` split into ``Series(key, label, color)`` segments
    (e.g. task statuses per chapter or unit), with a legend; ``percent=True`` draws every row as 100 %.

``ranked_interval_chart(items, *, title, description="", decimals=2, width=640)``
    The composite index: rows ordered by rank, a bar for the score (``RankedItem.value``) and, on a rank
    axis beside it, a dot at the rank with a whisker from ``rank_low`` to ``rank_high`` (the 5th–95th
    percentile ranks of the uncertainty analysis). Optional ``value_low``/``value_high`` draw a whisker on
    the score bar too; optional ``change`` (rank change on last year, positive = moved up) is printed.

``line_chart(points, *, title, description="", decimals=None, suffix="", target=None, width=480, height=180)``
    A trend: ``(label, value_or_None)`` points joined by a line (gaps for None), an optional dashed target line.

``sparkline(values, *, title, description="", width=96, height=24, color=...)``
    A small trend line without axes for a table cell; the last point is marked.

``format_number(value, decimals=None)``
    The number format the charts print: thousands separators, ``decimals`` places (integers without).

``wrap_label(text, max_width)``, ``text_width(text)``, ``axis_ticks(largest)``
    The layout helpers (label wrapping with "…", width estimate, round axis ticks), for tables beside charts.

The ``<svg>`` has fixed ``width``/``height`` (what WeasyPrint needs) plus a ``viewBox`` and
``max-width:100%``; a page that wants charts to shrink with the screen adds ``svg.chart { height: auto }``
to its stylesheet (not to PDF stylesheets: WeasyPrint then stretches the box to the page).

Drawn elements carry classes and ``data-*`` attributes (``bar``/``segment``/``whisker``/``rank-dot``/
``line``, ``data-value``...) so tests and stylesheets can find them.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
FONT_SIZE = 12
ROW_HEIGHT = 26
BAR_THICKNESS = 16
TEXT_COLOR = "#1a202c"
MUTED_COLOR = "#4a5568"
GRID_COLOR = "#e2e8f0"
DEFAULT_COLOR = "#2b6cb0"
RAG_COLORS = {"red": "#c53030", "amber": "#b7791f", "green": "#2f855a", "grey": "#718096", "none": "#a0aec0"}

_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | None
    color: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    color: str


@dataclass(frozen=True)
class StackRow:
    label: str
    counts: Mapping[str, float | int] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedItem:
    label: str
    value: float | None
    rank: int | None
    rank_low: int | None = None
    rank_high: int | None = None
    value_low: float | None = None
    value_high: float | None = None
    change: int | None = None


# --- text and numbers --------------------------------------------------------------------------------


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """'12,345' for integers, '1,234.57' with two decimals; '—' for a missing value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


def _char_width(char: str, font_size: float) -> float:
    # Wide and fullwidth characters (CJK, fullwidth punctuation) take a whole em; Latin about 0.6 em.
    return font_size if unicodedata.east_asian_width(char) in ("W", "F") else font_size * 0.6


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """An estimate of the drawn width, good enough to lay labels out without a font engine."""
    return sum(_char_width(char, font_size) for char in text)


def wrap_label(text: str, max_width: float, *, max_lines: int = 2, font_size: float = FONT_SIZE) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``; the last line ends with '…' if text is left."""
    text = " ".join(str(text).split())
    lines: list[str] = []
    current, width = "", 0.0
    for position, char in enumerate(text):
        char_width = _char_width(char, font_size)
        if current and width + char_width > max_width:
            if len(lines) == max_lines - 1:
                return [*lines, _ellipsize(current + text[position:], max_width, font_size)]
            lines.append(current.rstrip())
            current, width = ("", 0.0) if char == " " else (char, char_width)
            continue
        current += char
        width += char_width
    return [*lines, current] if current or not lines else lines


def _ellipsize(text: str, max_width: float, font_size: float) -> str:
    budget = max_width - _char_width("…", font_size)
    kept, width = "", 0.0
    for char in text:
        width += _char_width(char, font_size)
        if width > budget:
            break
        kept += char
    return kept.rstrip() + "…"


def _nice_step(value: float) -> float:
    """The smallest 1/2/5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * 10**exponent >= value * (1 - 1e-9):
            return float(step * 10**exponent)
    return float(10 ** (exponent + 1))


def axis_ticks(largest: float, *, integer: bool = False, count: int = 4) -> list[float]:
    """Round tick values from 0 to the axis end (the last tick, at or above ``largest``)."""
    step = _nice_step(largest / count) if largest > 0 else 1.0
    if integer:
        step = max(step, 1.0)
    steps = max(math.ceil(largest / step - 1e-9), 1)
    return [step * k for k in range(steps + 1)]


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- SVG building ------------------------------------------------------------------------------------


def _svg(width: float, height: float, title: str, description: str, css_class: str) -> ET.Element:
    chart_id = f"chart-{next(_ids)}"
    root = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "class": f"chart {css_class}", "role": "img",
        "width": _num(width), "height": _num(height), "viewBox": f"0 0 {_num(width)} {_num(height)}",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc", "font-family": FONT_FAMILY,
        "font-size": str(FONT_SIZE), "fill": TEXT_COLOR, "style": "max-width:100%",
    })
    ET.SubElement(root, "title", {"id": f"{chart_id}-title"}).text = str(title)
    ET.SubElement(root, "desc", {"id": f"{chart_id}-desc"}).text = str(description or title)
    return root


def _text(parent: ET.Element, x: float, y: float, content: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": _num(x), "y": _num(y), **attrs})
    element.text = content
    return element


def _label(parent: ET.Element, text: str, *, x: float, center_y: float, max_width: float) -> None:
    """A row label, right-aligned at ``x``, wrapped on up to two lines centred on ``center_y``."""
    lines = wrap_label(text, max_width)
    first_y = center_y + FONT_SIZE * 0.35 - (len(lines) - 1) * FONT_SIZE * 0.55
    element = ET.SubElement(parent, "text", {"class": "label", "x": _num(x), "y": _num(first_y),
                                             "text-anchor": "end"})
    for number, line in enumerate(lines):
        span = ET.SubElement(element, "tspan", {"x": _num(x), "dy": "0" if number == 0 else _num(FONT_SIZE * 1.1)})
        span.text = line


def _finish(root: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(root, encoding="unicode", method="xml"))  # ElementTree escaped all text


def _label_width(labels: Iterable[str], width: float) -> float:
    longest = max((text_width(str(label)) for label in labels), default=0.0)
    return max(min(longest, width * 0.32), 32.0)


def _axis(parent: ET.Element, *, left: float, plot_width: float, top: float, bottom: float,
          ticks: Sequence[float], decimals: int | None, suffix: str = "") -> None:
    for value in ticks:
        x = left + plot_width * value / ticks[-1]
        ET.SubElement(parent, "line", {"class": "grid", "x1": _num(x), "x2": _num(x), "y1": _num(top),
                                       "y2": _num(bottom), "stroke": GRID_COLOR})
        _text(parent, x, bottom + FONT_SIZE + 2, format_number(value, decimals) + suffix,
              **{"text-anchor": "middle", "fill": MUTED_COLOR, "font-size": str(FONT_SIZE - 2), "class": "tick"})


# --- charts ------------------------------------------------------------------------------------------


def bar_chart(items: Sequence[Bar | tuple[str, float | int | None]], *, title: str, description: str = "",
              decimals: int | None = None, suffix: str = "", max_value: float | None = None,
              width: float = 640, color: str = DEFAULT_COLOR) -> SafeString:
    """Horizontal bars, length proportional to the value (0 at the left edge of the plot)."""
    bars = [item if isinstance(item, Bar) else Bar(str(item[0]), item[1]) for item in items]
    label_width = _label_width((bar.label for bar in bars), width)
    value_space = max((text_width(format_number(bar.value, decimals) + suffix + (f" {bar.note}" if bar.note else ""))
                       for bar in bars), default=0) + 8
    left, top = label_width + 8, 6.0
    plot_width = max(width - left - value_space - 4, 40.0)
    values = [float(bar.value) for bar in bars if bar.value is not None and bar.value > 0]
    integer = all(isinstance(bar.value, int) for bar in bars)
    ticks = axis_ticks(float(max_value) if max_value else max(values, default=0.0), integer=integer)
    domain_max = ticks[-1]
    height = top + ROW_HEIGHT * max(len(bars), 1) + FONT_SIZE + 10
    root = _svg(width, height, title, description, "chart-bar")
    plot_bottom = top + ROW_HEIGHT * max(len(bars), 1)
    _axis(root, left=left, plot_width=plot_width, top=top, bottom=plot_bottom, ticks=ticks, decimals=None,
          suffix=suffix)
    for index, bar in enumerate(bars):
        row = ET.SubElement(root, "g", {"class": "row"})
        ET.SubElement(row, "title").text = f"{bar.label}: {format_number(bar.value, decimals)}{suffix}"
        center = top + ROW_HEIGHT * index + ROW_HEIGHT / 2
        _label(row, bar.label, x=left - 6, center_y=center, max_width=label_width)
        value = max(float(bar.value or 0), 0.0)
        length = plot_width * min(value / domain_max, 1.0)
        ET.SubElement(row, "rect", {"class": "bar", "x": _num(left), "y": _num(center - BAR_THICKNESS / 2),
                                    "width": _num(length), "height": str(BAR_THICKNESS),
                                    "fill": bar.color or color, "data-value": repr(bar.value)})
        shown = format_number(bar.value, decimals) + suffix + (f" {bar.note}" if bar.note else "")
        _text(row, left + length + 4, center + FONT_SIZE * 0.35, shown, **{"class": "value"})
    return _finish(root)


def stacked_bar_chart(rows: Sequence[StackRow], series: Sequence[Series], *, title: str, description: str = "",
                      width: float = 640, percent: bool = False) -> SafeString:
    """One bar per row split by series; the legend names the series in order."""
    label_width = _label_width((row.label for row in rows), width)
    left, legend_height = label_width + 8, ROW_HEIGHT
    totals = [sum(float(row.counts.get(s.key, 0) or 0) for s in series) for row in rows]
    total_space = max((text_width(format_number(total)) for total in totals), default=0) + 8
    plot_width = max(width - left - total_space - 4, 40.0)
    ticks = [0.0, 25.0, 50.0, 75.0, 100.0] if percent else axis_ticks(max(totals, default=0.0), integer=True)
    domain_max = ticks[-1]
    top = legend_height + 4
    plot_bottom = top + ROW_HEIGHT * max(len(rows), 1)
    root = _svg(width, plot_bottom + FONT_SIZE + 10, title, description, "chart-stacked")
    legend = ET.SubElement(root, "g", {"class": "legend"})
    x = left
    for item in series:
        ET.SubElement(legend, "rect", {"x": _num(x), "y": "6", "width": "10", "height": "10", "fill": item.color})
        _text(legend, x + 14, 15, item.label)
        x += 14 + text_width(item.label) + 14
    _axis(root, left=left, plot_width=plot_width, top=top, bottom=plot_bottom, ticks=ticks,
          decimals=0, suffix="%" if percent else "")
    for index, (row, total) in enumerate(zip(rows, totals, strict=True)):
        group = ET.SubElement(root, "g", {"class": "row", "data-total": format_number(total)})
        separator = pgettext("list separator", "，")
        parts = separator.join(f"{s.label} {format_number(row.counts.get(s.key, 0) or 0)}" for s in series)
        ET.SubElement(group, "title").text = f"{row.label}: {parts}"
        center = top + ROW_HEIGHT * index + ROW_HEIGHT / 2
        _label(group, row.label, x=left - 6, center_y=center, max_width=label_width)
        scale = (100.0 / total if total else 0.0) if percent else 1.0
        x = left
        for item in series:
            count = float(row.counts.get(item.key, 0) or 0)
            length = plot_width * min(count * scale / domain_max, 1.0)
            if count:
                ET.SubElement(group, "rect", {
                    "class": "segment", "x": _num(x), "y": _num(center - BAR_THICKNESS / 2), "width": _num(length),
                    "height": str(BAR_THICKNESS), "fill": item.color, "data-series": item.key,
                    "data-value": format_number(count, 0)})
            x += length
        _text(group, x + 4, center + FONT_SIZE * 0.35, format_number(total), **{"class": "value"})
    return _finish(root)


def ranked_interval_chart(items: Sequence[RankedItem], *, title: str, description: str = "", decimals: int = 2,
                          width: float = 640) -> SafeString:
    """Score bars beside a rank axis with each rank's interval; best rank first."""
    ordered = sorted(items, key=lambda item: (item.rank is None, item.rank or 0, item.label))
    count = max(len(ordered), 1)
    label_width = _label_width((f"{item.rank or '—'}. {item.label}" for item in ordered), width * 0.9)
    left, top = label_width + 8, ROW_HEIGHT
    available = width - left - 8
    change_space = 44.0 if any(item.change is not None for item in ordered) else 0.0
    score_width = (available - change_space) * 0.5
    rank_left = left + score_width + 28
    rank_width = available - change_space - score_width - 36
    scores = [v for item in ordered for v in (item.value, item.value_high) if v is not None and v > 0]
    score_ticks = axis_ticks(max(scores, default=0.0))
    score_max = score_ticks[-1]
    worst_rank = max([count, *(r for item in ordered for r in (item.rank, item.rank_high) if r)])
    plot_bottom = top + ROW_HEIGHT * count
    root = _svg(width, plot_bottom + FONT_SIZE + 10, title, description, "chart-ranked")
    _text(root, left, 14, _("指数得分"), **{"fill": MUTED_COLOR, "class": "heading"})
    _text(root, rank_left, 14, _("名次（区间：5%–95%）"), **{"fill": MUTED_COLOR, "class": "heading"})
    if change_space:
        _text(root, width - 4, 14, _("较上年"), **{"fill": MUTED_COLOR, "text-anchor": "end", "class": "heading"})
    _axis(root, left=left, plot_width=score_width, top=top, bottom=plot_bottom, ticks=score_ticks, decimals=None)

    def rank_x(rank: float) -> float:
        # Rank 1 at the left; one step per place, so an interval's width reads as places.
        return rank_left + (rank - 1) / max(worst_rank - 1, 1) * rank_width

    for rank in sorted({1, worst_rank, *(max(1, round(worst_rank * k / 4)) for k in range(1, 4))}):
        ET.SubElement(root, "line", {"class": "grid", "x1": _num(rank_x(rank)), "x2": _num(rank_x(rank)),
                                     "y1": _num(top), "y2": _num(plot_bottom), "stroke": GRID_COLOR})
        _text(root, rank_x(rank), plot_bottom + FONT_SIZE + 2, str(rank),
              **{"text-anchor": "middle", "fill": MUTED_COLOR, "font-size": str(FONT_SIZE - 2), "class": "tick"})
    for index, item in enumerate(ordered):
        center = top + ROW_HEIGHT * index + ROW_HEIGHT / 2
        row = ET.SubElement(root, "g", {"class": "row", "data-rank": str(item.rank or "")})
        interval = (f" ({item.rank_low}–{item.rank_high})" if item.rank_low and item.rank_high else "")
        ET.SubElement(row, "title").text = (f"{item.label}: {format_number(item.value, decimals)}, "
                                            f"#{item.rank or '—'}{interval}")
        _label(row, f"{item.rank or '—'}. {item.label}", x=left - 6, center_y=center, max_width=label_width)
        if item.value is not None:
            length = score_width * min(max(item.value, 0.0) / score_max, 1.0)
            ET.SubElement(row, "rect", {"class": "bar", "x": _num(left), "y": _num(center - BAR_THICKNESS / 2),
                                        "width": _num(length), "height": str(BAR_THICKNESS), "fill": DEFAULT_COLOR,
                                        "fill-opacity": "0.85", "data-value": repr(item.value)})
            if item.value_low is not None and item.value_high is not None:
                low = left + score_width * min(max(item.value_low, 0.0) / score_max, 1.0)
                high = left + score_width * min(max(item.value_high, 0.0) / score_max, 1.0)
                _whisker(row, low, high, center, "value-whisker", item.value_low, item.value_high)
            inside = length > 48  # the score inside a long bar, after a short one
            _text(row, left + 4 if inside else left + length + 4, center + FONT_SIZE * 0.35,
                  format_number(item.value, decimals),
                  **{"class": "value", "fill": "#ffffff" if inside else TEXT_COLOR})
        if item.rank_low and item.rank_high:
            _whisker(row, rank_x(item.rank_low), rank_x(item.rank_high), center, "whisker",
                     item.rank_low, item.rank_high)
        if item.rank:
            ET.SubElement(row, "circle", {"class": "rank-dot", "cx": _num(rank_x(item.rank)), "cy": _num(center),
                                          "r": "4", "fill": DEFAULT_COLOR, "data-rank": str(item.rank)})
        if change_space and item.change is not None:
            arrow = "▲" if item.change > 0 else "▼" if item.change < 0 else "＝"
            colour = RAG_COLORS["green"] if item.change > 0 else RAG_COLORS["red"] if item.change < 0 else MUTED_COLOR
            shown = f"{arrow}{abs(item.change)}" if item.change else arrow
            _text(row, width - 4, center + FONT_SIZE * 0.35, shown,
                  **{"class": "change", "text-anchor": "end", "fill": colour, "data-change": str(item.change)})
    return _finish(root)


def _whisker(parent: ET.Element, low: float, high: float, center: float, css_class: str,
             low_value: float, high_value: float) -> None:
    group = ET.SubElement(parent, "g", {"class": css_class, "stroke": TEXT_COLOR, "stroke-width": "1.5",
                                        "data-low": repr(low_value), "data-high": repr(high_value)})
    ET.SubElement(group, "line", {"x1": _num(low), "x2": _num(high), "y1": _num(center), "y2": _num(center)})
    for x in (low, high):
        ET.SubElement(group, "line", {"x1": _num(x), "x2": _num(x), "y1": _num(center - 5), "y2": _num(center + 5)})


def line_chart(points: Sequence[tuple[str, float | int | None]], *, title: str, description: str = "",
               decimals: int | None = None, suffix: str = "", target: float | None = None,
               width: float = 480, height: float = 180, color: str = DEFAULT_COLOR) -> SafeString:
    """A trend over labelled points (years, periods); None leaves a gap; a dashed line marks the target."""
    values = [float(value) for _label_, value in points if value is not None]
    if target is not None:
        values.append(float(target))
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    low = min(low, 0.0) if low >= 0 and high > 0 and low / high < 0.5 else low
    if high == low:
        high, low = high + 1, low - 1 if low != 0 else 0
    padding = (high - low) * 0.08
    low, high = low - (padding if low != 0 else 0), high + padding
    axis_width = max(text_width(format_number(v, decimals) + suffix) for v in (low, high)) + 8
    left, right, top, bottom = axis_width, width - 12, 10.0, height - FONT_SIZE - 10
    root = _svg(width, height, title, description, "chart-line")

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    def x_of(index: int) -> float:
        return left + (right - left) * (index / max(len(points) - 1, 1) if len(points) > 1 else 0.5)

    for value in (low + (high - low) * k / 3 for k in range(4)):
        ET.SubElement(root, "line", {"class": "grid", "x1": _num(left), "x2": _num(right), "y1": _num(y_of(value)),
                                     "y2": _num(y_of(value)), "stroke": GRID_COLOR})
        _text(root, left - 4, y_of(value) + 4, format_number(value, decimals) + suffix,
              **{"text-anchor": "end", "fill": MUTED_COLOR, "font-size": str(FONT_SIZE - 2), "class": "tick"})
    step = max(1, math.ceil(len(points) * 40 / max(right - left, 1)))
    for index, (label, _value) in enumerate(points):
        if index % step == 0 or index == len(points) - 1:
            _text(root, x_of(index), height - 4, str(label),
                  **{"text-anchor": "middle", "fill": MUTED_COLOR, "font-size": str(FONT_SIZE - 2), "class": "tick"})
    if target is not None:
        ET.SubElement(root, "line", {"class": "target", "x1": _num(left), "x2": _num(right), "y1": _num(y_of(target)),
                                     "y2": _num(y_of(target)), "stroke": RAG_COLORS["amber"],
                                     "stroke-dasharray": "4 3", "data-value": repr(target)})
    _polylines(root, [(x_of(i), None if v is None else y_of(float(v))) for i, (_, v) in enumerate(points)],
               color, stroke_width=2)
    for index, (label, value) in enumerate(points):
        if value is not None:
            dot = ET.SubElement(root, "circle", {"class": "point", "cx": _num(x_of(index)), "cy": _num(y_of(value)),
                                                 "r": "3", "fill": color, "data-value": repr(value)})
            ET.SubElement(dot, "title").text = f"{label}: {format_number(value, decimals)}{suffix}"
    return _finish(root)


def sparkline(values: Sequence[float | int | None], *, title: str, description: str = "", width: float = 96,
              height: float = 24, color: str = DEFAULT_COLOR) -> SafeString:
    """A tiny trend for a table cell: no axes, missing values bridged, the last value marked."""
    known = [float(v) for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    root = _svg(width, height, title, description, "chart-sparkline")

    def point(index: int, value: float) -> tuple[float, float]:
        x = 2 + (width - 4) * (index / (len(values) - 1) if len(values) > 1 else 0.5)
        return x, height - 3 - (value - low) / span * (height - 6)

    # A cell-sized trend joins across missing values rather than showing dots alone.
    coords: list[tuple[float, float | None]] = [point(i, float(v)) for i, v in enumerate(values) if v is not None]
    _polylines(root, coords, color, stroke_width=1.5)
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last is not None:
        x, y = point(last[0], float(last[1]))
        ET.SubElement(root, "circle", {"class": "last", "cx": _num(x), "cy": _num(y), "r": "2.5", "fill": color})
    return _finish(root)


def _polylines(root: ET.Element, coords: Sequence[tuple[float, float | None]], color: str,
               stroke_width: float) -> None:
    run: list[str] = []
    for x, y in [*coords, (0.0, None)]:
        if y is None:
            if len(run) > 1:
                ET.SubElement(root, "polyline", {"class": "line", "points": " ".join(run), "fill": "none",
                                                 "stroke": color, "stroke-width": str(stroke_width),
                                                 "stroke-linejoin": "round"})
            run = []
        else:
            run.append(f"{_num(x)},{_num(y)}")
