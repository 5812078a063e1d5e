"""The dashboard's charts are SVG drawn on the server: one mark per figure, text escaped."""

from __future__ import annotations

from jixiao.web import charts


def test_the_scatter_has_a_dot_per_form_linking_to_it_and_escapes_names():
    svg = str(charts.scatter([{"id": 7, "project": "<script>x</script>", "rate": "85.37", "score": "96.54"},
                              {"id": 8, "project": "乙", "rate": "100", "score": "98"}], "执行率与重新评分"))
    assert svg.count("<circle") == 2 and 'href="/forms/7"' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">80%<" in svg and ">90<" in svg  # the axes start just below the lowest point


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
