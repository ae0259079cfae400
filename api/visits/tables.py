"""Tables of the visits app. A visit's id is a UUID made on the tablet; it is never overwritten."""

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from api.accounts.tables import Device, Organisation, UserAccount
from api.cases.tables import HouseholdCase


class Visit(Table, tablename="visit"):
    id = UUID(primary_key=True)
    household_case = ForeignKey(references=HouseholdCase, null=False, index=True)
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    # Found through the (worker, change_seq) index (a raw-SQL migration), which also serves
    # every query on the worker alone: one index fewer to write for every visit.
    worker = ForeignKey(references=UserAccount, null=False)
    device = ForeignKey(references=Device, null=True)
    form_key = Varchar(length=60)
    form_version = Integer()
    visited_on = Date()
    finalized_at = Timestamptz()
    received_at = Timestamptz()
    # SHA-256 of the canonical JSON body: the same again is a duplicate, other bytes a conflict.
    body_sha256 = Varchar(length=64)
    body = JSON()
    # The answers as the engine kept them (irrelevant ones dropped, computed filled in).
    answers = JSON()
    suggestions = JSON(default=[])
    replaces = UUID(null=True, default=None, index=True)
    # awaiting_attachments -> submitted -> approved | returned; replaced once corrected.
    state = Varchar(length=30, index=True)
    # Numbered at commit (api.sync.protocol); read only with the worker, so no index of its own.
    change_seq = BigInt(default=0)
    # The supervisor's decision: approve or return (with what to correct).
    review_decision = Varchar(length=10, null=True, default=None)
    review_comment = Text(default="")
    reviewed_by = ForeignKey(references=UserAccount, null=True)
    reviewed_at = Timestamptz(null=True, default=None)


class VisitAttachment(Table, tablename="visit_attachment"):
    """A declared attachment; `content` is the cleaned copy once the bytes arrived."""

    id = UUID(primary_key=True, default=UUID4())
    # Found through the unique (visit, name) index (a raw-SQL migration).
    visit = ForeignKey(references=Visit, null=False)
    name = Varchar(length=100)
    declared_sha256 = Varchar(length=64)
    declared_content_type = Varchar(length=40)
    declared_size = Integer()
    received_at = Timestamptz(null=True, default=None)
    content = Bytea(null=True, default=None)
    content_type = Varchar(length=40, null=True, default=None)
    width = Integer(null=True, default=None)
    height = Integer(null=True, default=None)
