"""Tables of the cases app. A case is one household; its id is a UUID made on the device."""

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Date,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from api.accounts.tables import Device, Organisation, UserAccount


class HouseholdCase(Table, tablename="household_case"):
    id = UUID(primary_key=True)
    # Starts at 1; every accepted edit adds one. Edits name the version they were based on.
    version = Integer(default=1)
    street = Varchar(length=200)
    house_number = Varchar(length=20)
    postcode = Varchar(length=10)
    city = Varchar(length=100)
    # [{member_id, name, relation, birth_year}]
    members = JSON(default=[])
    # The authoritative signal; the signal form fills it.
    arrears_cents = Integer(default=0)
    arrears_months = Integer(default=0)
    signal_date = Date(null=True, default=None)
    signal_source = ForeignKey(references=Organisation, null=True)
    process_step = Varchar(length=40, index=True)
    director_organisation = ForeignKey(references=Organisation, null=True)
    director_user = ForeignKey(references=UserAccount, null=True)
    created_at = Timestamptz()
    created_by = ForeignKey(references=UserAccount, null=True)
    updated_at = Timestamptz()
    # Position in the change sequence (api.sync.protocol): what a device pulls after a cursor.
    change_seq = BigInt(default=0, index=True)


class CaseParticipant(Table, tablename="case_participant"):
    """An organisation taking part in a case; unique per (case, organisation)."""

    id = UUID(primary_key=True, default=UUID4())
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    joined_at = Timestamptz()
    added_by = ForeignKey(references=UserAccount, null=True)


class CaseAssignment(Table, tablename="case_assignment"):
    """A worker assigned to a case; a tablet holds only the cases its user is assigned to."""

    id = UUID(primary_key=True, default=UUID4())
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    user = ForeignKey(references=UserAccount, null=False, index=True)
    assigned_at = Timestamptz()
    assigned_by = ForeignKey(references=UserAccount, null=True)
    ended_at = Timestamptz(null=True, default=None)
    ended_by = ForeignKey(references=UserAccount, null=True)
    # Set when the assignment starts and again when it ends: the worker's device pulls the
    # case, or is told to forget it.
    change_seq = BigInt(default=0, index=True)


class CaseEvent(Table, tablename="case_event"):
    """The dated timeline of a case: step changes, handovers, assignments, participants."""

    id = UUID(primary_key=True, default=UUID4())
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    kind = Varchar(length=40)
    at = Timestamptz()
    actor_user = ForeignKey(references=UserAccount, null=True)
    actor_organisation = ForeignKey(references=Organisation, null=True)
    device = ForeignKey(references=Device, null=True)
    # Kind-specific facts, e.g. {"from": "signal", "to": "plan"}.
    data = JSON(default={})
    note = Varchar(length=2000, default="")


class CaseConflict(Table, tablename="case_conflict"):
    """A stale case edit, kept whole for a person to resolve; nothing is silently lost."""

    id = UUID(primary_key=True, default=UUID4())
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    submitted_by = ForeignKey(references=UserAccount, null=False)
    device = ForeignKey(references=Device, null=True)
    base_version = Integer()
    current_version = Integer()
    body = JSON(default={})
    submitted_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=UserAccount, null=True)
