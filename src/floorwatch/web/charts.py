"""Server-rendered SVG charts: no JavaScript, no CDN, readable offline and by screen readers.

Every chart is one ``<svg role="img">`` element with a ``<title>`` and a ``<desc>`` naming
what it shows, drawn with presentation attributes only (no ``style`` attributes), so that it
passes a Content-Security-Policy without ``'unsafe-inline'``. Marks carry their own
``<title>`` so hovering a point shows its value. Every label is escaped.

Charts:

- :func:`line_chart`: one or more series over dates or numbers, with gaps, optional vertical
  markers (crucial votes, a party switch) and an optional shaded band (a party's range);
- :func:`strip_plot`: one dot per member on a scale (ideal points), one row per group, coloured
  by risk level, each dot optionally a link;
- :func:`bar_chart`: labelled bars;
- :func:`timeline`: spells (party memberships) as horizontal bars with markers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

__all__ = [
    "LEVEL_COLOURS",
    "PALETTE",
    "Band",
    "Dot",
    "Marker",
    "Series",
    "Spell",
    "bar_chart",
    "colour_for",
    "line_chart",
    "nice_ticks",
    "strip_plot",
    "timeline",
]

#: Colours of risk levels (and of "no level").
LEVEL_COLOURS = {
    "red": "#c62828",
    "amber": "#ef8f00",
    "green": "#2e7d32",
    None: "#8a8a8a",
}

#: Series colours, in order (colour-blind safe: Okabe & Ito 2008).
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")

_PARTY_COLOURS = {"D": "#1f5fbf", "R": "#c0392b", "I": "#6a3d9a", "ID": "#4a6fa5"}

DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 220
_MARGIN = (14, 16, 34, 48)  # top, right, bottom, left
_ids = count(1)

X = dt.date | float | int


@dataclass
class Series:
    """A named line: ``points`` are ``(x, y)`` with ``y`` None for a gap."""

    name: str
    points: Sequence[tuple[X, float | None]]
    colour: str | None = None


@dataclass
class Marker:
    """A vertical line at ``x`` labelled ``label`` (e.g. a crucial vote or a switch)."""

    x: X
    label: str
    colour: str = "#555555"


@dataclass
class Band:
    """A shaded range: ``points`` are ``(x, low, high)``."""

    name: str
    points: Sequence[tuple[X, float | None, float | None]]
    colour: str = "#9ecae1"


@dataclass
class Dot:
    """One member on a strip plot."""

    label: str
    value: float
    group: str = ""
    level: str | None = None
    href: str | None = None
    note: str = ""


@dataclass
class Spell:
    """A horizontal bar from ``start`` to ``end`` (None: open) on row ``row``."""

    row: str
    label: str
    start: dt.date | None
    end: dt.date | None
    colour: str | None = None
    extra: dict = field(default_factory=dict)


def colour_for(key: str | None, index: int = 0) -> str:
    """A stable colour for a party abbreviation, else the palette colour at ``index``."""
    if key and key in _PARTY_COLOURS:
        return _PARTY_COLOURS[key]
    return PALETTE[index % len(PALETTE)]


# -- helpers -------------------------------------------------------------------------------
def _num(x: X) -> float:
    if isinstance(x, dt.datetime):
        return float(x.toordinal())
    if isinstance(x, dt.date):
        return float(x.toordinal())
    return float(x)


def _fmt(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _label(x: X) -> str:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, float):
        return f"{x:.3g}"
    return str(x)


def _value(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _date_ticks(lo: float, hi: float, n: int = 6) -> list[tuple[float, str]]:
    a, b = dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(math.ceil(hi)))
    months = (b.year - a.year) * 12 + b.month - a.month
    if months <= 0:
        return [(lo, a.isoformat())]
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120) if months / s <= n)
    out = []
    y, m = a.year, a.month
    # first whole month at or after a, aligned to the step
    if a.day != 1:
        m += 1
    while True:
        if m > 12:
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        if (y * 12 + m - 1) % step == 0:
            break
        m += 1
    while True:
        d = dt.date(y, m, 1)
        if d > b:
            break
        label = str(y) if step >= 12 else d.strftime("%b %Y")
        out.append((float(d.toordinal()), label))
        m += step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:32] or "chart"


class _Frame:
    """The plotting area and the scales of one chart."""

    def __init__(
        self, width: int, height: int, xlo: float, xhi: float, ylo: float, yhi: float
    ) -> None:
        top, right, bottom, left = _MARGIN
        self.width, self.height = width, height
        self.x0, self.x1 = left, width - right
        self.y0, self.y1 = height - bottom, top
        if xhi <= xlo:
            xlo, xhi = xlo - 1, xhi + 1
        if yhi <= ylo:
            ylo, yhi = ylo - 1, yhi + 1
        self.xlo, self.xhi, self.ylo, self.yhi = xlo, xhi, ylo, yhi

    def sx(self, x: float) -> float:
        return self.x0 + (x - self.xlo) / (self.xhi - self.xlo) * (self.x1 - self.x0)

    def sy(self, y: float) -> float:
        return self.y0 - (y - self.ylo) / (self.yhi - self.ylo) * (self.y0 - self.y1)


def _open(kind: str, title: str, desc: str, width: int, height: int) -> tuple[list[str], str]:
    cid = f"c{next(_ids)}-{_slug(title)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{cid}-t {cid}-d" font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
    ]
    return parts, cid


def _empty(kind: str, title: str, width: int, height: int, message: str) -> Markup:
    parts, _ = _open(kind, title, message, width, height)
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="#666666">{escape(message)}</text></svg>'
    )
    return Markup("".join(parts))


def _axes(parts: list[str], f: _Frame, *, dates: bool, y_label: str | None) -> None:
    for t in nice_ticks(f.ylo, f.yhi, 4):
        y = f.sy(t)
        parts.append(
            f'<line x1="{f.x0}" x2="{f.x1}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e3e3e3"/>'
            f'<text x="{f.x0 - 4}" y="{_fmt(y + 3.5)}" text-anchor="end" '
            f'fill="#444444">{_value(t)}</text>'
        )
    if dates:
        xt = _date_ticks(f.xlo, f.xhi)
    else:
        xt = [(t, _value(t)) for t in nice_ticks(f.xlo, f.xhi, 6)]
    for t, label in xt:
        x = f.sx(t)
        parts.append(
            f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{f.y0}" y2="{f.y0 + 4}" stroke="#444444"/>'
            f'<text x="{_fmt(x)}" y="{f.y0 + 15}" text-anchor="middle" '
            f'fill="#444444">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{f.x0}" x2="{f.x1}" y1="{f.y0}" y2="{f.y0}" stroke="#444444"/>'
        f'<line x1="{f.x0}" x2="{f.x0}" y1="{f.y0}" y2="{f.y1}" stroke="#444444"/>'
    )
    if y_label:
        parts.append(
            f'<text x="10" y="{_fmt((f.y0 + f.y1) / 2)}" text-anchor="middle" fill="#444444" '
            f'transform="rotate(-90 10 {_fmt((f.y0 + f.y1) / 2)})">{escape(y_label)}</text>'
        )


def _legend(parts: list[str], f: _Frame, items: Sequence[tuple[str, str]]) -> None:
    x = f.x0
    y = f.height - 4
    for name, colour in items:
        parts.append(
            f'<rect x="{_fmt(x)}" y="{y - 8}" width="10" height="8" fill="{escape(colour)}"/>'
            f'<text x="{_fmt(x + 13)}" y="{y}" fill="#222222">{escape(name)}</text>'
        )
        x += 24 + 6.2 * len(name)


# -- charts --------------------------------------------------------------------------------
def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    desc: str | None = None,
    y_label: str | None = None,
    y_range: tuple[float, float] | None = None,
    markers: Sequence[Marker] = (),
    bands: Sequence[Band] = (),
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> Markup:
    """Lines over dates (or numbers), with gaps where ``y`` is None.

    Parameters
    ----------
    series:
        The lines. Each point is ``(x, y)``; ``x`` a date or a number.
    title, desc:
        The accessible title and description (``desc`` defaults to a summary of the series).
    y_range:
        Fixed limits of the y axis (e.g. ``(0, 1)`` for rates); else from the data.
    markers:
        Vertical lines, e.g. crucial votes or a party switch.
    bands:
        Shaded ranges drawn under the lines, e.g. a party's interquartile range.
    """
    xs = [_num(x) for s in series for x, y in s.points if y is not None and _finite(y)]
    xs += [_num(x) for b in bands for x, lo, hi in b.points if lo is not None and hi is not None]
    if not xs:
        return _empty("line", title, width, height, "No data for this period.")
    ys = [float(y) for s in series for _, y in s.points if y is not None and _finite(y)]
    for b in bands:
        for _, lo, hi in b.points:
            if lo is not None and hi is not None and _finite(lo) and _finite(hi):
                ys += [float(lo), float(hi)]
    dates = any(isinstance(x, dt.date) for s in series for x, _ in s.points) or any(
        isinstance(x, dt.date) for b in bands for x, _, _ in b.points
    )
    xlo, xhi = min(xs), max(xs)
    if dates:
        mx = [_num(m.x) for m in markers]
        xlo, xhi = min([xlo, *mx]), max([xhi, *mx])
    ylo, yhi = y_range if y_range else (min(ys), max(ys))
    if not y_range:
        pad = (yhi - ylo) * 0.08 or 0.5
        ylo, yhi = ylo - pad, yhi + pad
    f = _Frame(width, height, xlo, xhi, ylo, yhi)
    names = ", ".join(s.name for s in series)
    parts, _ = _open(
        "line",
        title,
        desc
        or f"{names}: {len(xs)} points from {_label(_back(xlo, dates))} to "
        f"{_label(_back(xhi, dates))}.",
        width,
        height,
    )
    _axes(parts, f, dates=dates, y_label=y_label)
    for b in bands:
        pts = [(x, lo, hi) for x, lo, hi in b.points if lo is not None and hi is not None]
        if not pts:
            continue
        upper = " ".join(f"{_fmt(f.sx(_num(x)))},{_fmt(f.sy(hi))}" for x, _, hi in pts)
        lower = " ".join(f"{_fmt(f.sx(_num(x)))},{_fmt(f.sy(lo))}" for x, lo, _ in reversed(pts))
        parts.append(
            f'<polygon class="band" points="{upper} {lower}" fill="{escape(b.colour)}" '
            f'fill-opacity="0.35" stroke="none"><title>{escape(b.name)}</title></polygon>'
        )
    for m in markers:
        x = f.sx(_num(m.x))
        parts.append(
            f'<line class="marker" x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{f.y0}" y2="{f.y1}" '
            f'stroke="{escape(m.colour)}" stroke-dasharray="3 3">'
            f"<title>{escape(m.label)} ({escape(_label(m.x))})</title></line>"
        )
    legend = []
    for i, s in enumerate(series):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        legend.append((s.name, colour))
        runs: list[list[tuple[float, float]]] = [[]]
        for x, y in sorted(s.points, key=lambda p: _num(p[0])):
            if y is None or not _finite(y):
                runs.append([])
                continue
            runs[-1].append((f.sx(_num(x)), f.sy(float(y))))
        for run in runs:
            if len(run) >= 2:
                d = "M" + " L".join(f"{_fmt(a)},{_fmt(b)}" for a, b in run)
                parts.append(
                    f'<path d="{d}" fill="none" stroke="{escape(colour)}" stroke-width="1.8">'
                    f"<title>{escape(s.name)}</title></path>"
                )
        for x, y in s.points:
            if y is None or not _finite(y):
                continue
            parts.append(
                f'<circle cx="{_fmt(f.sx(_num(x)))}" cy="{_fmt(f.sy(float(y)))}" r="2.4" '
                f'fill="{escape(colour)}"><title>{escape(s.name)}, {escape(_label(x))}: '
                f"{_value(float(y))}</title></circle>"
            )
    if len(series) > 1 or bands:
        _legend(parts, f, legend + [(b.name, b.colour) for b in bands])
    parts.append("</svg>")
    return Markup("".join(parts))


def _finite(v: object) -> bool:
    try:
        return math.isfinite(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _back(v: float, dates: bool) -> X:
    return dt.date.fromordinal(int(round(v))) if dates else v


def strip_plot(
    dots: Sequence[Dot],
    *,
    title: str,
    desc: str | None = None,
    x_label: str | None = None,
    width: int = DEFAULT_WIDTH,
    row_height: int = 56,
    highlight: str | None = None,
) -> Markup:
    """One dot per member on a scale, one row per group, coloured by risk level.

    Dots with an ``href`` are links (to the member page). ``highlight`` draws a ring round the
    dot whose label equals it. Dots are spread vertically within their row by a fixed jitter
    derived from the label, so the picture is the same on every render.
    """
    dots = [d for d in dots if _finite(d.value)]
    if not dots:
        return _empty("strip", title, width, 120, "No ideal points for this period.")
    groups = list(dict.fromkeys(d.group for d in dots))
    top, bottom = 16, 58
    height = top + len(groups) * row_height + bottom
    vals = [float(d.value) for d in dots]
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.04 or 0.5
    left = max(_MARGIN[3], 14 + 7 * max(len(g) for g in groups))
    f = _Frame(width, height, lo - pad, hi + pad, 0, 1)
    f.x0 = left
    axis_y = top + len(groups) * row_height
    levels = sorted({d.level for d in dots}, key=lambda v: ("red", "amber", "green", None).index(v))
    parts, _ = _open(
        "strip",
        title,
        desc or f"{len(dots)} members in {len(groups)} group(s), from {lo:.2f} to {hi:.2f}.",
        width,
        height,
    )
    for t in nice_ticks(f.xlo, f.xhi, 6):
        x = f.sx(t)
        parts.append(
            f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{top}" y2="{axis_y}" stroke="#e3e3e3"/>'
            f'<text x="{_fmt(x)}" y="{axis_y + 14}" text-anchor="middle" '
            f'fill="#444444">{_value(t)}</text>'
        )
    parts.append(f'<line x1="{f.x0}" x2="{f.x1}" y1="{axis_y}" y2="{axis_y}" stroke="#444444"/>')
    if x_label:
        parts.append(
            f'<text x="{_fmt((f.x0 + f.x1) / 2)}" y="{axis_y + 30}" text-anchor="middle" '
            f'fill="#444444">{escape(x_label)}</text>'
        )
    order = {"red": 3, "amber": 2, "green": 1, None: 0}
    for gi, g in enumerate(groups):
        y0 = top + gi * row_height
        cy = y0 + row_height / 2
        if gi:
            parts.append(f'<line x1="{f.x0}" x2="{f.x1}" y1="{y0}" y2="{y0}" stroke="#f0f0f0"/>')
        parts.append(
            f'<text x="{f.x0 - 8}" y="{_fmt(cy + 4)}" text-anchor="end" '
            f'fill="#222222">{escape(g)}</text>'
        )
        members = sorted((d for d in dots if d.group == g), key=lambda d: order.get(d.level, 0))
        for d in members:
            spread = (sum(map(ord, d.label)) * 7919 % 101) / 100 - 0.5
            colour = LEVEL_COLOURS.get(d.level, LEVEL_COLOURS[None])
            tip = f"{d.label}: {d.value:.2f}" + (f" ({d.level})" if d.level else "")
            if d.note:
                tip += f" - {d.note}"
            ring = ""
            if highlight is not None and d.label == highlight:
                ring = ' stroke="#000000" stroke-width="2"'
            circle = (
                f'<circle class="dot level-{escape(d.level or "none")}" '
                f'cx="{_fmt(f.sx(float(d.value)))}" cy="{_fmt(cy + spread * row_height * 0.6)}" '
                f'r="{6 if ring else 4.5}" fill="{colour}" fill-opacity="0.85"{ring}>'
                f"<title>{escape(tip)}</title></circle>"
            )
            if d.href:
                circle = f'<a href="{escape(d.href)}">{circle}</a>'
            parts.append(circle)
    if len(levels) > 1 or levels[0] is not None:
        items = [(lv or "no level", LEVEL_COLOURS.get(lv, LEVEL_COLOURS[None])) for lv in levels]
        _legend(parts, f, items)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None = None,
    y_label: str | None = None,
    colour: str = PALETTE[0],
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> Markup:
    """Vertical bars, one per ``(label, value)``; labels thinned when crowded."""
    bars = [(str(k), float(v)) for k, v in bars if _finite(v)]
    if not bars:
        return _empty("bar", title, width, height, "No data for this period.")
    hi = max(0.0, max(v for _, v in bars))
    lo = min(0.0, min(v for _, v in bars))
    f = _Frame(width, height, 0, len(bars), lo, hi * 1.05 if hi > 0 else hi + 1)
    parts, _ = _open(
        "bar",
        title,
        desc or f"{len(bars)} bars, from {bars[0][0]} to {bars[-1][0]}; largest {_value(hi)}.",
        width,
        height,
    )
    for t in nice_ticks(f.ylo, f.yhi, 4):
        y = f.sy(t)
        parts.append(
            f'<line x1="{f.x0}" x2="{f.x1}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e3e3e3"/>'
            f'<text x="{f.x0 - 4}" y="{_fmt(y + 3.5)}" text-anchor="end" '
            f'fill="#444444">{_value(t)}</text>'
        )
    slot = (f.x1 - f.x0) / len(bars)
    every = max(1, math.ceil(len(bars) * 60 / (f.x1 - f.x0)))
    for i, (label, v) in enumerate(bars):
        x = f.x0 + i * slot
        y_top, y_bot = f.sy(max(v, 0)), f.sy(min(v, 0))
        parts.append(
            f'<rect x="{_fmt(x + slot * 0.1)}" y="{_fmt(y_top)}" width="{_fmt(slot * 0.8)}" '
            f'height="{_fmt(max(y_bot - y_top, 0.5))}" fill="{escape(colour)}">'
            f"<title>{escape(label)}: {_value(v)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{_fmt(x + slot / 2)}" y="{f.y0 + 15}" text-anchor="middle" '
                f'fill="#444444">{escape(label)}</text>'
            )
    parts.append(f'<line x1="{f.x0}" x2="{f.x1}" y1="{f.y0}" y2="{f.y0}" stroke="#444444"/>')
    if y_label:
        mid = _fmt((f.y0 + f.y1) / 2)
        parts.append(
            f'<text x="10" y="{mid}" text-anchor="middle" fill="#444444" '
            f'transform="rotate(-90 10 {mid})">{escape(y_label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline(
    spells: Sequence[Spell],
    *,
    title: str,
    desc: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    markers: Sequence[Marker] = (),
    width: int = DEFAULT_WIDTH,
    row_height: int = 26,
) -> Markup:
    """Spells as horizontal bars, one row per ``row`` (e.g. a party history).

    Open ends are drawn to ``end`` (or ``start``); ``start``/``end`` default to the data.
    """
    known = [d for s in spells for d in (s.start, s.end) if d is not None]
    known += [m.x for m in markers if isinstance(m.x, dt.date)]
    lo = start or (min(known) if known else None)
    hi = end or (max(known) if known else None)
    if not spells or lo is None or hi is None:
        return _empty("timeline", title, width, 80, "No history for this period.")
    rows = list(dict.fromkeys(s.row for s in spells))
    height = 20 + len(rows) * row_height + 30
    left = max(_MARGIN[3], 14 + 7 * max(len(r) for r in rows))
    f = _Frame(width, height, _num(lo), _num(hi), 0, 1)
    f.x0 = left
    f.y0 = height - 30
    parts, _ = _open(
        "timeline",
        title,
        desc or f"{len(spells)} spell(s) from {lo.isoformat()} to {hi.isoformat()}.",
        width,
        height,
    )
    for t, label in _date_ticks(f.xlo, f.xhi):
        x = f.sx(t)
        parts.append(
            f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="14" y2="{f.y0}" stroke="#e3e3e3"/>'
            f'<text x="{_fmt(x)}" y="{f.y0 + 15}" text-anchor="middle" '
            f'fill="#444444">{escape(label)}</text>'
        )
    for i, s in enumerate(spells):
        r = rows.index(s.row)
        y = 20 + r * row_height
        a = f.sx(_num(max(s.start or lo, lo)))
        b = f.sx(_num(min(s.end or hi, hi)))
        colour = s.colour or PALETTE[i % len(PALETTE)]
        span = f"{s.start or '…'} to {s.end or 'now'}"
        parts.append(
            f'<rect x="{_fmt(a)}" y="{y}" width="{_fmt(max(b - a, 2))}" '
            f'height="{row_height - 8}" rx="3" fill="{escape(colour)}">'
            f"<title>{escape(s.label)}: {escape(span)}</title></rect>"
        )
        if b - a > 6.5 * len(s.label) + 8:
            parts.append(
                f'<text x="{_fmt(a + 5)}" y="{y + row_height / 2}" fill="#ffffff">'
                f"{escape(s.label)}</text>"
            )
    for r, name in enumerate(rows):
        parts.append(
            f'<text x="{f.x0 - 6}" y="{20 + r * row_height + row_height / 2}" '
            f'text-anchor="end" fill="#222222">{escape(name)}</text>'
        )
    for m in markers:
        x = f.sx(_num(m.x))
        parts.append(
            f'<line class="marker" x1="{_fmt(x)}" x2="{_fmt(x)}" y1="14" y2="{f.y0}" '
            f'stroke="{escape(m.colour)}" stroke-dasharray="3 3" stroke-width="1.5">'
            f"<title>{escape(m.label)} ({escape(_label(m.x))})</title></line>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
