"""A realistic ReportContent for report tests: the published keukentafelgesprek v2, the shared
answers fixture (written for v1, plus the photo question v2 added), drawn signatures and a photo.

Reused by the sealing tests: keep `sample_content` and `signature_png` stable.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import uuid
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from api.covenant.loader import load_covenant
from api.forms.catalogue import get_registry
from api.reports.content import Approval, FollowupLine, ReportContent
from visit_forms import Form

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "answers" / "keukentafelgesprek.json"
CET = dt.timezone(dt.timedelta(hours=1))

REPORT_ID = uuid.UUID("7b0c8a8e-2f4e-4a53-9d7e-3c1a5b6f0a01")
CASE_ID = uuid.UUID("0f4e1d2c-6b8a-4c3e-8f21-5a9b7c6d4e02")
VISIT_ID = uuid.UUID("5d6e7f80-1a2b-4c3d-9e4f-0a1b2c3d4e03")
ORGANISATION = "Gemeente Rivierstad"
WORKER = "Yara El Amrani"
RESIDENT = "Noor Voorbeeld"
SUPERVISOR = "Henk Dijkveld"
MEMBERS = ("Noor", "Daan")
ADDRESS = "Lindenlaan 12, 1234 AB Rivierstad"
APPROVED_AT = dt.datetime(2026, 11, 26, 9, 15, tzinfo=CET)

# The scores of the visit before, for the change column: some went up, some down, one is new.
PREVIOUS_ZRM = {
    "zrm_financien": 1,  # now 2: +1
    "zrm_werk_opleiding": 3,  # 0
    "zrm_tijdsbesteding": 2,  # +1
    "zrm_huisvesting": 3,  # now 2: -1
    "zrm_huiselijke_relaties": 4,
    "zrm_geestelijke_gezondheid": 4,  # now 2: -2
    "zrm_lichamelijke_gezondheid": 4,
    "zrm_middelengebruik": 5,
    "zrm_basale_adl": 5,
    "zrm_instrumentele_adl": 3,
    "zrm_sociaal_netwerk": 3,
    "zrm_maatschappelijke_participatie": 3,
    # zrm_justitie was not scored last time: "-"
}
PHOTO_NAME = "debt_letter_1.jpg"
PHOTO_CAPTION = "Aanmaning van de zorgverzekeraar"


def sample_form() -> Form:
    form = get_registry().get("keukentafelgesprek", 2)
    assert form is not None
    return form


def sample_answers() -> dict[str, Any]:
    """The shared fixture's answers, with the photo question version 2 added."""
    answers: dict[str, Any] = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
    answers["debt_letters"] = [{"attachment": PHOTO_NAME, "caption": PHOTO_CAPTION}]
    answers["signature_resident"]["name"] = RESIDENT
    answers["signature_worker"]["name"] = WORKER
    return answers


def signature_png(
    variant: int = 0,
    size: tuple[int, int] = (800, 300),
    *,
    ink: tuple[int, int, int] = (20, 30, 90),
    background: tuple[int, int, int, int] = (255, 255, 255, 0),
    mode: str = "RGBA",
) -> bytes:
    """A drawn signature: a dark squiggle (different per variant) in the middle of a larger
    canvas with a transparent background, as a signature pad exports it."""
    width, height = size
    image = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(image)
    left, right = width * 0.2, width * 0.75
    middle, amplitude = height * 0.5, height * 0.18
    points = []
    for step in range(121):
        x = left + (right - left) * step / 120
        phase = step / 120 * math.pi * (4 + variant)
        y = middle + amplitude * math.sin(phase) * (1 - 0.4 * math.cos(phase * 0.5 + variant))
        points.append((x, y))
    draw.line(points, fill=(*ink, 255), width=max(2, width // 150), joint="curve")
    # A flourish underneath, placed differently for each signer.
    dash = width * (0.25 + 0.05 * variant)
    draw.line(
        [(dash, height * 0.75), (dash + width * 0.35, height * 0.72)], fill=(*ink, 255), width=3
    )
    out = io.BytesIO()
    (image if mode == "RGBA" else image.convert(mode)).save(out, format="PNG")
    return out.getvalue()


def photo_jpeg(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A phone photo of a letter: a white page with dark lines on a wooden table."""
    image = Image.new("RGB", size, (150, 110, 70))
    draw = ImageDraw.Draw(image)
    width, height = size
    page = (width * 0.2, height * 0.08, width * 0.8, height * 0.92)
    draw.rectangle(page, fill=(245, 245, 240))
    for line in range(14):
        y = page[1] + 60 + line * (page[3] - page[1] - 120) / 14
        draw.line(
            [(page[0] + 40, y), (page[2] - 40 - (line % 3) * 60, y)], fill=(40, 40, 40), width=6
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def canonical_sha256(answers: dict[str, Any]) -> str:
    body = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def sample_content(draft: bool = True, **overrides: Any) -> ReportContent:
    """A typical kitchen-table visit report (about three pages); any field can be overridden.

    A final (draft=False) report carries the supervisor's approval unless `approval` is given.
    """
    covenant = load_covenant()
    form = sample_form()
    answers = overrides.pop("answers") if "answers" in overrides else sample_answers()
    need = {rule.code: rule.need.nl for rule in form.definition.followups}
    content = ReportContent(
        report_id=REPORT_ID,
        draft=draft,
        organisation_name=ORGANISATION,
        case_id=CASE_ID,
        address=ADDRESS,
        visit_id=VISIT_ID,
        replaces=None,
        visited_on=dt.date(2026, 11, 24),
        finalized_at=dt.datetime(2026, 11, 24, 11, 52, tzinfo=CET),
        worker_name=WORKER,
        form=form,
        answers=answers,
        attachments={
            "signature_resident.png": signature_png(0),
            "signature_worker.png": signature_png(1, ink=(10, 10, 10)),
            PHOTO_NAME: photo_jpeg(),
        },
        previous_zrm=PREVIOUS_ZRM,
        followups=(
            FollowupLine(
                covenant.organisation_kinds["debt_counselling"].nl,
                need["debt_counselling_referral"],
            ),
            FollowupLine(covenant.organisation_kinds["ggd"].nl, need["ggd_mental_health"]),
        ),
        category_labels={
            code: category.label.nl for code, category in covenant.information_categories.items()
        },
        kind_labels={code: label.nl for code, label in covenant.organisation_kinds.items()},
        data_sha256=canonical_sha256(answers),
        approval=None if draft else Approval(SUPERVISOR, APPROVED_AT),
        members_present=MEMBERS,
    )
    return dataclasses.replace(content, **overrides)
