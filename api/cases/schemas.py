"""Wire types of the cases API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from api.cases.steps import ProcessStep
from api.lib.wire import Name, Note, Wire

Postcode = Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
HouseNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Cents = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Months = Annotated[int, msgspec.Meta(ge=0, le=600)]
BirthYear = Annotated[int, msgspec.Meta(ge=1900, le=2100)]


class Address(Wire):
    street: Name
    house_number: HouseNumber
    postcode: Postcode
    city: Name


class Member(Wire):
    member_id: uuid.UUID
    name: Name
    relation: Literal["tenant", "partner", "child", "other"]
    birth_year: BirthYear | None = None


class Signal(Wire):
    arrears_cents: Cents
    arrears_months: Months
    signal_date: dt.date | None = None
    source_organisation_id: uuid.UUID | None = None


class CaseWrite(Wire):
    """Create (no base_version) or update (base_version = the version the edit started from)."""

    address: Address
    signal: Signal
    process_step: ProcessStep
    base_version: Annotated[int, msgspec.Meta(ge=1)] | None = None
    members: Annotated[list[Member], msgspec.Meta(max_length=30)] = []
    step_note: Note = ""


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
    address: Address
    process_step: ProcessStep
    arrears_cents: int
    signal_date: dt.date | None
    director: PersonRef | None
    director_organisation: OrganisationRef | None
    assigned_to_me: bool
    updated_at: dt.datetime


class TimelineEntry(Wire):
    id: uuid.UUID
    kind: str
    at: dt.datetime
    actor: PersonRef | None
    organisation: OrganisationRef | None
    data: dict[str, Any]
    note: str


class CaseDetail(Wire):
    id: uuid.UUID
    version: int
    address: Address
    members: list[Member]
    signal: Signal
    process_step: ProcessStep
    director: PersonRef | None
    director_organisation: OrganisationRef | None
    participants: list[OrganisationRef]
    assigned: list[PersonRef]
    assigned_to_me: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    timeline: list[TimelineEntry]
