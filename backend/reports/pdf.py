"""The report as PDF (reportlab): Cyrillic in an embedded DejaVu font, charts, tables that break across
pages with their header repeated, the city, the period and page numbers on every page."""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from backend_client.schemas.reports import Chart, ReportSection, Table

# Debian's fonts-dejavu-core; nothing is downloaded at run time.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"))
ACCENT = colors.HexColor("#1f4e79")
GRID = colors.HexColor("#b7c3d0")
STRIPE = colors.HexColor("#eef2f6")
SERIES = [colors.HexColor(c) for c in ("#2f6fb0", "#d9822b", "#3a9d5d", "#b23b3b")]


def _font_file(name: str) -> Path:
    for d in FONT_DIRS:
        if (d / name).is_file():
            return d / name
    raise RuntimeError(f"The font {name} is missing: install the Debian package fonts-dejavu-core")


def register_fonts() -> None:
    if "DejaVu" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("DejaVu", str(_font_file("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(_font_file("DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu",
                                  boldItalic="DejaVu-Bold")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="DejaVu", fontSize=9, leading=11.5)
    return {
        "base": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName="DejaVu-Bold", fontSize=8, leading=10,
                               textColor=colors.white),
        "h1": ParagraphStyle("h1", parent=base, fontName="DejaVu-Bold", fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName="DejaVu-Bold", fontSize=13, leading=16, spaceBefore=10,
                             spaceAfter=5, textColor=ACCENT, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName="DejaVu-Bold", fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=3, keepWithNext=1),
    }


class _NumberedCanvas(Canvas):
    """Holds every page until the end so each can say "page N of M"."""

    header = footer = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        w, h = A4
        self.saveState()
        self.setStrokeColor(ACCENT)
        self.setLineWidth(0.8)
        self.line(15 * mm, h - 14 * mm, w - 15 * mm, h - 14 * mm)
        self.setFont("DejaVu-Bold", 8.5)
        self.setFillColor(ACCENT)
        self.drawString(15 * mm, h - 12 * mm, self.header)
        self.setFont("DejaVu", 8)
        self.setFillColor(colors.black)
        self.drawRightString(w - 15 * mm, h - 12 * mm, self.header_right)
        self.line(15 * mm, 13 * mm, w - 15 * mm, 13 * mm)
        self.drawString(15 * mm, 9 * mm, self.footer)
        self.drawRightString(w - 15 * mm, 9 * mm, f"Страница {self._pageNumber} из {total}")
        self.restoreState()


def _chart(chart: Chart, width: float) -> Drawing:
    height = 52 * mm
    long_names = max((len(x) for x in chart.labels), default=0) > 8
    height += 14 * mm if long_names else 0
    d = Drawing(width, height)
    # Many bars, or long names under them: the names are slanted so they do not run into each other.
    many = len(chart.labels) > 12 or sum(len(x) for x in chart.labels) * 4.2 > width - 40
    c = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    c.x, c.y = 28, (34 + (40 if long_names else 0)) if many else 22
    c.width, c.height = width - 40, height - c.y - 8
    c.data = [s.values or [0.0] for s in chart.series]
    c.categoryAxis.categoryNames = chart.labels or [""]
    c.categoryAxis.labels.fontName = "DejaVu"
    c.categoryAxis.labels.fontSize = 6.5
    if many:
        c.categoryAxis.labels.angle = 35 if long_names else 60
        c.categoryAxis.labels.boxAnchor = "ne"
        c.categoryAxis.labels.dy = -2
    c.valueAxis.labels.fontName = "DejaVu"
    c.valueAxis.labels.fontSize = 7
    c.valueAxis.valueMin = 0
    top = max((v for s in chart.series for v in s.values), default=0)
    c.valueAxis.valueMax = max(1, top * 1.1)
    if all(float(v).is_integer() for s in chart.series for v in s.values):
        c.valueAxis.valueStep = max(1, math.ceil(top / 5))  # counts: whole steps, no "0.2 alarms"
    c.valueAxis.visibleGrid = True
    c.valueAxis.gridStrokeColor = STRIPE
    for i in range(len(chart.series)):
        if chart.kind == "bar":
            c.bars[i].fillColor = SERIES[i % len(SERIES)]
            c.bars[i].strokeColor = None
        else:
            c.lines[i].strokeColor = SERIES[i % len(SERIES)]
            c.lines[i].strokeWidth = 1.5
    d.add(c)
    return d


def _cell(value, style: ParagraphStyle) -> Paragraph:
    if isinstance(value, float):
        value = f"{value:.2f}".replace(".", ",")
    return Paragraph(escape("—" if value is None else str(value)), style)


def _table(table: Table, width: float, st: dict[str, ParagraphStyle]):
    weights = table.widths or [1.0] * len(table.columns)
    total = sum(weights)
    col_w = [width * w / total for w in weights]
    rows = [[_cell(c, st["head"]) for c in table.columns]]
    rows += [[_cell(v, st["cell"]) for v in r] for r in table.rows]
    if not table.rows:
        return [Paragraph(escape(table.title), st["h3"]), Paragraph("Нет данных за период.", st["base"])]
    t = LongTable(rows, colWidths=col_w, repeatRows=1, splitByRow=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("GRID", (0, 0), (-1, -1), 0.4, GRID),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(rows), 2)]
    t.setStyle(TableStyle(style))
    # The title stays with the table's first rows; the rest may break onto the next pages.
    return [Paragraph(escape(table.title), st["h3"]), t]


def _figures(section: ReportSection, width: float, st: dict[str, ParagraphStyle]):
    if not section.figures:
        return []
    per_row = 3
    cells = [Paragraph(f'<font size="7.5" color="#555555">{escape(f.label)}</font><br/>'
                       f'<font name="DejaVu-Bold" size="13">{escape(_value(f.value))}</font>'
                       f'{" " + escape(f.unit) if f.unit else ""}', st["base"]) for f in section.figures]
    rows = [cells[i:i + per_row] + [""] * (per_row - len(cells[i:i + per_row])) for i in range(0, len(cells), per_row)]
    t = LongTable(rows, colWidths=[width / per_row] * per_row)
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.4, GRID), ("INNERGRID", (0, 0), (-1, -1), 0.4, GRID),
                           ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return [t, Spacer(1, 4 * mm)]


def _value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}".replace(".", ",")
    return str(v)


def write_pdf(path: Path, *, title: str, period_text: str, author: str, made_at: str,
              sections: list[ReportSection]) -> None:
    register_fonts()
    st = _styles()
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=19 * mm,
                            bottomMargin=18 * mm, title=title, author=author, subject=period_text)
    width = doc.width
    story = [Paragraph(escape(title), st["h1"]), Paragraph(escape(f"Период: {period_text}"), st["base"]),
             Paragraph(escape(f"Составил: {author} · сформирован {made_at}"), st["base"]), Spacer(1, 3 * mm)]
    for section in sections:
        story.append(KeepTogether([Paragraph(escape(section.title), st["h2"]), *_figures(section, width, st)]))
        for note in section.notes:
            story.append(Paragraph(escape(note), st["base"]))
        for chart in section.charts:
            story.append(KeepTogether([Paragraph(escape(chart.title), st["h3"]), _chart(chart, width)]))
        for table in section.tables:
            story.extend(_table(table, width, st))
            story.append(Spacer(1, 2 * mm))

    class _Canvas(_NumberedCanvas):
        header = f"Ситуационный центр · г. Курчатов — {title}"
        header_right = period_text
        footer = f"Составил: {author} · {made_at}"

    doc.build(story, canvasmaker=_Canvas)

