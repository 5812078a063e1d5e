"""Charts as inline SVG drawn on the server: no chart library, no script, nothing fetched from
elsewhere, and the figures are in the page itself (readable without JavaScript, printable)."""

from __future__ import annotations

from decimal import Decimal
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


def _floor10(v: Decimal) -> Decimal:
    return max(Decimal(0), (v / 10).to_integral_value(rounding="ROUND_FLOOR") * 10)


def scatter(points: list[dict], label: str, width: int = 520, height: int = 300) -> Markup:
    """Execution rate (x, %) against re-scored total (y): each form a dot linking to its page."""
    left, right, top, bottom = 44, 14, 14, 40
    pw, ph = width - left - right, height - top - bottom
    xs = [Decimal(p["rate"]) for p in points]
    ys = [Decimal(p["score"]) for p in points]
    # Axes start a little below the lowest point (in steps of 10), so that forms bunched at
    # 95–100 are told apart; they never start below 0 or end below 100.
    x_min = _floor10(min(xs) - 5) if xs else Decimal(0)
    x_max = max([Decimal(100)] + xs)
    y_min, y_max = (_floor10(min(ys) - 5) if ys else Decimal(0)), Decimal(100)

    def px(x: Decimal) -> float:
        return left + float((x - x_min) / (x_max - x_min)) * pw

    def py(y: Decimal) -> float:
        y = max(min(y, y_max), y_min)
        return top + ph - float((y - y_min) / (y_max - y_min)) * ph

    body = []
    for t in range(0, 101, 20):
        yv = y_min + (y_max - y_min) * t / 100
        y = py(yv)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{yv:.0f}</text>')
        xv = x_min + (x_max - x_min) * t / 100
        body.append(f'<text x="{px(xv):.1f}" y="{top + ph + 16}" text-anchor="middle" fill="#666">{xv:.0f}%</text>')
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}" stroke="#333"/>')
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#333"/>')
    body.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">预算执行率</text>')
    body.append(f'<text x="12" y="{top + ph / 2:.1f}" text-anchor="middle" '
                f'transform="rotate(-90 12 {top + ph / 2:.1f})">重新评分总分</text>')
    for p in points:
        x, y = px(Decimal(p["rate"])), py(Decimal(p["score"]))
        tip = f"{p['project']}：执行率 {p['rate']}%，重新评分 {p['score']}"
        body.append(f'<a href="/forms/{int(p["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="5" '
                    f'fill="{RESCORE_COLOR}" fill-opacity="0.7"><title>{escape(tip)}</title></circle></a>')
    return _svg(width, height, body, label)
