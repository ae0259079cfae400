"""The extract as a PDF sealed by the sending organisation: for a receiving colleague's file.

Made on request, never stored: it holds what the covenant and the consent allow at that moment,
so a withdrawn consent never lives on in a cached copy. (A visit report, in contrast, is a
record of what happened and is kept once sealed.)
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from api.covenant.loader import load_covenant
from api.followups.schemas import FollowupView
from api.reports.render_text import (
    BODY,
    HEADING,
    LABEL,
    SMALL,
    TITLE,
    dutch_date,
    fit_to_font,
    safe,
)
from api.reports.sealing import load_seal, seal_pdf
from api.settings import get_settings


def render_extract(view: FollowupView) -> bytes:
    assert view.extract is not None
    covenant = load_covenant()
    labels = {code: category.label.nl for code, category in covenant.information_categories.items()}
    story: list[Any] = [
        Paragraph(safe(view.from_organisation.name), SMALL),
        Paragraph("Vervolgactie: gegevens voor de ontvangende organisatie", TITLE),
        Paragraph(safe(f"Aan: {view.recipient_organisation.name}"), BODY),
        Paragraph(safe(f"Gevraagd: {view.need}"), BODY),
        Paragraph(safe(f"Uiterlijk: {dutch_date(view.due_on)}"), BODY),
        Paragraph(safe(f"Huishouden (casus): {view.case_id}; vervolgactie {view.id}"), SMALL),
        Spacer(1, 4 * mm),
    ]
    for category in view.extract.shared_categories:
        story.append(Paragraph(safe(labels.get(category, category)), HEADING))
        for item in view.extract.data.get(category, []):
            story.append(Paragraph(safe(item.label), LABEL))
            story.append(Paragraph(safe(_text(item.value)), BODY))
    if view.extract.withheld_categories:
        withheld = ", ".join(labels.get(c, c) for c in view.extract.withheld_categories)
        story.append(Spacer(1, 4 * mm))
        story.append(
            Paragraph(
                safe(f"Niet gedeeld (geen toestemming of niet toegestaan): {withheld}"), SMALL
            )
        )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=fit_to_font(f"Vervolgactie {view.id}"),
        author=fit_to_font(view.from_organisation.name),
        lang="nl-NL",
    ).build(story)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{key}: {val}" for key, val in item.items())
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return str(value)


async def sealed_extract(view: FollowupView) -> bytes:
    pdf = await asyncio.to_thread(render_extract, view)
    settings = get_settings()
    seal = load_seal(settings.seals_dir, view.from_organisation.id, settings.seal_passphrase)
    return await seal_pdf(
        pdf,
        seal,
        reason="Gegevens bij een vervolgactie",
        location=view.from_organisation.name,
        tsa_url=settings.tsa_url,
    )
