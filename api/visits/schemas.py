"""Wire types of the visits API (see docs/sync-protocol.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from api.cases.schemas import PersonRef
from api.lib.wire import Note, Wire

# A plain file name: no path separator, no dot segment, no NUL can get through.
ATTACHMENT_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,79}\.(png|jpg)$"
AttachmentName = Annotated[str, msgspec.Meta(pattern=ATTACHMENT_NAME_PATTERN)]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
ImageType = Literal["image/png", "image/jpeg"]
FormKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,59}$")]

MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
# What one visit may carry in total; a photo is downscaled on the tablet before it is stored.
MAX_VISIT_ATTACHMENT_BYTES = 40 * 1024 * 1024

VisitState = Literal["awaiting_attachments", "submitted", "approved", "returned", "replaced"]


class DeclaredAttachment(Wire):
    name: AttachmentName
    sha256: Sha256
    content_type: ImageType
    size: Annotated[int, msgspec.Meta(ge=1, le=MAX_ATTACHMENT_BYTES)]


class VisitWrite(Wire):
    case_id: uuid.UUID
    form_key: FormKey
    form_version: Annotated[int, msgspec.Meta(ge=1)]
    visited_on: dt.date
    finalized_at: dt.datetime
    answers: dict[str, Any]
    attachments: Annotated[list[DeclaredAttachment], msgspec.Meta(max_length=MAX_ATTACHMENTS)] = []
    replaces: uuid.UUID | None = None


class AttachmentState(Wire):
    name: str
    content_type: str
    size: int
    received: bool


class Suggestion(Wire):
    code: str
    recipient_kind: str
    need_nl: str
    need_en: str
    categories: list[str]


ReviewDecision = Literal["approve", "return"]
ReportKind = Literal["draft", "final"]
ReportState = Literal["pending", "ready", "failed"]


class ReviewWrite(Wire):
    decision: ReviewDecision
    # Returning needs a comment: it tells the worker what to correct.
    comment: Note = ""


class ReviewInfo(Wire):
    decision: ReviewDecision
    comment: str
    reviewer: PersonRef
    decided_at: dt.datetime


class ReportInfo(Wire):
    """The visit's newest report: the draft before approval, the sealed final after."""

    id: uuid.UUID
    kind: ReportKind
    state: ReportState
    failure: str | None
    sha256: str | None


class VisitDetail(Wire):
    id: uuid.UUID
    case_id: uuid.UUID
    form_key: str
    form_version: int
    visited_on: dt.date
    finalized_at: dt.datetime
    received_at: dt.datetime
    worker: PersonRef
    state: VisitState
    body_sha256: str
    attachments: list[AttachmentState]
    missing_attachments: list[str]
    complete: bool
    replaces: uuid.UUID | None
    answers: dict[str, Any]
    suggestions: list[Suggestion]
    address: str | None
    review: ReviewInfo | None
    report: ReportInfo | None


class VisitSummary(Wire):
    id: uuid.UUID
    case_id: uuid.UUID
    form_key: str
    form_version: int
    visited_on: dt.date
    worker: PersonRef
    state: VisitState
    missing_attachments: list[str]
    replaces: uuid.UUID | None
    received_at: dt.datetime
    address: str | None
    # What the supervisor asked to correct, on a returned visit (the tablet shows it).
    review_comment: str | None


class VisitReceipt(Wire):
    outcome: Literal["created", "duplicate"]
    visit: VisitDetail


class AttachmentReceipt(Wire):
    outcome: Literal["created", "duplicate"]
    name: str
    stored_content_type: str
    width: int
    height: int
    missing_attachments: list[str]
    complete: bool
