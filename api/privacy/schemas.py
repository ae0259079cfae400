"""Wire types of the access export. A household (or its lawyer) keeps this file for years, so
every part says what it is in words as well as codes: `label`, `text`, Dutch titles."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final, Literal

from api.cases.schemas import CaseDetail, ConsentEntry, OrganisationRef, PersonRef
from api.followups.schemas import Extract, FollowupState
from api.lib.wire import Wire

EXPORT_FORMAT: Final = "keukentafel-access-export/1"


class KeptEdit(Wire):
    """A case edit that arrived stale and was kept for a person to resolve (it holds household
    data as it was sent), shown without what the organisation may not see."""

    id: uuid.UUID
    submitted_by: PersonRef | None
    submitted_at: dt.datetime
    resolved_at: dt.datetime | None
    body: dict[str, Any]


class Answer(Wire):
    """One answer of a visit: the form's own label, the stored value, and how it reads."""

    section: str
    code: str
    label: str
    type: str
    value: Any
    text: str


class Attachment(Wire):
    """A signature or photo of a visit. The server keeps a cleaned copy (re-encoded, without
    metadata or location): `sha256`/`size` are of that copy, which `content_base64` holds;
    `declared_*` are of the bytes the tablet sent."""

    name: str
    content_type: str | None
    declared_sha256: str
    declared_size: int
    received_at: dt.datetime | None
    sha256: str | None
    size: int | None
    width: int | None
    height: int | None
    content_base64: str | None


class Report(Wire):
    """A visit report: the draft (CONCEPT) or the sealed final; `sha256` is of the PDF as kept,
    which POST /api/reports/verify recognises."""

    id: uuid.UUID
    kind: Literal["draft", "final"]
    state: str
    sha256: str | None
    data_sha256: str
    certificate_sha256: str | None
    approved_by: PersonRef | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    rendered_at: dt.datetime | None


class VisitRecord(Wire):
    id: uuid.UUID
    form_key: str
    form_version: int
    form_title: str
    visited_on: dt.date
    finalized_at: dt.datetime
    received_at: dt.datetime
    worker: PersonRef | None
    state: str
    replaces: uuid.UUID | None
    review_decision: str | None
    review_comment: str
    reviewed_by: PersonRef | None
    reviewed_at: dt.datetime | None
    answers: list[Answer]
    # Follow-ups the form suggested from the answers (not yet sent: see `followups`).
    suggestions: list[dict[str, Any]]
    attachments: list[Attachment]
    reports: list[Report]


class FollowupStep(Wire):
    action: str
    by: PersonRef | None
    at: dt.datetime
    text: str
    state_after: str


class FollowupRecord(Wire):
    """A follow-up the organisation sent or received. What travels to the recipient is decided
    at each read (the covenant and the consent of that moment): `shared_categories` is what it
    may see now; the received side also gets the extract itself."""

    id: uuid.UUID
    direction: Literal["sent", "received"]
    from_organisation: OrganisationRef | None
    created_by: PersonRef | None
    recipient_organisation: OrganisationRef | None
    need: str
    categories: list[str]
    shared_categories: list[str]
    withheld_categories: list[str]
    extract: Extract | None
    due_on: dt.date
    state: FollowupState
    claimed_by: PersonRef | None
    claimed_at: dt.datetime | None
    outcome: str
    decline_reason: str
    created_at: dt.datetime
    steps: list[FollowupStep]


class NotificationRecord(Wire):
    """An alert to one of the organisation's people about the case (titles never name anyone)."""

    id: uuid.UUID
    kind: str
    title: str
    user: PersonRef | None
    object_type: str
    object_id: uuid.UUID
    created_at: dt.datetime
    read_at: dt.datetime | None


class AccessRecord(Wire):
    """One audited access (read, print, export, change, refusal) to a part of this export."""

    at: dt.datetime
    action: str
    outcome: str
    object_type: str
    object_id: str
    detail: str
    person: str | None
    organisation: OrganisationRef | None


class Recipient(Wire):
    """Another organisation that saw or received the household's data (AVG art. 15(1)(c))."""

    organisation: OrganisationRef
    # What it did: read, print, receive_followup, ...
    actions: list[str]
    first_at: dt.datetime
    last_at: dt.datetime


class HouseholdExport(Wire):
    """Everything one organisation holds about a household in Keukentafel, for the household's
    request for access. Other organisations of the covenant answer for what they hold."""

    format: Literal["keukentafel-access-export/1"]
    case_id: uuid.UUID
    generated_at: dt.datetime
    organisation: OrganisationRef
    exported_by: PersonRef
    # False for an organisation that only sent or received follow-ups: no case record then.
    takes_part: bool
    case: CaseDetail | None
    kept_edits: list[KeptEdit]
    # Every consent decision ever recorded, newest first, superseded ones included.
    consent: list[ConsentEntry]
    visits: list[VisitRecord]
    followups: list[FollowupRecord]
    notifications: list[NotificationRecord]
    recipients: list[Recipient]
    access_log: list[AccessRecord]
