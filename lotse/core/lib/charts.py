"""Accessible SVG charts rendered on the server (no Django in here).

Report pages show each section as a chart with its data table beside it. The table is
the full record for screen readers and for copying; the chart is a picture of it, so it
is one ``role="img"`` with a title and a plain-language description, and the elements
inside it are for the eye (and for tooltips), not a second data table.

The rules, and why:

1. Safe under a strict Content Security Policy. The output contains no ``<script>``,
   no ``<style>`` element and no ``style=`` attribute: colours, sizes and alignment are
   SVG presentation attributes (``fill``, ``stroke``, ``font-size``, ``text-anchor`` …),
   which the site stylesheet can still override through the CSS classes on the
   elements: ``chart`` (the root, plus ``bar-chart``, ``grouped-bar-chart`` or
   ``line-chart``), ``chart-title``, ``legend``, ``row``, ``bar``, ``series-<n>``,
   ``axis``, ``baseline``, ``grid``, ``tick``, ``label``, ``value``, ``suppressed``,
   ``line``, ``point``, ``plot-area`` and ``no-data``.
2. Every text is escaped. Titles, labels, series names, units and the formatted numbers
   are XML-escaped (``< > & " '``), and characters that XML 1.0 does not allow (control
   characters, lone surrogates) become U+FFFD, so the result is always well-formed XML
   and a label such as ``<script>`` is shown as text. Texts are passed through
   ``str()``, so lazy translations can be given.
3. Accessible name. The root is ``<svg role="img" aria-labelledby="{id}-title
   {id}-desc">`` with ``<title>`` and ``<desc>`` as its first children. The description
   is ``description`` if given (non-blank), otherwise a generated summary in English,
   e.g. "3 values; largest: Syria 42"; pages in other languages pass their own. Every
   bar and every point has a ``<title>`` ("Syria: 42", "Share with plan, 2024 Q1:
   55.0 %") for tooltips.
4. Ids. All ids start with ``id_prefix``, reduced to ``[A-Za-z0-9_-]`` (other
   characters become "-"; "chart-" is put in front if it does not start with a letter):
   ``{id}-title``, ``{id}-desc``, ``{id}-pattern-<n>``. Several charts on one page need
   different prefixes; prefixes that differ only in characters that get replaced
   ("a b", "a-b") collide, which is the caller's business.
5. Suppressed values. ``None`` is a value withheld for privacy (or not known). A bar
   chart draws no bar for it and writes ``suppressed_label`` (class ``value
   suppressed``) where the bar would start, never a guessed number; a line chart leaves
   a gap: the line stops before it and starts again after it, with no point marker.
   The generated description counts them.
6. Scales. Bars run from a zero baseline; the largest value fills the plot width exactly
   (``plot-area``, invisible unless the stylesheet styles it, marks that width) and the
   others are proportional. A value of 0 is a bar of length 0 (with its title and
   value text); when all values are zero or suppressed nothing is divided by zero. A
   line chart's y axis runs from 0 to ``y_max`` if given (100 for shares in per cent;
   a value above it raises ``ChartError``), otherwise to the largest value rounded up
   to a round gridline step (1 if all are zero).
7. Layout without measuring text. The server cannot measure fonts, so widths are
   estimated at 0.6 em per character. Bar labels stand on their own line above their
   bars, wrapped at the chart width, so long labels (nationalities, closure reasons)
   never squeeze the bars; the height grows with the number of rows and lines. Line
   chart x labels are turned by 45° when they would not fit side by side.
8. Colour and more than colour. Series use a small fixed palette, each colour with a
   contrast against white of at least 3:1 (WCAG 1.4.11, graphical objects); the
   ratios are: #1f4e79 8.66, #b35c00 4.72, #2e7d32 5.13, #6a1b9a 9.39, #ad1457 6.97,
   #37474f 9.65 (``contrast_ratio`` computes them; the tests check them). Text is
   #1a1a1a (17.4:1), secondary text and axes #595959 (7.0:1). So that series can be
   told apart without colour, grouped bars also carry a distinct fill pattern (solid,
   stripes, dots, cross-hatch, horizontal, vertical lines; the bar keeps an outline in
   the full colour) and lines a distinct dash pattern and point shape (circle, square,
   triangle, diamond, downward triangle, plus), and both have a legend in text. At most
   six series: more cannot be told apart, split the chart.
9. Numbers. Value texts are ``number_format(value)`` followed by a space and ``unit``
   if one is given. The default ``format_number`` writes ints without decimals and
   floats with one decimal, with "." and no grouping; German pages pass their own
   ("1.234,5"). Gridline labels of a line chart that are whole numbers are passed as
   ints.
10. Bad and empty input. Lengths that do not match, a negative, infinite or
    non-numeric value (counts and shares are never negative), a blank title or series
    name, repeated series names, more than six series, a width below 240 and a
    ``y_max`` that is not a positive number raise ``ChartError`` (a ``ValueError``):
    these are mistakes in the calling code or the data. No labels (or no series) is
    not a mistake, a section can simply have nothing to show for a period, so it gives
    a chart with the title and ``no_data_label`` ("No data") instead of breaking the
    report page.
11. Deterministic. The same input gives the identical string (no random ids, no
    timestamps; coordinates rounded to two decimals), so output can be cached and
    compared.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

NumberFormat: TypeAlias = Callable[[float], str]
Attr: TypeAlias = str | int | float | None

SVG_NS = "http://www.w3.org/2000/svg"
TEXT_COLOUR = "#1a1a1a"  # 17.4:1 on white
MUTED_COLOUR = "#595959"  # 7.0:1 on white: suppressed labels, axes, gridline labels
GRID_COLOUR = "#d9d9d9"  # decorative gridlines only
WHITE = "#ffffff"

MIN_WIDTH = 240
MARGIN = 8
FONT_SIZE = 12
LINE_HEIGHT = 15
TITLE_SIZE = 14
TITLE_LINE_HEIGHT = 18
CHAR_WIDTH = 0.6  # estimated average glyph width in em
BAR_HEIGHT = 18
GROUPED_BAR_HEIGHT = 14
BAR_GAP = 2
ROW_GAP = 10
VALUE_GAP = 4  # between the end of a bar and its value text
LEGEND_SWATCH = 14
LEGEND_ROW = 20
PLOT_HEIGHT = 200  # line chart
MARKER_SIZE = 4.5


class ChartError(ValueError):
    pass


@dataclass(frozen=True)
class SeriesStyle:
    colour: str  # fill of bars and points, stroke of lines; ≥ 3:1 against white
    pattern: str  # fill pattern of grouped bars: "solid", "stripes", "dots" …
    marker: str  # point shape in line charts: "circle", "square", "triangle" …
    dash: str | None  # stroke-dasharray of lines; None: solid

    @property
    def contrast(self) -> float:
        return contrast_ratio(self.colour, WHITE)


SERIES_STYLES: tuple[SeriesStyle, ...] = (
    SeriesStyle("#1f4e79", "solid", "circle", None),
    SeriesStyle("#b35c00", "stripes", "square", "6 3"),
    SeriesStyle("#2e7d32", "dots", "triangle", "2 3"),
    SeriesStyle("#6a1b9a", "crosshatch", "diamond", "8 3 2 3"),
    SeriesStyle("#ad1457", "horizontal", "triangle-down", "12 4"),
    SeriesStyle("#37474f", "vertical", "plus", "8 3 2 3 2 3"),
)


@dataclass(frozen=True)
class Series:
    """One checked series, as the functions hold it after validation."""

    name: str
    values: tuple[float | None, ...]  # ints stay ints, so that they are formatted as ints


def format_number(value: float) -> str:
    """The default number format: ints without decimals, floats with one ("1234", "12.5")."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}"


def contrast_ratio(colour: str, other: str = WHITE) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(colour), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float | None],
    *,
    unit: str = "",
    suppressed_label: str = "–",
    description: str | None = None,
    width: int = 640,
    id_prefix: str = "chart",
    number_format: NumberFormat = format_number,
    no_data_label: str = "No data",
) -> str:
    """Horizontal bars, one row per label, the label above its bar; see the module docstring."""
    title, labels_ = _check_common(title, labels, width)
    series = [_series("", values, len(labels_), "values")]
    if not labels_:
        return _no_data("bar-chart", title, description, no_data_label, width, id_prefix)
    fmt = _value_formatter(unit, number_format)
    summary = _bar_summary(labels_, series[0], fmt)
    return _bars(
        "bar-chart",
        title,
        labels_,
        series,
        fmt,
        suppressed_label,
        width,
        id_prefix,
        _described(description, summary),
    )


def grouped_bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float | None]]],
    *,
    unit: str = "",
    suppressed_label: str = "–",
    description: str | None = None,
    width: int = 640,
    id_prefix: str = "chart",
    number_format: NumberFormat = format_number,
    no_data_label: str = "No data",
) -> str:
    """Horizontal bars, one group per label and one bar per series, with a legend."""
    title, labels_ = _check_common(title, labels, width)
    series_ = _check_series(series, len(labels_))
    if not labels_ or not series_:
        return _no_data("grouped-bar-chart", title, description, no_data_label, width, id_prefix)
    fmt = _value_formatter(unit, number_format)
    summary = _grouped_summary(labels_, series_, fmt)
    return _bars(
        "grouped-bar-chart",
        title,
        labels_,
        series_,
        fmt,
        suppressed_label,
        width,
        id_prefix,
        _described(description, summary),
        legend=True,
    )


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float | None]]],
    *,
    unit: str = "",
    y_max: float | None = None,
    description: str | None = None,
    width: int = 640,
    id_prefix: str = "chart",
    number_format: NumberFormat = format_number,
    no_data_label: str = "No data",
) -> str:
    """One line per series over `x_labels` (e.g. quarters), with gaps where a value is None."""
    title, labels = _check_common(title, x_labels, width)
    series_ = _check_series(series, len(labels))
    if y_max is not None:
        if isinstance(y_max, bool) or not isinstance(y_max, int | float):
            raise ChartError(f"y_max must be a number, not {y_max!r}.")
        if not math.isfinite(y_max) or y_max <= 0:
            raise ChartError(f"y_max must be a positive number, not {y_max!r}.")
        for s in series_:
            for label, value in zip(labels, s.values, strict=True):
                if value is not None and value > y_max:
                    raise ChartError(f"{s.name}, {label}: {value!r} is above y_max ({y_max!r}).")
    if not labels or not series_:
        return _no_data("line-chart", title, description, no_data_label, width, id_prefix)
    fmt = _value_formatter(unit, number_format)
    summary = _line_summary(labels, series_, fmt)
    prefix = _prefix(id_prefix)
    body, top = _header(title, width)
    legend, top = _legend(series_, width, top, prefix, line=True)
    body.append(legend)

    peak = max((v for s in series_ for v in s.values if v is not None), default=0)
    y_top, ticks = _ticks(y_max, peak)
    tick_texts = [fmt(t) for t in ticks]
    label_width = max(_text_width(label, FONT_SIZE) for label in labels)
    left = MARGIN + max(_text_width(t, FONT_SIZE) for t in tick_texts) + 6
    step = (width - left - MARGIN) / len(labels)
    rotate = label_width > step - 4
    if rotate:  # the first label, turned by 45°, reaches back about 0.71 of its length
        left = min(max(left, MARGIN + label_width * 0.71 - step / 2), width / 3)
        step = (width - left - MARGIN) / len(labels)
    plot_width = width - left - MARGIN
    plot_top = top + FONT_SIZE / 2  # room for the upper half of the top gridline label
    plot_bottom = plot_top + PLOT_HEIGHT
    xs = [left + (i + 0.5) * step for i in range(len(labels))]

    def y_of(value: float) -> float:
        return plot_bottom - PLOT_HEIGHT * (value / y_top)

    axis: list[str] = []
    for tick in ticks[1:]:  # the one at 0 is the baseline
        y = y_of(tick)
        axis.append(_line(left, y, left + plot_width, y, GRID_COLOUR, "grid"))
    axis.append(_line(left, plot_bottom, left + plot_width, plot_bottom, MUTED_COLOUR, "baseline"))
    for tick, text in zip(ticks, tick_texts, strict=True):
        axis.append(
            _el(
                "text",
                {
                    "class": "tick",
                    "x": left - 6,
                    "y": y_of(tick) + FONT_SIZE * 0.35,
                    "text-anchor": "end",
                    "fill": MUTED_COLOUR,
                },
                text=text,
            )
        )
    label_y = plot_bottom + FONT_SIZE + 6
    for x, label in zip(xs, labels, strict=True):
        attrs: dict[str, Attr] = {"class": "label", "x": x, "y": label_y, "fill": TEXT_COLOUR}
        if rotate:
            attrs["y"] = plot_bottom + FONT_SIZE
            attrs["text-anchor"] = "end"
            attrs["transform"] = f"rotate(-45 {_num(x)} {_num(plot_bottom + FONT_SIZE)})"
        else:
            attrs["text-anchor"] = "middle"
        axis.append(_el("text", attrs, text=label))
    body.append(
        _el(
            "rect",
            {
                "class": "plot-area",
                "x": left,
                "y": plot_top,
                "width": plot_width,
                "height": PLOT_HEIGHT,
                "fill": "none",
            },
        )
    )
    body.append(_el("g", {"class": "axis"}, *axis))

    for index, s in enumerate(series_):
        style = SERIES_STYLES[index]
        parts: list[str] = []
        for run in _runs(s.values):
            if len(run) < 2:
                continue
            d = " ".join(
                f"{'M' if n == 0 else 'L'} {_num(xs[i])} {_num(y_of(value))}"
                for n, (i, value) in enumerate(run)
            )
            parts.append(
                _el(
                    "path",
                    {
                        "class": "line",
                        "d": d,
                        "fill": "none",
                        "stroke": style.colour,
                        "stroke-width": 2,
                        "stroke-dasharray": style.dash,
                        "stroke-linejoin": "round",
                    },
                )
            )
        for i, value in enumerate(s.values):
            if value is None:
                continue
            tooltip = f"{s.name}, {labels[i]}: {fmt(value)}"
            parts.append(_marker(style, xs[i], y_of(value), tooltip))
        body.append(_el("g", {"class": f"series series-{index}"}, *parts))

    height = plot_bottom + FONT_SIZE + 6 + MARGIN
    if rotate:
        height = plot_bottom + FONT_SIZE + label_width * 0.71 + MARGIN
    return _svg(
        "line-chart", prefix, width, height, title, _described(description, summary), [], body
    )


# --- bars ----------------------------------------------------------------------------


def _bars(
    kind: str,
    title: str,
    labels: list[str],
    series: list[Series],
    fmt: Callable[[float], str],
    suppressed_label: str,
    width: int,
    id_prefix: str,
    description: str,
    legend: bool = False,
) -> str:
    prefix = _prefix(id_prefix)
    suppressed_label = str(suppressed_label)
    body, top = _header(title, width)
    defs: list[str] = []
    if legend:
        legend_el, top = _legend(series, width, top, prefix, line=False)
        body.append(legend_el)
        defs = [p for i in range(len(series)) if (p := _pattern(prefix, i)) is not None]

    inner = width - 2 * MARGIN
    texts = [fmt(v) for s in series for v in s.values if v is not None]
    value_space = min(
        max((_text_width(t, FONT_SIZE) for t in texts), default=0) + 2 * VALUE_GAP, inner / 2
    )
    plot_left = MARGIN
    plot_width = inner - value_space
    peak = max((v for s in series for v in s.values if v is not None), default=0)
    bar_height = GROUPED_BAR_HEIGHT if legend else BAR_HEIGHT

    rows: list[str] = []
    baselines: list[str] = []
    y = top
    plot_top = y
    for i, label in enumerate(labels):
        lines = _wrap(label, inner, FONT_SIZE)
        row = [
            _text_lines(lines, plot_left, y + FONT_SIZE, {"class": "label", "fill": TEXT_COLOUR})
        ]
        y += len(lines) * LINE_HEIGHT + 3
        bars_top = y
        for index, s in enumerate(series):
            value = s.values[i]
            text_y = y + bar_height / 2 + FONT_SIZE * 0.35
            if value is None:
                row.append(
                    _el(
                        "text",
                        {
                            "class": "value suppressed",
                            "x": plot_left + VALUE_GAP,
                            "y": text_y,
                            "fill": MUTED_COLOUR,
                        },
                        text=suppressed_label,
                    )
                )
            else:
                length = plot_width * (value / peak) if peak > 0 else 0.0
                style = SERIES_STYLES[index]
                name = f"{label}, {s.name}" if legend else label
                patterned = legend and style.pattern != "solid"
                fill = f"url(#{prefix}-pattern-{index})" if patterned else style.colour
                row.append(
                    _el(
                        "rect",
                        {
                            "class": f"bar series-{index}",
                            "x": plot_left,
                            "y": y,
                            "width": length,
                            "height": bar_height,
                            "fill": fill,
                            "stroke": style.colour if patterned else None,
                        },
                        _el("title", {}, text=f"{name}: {fmt(value)}"),
                    )
                )
                row.append(
                    _el(
                        "text",
                        {
                            "class": "value",
                            "x": plot_left + length + VALUE_GAP,
                            "y": text_y,
                            "fill": TEXT_COLOUR,
                        },
                        text=fmt(value),
                    )
                )
            y += bar_height + BAR_GAP
        baselines.append(
            _line(plot_left, bars_top, plot_left, y - BAR_GAP, MUTED_COLOUR, "baseline")
        )
        rows.append(_el("g", {"class": "row"}, *row))
        y += ROW_GAP - BAR_GAP
    plot_bottom = y - ROW_GAP
    body.append(
        _el(
            "rect",
            {
                "class": "plot-area",
                "x": plot_left,
                "y": plot_top,
                "width": plot_width,
                "height": plot_bottom - plot_top,
                "fill": "none",
            },
        )
    )
    body.extend(rows)
    body.append(_el("g", {"class": "axis"}, *baselines))
    return _svg(kind, prefix, width, plot_bottom + MARGIN, title, description, defs, body)


def _pattern(prefix: str, index: int) -> str | None:
    """A fill of white marks on the series colour; None for the solid first series."""
    style = SERIES_STYLES[index]
    marks: list[str] = []
    turn: str | None = None
    white: dict[str, Attr] = {"stroke": WHITE, "stroke-width": 2.5}
    if style.pattern == "solid":
        return None
    if style.pattern == "stripes":
        turn = "rotate(45)"
        marks.append(_el("line", {"x1": 4, "y1": 0, "x2": 4, "y2": 8, **white}))
    elif style.pattern == "dots":
        marks.append(_el("circle", {"cx": 4, "cy": 4, "r": 1.6, "fill": WHITE}))
    elif style.pattern == "crosshatch":
        turn = "rotate(45)"
        marks.append(_el("line", {"x1": 4, "y1": 0, "x2": 4, "y2": 8, **white}))
        marks.append(_el("line", {"x1": 0, "y1": 4, "x2": 8, "y2": 4, **white}))
    elif style.pattern == "horizontal":
        marks.append(_el("line", {"x1": 0, "y1": 4, "x2": 8, "y2": 4, **white}))
    else:  # vertical
        marks.append(_el("line", {"x1": 4, "y1": 0, "x2": 4, "y2": 8, **white}))
    return _el(
        "pattern",
        {
            "id": f"{prefix}-pattern-{index}",
            "patternUnits": "userSpaceOnUse",
            "width": 8,
            "height": 8,
            "patternTransform": turn,
        },
        _el("rect", {"width": 8, "height": 8, "fill": style.colour}),
        *marks,
    )


# --- lines ---------------------------------------------------------------------------


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of (index, value) without a None between them."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]


def _marker(style: SeriesStyle, x: float, y: float, tooltip: str | None, cls: str = "point") -> str:
    """A point of the series' shape; with a <title> unless it is the legend's (None)."""
    r = MARKER_SIZE
    attrs: dict[str, Attr] = {
        "class": cls,
        "fill": style.colour,
        "stroke": WHITE,
        "stroke-width": 1,
    }
    title = "" if tooltip is None else _el("title", {}, text=tooltip)
    if style.marker == "circle":
        return _el("circle", {"cx": x, "cy": y, "r": r, **attrs}, title)
    if style.marker == "square":
        return _el(
            "rect",
            {"x": x - r + 0.5, "y": y - r + 0.5, "width": 2 * r - 1, "height": 2 * r - 1, **attrs},
            title,
        )
    shapes = {
        "triangle": [(0, -r - 0.5), (r + 0.5, r - 0.5), (-r - 0.5, r - 0.5)],
        "diamond": [(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
        "triangle-down": [(0, r + 0.5), (r + 0.5, -r + 0.5), (-r - 0.5, -r + 0.5)],
        "plus": [
            (-1.75, -r),
            (1.75, -r),
            (1.75, -1.75),
            (r, -1.75),
            (r, 1.75),
            (1.75, 1.75),
            (1.75, r),
            (-1.75, r),
            (-1.75, 1.75),
            (-r, 1.75),
            (-r, -1.75),
            (-1.75, -1.75),
        ],
    }
    points = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in shapes[style.marker])
    return _el("polygon", {"points": points, **attrs}, title)


def _ticks(y_max: float | None, peak: float) -> tuple[float, list[float]]:
    """The top of the y scale and the gridline values from 0 up to it."""
    if y_max is not None:
        top, step = y_max, _nice(y_max / 5)
    elif peak > 0:
        step = _nice(peak / 5)
        top = _tidy(math.ceil(peak / step - 1e-9) * step)
    else:
        top, step = 1, 1
    ticks: list[float] = []
    k = 0
    while k * step <= top * (1 + 1e-9):
        ticks.append(_tidy(k * step))
        k += 1
    return top, ticks


def _nice(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ that is at least `raw`."""
    base = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * base >= raw * (1 - 1e-9):
            return _tidy(factor * base)
    return _tidy(10 * base)  # pragma: no cover - the loop always returns


def _tidy(value: float) -> float:
    """Round away float noise (0.30000000000000004); whole numbers become ints."""
    rounded = round(value, 9)
    return int(rounded) if rounded == int(rounded) else rounded


# --- summaries -----------------------------------------------------------------------


def _bar_summary(labels: list[str], series: Series, fmt: Callable[[float], str]) -> str:
    count = _count(len(labels), "value", "values")
    return f"{count}{_suppressed_note(series.values)}{_largest(labels, series.values, fmt)}"


def _grouped_summary(labels: list[str], series: list[Series], fmt: Callable[[float], str]) -> str:
    names = ", ".join(s.name for s in series)
    head = f"{_count(len(labels), 'group', 'groups')} × {len(series)} series ({names})"
    flat_labels = [f"{label}, {s.name}" for label in labels for s in series]
    flat_values = [s.values[i] for i in range(len(labels)) for s in series]
    return f"{head}{_suppressed_note(flat_values)}{_largest(flat_labels, flat_values, fmt)}"


def _suppressed_note(values: Sequence[float | None]) -> str:
    missing = sum(1 for v in values if v is None)
    if not missing:
        return ""
    return ", all suppressed" if missing == len(values) else f", {missing} suppressed"


def _largest(labels: list[str], values: Sequence[float | None], fmt: Callable[[float], str]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    peak = max(known)
    if peak == 0:
        return f"; all {fmt(0)}"
    names = ", ".join(label for label, v in zip(labels, values, strict=True) if v == peak)
    return f"; largest: {names} {fmt(peak)}"


def _line_summary(labels: list[str], series: list[Series], fmt: Callable[[float], str]) -> str:
    count = _count(len(series), "series", "series")
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    parts = [f"{count} over {_count(len(labels), 'point', 'points')} ({span})"]
    for s in series:
        known = [(labels[i], v) for i, v in enumerate(s.values) if v is not None]
        if not known:
            parts.append(f"{s.name}: no values")
            continue
        (first_x, first), (last_x, last) = known[0], known[-1]
        if len(known) == 1:
            parts.append(f"{s.name}: {fmt(first)} ({first_x})")
            continue
        peak = max(v for _, v in known)
        peak_x = ", ".join(x for x, v in known if v == peak)
        parts.append(
            f"{s.name}: from {fmt(first)} ({first_x}) to {fmt(last)} ({last_x}), "
            f"highest {fmt(peak)} ({peak_x})"
        )
    gaps = sum(1 for s in series for v in s.values if v is None)
    if gaps:
        parts.append(f"{_count(gaps, 'point', 'points')} without a value (gaps)")
    return "; ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _described(description: str | None, summary: str) -> str:
    return str(description) if description is not None and str(description).strip() else summary


# --- validation ----------------------------------------------------------------------


def _check_common(title: str, labels: Sequence[str], width: int) -> tuple[str, list[str]]:
    title = str(title)
    if not title.strip():
        raise ChartError("A chart needs a title; it is its accessible name.")
    if isinstance(width, bool) or not isinstance(width, int) or width < MIN_WIDTH:
        raise ChartError(f"The width must be a whole number of at least {MIN_WIDTH}.")
    if isinstance(labels, str):
        raise ChartError("The labels must be a sequence of texts, not one text.")
    return title, [str(label) for label in labels]


def _check_series(
    series: Sequence[tuple[str, Sequence[int | float | None]]], count: int
) -> list[Series]:
    result: list[Series] = []
    for item in series:
        name, values = item
        name = str(name)
        if not name.strip():
            raise ChartError("Every series needs a name for the legend.")
        if any(s.name == name for s in result):
            raise ChartError(f"The series name {name!r} appears twice.")
        result.append(_series(name, values, count, f"series {name!r}"))
    if len(result) > len(SERIES_STYLES):
        raise ChartError(
            f"{len(result)} series are more than {len(SERIES_STYLES)} that can be told apart;"
            " split the chart."
        )
    return result


def _series(name: str, values: Sequence[int | float | None], count: int, what: str) -> Series:
    if isinstance(values, str) or len(values) != count:
        length = "a text" if isinstance(values, str) else str(len(values))
        raise ChartError(f"There are {count} labels but {length} {what}.")
    return Series(name, tuple(_check_value(v, what, i) for i, v in enumerate(values)))


def _check_value(value: object, what: str, index: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ChartError(f"{what} [{index}]: {value!r} is not a number.")
    if not math.isfinite(value):
        raise ChartError(f"{what} [{index}]: {value!r} is not a finite number.")
    if value < 0:
        raise ChartError(f"{what} [{index}]: {value!r} is negative; counts and shares are not.")
    if isinstance(value, float) and value == 0:
        return 0.0  # not -0.0
    return value


# --- SVG writing ---------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text: str) -> str:
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _el(
    tag: str,
    attrs: Mapping[str, Attr],
    *children: str,
    text: str | None = None,
    open_only: bool = False,
) -> str:
    """One element; attributes in the order given, None ones left out, all escaped.

    With `open_only`, just the opening tag (for the root, whose content follows)."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            parts.append(f'{name}="{_num(value)}"')
        else:
            parts.append(f'{name}="{_escape(str(value))}"')
    inner = ("" if text is None else _escape(str(text))) + "".join(children)
    head = " ".join(parts)
    if open_only:
        return f"<{head}>"
    return f"<{head}>{inner}</{tag}>" if inner else f"<{head}/>"


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, cls: str) -> str:
    return _el(
        "line",
        {"class": cls, "x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": colour, "stroke-width": 1},
    )


def _text_lines(
    lines: list[str], x: float, y: float, attrs: Mapping[str, Attr], step: float = LINE_HEIGHT
) -> str:
    """A text of one or more lines, `step` apart; `y` is the baseline of the first."""
    if len(lines) == 1:
        return _el("text", {**attrs, "x": x, "y": y}, text=lines[0])
    spans = [_el("tspan", {"x": x, "y": y + n * step}, text=line) for n, line in enumerate(lines)]
    return _el("text", {**attrs, "x": x, "y": y}, *spans)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _wrap(text: str, width: float, size: float) -> list[str]:
    chars = max(1, int(width // (size * CHAR_WIDTH)))
    return textwrap.wrap(text, chars) or [""]


def _prefix(id_prefix: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", str(id_prefix))
    if not cleaned:
        return "chart"
    return cleaned if cleaned[0].isalpha() else f"chart-{cleaned}"


def _value_formatter(unit: str, number_format: NumberFormat) -> Callable[[float], str]:
    unit = str(unit)

    def fmt(value: float) -> str:
        text = str(number_format(value))
        return f"{text} {unit}" if unit else text

    return fmt


def _header(title: str, width: int) -> tuple[list[str], float]:
    """The visible title (class chart-title) and the y where the content starts."""
    lines = _wrap(title, width - 2 * MARGIN, TITLE_SIZE)
    attrs: dict[str, Attr] = {
        "class": "chart-title",
        "font-size": TITLE_SIZE,
        "font-weight": "bold",
        "fill": TEXT_COLOUR,
    }
    text = _text_lines(lines, MARGIN, MARGIN + TITLE_SIZE, attrs, TITLE_LINE_HEIGHT)
    return [text], MARGIN + len(lines) * TITLE_LINE_HEIGHT + 8


def _legend(
    series: list[Series], width: int, top: float, prefix: str, *, line: bool
) -> tuple[str, float]:
    """Swatch and name per series, left to right, wrapping; and the y below it."""
    swatch = 2 * LEGEND_SWATCH if line else LEGEND_SWATCH
    x, y = float(MARGIN), top
    items: list[str] = []
    for index, s in enumerate(series):
        style = SERIES_STYLES[index]
        item_width = swatch + 4 + _text_width(s.name, FONT_SIZE) + 16
        if x > MARGIN and x + item_width > width - MARGIN:
            x, y = float(MARGIN), y + LEGEND_ROW
        middle = y + LEGEND_SWATCH / 2
        if line:
            mark = [
                _el(
                    "line",
                    {
                        "x1": x,
                        "y1": middle,
                        "x2": x + swatch,
                        "y2": middle,
                        "stroke": style.colour,
                        "stroke-width": 2,
                        "stroke-dasharray": style.dash,
                    },
                ),
                _marker(style, x + swatch / 2, middle, None, "marker"),
            ]
        else:
            patterned = style.pattern != "solid"
            fill = f"url(#{prefix}-pattern-{index})" if patterned else style.colour
            mark = [
                _el(
                    "rect",
                    {
                        "x": x,
                        "y": y,
                        "width": LEGEND_SWATCH,
                        "height": LEGEND_SWATCH,
                        "fill": fill,
                        "stroke": style.colour,
                    },
                )
            ]
        name = _el(
            "text",
            {"x": x + swatch + 4, "y": middle + FONT_SIZE * 0.35, "fill": TEXT_COLOUR},
            text=s.name,
        )
        items.append(_el("g", {"class": f"legend-item series-{index}"}, *mark, name))
        x += item_width
    return _el("g", {"class": "legend"}, *items), y + LEGEND_ROW + 4


def _no_data(
    kind: str, title: str, description: str | None, no_data_label: str, width: int, id_prefix: str
) -> str:
    prefix = _prefix(id_prefix)
    body, top = _header(title, width)
    body.append(
        _el(
            "text",
            {"class": "no-data", "x": MARGIN, "y": top + FONT_SIZE, "fill": MUTED_COLOUR},
            text=str(no_data_label),
        )
    )
    height = top + FONT_SIZE + 6 + MARGIN
    return _svg(
        kind, prefix, width, height, title, _described(description, str(no_data_label)), [], body
    )


def _svg(
    kind: str,
    prefix: str,
    width: int,
    height: float,
    title: str,
    description: str,
    defs: list[str],
    body: list[str],
) -> str:
    height = math.ceil(height)
    root: dict[str, Attr] = {
        "xmlns": SVG_NS,
        "class": f"chart {kind}",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "font-family": "sans-serif",
        "font-size": FONT_SIZE,
    }
    lines = [
        _el("svg", root, open_only=True),
        _el("title", {"id": f"{prefix}-title"}, text=title),
        _el("desc", {"id": f"{prefix}-desc"}, text=description),
    ]
    if defs:
        lines.append(_el("defs", {}, *defs))
    lines.extend(body)
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _luminance(colour: str) -> float:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ChartError(f"{colour!r} is not a colour like #1f4e79.")

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
