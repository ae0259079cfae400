"""The report's own blocks: the ZRM table, the consent grid, the signatures and the follow-ups.

These answers are not shown as a label and a value but as a table of their own, at the place of
their section. Signatures are drawn from the stored PNG after `normalise_signature`, with their
transparency kept as a soft mask.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from api.lib.errors import BadSignatureImage
from api.reports.content import FollowupLine
from api.reports.render_text import (
    CELL,
    CELL_CENTRE,
    FONT,
    HEAD_CELL,
    HEAD_CENTRE,
    LABEL,
    LINE,
    SHADE,
    SMALL,
    dutch_timestamp,
    para,
)
from api.reports.signatures import normalise_signature
from visit_forms.schema import Question
from visit_forms.zrm import DOMAINS, LEVELS

CONSENT_WORDS = {"given": "ja", "refused": "nee"}
NOT_ASKED = "-"
SIGNATURE_BOX = (75 * mm, 28 * mm)
READABLE_HEAD_SIZE = 6.5
MIN_HEAD_SIZE = 5.5


def grid_style(*extra: tuple[Any, ...]) -> TableStyle:
    """A light table: a shaded header row, thin lines between rows."""
    return TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            *extra,
        ]
    )


def head_style(labels: Sequence[str], column_width: float) -> ParagraphStyle:
    """The header style, smaller (and if need be not bold) so that no word of a label breaks."""
    inner = column_width - 6  # the cell's padding
    words = [word for label in labels for word in label.split()]
    size, font = HEAD_CELL.fontSize, HEAD_CELL.fontName
    for font in (HEAD_CELL.fontName, FONT):
        widest = max((stringWidth(word, font, 1) for word in words), default=0)
        size = min(HEAD_CELL.fontSize, inner / widest) if widest else HEAD_CELL.fontSize
        if size >= READABLE_HEAD_SIZE:
            break
    if font == HEAD_CELL.fontName and size == HEAD_CELL.fontSize:
        return HEAD_CELL
    size = max(MIN_HEAD_SIZE, size)
    return ParagraphStyle(
        "head_cell_fitted", parent=HEAD_CELL, fontName=font, fontSize=size, leading=size * 1.2
    )


def change_since(score: int | None, previous: int | None) -> str:
    """ "+1", "-2", "0", or "-" when one of the two scores is missing."""
    if score is None or previous is None:
        return "-"
    difference = score - previous
    return f"+{difference}" if difference > 0 else str(difference)


def _score(raw: Any) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw in LEVELS else None


def zrm_table(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    previous: Mapping[str, int] | None,
    width: float,
) -> list[Flowable]:
    """One row per ZRM domain of the form; nothing at all when no domain was scored."""
    scores = {question.code: _score(answers.get(question.code)) for question in questions}
    if all(score is None for score in scores.values()):
        return []
    rows: list[list[Any]] = [
        [
            Paragraph("Domein", HEAD_CELL),
            Paragraph("Score", HEAD_CENTRE),
            Paragraph("Niveau", HEAD_CELL),
            Paragraph("Verandering sinds vorig bezoek", HEAD_CENTRE),
        ]
    ]
    for question in questions:
        domain = DOMAINS.get(question.domain or "")
        score = scores[question.code]
        before = (previous or {}).get(question.code)
        rows.append(
            [
                para(domain.nl if domain else question.label.nl),
                para(str(score) if score is not None else "-", CELL_CENTRE),
                para(LEVELS[score].nl if score is not None else "niet ingeschat"),
                para(change_since(score, before), CELL_CENTRE),
            ]
        )
    widths = [0.36 * width, 0.10 * width, 0.34 * width, 0.20 * width]
    table = Table(rows, colWidths=widths, repeatRows=1, style=grid_style(), hAlign="LEFT")
    return [table, Spacer(0, 6)]


def consent_grid(
    question: Question,
    raw: Any,
    category_labels: Mapping[str, str],
    kind_labels: Mapping[str, str],
    width: float,
) -> list[Flowable]:
    """Rows are the categories of information, columns the kinds of receiving organisation."""
    if not isinstance(raw, dict) or not raw or question.consent is None:
        return []
    categories, kinds = question.consent.categories, question.consent.recipient_kinds
    first = 0.24 * width
    column = (width - first) / len(kinds)
    labels = [kind_labels.get(kind, kind) for kind in kinds]
    style = head_style(labels, column)
    centred = ParagraphStyle("head_fitted_centre", parent=style, alignment=TA_CENTER)
    header: list[Any] = [
        Paragraph("Informatie", style),
        *(para(label, centred) for label in labels),
    ]
    rows = [header]
    for category in categories:
        decisions = raw.get(category)
        decisions = decisions if isinstance(decisions, dict) else {}
        row: list[Any] = [para(category_labels.get(category, category))]
        row += [
            para(CONSENT_WORDS.get(str(decisions.get(kind)), NOT_ASKED), CELL_CENTRE)
            for kind in kinds
        ]
        rows.append(row)
    widths = [first] + [column] * len(kinds)
    table = Table(
        rows,
        colWidths=widths,
        repeatRows=1,
        hAlign="LEFT",
        style=grid_style(),
    )
    legend = Paragraph(
        "ja = toestemming gegeven, nee = geweigerd, - = niet gevraagd "
        "(volgens het convenant nooit te delen of niet van toepassing)",
        SMALL,
    )
    return [para(question.label.nl, LABEL), Spacer(0, 3), table, Spacer(0, 3), legend]


def signature_image(data: bytes) -> Image:
    """The signature cropped to its ink, scaled to fit the box, transparency kept."""
    png = normalise_signature(data)
    image = Image(io.BytesIO(png), mask="auto")
    box_width, box_height = SIGNATURE_BOX
    scale = min(box_width / image.imageWidth, box_height / image.imageHeight, 1.0)
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    image.hAlign = "LEFT"
    return image


def signatures_block(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    attachments: Mapping[str, bytes],
    width: float,
) -> list[Flowable]:
    """The answered signatures side by side, two to a row, each never split over a page."""
    cells: list[list[Flowable]] = []
    for question in questions:
        answer = answers.get(question.code)
        if not isinstance(answer, dict):
            continue
        name = str(answer.get("attachment", ""))
        if name not in attachments:
            # A report must not look signed when the drawn signature is not there.
            raise BadSignatureImage(
                "The signature's attachment is missing.", question=question.code, attachment=name
            )
        cells.append(
            [
                para(question.label.nl, LABEL),
                Spacer(0, 3),
                signature_image(attachments[name]),
                Spacer(0, 2),
                HRFlowable(width=SIGNATURE_BOX[0], thickness=0.6, color=LINE, hAlign="LEFT"),
                para(str(answer.get("name", ""))),
                para(f"Getekend op {dutch_timestamp(str(answer.get('signed_at', '')))}", SMALL),
            ]
        )
    if not cells:
        return []
    rows = [cells[index : index + 2] for index in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append([])
    table = Table(
        rows,
        colWidths=[width / 2] * 2,
        hAlign="LEFT",
        style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)],
    )
    return [KeepTogether([table])]


def followups_table(followups: Sequence[FollowupLine], width: float) -> list[Flowable]:
    rows: list[list[Any]] = [
        [Paragraph("Organisatie", HEAD_CELL), Paragraph("Wat is er nodig", HEAD_CELL)]
    ]
    rows += [[para(line.recipient), para(line.need, CELL)] for line in followups]
    widths = [0.32 * width, 0.68 * width]
    return [Table(rows, colWidths=widths, repeatRows=1, style=grid_style(), hAlign="LEFT")]
