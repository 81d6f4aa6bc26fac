"""The SVG charts: well-formed, accessible, escaped, and drawn from the data given."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from floorwatch.web import charts as C

NS = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_line_chart_breaks_at_gaps_and_marks_events():
    d = dt.date
    s = C.Series(
        "rate",
        [
            (d(2001, 1, 15), 0.9),
            (d(2001, 2, 15), 0.8),
            (d(2001, 3, 15), None),
            (d(2001, 4, 15), 0.5),
            (d(2001, 5, 15), 0.6),
        ],
    )
    svg = _parse(
        C.line_chart([s], title="Attendance", markers=[C.Marker(d(2001, 3, 1), "crucial")])
    )
    assert svg.get("role") == "img"
    assert svg.find(f"{NS}title").text == "Attendance"
    assert svg.find(f"{NS}desc").text
    assert len(svg.findall(f"{NS}path")) == 2  # two runs either side of the gap
    assert len(svg.findall(f"{NS}circle")) == 4  # one mark per known value
    assert any(line.get("class") == "marker" for line in svg.iter(f"{NS}line"))


def test_line_chart_y_range_and_scale():
    s = C.Series("x", [(0, 0.0), (10, 1.0)])
    svg = _parse(C.line_chart([s], title="t", y_range=(0, 1), width=300, height=200))
    (c0, c1) = svg.findall(f"{NS}circle")
    # y = 0 sits on the x axis, y = 1 at the top of the plotting area; x increases.
    assert float(c0.get("cy")) > float(c1.get("cy"))
    assert float(c0.get("cx")) < float(c1.get("cx"))


def test_empty_charts_say_so():
    for markup in (
        C.line_chart([], title="t"),
        C.bar_chart([], title="t"),
        C.strip_plot([], title="t"),
        C.timeline([], title="t"),
    ):
        svg = _parse(markup)
        assert "No " in "".join(svg.itertext())


def test_labels_are_escaped():
    evil = '<script>alert("x")</script>'
    markup = str(C.bar_chart([(evil, 3.0)], title=evil))
    assert "<script>" not in markup
    _parse(markup)  # still well-formed


def test_strip_plot_colours_links_and_rows():
    dots = [
        C.Dot("A", -1.0, group="D", level="green", href="/member/a"),
        C.Dot("B", 0.5, group="R", level="red", href="/member/b?as_of=2001-01-01&x=1"),
        C.Dot("C", 1.0, group="R", level=None),
    ]
    svg = _parse(C.strip_plot(dots, title="map"))
    circles = list(svg.iter(f"{NS}circle"))
    assert len(circles) == 3
    fills = {c.find(f"{NS}title").text.split(":")[0]: c.get("fill") for c in circles}
    assert fills == {
        "A": C.LEVEL_COLOURS["green"],
        "B": C.LEVEL_COLOURS["red"],
        "C": C.LEVEL_COLOURS[None],
    }
    links = [a.get("href") for a in svg.iter(f"{NS}a")]
    assert links == ["/member/a", "/member/b?as_of=2001-01-01&x=1"]

    # Same dots, same picture (apart from the element ids).
    def strip_ids(m):
        return re.sub(r'(id|aria-labelledby)="[^"]*"', "", str(m))

    assert strip_ids(C.strip_plot(dots, title="map")) == strip_ids(C.strip_plot(dots, title="map"))


def test_bar_and_timeline():
    svg = _parse(C.bar_chart([("yes", 10), ("no", 5)], title="votes"))
    heights = [float(r.get("height")) for r in svg.iter(f"{NS}rect")]
    assert heights[0] == 2 * heights[1]
    spells = [
        C.Spell("senate", "R", dt.date(2001, 1, 3), dt.date(2001, 5, 26)),
        C.Spell("senate", "I", dt.date(2001, 6, 6), None),
    ]
    svg = _parse(C.timeline(spells, title="history", end=dt.date(2002, 1, 1)))
    rects = list(svg.iter(f"{NS}rect"))
    assert len(rects) == 2
    assert float(rects[0].get("x")) < float(rects[1].get("x"))


def test_nice_ticks():
    assert C.nice_ticks(0, 1, 4) == [0, 0.25, 0.5, 0.75, 1.0]
    assert C.nice_ticks(-1.3, 1.7, 6) == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
    assert C.nice_ticks(2, 2) == [2]
