"""The server-side SVG charts: geometry read back from the markup, escaping, accessibility, WeasyPrint."""

from __future__ import annotations

import itertools
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from luoshi.core import charts

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def find_all(root: ET.Element, css_class: str, tag: str = "*") -> list[ET.Element]:
    return [el for el in root.iter(f"{{{NS['svg']}}}{tag}" if tag != "*" else tag)
            if css_class in el.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{{{NS['svg']}}}text")]


def test_it_draws_bar_lengths_proportional_to_values() -> None:
    svg = charts.bar_chart([("市科技局", 12), ("市财政局", 30), ("市经信委", 6)], title="按单位")
    assert isinstance(svg, SafeString)
    bars = find_all(parse(svg), "bar", "rect")
    widths = [float(bar.get("width")) for bar in bars]
    assert len(widths) == 3
    assert widths[1] / widths[0] == pytest.approx(30 / 12, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(6 / 12, rel=1e-3)
    # all bars start at the same baseline
    assert len({bar.get("x") for bar in bars}) == 1


def test_it_scales_bars_to_the_last_axis_tick() -> None:
    root = parse(charts.bar_chart([("甲", 45), ("乙", 100)], title="t", width=600))
    bar = find_all(root, "bar", "rect")[1]
    ticks = find_all(root, "grid", "line")
    left, right = float(ticks[0].get("x1")), float(ticks[-1].get("x1"))
    tick_labels = [t for t in texts(root) if t.replace(",", "").isdigit()]
    assert tick_labels[-1] == "100"
    assert float(bar.get("x")) == pytest.approx(left)
    assert float(bar.get("width")) == pytest.approx(right - left, abs=0.02)


def test_it_prints_formatted_numbers() -> None:
    assert charts.format_number(1234567) == "1,234,567"
    assert charts.format_number(1234.567, 2) == "1,234.57"
    assert charts.format_number(None) == "—"
    assert charts.format_number(float("nan")) == "—"
    root = parse(charts.bar_chart([("甲", 1234567)], title="t"))
    assert "1,234,567" in texts(root)


def test_it_escapes_hostile_labels_and_titles() -> None:
    hostile = '<script>alert("x")</script>&'
    svg = charts.bar_chart([(hostile, 3)], title=hostile, description=hostile)
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find("svg:title", NS).text == hostile
    assert any(hostile in text for text in texts(root))
    stacked = charts.stacked_bar_chart([charts.StackRow(hostile, {"a": 1})],
                                       [charts.Series("a", hostile, "#000")], title=hostile)
    assert "<script>" not in stacked
    parse(stacked)


def test_it_is_accessible_with_title_desc_and_role() -> None:
    root = parse(charts.bar_chart([("甲", 1)], title="任务状态", description="各单位任务数"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("svg:title", NS).get("id") == title_id
    assert root.find("svg:desc", NS).get("id") == desc_id
    assert root.find("svg:desc", NS).text == "各单位任务数"
    assert "Noto Sans CJK SC" in root.get("font-family")
    # two charts on one page must not share ids
    other = parse(charts.bar_chart([("甲", 1)], title="x"))
    assert other.get("aria-labelledby") != root.get("aria-labelledby")


def test_it_wraps_and_cuts_long_labels() -> None:
    name = "中关村科学城管理委员会国家自主创新示范区核心区建设办公室" * 2
    lines = charts.wrap_label(name, 120)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(charts.text_width(line) <= 120 for line in lines)
    assert charts.wrap_label("市科技局", 120) == ["市科技局"]
    root = parse(charts.bar_chart([(name, 5)], title="t", width=500))
    label = find_all(root, "label", "text")[0]
    drawn = "".join(label.itertext())
    assert drawn != name and drawn.endswith("…")
    # the label stays left of the bars
    bar = find_all(root, "bar", "rect")[0]
    assert float(label.get("x")) < float(bar.get("x"))
    assert charts.text_width(max(charts.wrap_label(name, 500 * 0.32), key=charts.text_width)) <= float(bar.get("x"))


def test_it_stacks_segments_in_series_order() -> None:
    series = [charts.Series("closed", "已完成", "#2f855a"), charts.Series("open", "推进中", "#2b6cb0"),
              charts.Series("overdue", "逾期", "#c53030")]
    rows = [charts.StackRow("第一章", {"closed": 2, "open": 6, "overdue": 2}), charts.StackRow("第二章", {"open": 5})]
    root = parse(charts.stacked_bar_chart(rows, series, title="按章节"))
    groups = find_all(root, "row", "g")
    first = find_all(groups[0], "segment", "rect")
    assert [seg.get("data-series") for seg in first] == ["closed", "open", "overdue"]
    widths = [float(seg.get("width")) for seg in first]
    assert widths[1] / widths[0] == pytest.approx(3, rel=1e-3)
    for before, after in itertools.pairwise(first):  # contiguous
        assert float(before.get("x")) + float(before.get("width")) == pytest.approx(float(after.get("x")), abs=0.02)
    second = find_all(groups[1], "segment", "rect")
    assert len(second) == 1  # zero counts draw nothing
    assert float(second[0].get("width")) == pytest.approx(widths[1] * 5 / 6, rel=1e-3)
    assert "10" in texts(groups[0]) and "5" in texts(groups[1])


def test_it_stacks_to_100_percent_when_asked() -> None:
    series = [charts.Series("a", "甲", "#000"), charts.Series("b", "乙", "#111")]
    rows = [charts.StackRow("一", {"a": 1, "b": 3}), charts.StackRow("二", {"a": 10, "b": 10})]
    root = parse(charts.stacked_bar_chart(rows, series, title="t", percent=True))
    totals = [sum(float(s.get("width")) for s in find_all(g, "segment", "rect")) for g in find_all(root, "row", "g")]
    assert totals[0] == pytest.approx(totals[1], abs=0.05)


def test_it_places_rank_whiskers_at_their_ranks() -> None:
    items = [charts.RankedItem("东城区", 50.0, 3, 2, 5, change=-1),
             charts.RankedItem("海淀区", 80.0, 1, 1, 2, change=0),
             charts.RankedItem("朝阳区", 60.0, 2, 1, 4, change=1), charts.RankedItem("西城区", 40.0, 4, 3, 5),
             charts.RankedItem("丰台区", 20.0, 5, 4, 5)]
    root = parse(charts.ranked_interval_chart(items, title="创新指数"))
    rows = find_all(root, "row", "g")
    assert [row.get("data-rank") for row in rows] == ["1", "2", "3", "4", "5"]  # best first
    dots = {int(dot.get("data-rank")): float(dot.get("cx")) for dot in find_all(root, "rank-dot", "circle")}
    place = dots[2] - dots[1]
    assert place > 0
    for rank in range(1, 6):  # rank axis linear: one place = one step
        assert dots[rank] == pytest.approx(dots[1] + (rank - 1) * place, abs=0.02)
    for row, item in zip(rows, sorted(items, key=lambda i: i.rank), strict=True):
        whisker = find_all(row, "whisker", "g")[0]
        xs = [float(line.get("x1")) for line in whisker]
        assert min(xs) == pytest.approx(dots[item.rank_low], abs=0.02)
        assert max(xs) == pytest.approx(dots[item.rank_high], abs=0.02)
    bars = [float(bar.get("width")) for bar in find_all(root, "bar", "rect")]
    assert bars[0] / bars[1] == pytest.approx(80 / 60, rel=1e-3)
    changes = {el.get("data-change"): "".join(el.itertext()) for el in find_all(root, "change", "text")}
    assert changes["1"] == "▲1" and changes["-1"] == "▼1"


def test_it_draws_a_value_whisker_when_given() -> None:
    item = charts.RankedItem("甲", 50.0, 1, 1, 1, value_low=40.0, value_high=60.0)
    root = parse(charts.ranked_interval_chart([item, charts.RankedItem("乙", 100.0, 2)], title="t"))
    bar = find_all(root, "bar", "rect")[0]
    per_unit = float(find_all(root, "bar", "rect")[1].get("width")) / 100.0
    whisker = find_all(root, "value-whisker", "g")[0]
    xs = sorted(float(line.get("x1")) for line in whisker)
    assert xs[0] == pytest.approx(float(bar.get("x")) + 40 * per_unit, abs=0.02)
    assert xs[-1] == pytest.approx(float(bar.get("x")) + 60 * per_unit, abs=0.02)


def test_it_draws_lines_with_gaps_and_a_target() -> None:
    points = [("2016", 1.0), ("2017", 2.0), ("2018", None), ("2019", 3.0), ("2020", 4.0)]
    root = parse(charts.line_chart(points, title="趋势", target=5.0))
    lines = find_all(root, "line", "polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    dots = find_all(root, "point", "circle")
    ys = [float(dot.get("cy")) for dot in dots]
    assert ys == sorted(ys, reverse=True)  # higher value, higher on the page
    # equal value steps, equal pixel steps
    assert ys[0] - ys[1] == pytest.approx(ys[2] - ys[3], abs=0.02)
    target = find_all(root, "target", "line")[0]
    assert float(target.get("y1")) < ys[-1]


def test_it_draws_a_sparkline_ending_at_the_last_value() -> None:
    root = parse(charts.sparkline([1, 5, None, 3], title="t"))
    last = find_all(root, "last", "circle")[0]
    line = find_all(root, "line", "polyline")[0]
    assert line.get("points").split()[-1] == f"{last.get('cx')},{last.get('cy')}"
    assert root.get("role") == "img"
    parse(charts.sparkline([], title="empty"))  # no data: still valid markup


def test_it_handles_empty_and_zero_data() -> None:
    for svg in (charts.bar_chart([], title="t"), charts.bar_chart([("甲", 0), ("乙", None)], title="t"),
                charts.stacked_bar_chart([], [], title="t"), charts.ranked_interval_chart([], title="t"),
                charts.line_chart([], title="t")):
        root = parse(svg)
        assert root.get("role") == "img"
    widths = [float(b.get("width")) for b in find_all(parse(charts.bar_chart([("甲", 0)], title="t")), "bar")]
    assert widths == [0.0]


def test_it_renders_in_weasyprint_with_cjk_text(tmp_path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    chart = charts.bar_chart([("市科技局", 12), ("市财政局", 30)], title="按单位统计")
    ranked = charts.ranked_interval_chart([charts.RankedItem("海淀区", 80.0, 1, 1, 2)], title="指数")
    pdf = tmp_path / "chart.pdf"
    weasyprint.HTML(string=f"<html><body>{chart}{ranked}</body></html>").write_pdf(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "市科技局" in text and "海淀区" in text and "30" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # drawn with the CJK font, not a fallback without the glyphs
