"""Charts as inline SVG drawn on the server: no chart library, no script, nothing fetched from
elsewhere, and the figures are in the page itself (readable without JavaScript, printable)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

SELF_COLOR = "#8aa6c1"
RESCORE_COLOR = "#c0504d"
FONT = 'font-family="Noto Sans CJK SC, Source Han Sans SC, sans-serif"'


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" {FONT} font-size="12">'
        + "".join(body) + "</svg>"
    )


def _legend(x: int, y: int) -> list[str]:
    return [f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{SELF_COLOR}"/>',
            f'<text x="{x + 14}" y="{y}">自评</text>',
            f'<rect x="{x + 54}" y="{y - 9}" width="10" height="10" fill="{RESCORE_COLOR}"/>',
            f'<text x="{x + 68}" y="{y}">重新评分</text>']


def paired_bars(groups: list[tuple[str, int, int]], label: str, width: int = 520, height: int = 240) -> Markup:
    """Two bars per group (self, re-score): the score histogram and the grade counts."""
    # The legend sits in its own band above the plot (y 5–14); the tallest bar's count is drawn
    # at top - 3 = 33, so the two never overlap.
    left, bottom, top = 36, 34, 36
    plot_h = height - bottom - top
    peak = max([max(a, b) for _, a, b in groups] + [1])
    slot = (width - left - 10) / max(len(groups), 1)
    bar = min(26.0, slot / 2 - 4)
    body = _legend(left, 14)
    for tick in range(0, peak + 1, max(1, peak // 4)):
        y = top + plot_h - plot_h * tick / peak
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{tick}</text>')
    for i, (name, a, b) in enumerate(groups):
        cx = left + slot * i + slot / 2
        for value, color, dx, who in ((a, SELF_COLOR, -bar - 1, "自评"), (b, RESCORE_COLOR, 1, "重新评分")):
            h = plot_h * value / peak
            y = top + plot_h - h
            body.append(f'<rect x="{cx + dx:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                        f'<title>{escape(name)} {who}：{value} 张</title></rect>')
            if value:
                body.append(f'<text x="{cx + dx + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                            f'font-size="10">{value}</text>')
        body.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(name)}</text>')
    body.append(f'<line x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>')
    return _svg(width, height, body, label)


def hbars(items: list[tuple[str, int, str]], label: str, width: int = 520) -> Markup:
    """Horizontal bars with a label and a tooltip: the most frequent rules."""
    row_h, left = 24, 64
    height = max(row_h * len(items) + 10, 40)
    peak = max([n for _, n, _ in items] + [1])
    body = []
    if not items:
        body.append('<text x="10" y="24" fill="#666">没有问题</text>')
    for i, (name, n, tip) in enumerate(items):
        y = 5 + i * row_h
        w = (width - left - 60) * n / peak
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>')
        body.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{RESCORE_COLOR}">'
                    f'<title>{escape(tip)}</title></rect>')
        body.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}">{n}</text>')
    return _svg(width, height, body, label)


def heatmap(cells: list[dict], x_labels: list[str], y_labels: list[str], label: str, width: int = 520,
            height: int = 300) -> Markup:
    """Forms counted per (execution-rate bin, re-score bin): one rectangle per non-empty cell,
    darker for more forms, with its count; so the chart has at most len(x) × len(y) marks
    however many forms there are. Rows are drawn best score at the top."""
    left, right, top, bottom = 64, 10, 10, 44
    pw, ph = width - left - right, height - top - bottom
    cw, ch = pw / max(len(x_labels), 1), ph / max(len(y_labels), 1)
    peak = max([c["forms"] for c in cells] + [1])
    body = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>']
    for i, name in enumerate(x_labels):
        body.append(f'<text x="{left + cw * i + cw / 2:.1f}" y="{top + ph + 16}" text-anchor="middle" '
                    f'font-size="10" fill="#666">{escape(name)}</text>')
    for j, name in enumerate(y_labels):
        y = top + ph - ch * (j + 1)
        body.append(f'<text x="{left - 6}" y="{y + ch / 2 + 4:.1f}" text-anchor="end" font-size="10" fill="#666">'
                    f'{escape(name)}</text>')
    for c in cells:
        x, y = left + cw * c["rate"], top + ph - ch * (c["score"] + 1)
        share = c["forms"] / peak
        tip = f"执行率 {x_labels[c['rate']]}，重新评分 {y_labels[c['score']]}：{c['forms']} 张"
        body.append(f'<rect class="cell" x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cw - 2:.1f}" height="{ch - 2:.1f}" '
                    f'fill="{RESCORE_COLOR}" fill-opacity="{0.15 + 0.85 * share:.2f}"><title>{escape(tip)}</title></rect>')
        body.append(f'<text x="{x + cw / 2:.1f}" y="{y + ch / 2 + 4:.1f}" text-anchor="middle" font-size="10" '
                    f'fill="{"#fff" if share > 0.5 else "#333"}">{c["forms"]}</text>')
    body.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">预算执行率</text>')
    body.append(f'<text x="12" y="{top + ph / 2:.1f}" text-anchor="middle" '
                f'transform="rotate(-90 12 {top + ph / 2:.1f})">重新评分总分</text>')
    return _svg(width, height, body, label)


def bin_labels(edges: list, last_open: bool, unit: str = "") -> list[str]:
    """['<50%', '50–60%', …, '≥100%'] for edges (0, 50, …, 100) with an open last bin; without
    it, edges[-2] and above share the last label ('≥95')."""
    e = [str(x) for x in edges]
    top = len(e) - 1 if last_open else len(e) - 2
    return ([f"<{e[1]}{unit}"] + [f"{e[i]}–{e[i + 1]}{unit}" for i in range(1, top)] + [f"≥{e[top]}{unit}"])
