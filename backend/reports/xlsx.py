"""The report's data as a spreadsheet: a sheet per section, its key figures, then its tables and chart data."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from backend_client.schemas.reports import ReportSection

HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
BOLD = Font(bold=True)


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Лист"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def write_xlsx(path: Path, *, title: str, period_text: str, author: str, made_at: str,
               sections: list[ReportSection]) -> None:
    wb = Workbook()
    summary = wb.active
    summary.title = "Сводка"
    used = {"Сводка"}
    summary.append([title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Город", "Курчатов"])
    summary.append(["Период", period_text])
    summary.append(["Составил", author])
    summary.append(["Сформирован", made_at])
    summary.append([])
    for section in sections:
        summary.append([section.title])
        summary.cell(summary.max_row, 1).font = BOLD
        for f in section.figures:
            summary.append([f.label, f.value, f.unit or None])
        summary.append([])
        ws = wb.create_sheet(_sheet_title(section.title, used))
        blocks = [(t.title, t.columns, t.rows) for t in section.tables]
        blocks += [(c.title, ["", *[s.name for s in c.series]],
                    [[label, *[s.values[i] if i < len(s.values) else None for s in c.series]]
                     for i, label in enumerate(c.labels)]) for c in section.charts]
        widths: dict[int, int] = {}
        for name, columns, rows in blocks:
            ws.append([name])
            ws.cell(ws.max_row, 1).font = BOLD
            ws.append(columns)
            for i in range(1, len(columns) + 1):
                cell = ws.cell(ws.max_row, i)
                cell.font, cell.fill = HEAD_FONT, HEAD_FILL
            for r in rows:
                ws.append(r)
                for i, v in enumerate(r, 1):
                    widths[i] = max(widths.get(i, 8), min(60, len(str(v)) + 2))
            ws.append([])
        for i, w in widths.items():
            ws.column_dimensions[get_column_letter(i)].width = w
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 40
    wb.save(path)
