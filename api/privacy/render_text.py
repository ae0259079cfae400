"""Table helpers of the access-export PDF, on the visit reports' styles (api.reports)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Table

from api.reports.render_answers import answer_table
from api.reports.render_blocks import grid_style
from api.reports.render_text import CELL, HEAD_CELL, LABEL, para

WIDTH = A4[0] - 2 * 18 * mm


def facts_table(rows: Sequence[tuple[str, str]], width: float = WIDTH) -> Table:
    """Label and value, one fact a row (empty values are left out)."""
    return answer_table(
        [[para(label, LABEL), para(value)] for label, value in rows if value.strip()], width
    )


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    shares: Sequence[float],
    width: float = WIDTH,
) -> Table:
    """A table with a header row; `shares` of the width per column. Cells are plain text."""
    widths = [width * share for share in shares]
    body = [[para(header, HEAD_CELL) for header in headers]]
    body += [[para(cell, CELL) for cell in row] for row in rows]
    return Table(
        body, colWidths=widths, repeatRows=1, splitInRow=1, style=grid_style(), hAlign="LEFT"
    )


def hash_text(digest: str | None) -> str:
    """A SHA-256 in two lines: one 64-letter word would run out of its cell."""
    if not digest:
        return "-"
    return f"{digest[:32]}\n{digest[32:]}"


def size_text(size: int | None) -> str:
    if size is None:
        return "-"
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} kB".replace(".", ",")
