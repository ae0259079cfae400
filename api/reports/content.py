"""What a visit report shows, gathered before rendering so the renderer never touches the database.

`api.reports.gather` builds a ReportContent from the stored visit; `api.reports.render` turns it
into PDF bytes. Both the draft (CONCEPT on every page) and the final report come from here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from visit_forms import Form


@dataclass(frozen=True, slots=True)
class FollowupLine:
    """A follow-up the visit asks for: to which kind of organisation, for what need."""

    recipient: str  # the receiving organisation (or kind) by its Dutch label
    need: str


@dataclass(frozen=True, slots=True)
class Approval:
    approved_by: str  # the supervisor's display name
    approved_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReportContent:
    report_id: uuid.UUID
    draft: bool
    organisation_name: str
    case_id: uuid.UUID
    address: str
    visit_id: uuid.UUID
    # The visit this one corrects, if it is a revision.
    replaces: uuid.UUID | None
    visited_on: dt.date
    finalized_at: dt.datetime
    worker_name: str
    form: Form
    # The cleaned answers as stored (irrelevant ones dropped, computed ones filled in).
    answers: Mapping[str, Any]
    # The stored (cleaned) bytes of the visit's attachments by name: signature PNGs, photo JPEGs.
    attachments: Mapping[str, bytes]
    # ZRM scores of the case's previous visit, by question code, for the change column.
    previous_zrm: Mapping[str, int] | None
    followups: Sequence[FollowupLine]
    # Labels for the consent grid: information category code and organisation kind code -> Dutch.
    category_labels: Mapping[str, str]
    kind_labels: Mapping[str, str]
    # SHA-256 of the visit's canonical body, printed in every footer.
    data_sha256: str
    approval: Approval | None = None
    members_present: Sequence[str] = field(default_factory=tuple)


SUBJECT_PREFIX = "Keukentafel-verslag "


def pdf_subject(report_id: uuid.UUID) -> str:
    """The document's /Subject: lets verification name the report an altered copy claims to be."""
    return f"{SUBJECT_PREFIX}{report_id}"
