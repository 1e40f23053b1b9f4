"""Exports for a meeting: the current view's data as Excel, and a printable PDF report of
an area. Both are built only from what the user may see (the caller checks access)."""
from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

import polars as pl
import xlsxwriter
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard.components import SUPPRESSED_TEXT, score_text

UNIT_COLOUR, KOMMUNE_COLOUR = colors.HexColor("#0072B2"), colors.black


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what a spreadsheet may run when a cell begins with it


def excel(sheets: dict[str, pl.DataFrame]) -> bytes:
    """Every cell is a value: text is written as text, never as a formula or link, and text that a
    spreadsheet would run if retyped or saved as CSV (=, +, -, @ first) carries Excel's quote prefix."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False, "nan_inf_to_errors": True}) as book:
        head, quoted = book.add_format({"bold": True}), book.add_format({"quote_prefix": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, frame in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, frame.columns, head)
            for r, row in enumerate(frame.iter_rows(), start=1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value, quoted if value.startswith(FORMULA_START) else None)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    elif isinstance(value, (date, datetime)):
                        sheet.write_datetime(r, c, value, day)
                    else:   # dates and lists: their text
                        sheet.write_string(r, c, str(value))
            sheet.autofit()
    return buffer.getvalue()


def _trend_chart(d: pl.DataFrame, title: str) -> Drawing:
    """A small line chart: the unit (blue, gaps where suppressed) and the kommune (black)."""
    waves = d["wave"].to_list()
    drawing = Drawing(8 * cm, 4.6 * cm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 28, 20, 7.6 * cm - 40, 3.4 * cm
    unit = [(i, s) for i, (s, sup) in enumerate(zip(d["score"].to_list(), d["suppressed"].to_list())) if not sup and s is not None]
    kommune = [(i, s) for i, s in enumerate(d["kommune_score"].to_list()) if s is not None]
    plot.data = [unit or [(0, 0)], kommune or [(0, 0)]]
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = UNIT_COLOUR, 2
    plot.lines[1].strokeColor, plot.lines[1].strokeDashArray = KOMMUNE_COLOUR, (2, 2)
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 25
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.3, max(len(waves) - 0.7, 0.7)
    plot.xValueAxis.valueSteps = list(range(len(waves)))
    plot.xValueAxis.labelTextFormat = lambda v: f"'{waves[int(v)][-2:]}" if 0 <= int(v) < len(waves) else ""
    drawing.add(plot)
    drawing.add(String(0, 4.6 * cm - 10, title, fontName="Helvetica-Bold", fontSize=9))
    return drawing


def pdf_report(unit_label: str, survey_label: str, wave: str, rows: list[tuple[str, str]],
               latest: pl.DataFrame, trend: pl.DataFrame, competencies: list[str], min_n: int) -> bytes:
    """rows: (unit_id, label) of the area; latest: scores of those units in `wave`; trend: the area's top unit over waves."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Sammen – {unit_label}", author="Sammen",
                            leftMargin=1.6 * cm, rightMargin=1.6 * cm, topMargin=1.5 * cm, bottomMargin=1.5 * cm)
    story = [
        Paragraph(f"{escape(unit_label)}: {escape(survey_label)} {escape(wave)}", styles["Title"]),
        Paragraph(f"Kompetencescorer 0–100 (100 er bedst). Grupper med færre end {min_n} besvarelser vises ikke. "
                  f"Udskrevet {date.today():%d-%m-%Y}.", styles["Normal"]),
        Spacer(1, 0.4 * cm),
        Paragraph("Enheder i området", styles["Heading2"]),
    ]
    lookup = {(r["unit_id"], r["competency"]): r for r in latest.iter_rows(named=True)}
    # headers break between words, never inside one: each column is as wide as its longest word
    head = styles["Normal"].clone("head", fontName="Helvetica-Bold", fontSize=7.5, leading=9, splitLongWords=False)
    body = styles["Normal"].clone("body", fontName="Helvetica", fontSize=7.5, leading=9)
    widths = [max(1.6 * cm, max(stringWidth(w, "Helvetica-Bold", 7.5) for w in c.split()) + 8) for c in competencies]
    table = [[Paragraph("Enhed", head), *[Paragraph(escape(c), head) for c in competencies]]]
    for unit_id, label in rows:
        cells = [lookup.get((unit_id, c)) for c in competencies]
        table.append([Paragraph(escape(label), body),
                      *[("ikke målt" if c is None else score_text(c["score"], c["suppressed"])) for c in cells]])
    t = Table(table, repeatRows=1, colWidths=[doc.width - sum(widths)] + widths)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
                           ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                           ("ALIGN", (1, 1), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [t, Spacer(1, 0.5 * cm), Paragraph(f"Udvikling for {escape(unit_label)}", styles["Heading2"]),
              Paragraph(f"Blå: enheden (huller, hvor der står \"{SUPPRESSED_TEXT}\"). Sort stiplet: kommunen, samme rolleniveau.",
                        styles["Normal"])]
    charts = [_trend_chart(trend.filter(pl.col("competency") == c).sort("wave"), c) for c in competencies]
    grid = Table([charts[i:i + 2] for i in range(0, len(charts), 2)])
    story.append(KeepTogether(grid))
    story.append(Spacer(1, 0.4 * cm))
    waves = sorted(trend["wave"].unique().to_list())
    tt = [["Kompetence", *waves]]
    for c in competencies:
        d = {r["wave"]: r for r in trend.filter(pl.col("competency") == c).iter_rows(named=True)}
        tt.append([c, *[("" if w not in d else score_text(d[w]["score"], d[w]["suppressed"])) for w in waves]])
    t2 = Table(tt, repeatRows=1)
    t2.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7.5), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
                            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (1, 0), (-1, -1), "CENTER")]))
    story.append(t2)
    doc.build(story)
    return buffer.getvalue()
