"""The audit tables. The database itself refuses UPDATE and DELETE on them (see the migrations),
and on PostgreSQL the application's role holds no such privilege (scripts/postgres-roles.sql)."""

from piccolo.columns import UUID, BigInt, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    # Plain UUIDs, not foreign keys: an audit row outlives what it names.
    id = UUID(primary_key=True, default=UUID4())
    at = Timestamptz(index=True)
    actor_user = UUID(null=True, default=None, index=True)
    actor_organisation = UUID(null=True, default=None)
    device = UUID(null=True, default=None)
    # read, create, update, assign, handover, login, ...
    action = Varchar(length=40)
    object_type = Varchar(length=40)
    object_id = Varchar(length=64, index=True)
    # allowed or refused
    outcome = Varchar(length=10)
    detail = Varchar(length=500, default="")
    # The hash chain (api.audit.chain): the actor organisation's id or "system", the row's place
    # in that chain (unique with the chain: a raw-SQL index), the hash of the row before, its own.
    chain = Varchar(length=40, default="")
    seq = BigInt(default=0)
    prev_hash = Varchar(length=64, default="")
    hash = Varchar(length=64, default="")


class AuditVerification(Table, tablename="audit_verification"):
    """One row per chain per check (api.audit.verification): how far it was checked, and where
    it broke. Append-only like the trail: a later check anchors on the last good one."""

    id = UUID(primary_key=True, default=UUID4())
    at = Timestamptz(index=True)
    chain = Varchar(length=40, index=True)
    # The last sequence number checked (the last good row when the chain is broken).
    checked_up_to = BigInt(default=0)
    head_hash = Varchar(length=64, default="")
    ok = Boolean(default=True)
    broken_at = BigInt(null=True, default=None)
    broken_row = UUID(null=True, default=None)
    problem = Varchar(length=300, default="")


class AuditCheckpoint(Table, tablename="audit_checkpoint"):
    """Where a chain was cut after the covenant's audit period (api.audit.cut): its rows up to
    `last_seq` are gone, and the first row kept must follow `last_hash`, so the rest of the
    chain still verifies. Append-only; the database lets an audit row go only when a checkpoint
    covers it (see the migrations)."""

    id = UUID(primary_key=True, default=UUID4())
    at = Timestamptz()
    chain = Varchar(length=40, index=True)
    # The rows removed: first_seq to last_seq, all older than `cut_before`.
    first_seq = BigInt(default=0)
    last_seq = BigInt(default=0)
    last_hash = Varchar(length=64)
    removed = BigInt(default=0)
    cut_before = Timestamptz()


class AuditChainHead(Table, tablename="audit_chain_head"):
    """The newest row of each chain: what the next row follows. Appending locks the chain's
    head row, reads it and moves it in the same transaction as the rows it appends, so the
    lock and the read are one statement. Only a convenience for writing: the check walks the
    rows themselves, and a head that disagrees with them shows as a break at the next row."""

    chain = Varchar(length=40, primary_key=True)
    seq = BigInt(default=0)
    hash = Varchar(length=64)
