"""The form's answers in the report, section by section, shown by their labels and not codes.

Options by their Dutch label, yes/no as Ja/Nee, dates and money the Dutch way, repeat groups as
small tables, photos as thumbnails with their caption. Notes and unanswered questions are left
out; ZRM scores, consent and signatures get their own block (render_blocks) at their place.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Mapping
from typing import Any

from PIL import Image
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table
from reportlab.platypus import Image as PdfImage

from api.reports.content import ReportContent
from api.reports.render_blocks import (
    consent_grid,
    grid_style,
    head_style,
    signatures_block,
    zrm_table,
)
from api.reports.render_text import (
    CELL,
    CELL_RIGHT,
    HEADING,
    LABEL,
    LINE,
    SMALL,
    SUBHEADING,
    dutch_date,
    dutch_decimal,
    dutch_timestamp,
    euros,
    para,
    safe,
)
from visit_forms.schema import Question, Section
from visit_forms.zrm import LEVELS

LABEL_SHARE = 0.36  # of the width, for the label column
MAX_COLUMNS = 6  # a repeat group with more answered columns is listed item by item
# Relative column widths in a repeat group's table, by question type.
COLUMN_WEIGHT = {"text": 3.0, "long_text": 4.0, "money": 1.6, "date": 1.8, "integer": 1.4}
THUMBNAIL_BOX = (36 * mm, 30 * mm)
THUMBNAIL_PIXELS = 600  # enough for 36 mm at ~400 dpi, and the PDF stays small
THUMBNAIL_MAX_SOURCE_PIXELS = 40_000_000
BULLET = "\u2022"


def is_blank(raw: Any) -> bool:
    """Unanswered, as visit_forms.answers counts it: absent, null, empty text, list or grid."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    return isinstance(raw, list | dict) and len(raw) == 0


def section_flowables(section: Section, content: ReportContent, width: float) -> list[Flowable]:
    """The section's heading and its answers; nothing when nothing in it was answered."""
    answers = content.answers
    body: list[Flowable] = []
    rows: list[list[Any]] = []

    def flush() -> None:
        if rows:
            body.append(answer_table(list(rows), width))
            rows.clear()

    blocks_done: set[str] = set()
    for question in section.questions:
        kind = question.type
        if kind in ("zrm", "signature"):
            # All of a section's ZRM scores (or signatures) form one block, placed at the first.
            if kind not in blocks_done:
                blocks_done.add(kind)
                flush()
                same = [other for other in section.questions if other.type == kind]
                if kind == "zrm":
                    body += zrm_table(same, answers, content.previous_zrm, width)
                else:
                    body += signatures_block(same, answers, content.attachments, width)
            continue
        raw = answers.get(question.code)
        if kind == "note" or is_blank(raw):
            continue
        if kind == "consent":
            flush()
            body += consent_grid(question, raw, content.category_labels, content.kind_labels, width)
        elif kind == "repeat":
            flush()
            body += repeat_flowables(question, raw, content.attachments, width, section.title.nl)
        else:
            value_width = width * (1 - LABEL_SHARE) - 6  # the cell's padding
            rows.append(
                [
                    para(question.label.nl, LABEL),
                    value_flowables(question, raw, content.attachments, value_width),
                ]
            )
    flush()
    if not body:
        return []
    return [Paragraph(safe(section.title.nl), HEADING), *body]


def answer_table(rows: list[list[Any]], width: float) -> Table:
    return Table(
        rows,
        colWidths=[width * LABEL_SHARE, width * (1 - LABEL_SHARE)],
        hAlign="LEFT",
        # A long answer may run on to the next page rather than overflow it.
        splitInRow=1,
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )


def value_text(question: Question, raw: Any) -> str:
    """One answer as the Dutch text a reader expects; the raw value when its shape is odd."""
    kind = question.type
    if kind == "money" and isinstance(raw, int) and not isinstance(raw, bool):
        return euros(raw)
    if kind == "decimal":
        return dutch_decimal(str(raw))
    if kind == "date" and isinstance(raw, str):
        try:
            return dutch_date(dt.date.fromisoformat(raw))
        except ValueError:
            return raw
    if kind == "yes_no" and isinstance(raw, bool):
        return "Ja" if raw else "Nee"
    labels = {option.code: option.label.nl for option in question.options}
    if kind == "select_one":
        return labels.get(str(raw), str(raw))
    if kind == "select_many" and isinstance(raw, list):
        chosen = [code for code in labels if code in raw] + [c for c in raw if c not in labels]
        return "\n".join(f"{BULLET} {labels.get(code, str(code))}" for code in chosen)
    if kind == "zrm" and raw in LEVELS:
        return f"{raw} - {LEVELS[raw].nl}"
    if kind == "signature" and isinstance(raw, dict):
        return f"{raw.get('name', '')}, getekend op {dutch_timestamp(str(raw.get('signed_at')))}"
    if kind == "consent":
        return "Zie de toestemming per soort informatie."
    return str(raw)


def value_flowables(
    question: Question, raw: Any, attachments: Mapping[str, bytes], width: float
) -> list[Flowable]:
    if question.type == "photo" and isinstance(raw, list):
        return [photo_grid(raw, attachments, width)]
    if question.type == "repeat" and isinstance(raw, list):
        return repeat_flowables(question, raw, attachments, width)
    style = CELL_RIGHT if question.type == "money" else CELL
    return [para(value_text(question, raw), style)]


def repeat_flowables(
    question: Question,
    raw: Any,
    attachments: Mapping[str, bytes],
    width: float,
    section_title: str = "",
) -> list[Flowable]:
    """A repeat group: a table with a row per item, or item by item when it has many columns."""
    items = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
    columns = [
        inner
        for inner in question.questions
        if inner.type != "note" and any(not is_blank(item.get(inner.code)) for item in items)
    ]
    if not columns:
        return []
    # A group named like its section ("Schulden" in "Schulden") needs no second heading.
    heading: list[Flowable] = (
        [] if question.label.nl == section_title else [para(question.label.nl, SUBHEADING)]
    )
    if len(columns) > MAX_COLUMNS:
        listed: list[Flowable] = [*heading]
        for number, item in enumerate(items, start=1):
            value_width = width * (1 - LABEL_SHARE) - 6
            item_rows = [
                [
                    para(inner.label.nl, LABEL),
                    value_flowables(inner, value, attachments, value_width),
                ]
                for inner in columns
                if not is_blank(value := item.get(inner.code))
            ]
            listed += [para(f"{number}.", LABEL), answer_table(item_rows, width), Spacer(0, 4)]
        return listed
    weights = [COLUMN_WEIGHT.get(inner.type, 2.0) for inner in columns]
    widths = [width * weight / sum(weights) for weight in weights]
    rows: list[list[Any]] = [
        [
            para(inner.label.nl, head_style([inner.label.nl], column_width))
            for inner, column_width in zip(columns, widths, strict=True)
        ]
    ]
    for item in items:
        row: list[Any] = []
        for inner, column_width in zip(columns, widths, strict=True):
            value = item.get(inner.code)
            cell_width = column_width - 6  # the cell's padding
            row.append(
                "" if is_blank(value) else value_flowables(inner, value, attachments, cell_width)
            )
        rows.append(row)
    table = Table(
        rows, colWidths=widths, repeatRows=1, splitInRow=1, style=grid_style(), hAlign="LEFT"
    )
    return [*heading, table, Spacer(0, 2)]


def photo_grid(raw: list[Any], attachments: Mapping[str, bytes], width: float) -> Table:
    """Thumbnails with their captions, as many to a row as fit."""
    cells: list[list[Flowable]] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        image = thumbnail(attachments.get(str(item.get("attachment"))), width)
        cell: list[Flowable] = [image or para("(foto niet beschikbaar)", SMALL)]
        caption = item.get("caption")
        if isinstance(caption, str) and caption.strip():
            cell += [Spacer(0, 1.5), para(caption, SMALL)]
        cells.append(cell)
    if not cells:
        cells.append([para("(geen foto's)", SMALL)])
    per_row = max(1, int(width // (THUMBNAIL_BOX[0] + 3 * mm)))
    rows: list[list[Any]] = [cells[at : at + per_row] for at in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return Table(
        rows,
        colWidths=[width / per_row] * per_row,
        hAlign="LEFT",
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ],
    )


def thumbnail(data: bytes | None, max_width: float = THUMBNAIL_BOX[0]) -> PdfImage | None:
    """A small JPEG copy of a photo, so ten phone photos do not make a 30 MB report."""
    if not data:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
            if image.width * image.height > THUMBNAIL_MAX_SOURCE_PIXELS:
                return None
            # For a JPEG, decode at a reduced scale straight away.
            image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            small = image.convert("RGB")
            small.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError, Warning):
        return None
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    box_width, box_height = min(THUMBNAIL_BOX[0], max_width), THUMBNAIL_BOX[1]
    scale = min(box_width / small.width, box_height / small.height)
    flowable = PdfImage(io.BytesIO(out.getvalue()), small.width * scale, small.height * scale)
    flowable.hAlign = "LEFT"
    return flowable
