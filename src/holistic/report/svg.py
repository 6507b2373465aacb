"""Small inline SVG charts (bars, scatter, heat map): no plotting library, every label escaped."""

from __future__ import annotations

import math
from html import escape

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _text(x: float, y: float, text: str, anchor: str = "start", css: str = "", extra: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{cls}{extra}>{escape(text)}</text>'


def bar_chart(
    items: list[tuple[str, float]], title: str, axis_label: str, lower_is_better: bool | None = None
) -> str:
    """Horizontal bars, best first."""
    items = [(label, value) for label, value in items if value is not None and not math.isnan(value)]
    if not items:
        return ""
    items.sort(key=lambda item: item[1], reverse=not lower_is_better)
    label_width, bar_width, row = 240, 360, 22
    height = 40 + row * len(items) + 30
    top = max(max(v for _, v in items), 0.0)
    bottom = min(min(v for _, v in items), 0.0)
    span = (top - bottom) or 1.0
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {label_width + bar_width + 80} {height}" '
        f'width="{label_width + bar_width + 80}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _text(0, 16, title, css="chart-title"),
    ]
    zero = label_width + (0 - bottom) / span * bar_width
    for i, (label, value) in enumerate(items):
        y = 30 + i * row
        x0 = min(zero, label_width + (value - bottom) / span * bar_width)
        width = abs(value) / span * bar_width
        parts.append(
            _text(
                label_width - 6, y + 14, _clip(label, 34), anchor="end", extra=f' data-full="{escape(label)}"'
            )
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(width, 1):.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {escape(_fmt(value))}</title></rect>"
        )
        parts.append(_text(x0 + max(width, 1) + 4, y + 14, _fmt(value), css="chart-value"))
    parts.append(
        _text(label_width + bar_width / 2, height - 8, axis_label, anchor="middle", css="chart-axis")
    )
    parts.append("</svg>")
    return "".join(parts)


def scatter(points: list[tuple[str, float, float]], title: str, x_label: str, y_label: str) -> str:
    """Labelled points (one per model), linear axes from the data's range."""
    points = [
        (label, x, y)
        for label, x, y in points
        if x is not None and y is not None and not (math.isnan(x) or math.isnan(y))
    ]
    if len(points) < 1:
        return ""
    width, height, left, bottom_margin, top_margin, right = 640, 360, 70, 50, 30, 150
    plot_w, plot_h = width - left - right, height - top_margin - bottom_margin
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    x_lo, x_hi = _range(xs)
    y_lo, y_hi = _range(ys)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _text(0, 16, title, css="chart-title"),
        f'<rect x="{left}" y="{top_margin}" width="{plot_w}" height="{plot_h}" class="chart-frame"/>',
    ]
    for i in range(5):
        fx = x_lo + (x_hi - x_lo) * i / 4
        fy = y_lo + (y_hi - y_lo) * i / 4
        px = left + plot_w * i / 4
        py = top_margin + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{px:.1f}" y1="{top_margin}" x2="{px:.1f}" y2="{top_margin + plot_h}" class="chart-grid"/>'
        )
        parts.append(
            f'<line x1="{left}" y1="{py:.1f}" x2="{left + plot_w}" y2="{py:.1f}" class="chart-grid"/>'
        )
        parts.append(_text(px, top_margin + plot_h + 16, _fmt(fx), anchor="middle", css="chart-tick"))
        parts.append(_text(left - 6, py + 4, _fmt(fy), anchor="end", css="chart-tick"))
    for i, (label, x, y) in enumerate(points):
        px = left + (x - x_lo) / (x_hi - x_lo) * plot_w
        py = top_margin + plot_h - (y - y_lo) / (y_hi - y_lo) * plot_h
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{color}"><title>{escape(label)}: '
            f"{escape(x_label)} {escape(_fmt(x))}, {escape(y_label)} {escape(_fmt(y))}</title></circle>"
        )
        parts.append(_text(px + 7, py - 6, _clip(label, 24), css="chart-point"))
    parts.append(_text(left + plot_w / 2, height - 10, x_label, anchor="middle", css="chart-axis"))
    parts.append(
        f'<text transform="translate(14 {top_margin + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" class="chart-axis">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def heatmap(
    row_labels: list[str],
    column_labels: list[str],
    values: list[list[float | None]],
    lower_is_better: list[bool | None],
    title: str,
) -> str:
    """Models x scenarios; each column coloured from its worst (light) to its best (dark) value."""
    if not row_labels or not column_labels:
        return ""
    label_width, cell_w, cell_h, header_h = 230, 92, 24, 120
    width = label_width + cell_w * len(column_labels) + 130  # room for the last slanted label
    height = 30 + header_h + cell_h * len(row_labels) + 10
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _text(0, 16, title, css="chart-title"),
    ]
    for j, label in enumerate(column_labels):
        x = label_width + j * cell_w + cell_w / 2
        parts.append(
            f'<text transform="translate({x:.1f} {30 + header_h - 6}) rotate(-35)" class="chart-tick">{escape(_clip(label, 22))}<title>{escape(label)}</title></text>'
        )
    for j in range(len(column_labels)):
        column = [row[j] for row in values if row[j] is not None and not math.isnan(row[j])]
        lo, hi = (min(column), max(column)) if column else (0.0, 1.0)
        for i, row in enumerate(values):
            value = row[j]
            x = label_width + j * cell_w
            y = 30 + header_h + i * cell_h
            if value is None or math.isnan(value):
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" class="heat-empty"/>'
                )
                continue
            goodness = 0.5 if hi == lo else (value - lo) / (hi - lo)
            if lower_is_better[j]:
                goodness = 1 - goodness
            shade = 0.15 + 0.75 * goodness
            text_class = "heat-text-dark" if shade > 0.55 else "heat-text"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{PALETTE[0]}" fill-opacity="{shade:.2f}">'
                f"<title>{escape(row_labels[i])}, {escape(column_labels[j])}: {escape(_fmt(value))}</title></rect>"
            )
            parts.append(_text(x + cell_w / 2, y + 16, _fmt(value), anchor="middle", css=text_class))
    for i, label in enumerate(row_labels):
        parts.append(_text(label_width - 6, 30 + header_h + i * cell_h + 16, _clip(label, 32), anchor="end"))
    parts.append("</svg>")
    return "".join(parts)


def _range(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
