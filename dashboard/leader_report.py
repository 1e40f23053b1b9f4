"""Lederrapport: one to two printable pages per unit and wave for the yearly leader talk.

The framework's behaviours for the leader's role beside the unit's six scores (interval, change
since the previous wave, where it stands among units at the same role level), the items behind
each score, the unit's handleplan and a few reflection questions per competency. Only published
figures: what the suppression stage hid is shown as hidden, never computed around.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import yaml
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard.components import SUPPRESSED_TEXT, score_text
from dashboard.plans import FocusPoint

REFLECTION = Path(__file__).resolve().parents[1] / "mappings" / "reflection.yaml"


def reflection_questions() -> dict[str, list[str]]:
    return yaml.safe_load(REFLECTION.read_text(encoding="utf-8")) if REFLECTION.exists() else {}


def standing(score: float | None, peers: list[float]) -> str:
    """Where a shown score lies among the shown scores of units at the same role level."""
    if score is None or len(peers) < 2:
        return "–"
    below = sum(1 for p in peers if p < score)
    return f"højere end {round(100 * below / len(peers))} % af {len(peers)} enheder"


def pdf(unit_label: str, survey_label: str, wave: str, role: str, scores: pl.DataFrame, changes: dict[str, dict],
        peers: dict[str, list[float]], items: pl.DataFrame, behaviours: pl.DataFrame, plan: list[FocusPoint],
        competencies: list[str], min_n: int) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["Normal"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Lederrapport – {unit_label}", author="Sammen",
                            leftMargin=1.6 * cm, rightMargin=1.6 * cm, topMargin=1.4 * cm, bottomMargin=1.4 * cm)
    story = [Paragraph(f"Lederrapport: {escape(unit_label)}", styles["Title"]),
             Paragraph(f"{escape(survey_label)} {escape(wave)} · rolleniveau: {escape(role)} · udskrevet "
                       f"{date.today():%d-%m-%Y}. Scorer 0–100 (100 er bedst) med 95 %-interval; grupper med færre end "
                       f"{min_n} besvarelser vises ikke.", small), Spacer(1, 0.3 * cm)]
    by = {r["competency"]: r for r in scores.iter_rows(named=True)}
    head = ["Kompetence", "Score", "Interval", "Ændring siden sidst", "Kommunen", "Blandt samme rolleniveau"]
    rows = [[Paragraph(f"<b>{h}</b>", small) for h in head]]
    for c in competencies:
        s = by.get(c)
        shown = s is not None and not s["suppressed"] and s["score"] is not None
        ch = changes.get(c)
        change = "–" if ch is None else SUPPRESSED_TEXT if ch["suppressed"] or ch["difference"] is None else \
            f"{ch['difference']:+.0f} ({'reel ændring' if ch['significant'] else 'inden for usikkerheden'})"
        rows.append([Paragraph(escape(c), small),
                     "ikke målt" if s is None else score_text(s["score"], s["suppressed"]),
                     f"{s['ci_low']:.0f}–{s['ci_high']:.0f}" if shown and s["ci_low"] is not None else "–",
                     Paragraph(change, small),
                     "–" if s is None or s["kommune_score"] is None else f"{s['kommune_score']:.0f}",
                     Paragraph(standing(s["score"] if shown else None, peers.get(c, [])), small)])
    table = Table(rows, colWidths=[4.2 * cm, 1.5 * cm, 1.8 * cm, 3.6 * cm, 1.8 * cm, 4.9 * cm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 0.4 * cm)]
    questions = reflection_questions()
    for c in competencies:
        block = [Paragraph(escape(c), styles["Heading3"])]
        expected = behaviours.filter(pl.col("competency") == c)["behaviour"].to_list()
        if expected:
            block.append(Paragraph("<b>Ledelsesgrundlaget forventer:</b> " + " · ".join(escape(b) for b in expected), small))
        its = items.filter(pl.col("competency") == c)
        if its.height:
            block.append(Paragraph("<b>Spørgsmålene bag scoren:</b> " + "; ".join(
                f"{escape(r['text'])} ({score_text(r['mean'], r['suppressed'])})" for r in its.iter_rows(named=True)), small))
        if questions.get(c):
            block.append(Paragraph("<b>Til refleksion:</b> " + " ".join(escape(q) for q in questions[c]), small))
        story.append(KeepTogether(block))
    story.append(Paragraph("Handleplan", styles["Heading2"]))
    if plan:
        for i, p in enumerate(plan, start=1):
            story.append(Paragraph(f"<b>{i}. {escape(p.competency)}</b> ({escape(p.status)}"
                                   f"{', frist ' + escape(p.deadline) if p.deadline else ''}"
                                   f"{', ansvarlig ' + escape(p.owner) if p.owner else ''}): {escape(p.actions)}", small))
    else:
        story.append(Paragraph("Enheden har ingen handleplan efter denne måling endnu (se Handleplaner).", small))
    doc.build(story)
    return buffer.getvalue()
