"""Render a visit report as PDF bytes: A4, Dutch, from a ReportContent alone.

The layout: a header with who, where and when; the answers section by section (render_answers),
with the ZRM table, consent grid and signatures in their sections (render_blocks) and the
follow-ups before consent and signing; on every page a footer with "Pagina X van Y", the report
id and the SHA-256 of the visit data; on every page of a draft a diagonal "CONCEPT".

The output is a plain PDF 1.4 (no encryption, no signature field yet), so the sealing step can
add its signature as an incremental update. `render_report` is synchronous: the worker calls it
in a thread.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table

from api.reports.content import ReportContent, pdf_subject
from api.reports.render_answers import section_flowables
from api.reports.render_blocks import followups_table
from api.reports.render_text import (
    BODY,
    FONT,
    FONT_BOLD,
    GREY,
    HEADING,
    LABEL,
    LINE,
    NOTICE,
    ORGANISATION,
    SHADE,
    TITLE,
    dutch_date,
    dutch_datetime,
    fit_to_font,
    lowercase_first,
    para,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
BOTTOM_MARGIN = 24 * mm  # room for the two footer lines
WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN
WATERMARK = "CONCEPT"

Footer = Callable[[Any, int, int], None]


def render_report(content: ReportContent) -> bytes:
    """The report as PDF bytes; a draft carries CONCEPT on every page."""
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=fit_to_font(report_title(content)),
        author=fit_to_font(content.organisation_name),
        subject=pdf_subject(content.report_id),
        keywords=[f"verslag {content.report_id}", f"bezoek {content.visit_id}"],
        creator="Keukentafel",
        lang="nl-NL",
        displayDocTitle=True,
    )
    frame = Frame(
        SIDE_MARGIN,
        BOTTOM_MARGIN,
        WIDTH,
        PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    footer = partial(_decorate_page, content)
    document.build(story(content), canvasmaker=partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


def report_title(content: ReportContent) -> str:
    return f"Verslag {lowercase_first(content.form.definition.title.nl)}"


def story(content: ReportContent) -> list[Flowable]:
    flowables = header(content)
    sections = content.form.definition.sections
    followups_placed = False
    for section in sections:
        # Follow-ups belong with the agreements: before what the household consents to and signs.
        if not followups_placed and any(
            question.type in ("consent", "signature") for question in section.questions
        ):
            flowables += followups(content)
            followups_placed = True
        flowables += section_flowables(section, content, WIDTH)
    if not followups_placed:
        flowables += followups(content)
    return flowables


def status_line(content: ReportContent) -> str:
    if content.draft:
        return "Concept: nog niet goedgekeurd"
    if content.approval is not None:
        approval = content.approval
        return f"Goedgekeurd door {approval.approved_by} op {dutch_datetime(approval.approved_at)}"
    return "Definitief"


def header(content: ReportContent) -> list[Flowable]:
    definition = content.form.definition
    flowables: list[Flowable] = [
        para(content.organisation_name, ORGANISATION),
        para(report_title(content), TITLE),
    ]
    if content.replaces is not None:
        flowables.append(para(f"Correctie van bezoek {content.replaces}", NOTICE))
    facts = [
        ("Datum bezoek", dutch_date(content.visited_on)),
        ("Hulpverlener", content.worker_name),
        ("Adres", content.address),
        ("Aanwezig", ", ".join(content.members_present)),
        ("Afgerond op", dutch_datetime(content.finalized_at)),
        ("Status", status_line(content)),
        ("Casus", str(content.case_id)),
        ("Bezoek", str(content.visit_id)),
        ("Formulier", f"{definition.title.nl}, versie {definition.version}"),
    ]
    rows = [[para(label, LABEL), para(value)] for label, value in facts if value.strip()]
    table = Table(
        rows,
        colWidths=[0.22 * WIDTH, 0.78 * WIDTH],
        hAlign="LEFT",
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), SHADE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ],
    )
    return [*flowables, table]


def followups(content: ReportContent) -> list[Flowable]:
    """What the visit asks of other organisations; said explicitly when it asks nothing."""
    if not content.followups and not content.form.definition.followups:
        return []
    heading = Paragraph("Vervolg bij andere organisaties", HEADING)
    if not content.followups:
        return [heading, Paragraph("Er is geen vervolg bij andere organisaties gevraagd.", BODY)]
    return [heading, *followups_table(content.followups, WIDTH)]


def _decorate_page(content: ReportContent, canvas: Any, number: int, total: int) -> None:
    """Drawn over each finished page: the CONCEPT watermark of a draft, and the footer."""
    if content.draft:
        canvas.saveState()
        # On top of the content but see-through, so no photo or table can hide it.
        canvas.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.22))
        canvas.setFont(FONT_BOLD, 110)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(52)
        canvas.drawCentredString(0, -38, WATERMARK)
        canvas.restoreState()
    canvas.saveState()
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.5)
    canvas.line(SIDE_MARGIN, 17 * mm, PAGE_WIDTH - SIDE_MARGIN, 17 * mm)
    canvas.setFillColor(GREY)
    canvas.setFont(FONT, 7)
    state = "  \u00b7  Concept, niet goedgekeurd" if content.draft else ""
    canvas.drawString(SIDE_MARGIN, 13 * mm, f"Verslag {content.report_id}{state}")
    canvas.drawRightString(PAGE_WIDTH - SIDE_MARGIN, 13 * mm, f"Pagina {number} van {total}")
    canvas.drawString(
        SIDE_MARGIN, 9.5 * mm, f"SHA-256 van de bezoekgegevens: {content.data_sha256}"
    )
    canvas.restoreState()


class _NumberedCanvas(pdf_canvas.Canvas):
    """Holds the pages back until the end, so each footer can say how many pages there are."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()
