"""The panel as a static SVG picture, for where the extension is not installed.

GitHub, nbviewer, VS Code and ``jupyter nbconvert`` exports do not run our
renderer; they show ``image/svg+xml``. This draws the same layout from the
same payload: a title with the run and its status, one chart per metric family
(train solid, validation dashed), best epochs, early stopping, NaN gaps and
the diagnosis' findings. Written by hand with the standard library: a few
hundred lines draw exactly these charts, in milliseconds, with nothing to
import at kernel start and no text that is not escaped here.

Every name is text: escaped, control characters replaced (XML forbids them),
and the picture holds no script, event handler, id or link of any kind.
"""

from __future__ import annotations

import math
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from .downsample import minmax_indices
from .presentation import HIGHLIGHT_FROM, run_colors
from .presentation import charts as plan_charts

if TYPE_CHECKING:
    from .run import Run

WIDTH = 800
# Points per series: about the plot's width in pixels, each bucket's extremes
# and every NaN kept (``minmax_indices``); fewer when many runs share a chart,
# where finer detail would be lost in the overlap anyway.
MAX_POINTS = 400
CHART_POINTS = 1600
MIN_POINTS = 100
PAD = 8
GAP = 16
CHART_HEIGHT = 250
DOTS_UP_TO = 40  # short series get a dot per point, as in the panel

# The light theme of src/theme.ts.
BACKGROUND = "#ffffff"
TEXT = "#212121"
MUTED = "#757575"
AXIS = "#bdbdbd"
GRID = "#eeeeee"
SPLIT_COLORS = {"train": "#1f77b4", "validation": "#e6550d", "test": "#2ca02c"}
BEST = "#2ca02c"
BAD = "#d62728"
WARN = "#f0a020"
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
DASH = "6 4"

# Characters XML 1.0 cannot hold, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_QUOTES = {'"': "&quot;", "'": "&#39;"}


def svg(runs: Iterable[Run], metrics: list[str] | None = None) -> str:
    """The SVG picture of a panel of ``runs`` (only ``metrics``, if given)."""
    from .payload import payload

    return render(payload(runs, metrics))


# -- text -------------------------------------------------------------------


def _clean(text: str, limit: int | None = None) -> str:
    text = _NOT_XML.sub("\ufffd", str(text))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _text(text: str, limit: int | None = None) -> str:
    """Element content; quotes escaped too, so no name can end an attribute
    wherever the text is pasted."""
    return escape(_clean(text, limit), _QUOTES)


def _attr(text: str, limit: int | None = None) -> str:
    """A double-quoted attribute value."""
    return escape(_clean(text, limit), {**_QUOTES, "\n": "&#10;", "\t": "&#9;"})


def _n(value: float) -> str:
    """A coordinate, to a tenth of a pixel, without a trailing ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def format_value(value: float | None) -> str:
    """A value as the panel writes it (src/format.ts): 4 significant digits."""
    if value is None:
        return "\u2013"
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-3 or magnitude >= 1e5):
        return _js_exponent(f"{value:.2e}")
    text = repr(float(f"{value:.4g}"))
    return text[:-2] if text.endswith(".0") else text


def _js_exponent(text: str) -> str:
    """``1.23e-04`` as JavaScript writes it: ``1.23e-4``."""
    mantissa, exponent = text.split("e")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


def _width(text: str, size: float) -> float:
    """Rough width of sans-serif text: enough to lay out legends."""
    return len(text) * size * 0.58


# -- scales -------------------------------------------------------------------


def nice_step(low: float, high: float, count: int, integer: bool = False) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``count`` ticks
    from ``low`` to ``high`` (divided first: a diverged run's span can
    exceed the largest float)."""
    raw = high / count - low / count
    if not (raw > 0 and math.isfinite(raw)):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    if power == 0:  # below the smallest float: no rounder step exists
        return raw
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)
    return max(1.0, round(step)) if integer else step


def ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    if last - first > 100:  # never with a nice step; no hang if it happens
        return [low, high]
    return [round(k * step, 12) for k in range(first, last + 1)]


def tick_text(value: float, step: float) -> str:
    if value == 0:
        return "0"
    if step < 1e-3 or abs(value) >= 1e5:
        # As many mantissa digits as the step needs: 8e-4, 1.0e-3.
        digits = math.floor(math.log10(abs(value))) - math.floor(math.log10(step))
        return _js_exponent(f"{value:.{max(0, min(digits, 6))}e}")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def y_domain(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step): the values' range widened to whole ticks."""
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(low, high, 5)
    biggest = sys.float_info.max
    return (
        max(-biggest, math.floor(low / step) * step),
        min(biggest, math.ceil(high / step) * step),
        step,
    )


# -- the data of a chart ----------------------------------------------------------


def points(run: dict[str, Any], metric: str) -> list[tuple[float, float | None]]:
    """(epoch, value) of a metric: unlogged epochs left out so the line joins
    its neighbours, NaN/inf kept as ``None`` so the line breaks there."""
    values = run["metrics"][metric]
    bad = {epoch for epoch, _ in run["nonfinite"].get(metric, [])}
    return [
        (epoch, value)
        for epoch, value in zip(run["epochs"], values)
        if value is not None or epoch in bad
    ]


def reduce(
    data: list[tuple[float, float | None]], limit: int = MAX_POINTS
) -> list[tuple[float, float | None]]:
    """About ``limit`` points at most: each bucket's extremes and the edges
    of every gap kept."""
    column = [math.nan if y is None else y for _, y in data]
    return [data[i] for i in minmax_indices([column], limit)]


def _nonfinite_starts(entries: list[list[Any]]) -> list[tuple[int, str]]:
    """One marker per run of consecutive non-finite epochs."""
    starts, previous = [], -math.inf
    for epoch, kind in entries:
        if epoch != previous + 1:
            starts.append((epoch, kind))
        previous = epoch
    return starts


class _Scale:
    """Data to pixels for one chart's plot area."""

    def __init__(self, box, x_range, y_range) -> None:
        self.left, self.top, self.right, self.bottom = box
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range

    def x(self, value: float) -> float:
        return self.left + (value - self.x0) / (self.x1 - self.x0) * (
            self.right - self.left
        )

    def y(self, value: float) -> float:
        # Halved: the range of a diverged run may not fit in a float.
        share = (value / 2 - self.y0 / 2) / (self.y1 / 2 - self.y0 / 2)
        return self.bottom - share * (self.bottom - self.top)


def path_data(data: list[tuple[float, float | None]], scale: _Scale) -> str:
    """``Mx,yLx,y x,y``, a new ``M`` after each gap; a lone point is a dot
    (``h0`` with round line caps)."""
    stretches: list[list[str]] = [[]]
    for x, y in data:
        if y is None:
            if stretches[-1]:
                stretches.append([])
            continue
        stretches[-1].append(f"{_n(scale.x(x))},{_n(scale.y(y))}")
    return "".join(
        f"M{s[0]}L{' '.join(s[1:])}" if len(s) > 1 else f"M{s[0]}h0"
        for s in stretches
        if s
    )


# -- drawing ----------------------------------------------------------------------

# Labels over the curves get a white outline so a line under them stays readable.
HALO = f' stroke="{BACKGROUND}" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


def _line(x1, y1, x2, y2, stroke, extra="") -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}"{extra}/>'
    )


def _label(x, y, text, size=11, fill=MUTED, anchor="start", extra="") -> str:
    """A text element; ``text`` is markup: escape names before."""
    end = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}"{end}{extra}>'
        f"{text}</text>"
    )


Entry = tuple[str, bool, str, str]  # colour, dashed, label, muted note


def _legend_entry(x: float, y: float, entry: Entry) -> tuple[list[str], float]:
    """A line sample, its label and note (plain text, escaped here); the
    elements and their width."""
    color, dashed, label, note = entry
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    after = f'<tspan fill="{MUTED}"> {_text(note)}</tspan>' if note else ""
    items = [
        _line(x, y - 4, x + 20, y - 4, color, f' stroke-width="2"{dash}'),
        _label(x + 25, y, _text(label) + after, 11, TEXT, extra=' class="tc-legend"'),
    ]
    return items, 25 + _width(f"{label} {note}", 11)


def _legend(
    entries: list[Entry], x: float, y: float, right: float
) -> tuple[list[str], float]:
    """Legend entries in rows that wrap at ``right``; the last row's y."""
    out: list[str] = []
    lx = x
    for entry in entries:
        items, width = _legend_entry(lx, y, entry)
        if lx + width > right and lx > x:
            lx, y = x, y + 17
            items, width = _legend_entry(lx, y, entry)
        out += items
        lx += width + 16
    return out, y


def _chart_legend(chart: dict[str, Any], runs: list[dict[str, Any]]) -> list[Entry]:
    """One run: its metrics. Several: the line styles (the runs' colours are
    in the title's legend)."""
    if len(runs) == 1:
        return [
            (
                _own_color(m),
                m["split"] == "validation",
                _clean(m["name"], 40),
                "",
            )
            for m in chart["metrics"]
            if m["name"] in runs[0]["metrics"]
        ]
    splits = sorted(
        {m["split"] for m in chart["metrics"]}, key=list(SPLIT_COLORS).index
    )
    return [(MUTED, s == "validation", s, "") for s in splits]


def _curves(
    runs: list[dict[str, Any]], metrics: list[str]
) -> list[tuple[dict[str, Any], str, list[tuple[float, float | None]]]]:
    """(run, metric, points) of every curve with a value on this chart."""
    found = []
    for run in runs:
        for metric in metrics:
            if metric in run["metrics"]:
                data = points(run, metric)
                if any(v is not None for _, v in data):
                    found.append((run, metric, data))
    return found


def _chart(
    box: tuple[float, float, float, float],
    legend_rows: int,
    chart: dict[str, Any],
    runs: list[dict[str, Any]],
    colors: dict[str, str],
    faint: Sequence[dict[str, Any]] = (),
) -> list[str]:
    """One chart: title, legend, axes, findings, curves and markers.

    ``legend_rows``: the most legend rows of a chart in this grid row, so
    the plots of a row line up. ``faint``: the runs of a sweep not
    highlighted, summarised behind ``runs`` as a band and a median.
    """
    x, y, w, h = box
    splits = {m["name"]: m["split"] for m in chart["metrics"]}
    own = {m["name"]: _own_color(m) for m in chart["metrics"]}
    members = {m["name"] for m in chart["metrics"] if m.get("member") is not None}
    metrics = list(splits)
    title = _label(
        x + 4,
        y + 14,
        _text(chart.get("title") or chart["family"], 48),
        13,
        TEXT,
        extra=' font-weight="600" class="tc-chart-title"',
    )
    legend, _ = _legend(_chart_legend(chart, [*runs, *faint]), x + 4, y + 34, x + w)
    out = [title, *legend]
    curves = _curves(runs, metrics)
    spread = [s for s in (_spread(faint, m) for m in metrics) if s[1]]
    if not curves and not spread:
        out.append(_label(x + w / 2, y + h / 2, "no values yet", anchor="middle"))
        return out

    xs = [e for _, _, data in curves for e, _ in data]
    ys = [v for _, _, data in curves for _, v in data if v is not None]
    for _, rows in spread:
        xs += [e for e, *_ in rows]
        ys += [v for _, low, _, high in rows for v in (low, high)]
    for run, metric, _ in curves:
        band = run["bands"].get(metric)
        if band:
            ys += [v for v in (*band["low"], *band["high"]) if v is not None]
    top = y + 34 + 17 * (legend_rows - 1) + 14
    scale, yticks = _plot_area(box, top, xs, ys)

    single = len(runs) == 1 and not faint
    if single:  # several runs' ranges would cover each other: listed below
        out += _findings(scale, runs[0], metrics)
    out += _axes(scale, yticks)
    for metric, rows in spread:
        out += _spread_shape(metric, rows, scale, splits[metric] == "validation")

    def color_of(run: dict[str, Any], metric: str) -> str:
        return own[metric] if single else colors[run["id"]]

    for run, metric, _ in curves:
        band = run["bands"].get(metric)
        if band:
            out += _band(run["epochs"], band, scale, color_of(run, metric))
    limit = max(MIN_POINTS, min(MAX_POINTS, CHART_POINTS // max(1, len(curves))))
    for run, metric, data in curves:
        out += _series(
            run,
            metric,
            reduce(data, limit),
            scale,
            color_of(run, metric),
            dashed=splits[metric] == "validation",
            member=metric in members,
        )
    out += _events(scale, runs, metrics)
    for run, metric, _ in curves:
        best = run["best"].get(metric)
        if (
            best is not None
            and splits[metric] == "validation"
            and metric not in members
        ):
            # Several runs: each best in its run's colour, as the legend says.
            fill = BEST if single else colors[run["id"]]
            out += _best(scale, best, fill, label=single)
    return out


# The runs not highlighted are summarised by their median and the band
# between these quantiles at each epoch: a few diverged runs stretch the
# axis no further than the band.
SPREAD = (0.1, 0.9)
SPREAD_POINTS = 64  # along the x axis: a band needs no finer detail
SPREAD_RUNS = 200  # beyond, quantiles of an even sample of the runs


def _spread(
    runs: Sequence[dict[str, Any]], metric: str
) -> tuple[str, list[tuple[float, float, float, float]]]:
    """(metric, [(epoch, low, median, high)]) across ``runs`` at evenly
    spaced epochs: each run's finite values joined linearly (their epochs
    may have been reduced differently), from its first value to its last;
    where fewer than 3 runs have a value, nothing."""
    curves = []
    step = max(1, math.ceil(len(runs) / SPREAD_RUNS))
    for run in runs[::step]:
        if metric in run["metrics"]:
            data = [(e, v) for e, v in points(run, metric) if v is not None]
            if data:
                curves.append(data)
    if len(curves) < 3:
        return metric, []
    first = min(data[0][0] for data in curves)
    last = max(data[-1][0] for data in curves)
    count = max(2, min(SPREAD_POINTS, int(last - first) + 1))
    grid = [first + (last - first) * i / (count - 1) for i in range(count)]
    at: list[list[float]] = [[] for _ in grid]
    for data in curves:
        xs = [e for e, _ in data]
        j = 0
        for g in range(bisect_left(grid, xs[0]), bisect_right(grid, xs[-1])):
            epoch = grid[g]
            while xs[j] < epoch:
                j += 1
            e1, v1 = data[j]
            if e1 == epoch or j == 0:
                at[g].append(v1)
            else:
                e0, v0 = data[j - 1]
                at[g].append(v0 + (v1 - v0) * (epoch - e0) / (e1 - e0))
    rows = []
    for epoch, values in zip(grid, at):
        if len(values) >= 3:
            values.sort()
            low, mid, high = (_quantile(values, q) for q in (SPREAD[0], 0.5, SPREAD[1]))
            rows.append((epoch, low, mid, high))
    return metric, rows


def _quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _spread_shape(
    metric: str,
    rows: list[tuple[float, float, float, float]],
    scale: _Scale,
    dashed: bool,
) -> list[str]:
    """The faint runs' band and median line, grey, behind the highlighted."""
    ring = [(e, low) for e, low, _, _ in rows] + [
        (e, high) for e, _, _, high in reversed(rows)
    ]
    coords = " ".join(f"{_n(scale.x(e))},{_n(scale.y(v))}" for e, v in ring)
    median = path_data([(e, mid) for e, _, mid, _ in rows], scale)
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    return [
        f'<polygon class="tc-spread" data-metric="{_attr(metric, 80)}" '
        f'points="{coords}" fill="{MUTED}" fill-opacity="0.14"/>',
        f'<path class="tc-spread-median" data-metric="{_attr(metric, 80)}" '
        f'd="{median}" fill="none" stroke="{MUTED}" stroke-width="1.2" '
        f'stroke-opacity="0.8"{dash}/>',
    ]


def _plot_area(
    box: tuple[float, float, float, float],
    top: float,
    xs: Sequence[float],
    ys: Sequence[float],
) -> tuple[_Scale, list[tuple[float, str]]]:
    """A chart's plot area in ``box`` from ``top`` down, fitted to the data,
    and its y ticks (their labels set how far in the plot starts)."""
    x, _, w, h = box
    x0, x1 = math.floor(min(xs)), max(xs)
    if x1 <= x0:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1, ystep = y_domain(ys)
    yticks = [(t, tick_text(t, ystep)) for t in ticks(y0, y1, ystep)]
    left = x + 10 + max(_width(text, 11) for _, text in yticks)
    scale = _Scale((left, top, x + w - 14, box[1] + h - 32), (x0, x1), (y0, y1))
    return scale, yticks


def _axes(scale: _Scale, yticks: list[tuple[float, str]]) -> list[str]:
    """Grid lines at the y ticks, epochs along the bottom."""
    left, right, bottom = scale.left, scale.right, scale.bottom
    out = []
    for tick, text in yticks:
        ty = scale.y(tick)
        out.append(_line(left, ty, right, ty, GRID))
        out.append(_label(left - 6, ty + 4, text, anchor="end"))
    out.append(_line(left, bottom, right, bottom, AXIS))
    step = nice_step(scale.x0, scale.x1, max(2, int((right - left) / 55)), True)
    for tick in ticks(scale.x0, scale.x1, step):
        tx = scale.x(tick)
        out.append(_line(tx, bottom, tx, bottom + 4, AXIS))
        out.append(_label(tx, bottom + 16, tick_text(tick, step), anchor="middle"))
    out.append(_label((left + right) / 2, bottom + 29, "epoch", anchor="middle"))
    return out


def _severity_color(severity: str) -> str:
    return {"error": BAD, "warning": WARN}.get(severity, MUTED)


def _findings(scale: _Scale, run: dict[str, Any], metrics: list[str]) -> list[str]:
    """The diagnosis' epoch ranges, shaded behind the curves, with their kind
    (NaN/inf have their own markers)."""
    out: list[str] = []
    shown = [
        f
        for f in run["findings"]
        if f["metric"] in metrics and f["kind"] != "nonfinite"
    ]
    for k, finding in enumerate(shown):
        color = _severity_color(finding["severity"])
        start, end = finding["start"], finding["end"]
        if start == end:  # one epoch (a blow-up): half an epoch either side
            start, end = start - 0.5, end + 0.5
        fx0 = scale.x(max(scale.x0, start))
        fx1 = scale.x(min(scale.x1, end))
        out.append(
            f'<rect class="tc-finding" x="{_n(fx0)}" y="{_n(scale.top)}" '
            f'width="{_n(max(fx1 - fx0, 1))}" height="{_n(scale.bottom - scale.top)}" '
            f'fill="{color}" fill-opacity="0.12"/>'
        )
        text = _text(finding.get("label") or finding["kind"], 30)
        out.append(
            _label(fx0 + 4, scale.top + 12 + 12 * k, text, 10, color, extra=HALO)
        )
    return out


def _series(
    run: dict[str, Any],
    metric: str,
    data: list[tuple[float, float | None]],
    scale: _Scale,
    color: str,
    dashed: bool,
    member: bool = False,
) -> list[str]:
    """One curve: a path broken at NaN gaps, dashed for validation, with a
    dot per point when there are few (none for a group's members, drawn by
    the dozen)."""
    dash = f' stroke-dasharray="{DASH}"' if dashed else ""
    width = "1.5" if member else "2"
    out = [
        f'<path class="tc-series" data-run="{_attr(run["name"], 80)}" '
        f'data-metric="{_attr(metric, 80)}" d="{path_data(data, scale)}" '
        f'fill="none" stroke="{color}" stroke-width="{width}" stroke-linecap="round" '
        f'stroke-linejoin="round"{dash}/>'
    ]
    if len(data) <= DOTS_UP_TO and not member:
        out += [
            f'<circle cx="{_n(scale.x(e))}" cy="{_n(scale.y(v))}" r="2.5" fill="{color}"/>'
            for e, v in data
            if v is not None
        ]
    return out


def _events(scale: _Scale, runs: list[dict[str, Any]], metrics: list[str]) -> list[str]:
    """Vertical lines where early stopping fired and where NaN/inf began."""
    out: list[str] = []
    for run in runs:
        for event in run["events"]:
            epoch = event.get("epoch")
            if event.get("kind") == "early_stop" and isinstance(epoch, int):
                who = f"{_text(run['name'], 20)}: " if len(runs) > 1 else ""
                text = f"{who}early stop @ {epoch}"
                out += _marker_line(scale, epoch, text, MUTED, "5 4", "tc-early-stop")
        for metric in metrics:
            for epoch, kind in _nonfinite_starts(run["nonfinite"].get(metric, [])):
                text = f"{_text(kind)} @ {epoch}"
                out += _marker_line(scale, epoch, text, BAD, "2 3", "tc-nonfinite")
    return out


def _marker_line(
    scale: _Scale, epoch: float, text: str, color: str, dash: str, kind: str
) -> list[str]:
    if not scale.x0 <= epoch <= scale.x1:
        return []
    """A vertical line at ``epoch`` labelled at the top (``text`` is markup);
    the label goes left of the line where it would leave the chart."""
    x = scale.x(epoch)
    near_right = x + 4 + _width(text, 10) > scale.right
    style = f' class="{kind}" stroke-width="1.5" stroke-dasharray="{dash}"'
    return [
        _line(x, scale.top, x, scale.bottom, color, style),
        _label(
            x - 4 if near_right else x + 4,
            scale.top + 10,
            text,
            10,
            color,
            "end" if near_right else "start",
            HALO,
        ),
    ]


def _best(scale: _Scale, best: dict[str, Any], fill: str, label: bool) -> list[str]:
    """The best epoch of a validation metric: a dot, and its value for one run."""
    bx, by = scale.x(best["epoch"]), scale.y(best["value"])
    out = [
        f'<circle class="tc-best" cx="{_n(bx)}" cy="{_n(by)}" r="5" '
        f'fill="{fill}" stroke="{BACKGROUND}" stroke-width="2"/>'
    ]
    if label:
        near_right = bx > scale.left + 0.8 * (scale.right - scale.left)
        # Away from where the metric improves: above a minimum, below a
        # maximum, where the other curves seldom run.
        below = best.get("mode") == "max"
        if below and scale.bottom - by < 16:
            below = False
        elif not below and by - scale.top < 20:
            below = True
        ty = by + 18 if below else by - 10
        out.append(
            _label(
                bx - 8 if near_right else bx,
                ty,
                f"best {format_value(best['value'])} @ {best['epoch']}",
                11,
                TEXT,
                "end" if near_right else "middle",
                HALO,
            )
        )
    return out


def _band(
    epochs: list[int], band: dict[str, list[float | None]], scale: _Scale, color: str
) -> list[str]:
    """The min-max spread across ranks: one polygon per unbroken stretch."""
    low, high = band["low"], band["high"]
    nan = math.nan
    keep = minmax_indices(
        [
            [nan if v is None else v for v in low],
            [nan if v is None else v for v in high],
        ],
        MAX_POINTS,
    )
    out: list[str] = []
    stretch: list[int] = []
    for i in [*keep, None]:
        if i is not None and low[i] is not None and high[i] is not None:
            stretch.append(i)
            continue
        if len(stretch) > 1:
            ring = [(epochs[i], low[i]) for i in stretch] + [
                (epochs[i], high[i]) for i in reversed(stretch)
            ]
            coords = " ".join(f"{_n(scale.x(e))},{_n(scale.y(v))}" for e, v in ring)
            out.append(
                f'<polygon class="tc-band" points="{coords}" fill="{color}" '
                'fill-opacity="0.15"/>'
            )
        stretch = []
    return out


# -- layer distributions --------------------------------------------------------

LAYER_HEIGHT = 190
MAX_LAYERS = 8  # the picture stays small; the panel has them all
LAYER_COLOR = SPLIT_COLORS["train"]


def _layers(runs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(label, distribution) of every run, the run's name first when several."""
    several = len(runs) > 1
    return [
        (f"{run['name']} · {d['name']}" if several else d["name"], d)
        for run in runs
        for d in run.get("distributions", [])
    ]


def _layer_chart(
    box: tuple[float, float, float, float], label: str, dist: dict
) -> list[str]:
    """A layer's quantiles over the epochs, as the panel's band chart: the
    median with its 25-75 % and 5-95 % bands, and the hints' epochs marked."""
    x, y, w, h = box
    kind = {"weights": " (weights)", "gradients": " (gradient norms)"}.get(
        dist["kind"], ""
    )
    zeros = dist["zeros"][-1] if dist["zeros"] else None
    facts = f"{zeros * 100:.3g} % zeros" if zeros is not None else ""
    out = [
        _label(
            x + 4, y + 14, _text(label + kind, 60), 13, TEXT, extra=' font-weight="600"'
        ),
        _label(x + w - 4, y + 14, _text(facts), 11, anchor="end"),
    ]
    q, epochs = dist["quantiles"], dist["epochs"]
    ys = [v for key in ("p5", "p50", "p95") for v in q[key] if v is not None]
    if not ys or not epochs:
        out.append(_label(x + w / 2, y + h / 2, "no finite values", anchor="middle"))
        return out
    scale, yticks = _plot_area(box, y + 28, epochs, ys)
    out += _axes(scale, yticks)
    out += _band(epochs, {"low": q["p5"], "high": q["p95"]}, scale, LAYER_COLOR)
    out += _band(epochs, {"low": q["p25"], "high": q["p75"]}, scale, LAYER_COLOR)
    median = list(zip(epochs, q["p50"]))
    out.append(
        f'<path class="tc-layer" data-layer="{_attr(dist["name"], 80)}" '
        f'd="{path_data(reduce(median, MAX_POINTS), scale)}" fill="none" '
        f'stroke="{LAYER_COLOR}" stroke-width="2" stroke-linejoin="round" '
        'stroke-linecap="round"/>'
    )
    for hint in dist.get("hints", []):
        epoch = hint.get("epoch")
        if isinstance(epoch, (int, float)) and scale.x0 <= epoch <= scale.x1:
            hx = scale.x(epoch)
            out.append(
                _line(hx, scale.top, hx, scale.bottom, WARN, ' stroke-dasharray="2 3"')
            )
            out.append(
                _label(
                    hx - 4,
                    scale.top + 12,
                    _text(f"{hint['kind']} @ {epoch}"),
                    11,
                    WARN,
                    "end",
                    HALO,
                )
            )
    return out


def _layer_section(runs: list[dict[str, Any]], top: float) -> tuple[list[str], float]:
    """The panel's Distributions section as band charts, two to a row."""
    layers = _layers(runs)
    if not layers:
        return [], top
    shown = layers[:MAX_LAYERS]
    more = (
        f" (the first {len(shown)} of {len(layers)})"
        if len(layers) > len(shown)
        else ""
    )
    out = [
        _label(
            PAD + 4,
            top + 14,
            "Distributions" + more,
            14,
            TEXT,
            extra=' font-weight="600"',
        ),
        _label(
            PAD + 4,
            top + 30,
            "median, 25-75 % and 5-95 % of each layer's values per epoch",
            11,
        ),
    ]
    top += 40
    width = (WIDTH - 2 * PAD - GAP) / 2
    for start in range(0, len(shown), 2):
        for column, (label, dist) in enumerate(shown[start : start + 2]):
            box = (PAD + column * (width + GAP), top, width, LAYER_HEIGHT)
            out += _layer_chart(box, label, dist)
        top += LAYER_HEIGHT + GAP
    return out, top


# -- the title ------------------------------------------------------------------


def _latest(run: dict[str, Any], metric: str) -> float | str | None:
    bad = dict((e, k) for e, k in run["nonfinite"].get(metric, []))
    for epoch, value in zip(reversed(run["epochs"]), reversed(run["metrics"][metric])):
        if value is not None:
            return value
        if epoch in bad:
            return bad[epoch]
    return None


def _header(
    runs: list[dict[str, Any]],
    colors: dict[str, str],
    folded: set[str],
    faint: Sequence[dict[str, Any]] = (),
    focus: dict[str, Any] | None = None,
) -> tuple[list[str], float]:
    """The run's name, status and latest values; for several runs a legend
    of their colours (of a sweep: the highlighted runs with their ranks, and
    what stands for the rest). Returns the elements and where the charts
    start."""
    x, y = PAD + 4, PAD + 18
    if faint:
        by = f" by best {focus['metric']}" if focus else ""
        title = _label(
            x,
            y,
            _text(f"{len(runs) + len(faint)} runs · the {len(runs)} best{by}", 100),
            16,
            TEXT,
            extra=' font-weight="600"',
        )
        entries: list[Entry] = [
            (
                colors[r["id"]],
                False,
                _clean(r["name"], 60),
                f"#{r['rank']} · {r['text']['status']}",
            )
            for r in sorted(runs, key=lambda r: r["rank"])
        ]
        entries.append(
            (MUTED, False, f"{len(faint)} other runs", "median, 10-90 % band")
        )
        legend, last = _legend(entries, x, y + 22, WIDTH - PAD)
        return [title, *legend], last + 14
    if len(runs) > 1:
        entries = [
            (colors[r["id"]], False, _clean(r["name"], 60), r["text"]["status"])
            for r in runs
        ]
        legend, last = _legend(entries, x, y + 22, WIDTH - PAD)
        title = _label(x, y, f"{len(runs)} runs", 16, TEXT, extra=' font-weight="600"')
        return [title, *legend], last + 14
    run = runs[0]
    text = run["text"]
    status = f"{text['status']} · {text['done']}"
    out = [
        _label(
            x,
            y,
            f'<tspan class="tc-title" font-size="16" font-weight="600" fill="{TEXT}">'
            f"{_text(run['name'], 60)}</tspan>"
            f'<tspan dx="10" fill="{_status_color(run["status"])}">{_text(status)}</tspan>',
            12,
        )
    ]
    latest = [
        f"{m} {v if isinstance(v, str) else format_value(v)}"
        for m in run["metrics"]
        if m not in folded and (v := _latest(run, m)) is not None
    ]
    if folded & set(run["metrics"]):
        latest.append(f"{len(folded & set(run['metrics']))} more in the panel")
    if latest:
        out.append(_label(x, y + 20, _text(" · ".join(latest), 120), 12))
        return out, y + 30
    return out, y + 12


def _status_color(status: str) -> str:
    return BAD if status in ("failed", "interrupted") else MUTED


def _findings_list(
    runs: list[dict[str, Any]], y: float, groups: list[dict[str, Any]] | None = None
) -> tuple[list[str], float]:
    """The findings under the charts, as the panel lists them: what, then
    what to try. The first six; the text summary has them all. A sweep's
    (``groups``, beyond HIGHLIGHT_FROM runs) are listed by kind."""
    if groups is not None and len(runs) > HIGHLIGHT_FROM:
        return _finding_groups(runs, y, groups)
    out: list[str] = []
    # The layers' hints after the findings, as the panel lists them.
    hints = [
        {
            **hint,
            "severity": "error" if hint["kind"] == "exploding" else "warning",
            "start": hint["epoch"],
            "end": None,
        }
        for run in runs
        for d in run.get("distributions", [])
        for hint in d.get("hints", [])
    ]
    listed = [(run, f) for run in runs for f in run["findings"]]
    listed = (listed + [(runs[0], h) for h in hints] if len(runs) == 1 else listed)[:6]
    for run, finding in listed:
        who = f"{run['name']}: " if len(runs) > 1 else ""
        epochs = (
            f"epoch {finding['start']}"
            if finding["end"] is None
            else f"epochs {finding['start']}-{finding['end']}"
        )
        label = finding.get("label") or finding["kind"]
        what = f"{who}{label}, {epochs}: {finding['message']}"
        color = _severity_color(finding["severity"])
        out += [
            f'<circle class="tc-finding-item" cx="{PAD + 8}" cy="{_n(y - 4)}" r="3.5" '
            f'fill="{color}"/>',
            _label(PAD + 18, y, _text(what, 122), 12, TEXT),
            _label(PAD + 18, y + 16, _text(f"try: {finding['advice']}", 122), 12),
        ]
        y += 38
    return out, y


def _finding_groups(
    runs: list[dict[str, Any]], y: float, groups: list[dict[str, Any]]
) -> tuple[list[str], float]:
    """A line per kind: ``overfitting · 81 of 200 runs: a, b, c and 78
    more``, then what to try (the first such finding's advice)."""
    names = {run["id"]: run["name"] for run in runs}
    advice = {}
    for run in runs:
        for finding in run["findings"]:
            advice.setdefault(finding["kind"], finding["advice"])
    out: list[str] = []
    for group in groups[:6]:
        named = [names.get(i, i) for i in group["runs"][:4]]
        more = group["count"] - len(named)
        what = (
            f"{group['label']} · {group['count']} of {group['of']} runs: "
            + ", ".join(named)
            + (f" and {more} more" if more > 0 else "")
        )
        out += [
            f'<circle class="tc-finding-item" cx="{PAD + 8}" cy="{_n(y - 4)}" r="3.5" '
            f'fill="{_severity_color(group["severity"])}"/>',
            _label(PAD + 18, y, _text(what, 122), 12, TEXT),
            _label(
                PAD + 18,
                y + 16,
                _text(f"try: {advice.get(group['kind'], '')}", 122),
                12,
            ),
        ]
        y += 38
    return out, y


def _highlighted(
    data: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(drawn, faint): with the payload's ``highlight`` k, its runs ranked
    1 to k, in panel order, and the rest; without it, every run and none."""
    runs = data["runs"]
    k = data.get("highlight")
    if not isinstance(k, int) or k >= len(runs):
        return runs, []
    strong = [r for r in runs if isinstance(r.get("rank"), int) and r["rank"] <= k]
    if not strong:
        return runs, []
    return strong, [r for r in runs if r not in strong]


# -- the whole picture ----------------------------------------------------------


def _own_color(metric: dict[str, Any]) -> str:
    """A curve's colour on a one-run chart: its own (a group member's), else
    its split's."""
    return metric.get("color") or SPLIT_COLORS[metric["split"]]


def _folded(data: dict[str, Any]) -> set[str]:
    """The metrics the header folds away: those not on a key chart."""
    return {
        m["name"]
        for c in data.get("charts") or []
        if c.get("key", True) is False
        for m in c["metrics"]
    }


def _epoch_charts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The payload's charts (placed by name when it does not say, as the
    extension does), with only the epoch curves: the picture has no batch
    curves."""
    runs = data["runs"]
    shown = (data.get("view") or {}).get("metrics")
    logged = {m for run in runs for m in run["metrics"] if not shown or m in shown}
    charts = data.get("charts") or plan_charts(
        m for run in runs for m in run["metrics"] if m in logged
    )
    kept = [
        {**c, "metrics": [m for m in c["metrics"] if m["name"] in logged]}
        for c in charts
        if c.get("shown", True) is not False
    ]
    return [c for c in kept if c["metrics"]]


def render(data: dict[str, Any]) -> str:
    """The SVG of a payload (``traincurves.payload.payload``)."""
    every = data["runs"]
    runs, faint = _highlighted(data)
    charts = _epoch_charts(data)
    colors = run_colors(every)
    colors.update((r["id"], r["color"]) for r in every if r.get("color"))

    out, top = _header(runs, colors, _folded(data), faint, data.get("focus"))
    columns = 1 if len(charts) == 1 else 2
    width = (WIDTH - 2 * PAD - (columns - 1) * GAP) / columns
    for start in range(0, len(charts), columns):
        row = charts[start : start + columns]
        # Legend rows of each chart: the plots of a row start at one height.
        rows = max(
            1 + round(_legend(_chart_legend(chart, every), 0, 0, width)[1] / 17)
            for chart in row
        )
        height = CHART_HEIGHT + 17 * (rows - 1)
        for column, chart in enumerate(row):
            box = (PAD + column * (width + GAP), top, width, height)
            out += _chart(box, rows, chart, runs, colors, faint)
        top += height + GAP
    if not charts and not _layers(runs):
        out.append(_label(PAD + 4, top + 8, "no metrics logged yet"))
        top += 20
    layers, top = _layer_section(runs, top)
    out += layers
    listed, bottom = _findings_list(every, top + 6, data.get("finding_groups"))
    out += listed
    # Below the last chart (its box ends a gap above ``top``) or the last finding.
    total = math.ceil(bottom - 38 + 16 + 2 * PAD if listed else top - GAP + PAD)

    title = " · ".join(
        f"{_clean(r['name'], 60)} ({r['text']['status']})" for r in every
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{total}" '
        f'viewBox="0 0 {WIDTH} {total}" role="img" '
        f'aria-label="{_attr("training curves: " + title, 300)}" '
        f'font-family="{FONT}" style="max-width:100%;height:auto">'
        f"<title>{_text('training curves: ' + title, 300)}</title>"
        f'<rect width="{WIDTH}" height="{total}" fill="{BACKGROUND}"/>'
    )
    return head + "".join(out) + "</svg>"
