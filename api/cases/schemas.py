"""Wire types of the cases API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from api.cases.steps import ProcessStep
from api.lib.wire import TEXT_PATTERN, Name, Note, Wire

Postcode = Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
HouseNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=TEXT_PATTERN)]
City = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=TEXT_PATTERN)]
Cents = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Months = Annotated[int, msgspec.Meta(ge=0, le=600)]
BirthYear = Annotated[int, msgspec.Meta(ge=1900, le=2100)]
# A covenant code (category, organisation kind, legal-duty condition); checked against the file.
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=TEXT_PATTERN)]


class Address(Wire):
    street: Name
    house_number: HouseNumber
    postcode: Postcode
    city: City


class Member(Wire):
    member_id: uuid.UUID
    name: Name
    relation: Literal["tenant", "partner", "child", "other"]
    birth_year: BirthYear | None = None


class Signal(Wire):
    arrears_cents: Cents
    arrears_months: Months
    signal_date: dt.date | None = None
    # Left out: on create the author's organisation, on update unchanged.
    source_organisation_id: uuid.UUID | None = None


class LegalDutyWrite(Wire):
    """The Wgs facts: the covenant's legal-duty conditions met, and the tenant's objection."""

    conditions_met: Annotated[list[Code], msgspec.Meta(max_length=20)]
    objected_to_sharing: bool


class CaseWrite(Wire):
    """Create (no base_version) or update (base_version = the version the edit started from).

    An update leaves alone what it leaves out (`address`, `wgs`, the signal's source) and what
    its author may not see (see api.cases.views.CASE_FIELD_CATEGORIES): a device cannot send back
    what it was never given. Send `wgs` only to change it.
    """

    signal: Signal
    process_step: ProcessStep
    address: Address | None = None
    base_version: Annotated[int, msgspec.Meta(ge=1)] | None = None
    members: Annotated[list[Member], msgspec.Meta(max_length=30)] = []
    step_note: Note = ""
    wgs: LegalDutyWrite | None = None


class AssignmentWrite(Wire):
    user_id: uuid.UUID
    assigned: bool


class DirectorHandover(Wire):
    user_id: uuid.UUID
    note: Note = ""


class OrganisationRef(Wire):
    id: uuid.UUID
    name: str
    kind: str


class PersonRef(Wire):
    id: uuid.UUID
    display_name: str
    organisation_id: uuid.UUID


class CaseSummary(Wire):
    id: uuid.UUID
    version: int
    # Null where withheld: `withheld_categories` says which covenant categories were left out.
    address: Address | None
    process_step: ProcessStep
    arrears_cents: int | None
    signal_date: dt.date | None
    director: PersonRef | None
    director_organisation: OrganisationRef | None
    assigned_to_me: bool
    updated_at: dt.datetime
    withheld_categories: list[str]


class TimelineEntry(Wire):
    id: uuid.UUID
    kind: str
    at: dt.datetime
    actor: PersonRef | None
    organisation: OrganisationRef | None
    data: dict[str, Any]
    note: str


class SignalView(Wire):
    # Null where the arrears amount is withheld from the reader.
    arrears_cents: int | None
    arrears_months: int | None
    signal_date: dt.date | None
    source_organisation_id: uuid.UUID | None


class LegalDutyView(Wire):
    """The Wgs facts recorded on the case, and the legal duties they meet (e.g. wgs_signal)."""

    conditions_met: list[str]
    objected_to_sharing: bool
    duties_met: list[str]


class CaseDetail(Wire):
    id: uuid.UUID
    version: int
    # Null (address) or shortened (members) where withheld; see `withheld_categories`.
    address: Address | None
    members: list[Member]
    signal: SignalView
    wgs: LegalDutyView
    withheld_categories: list[str]
    process_step: ProcessStep
    director: PersonRef | None
    director_organisation: OrganisationRef | None
    participants: list[OrganisationRef]
    assigned: list[PersonRef]
    assigned_to_me: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    timeline: list[TimelineEntry]


# Consent --------------------------------------------------------------------------------------
ConsentDecision = Literal["given", "refused"]
ConsentSource = Literal["visit", "phone", "letter"]
Basis = Literal["legal_duty", "consent", "never"]


class ConsentDecisionWrite(Wire):
    category: Code
    recipient_kind: Code
    decision: ConsentDecision


class ConsentWrite(Wire):
    """Decisions the household made by phone or letter; a visit records its own (`visit`)."""

    decisions: Annotated[list[ConsentDecisionWrite], msgspec.Meta(min_length=1, max_length=100)]
    source: Literal["phone", "letter"]
    note: Note = ""


class CovenantLabel(Wire):
    nl: str
    en: str


class ConsentEntry(Wire):
    """One recorded decision; `superseded_at` is set once a newer decision for the pair came."""

    id: uuid.UUID
    category: str
    recipient_kind: str
    decision: ConsentDecision
    decided_at: dt.datetime
    source: ConsentSource
    visit_id: uuid.UUID | None
    note: str
    recorded_by: PersonRef | None
    recorded_by_organisation: OrganisationRef | None
    recorded_at: dt.datetime
    superseded_at: dt.datetime | None
    superseded_by: uuid.UUID | None


class ConsentCell(Wire):
    """One category for one receiving kind: the covenant's basis, the household's current
    decision, and whether it may be shared now."""

    category: str
    category_label: CovenantLabel
    recipient_kind: str
    recipient_kind_label: CovenantLabel
    basis: Basis
    # For basis legal_duty: the covenant's duty that carries the pair, and whether it is met.
    legal_duty: str | None
    legal_duty_met: bool | None
    decision: ConsentDecision | None
    shared: bool
    current: ConsentEntry | None


class ConsentOverview(Wire):
    case_id: uuid.UUID
    wgs: LegalDutyView
    # Every category x every organisation kind, in the covenant's order.
    cells: list[ConsentCell]
    # Every decision ever recorded, newest first, the superseded ones included.
    history: list[ConsentEntry]
