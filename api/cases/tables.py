"""Tables of the cases app. A case is one household; its id is a UUID made on the device."""

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
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
    # The organisation that signalled the case. It holds the household's data already; every
    # other organisation sees what the covenant and the household's consent allow.
    signal_source = ForeignKey(references=Organisation, null=True)
    # The Wgs legal-duty conditions (covenant `legal_duty.*.conditions`) recorded as met, sorted,
    # and whether the tenant objected to the signal. The signal form or a case edit records them.
    wgs_conditions = JSON(default=[])
    objected_to_sharing = Boolean(default=False)
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
    # The case categories the submitter could not see: applying the edit later leaves them be.
    withheld_categories = JSON(default=[])
    submitted_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=UserAccount, null=True)


class ConsentRecord(Table, tablename="consent_record"):
    """One decision of a household: share this category with this kind of organisation, or not.

    The history is the table: a newer decision for a pair supersedes the current one, which is
    then marked (`superseded_at`, `superseded_by`) and otherwise never changed.
    """

    id = UUID(primary_key=True, default=UUID4())
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    category = Varchar(length=60)
    recipient_kind = Varchar(length=40)
    # given | refused
    decision = Varchar(length=10)
    # When the household decided: the signing of the visit form, or the call or letter. It
    # orders the decisions, so a visit that syncs days late does not undo a later withdrawal.
    decided_at = Timestamptz()
    # visit | phone | letter
    source = Varchar(length=10)
    # The visit the resident signed. A plain UUID, as visits refer to cases and not back.
    source_visit = UUID(null=True, default=None, index=True)
    note = Varchar(length=2000, default="")
    # Evidence of who recorded a decision outlives nobody's account: deleting is refused.
    recorded_by = ForeignKey(references=UserAccount, null=False, on_delete=OnDelete.restrict)
    recorded_by_organisation = ForeignKey(
        references=Organisation, null=False, on_delete=OnDelete.restrict
    )
    recorded_at = Timestamptz()
    superseded_at = Timestamptz(null=True, default=None)
    superseded_by = UUID(null=True, default=None)
