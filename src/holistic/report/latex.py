"""LaTeX export of a leaderboard table (booktabs)."""

from __future__ import annotations

from holistic.report.tables import Table

_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "↑": r"$\uparrow$", "↓": r"$\downarrow$", "…": r"\ldots{}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def _cell(value: object, bold: bool) -> str:
    if value is None:
        text = "--"
    elif isinstance(value, float):
        text = "NaN" if value != value else f"{value:.3f}"
    else:
        text = latex_escape(str(value))
    return rf"\textbf{{{text}}}" if bold else text


def table_to_latex(table: Table, group_name: str) -> str:
    columns = "l" + "r" * (len(table.header) - 1)
    lines = [
        r"\begin{table*}[htp]",
        r"\centering",
        r"\resizebox{\textwidth}{!}{%",
        rf"\begin{{tabular}}{{{columns}}}",
        r"\toprule",
        " & ".join(latex_escape(str(c.value)) for c in table.header) + r" \\",
        r"\midrule",
    ]
    for row in table.rows:
        lines.append(" & ".join(_cell(c.value, bool(c.style)) for c in row) + r" \\")
    lines += [
        r"\bottomrule",
        r"\end{tabular}}",
        rf"\caption{{Results for {latex_escape(table.title)} ({latex_escape(group_name)})}}",
        rf"\label{{tab:{_label(group_name)}-{_label(table.name)}}}",
        r"\end{table*}",
    ]
    return "\n".join(lines) + "\n"


def _label(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
