"""The outbox: one row per piece of work, written in the same transaction as the change."""

from piccolo.columns import JSON, UUID, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Job(Table, tablename="job"):
    id = UUID(primary_key=True, default=UUID4())
    kind = Varchar(length=40)
    payload = JSON(default={})
    # One row per effect ("report:final:<visit>"): enqueueing the same work twice is a no-op.
    dedupe_key = Varchar(length=200, unique=True)
    # pending -> running -> done; back to pending with a later run_after on failure;
    # failed after the last attempt. A running row whose lease ran out is claimed again.
    state = Varchar(length=20, index=True)
    attempts = Integer(default=0)
    run_after = Timestamptz(index=True)
    leased_until = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
