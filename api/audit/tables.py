"""The audit table. The database itself refuses UPDATE and DELETE on it (see the migration)."""

from piccolo.columns import UUID, Timestamptz, Varchar
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
