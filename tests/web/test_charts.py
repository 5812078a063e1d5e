"""The dashboard's charts are SVG drawn on the server: one mark per figure or bin, text escaped."""

from __future__ import annotations

from jixiao.web import charts


def test_the_rate_score_chart_has_a_mark_per_non_empty_bin_and_escapes_labels():
    x, y = charts.bin_labels([0, 50, 100], True, "%"), charts.bin_labels([0, 60, 95, 100], False)
    assert x == ["<50%", "50–100%", "≥100%"] and y == ["<60", "60–95", "≥95"]
    svg = str(charts.heatmap([{"rate": 2, "score": 2, "forms": 90000}, {"rate": 0, "score": 0, "forms": 3}],
                             x, ["<script>", "b", "c"], "执行率与重新评分"))
    assert svg.count('class="cell"') == 2 and ">90000<" in svg and "执行率 ≥100%，重新评分 c：90000 张" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_paired_bars_draw_self_and_rescored_counts():
    svg = str(charts.paired_bars([("优", 3, 2), ("良", 0, 1)], "等级"))
    assert svg.count("<rect") == 4 + 2  # four bars and the two legend swatches
    assert "优 自评：3 张" in svg and "良 重新评分：1 张" in svg


def test_an_empty_rule_chart_says_so():
    assert "没有问题" in str(charts.hbars([], "最常见的问题"))


def test_a_bar_count_never_reaches_the_legend():
    import re

    svg = str(charts.paired_bars([("优", 30, 29), ("良", 1, 0)], "等级", width=360))
    legend_bottom = 14 + 1  # the legend's text baseline and its swatches end here
    counts = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="10">', svg)]
    assert counts and min(counts) - 10 > legend_bottom  # a 10px label above the tallest bar clears the legend
