"""Follow-ups and the actions taken on them. A follow-up's id is made on the tablet."""

from piccolo.columns import JSON, UUID, BigInt, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from api.accounts.tables import Organisation, UserAccount
from api.cases.tables import HouseholdCase
from api.visits.tables import Visit


class Followup(Table, tablename="followup"):
    id = UUID(primary_key=True)
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    # The visit that asked for it, if any (a replacing revision retracts what was still open).
    visit = ForeignKey(references=Visit, null=True, index=True)
    suggestion_code = Varchar(length=60, null=True, default=None)
    from_organisation = ForeignKey(references=Organisation, null=False)
    created_by = ForeignKey(references=UserAccount, null=False)
    recipient_organisation = ForeignKey(references=Organisation, null=False, index=True)
    recipient_kind = Varchar(length=40)
    need = Varchar(length=500)
    # The information categories the sender means to pass on; what actually travels is decided
    # at every read by the covenant and the household's consent of that moment.
    categories = JSON(default=[])
    due_on = Date()
    # open -> claimed -> in_progress -> done; declined (back to the case director); retracted.
    state = Varchar(length=20, index=True)
    claimed_by = ForeignKey(references=UserAccount, null=True)
    claimed_at = Timestamptz(null=True, default=None)
    outcome = Text(default="")
    decline_reason = Text(default="")
    # SHA-256 of the canonical create body: the same again is a duplicate, another a conflict.
    body_sha256 = Varchar(length=64)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # Each escalation happens once: unclaimed past the covenant's deadline, and overdue.
    escalated_unclaimed_at = Timestamptz(null=True, default=None)
    escalated_overdue_at = Timestamptz(null=True, default=None)
    change_seq = BigInt(default=0, index=True)


class FollowupAction(Table, tablename="followup_action"):
    """One action by its device-made UUID: an action sent again gets the answer it got."""

    id = UUID(primary_key=True)
    followup = ForeignKey(references=Followup, null=False, index=True)
    action = Varchar(length=20)
    actor = ForeignKey(references=UserAccount, null=False)
    at = Timestamptz()
    text = Text(default="")
    # The state the follow-up was left in.
    state_after = Varchar(length=20)
