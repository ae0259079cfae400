"""Wire types of follow-ups."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from api.cases.schemas import OrganisationRef, PersonRef
from api.lib.wire import TEXT_PATTERN, Note, Wire

FollowupState = Literal["open", "claimed", "in_progress", "done", "declined", "retracted"]
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class FollowupWrite(Wire):
    """A follow-up as the tablet makes it after finalizing a visit (or a worker adds one)."""

    case_id: uuid.UUID
    recipient_organisation_id: uuid.UUID
    need: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=TEXT_PATTERN)]
    due_on: dt.date
    categories: Annotated[list[Code], msgspec.Meta(max_length=20)] = []
    visit_id: uuid.UUID | None = None
    suggestion_code: Code | None = None


class ActionWrite(Wire):
    # Made on the device: an action sent again (a lost response) gets the same answer.
    action_id: uuid.UUID
    # The outcome of `complete`, the reason of `decline`, an optional note on `progress`.
    text: Note = ""


class ExtractItem(Wire):
    label: str
    value: Any


class Extract(Wire):
    """What the receiving organisation may see, decided at this read."""

    shared_categories: list[str]
    # Asked for by the sender, but the covenant or the household's consent does not allow it.
    withheld_categories: list[str]
    data: dict[str, list[ExtractItem]]


class FollowupView(Wire):
    id: uuid.UUID
    case_id: uuid.UUID
    visit_id: uuid.UUID | None
    suggestion_code: str | None
    from_organisation: OrganisationRef
    created_by: PersonRef
    recipient_organisation: OrganisationRef
    need: str
    categories: list[str]
    due_on: dt.date
    state: FollowupState
    claimed_by: PersonRef | None
    claimed_at: dt.datetime | None
    outcome: str
    decline_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    overdue: bool
    # Only for the receiving organisation; the sender and the case director see the plan only.
    extract: Extract | None


class FollowupReceipt(Wire):
    outcome: Literal["created", "duplicate"]
    followup: FollowupView


class CasePlan(Wire):
    case_id: uuid.UUID
    process_step: str
    director: PersonRef | None
    followups: list[FollowupView]
