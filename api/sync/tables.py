"""The change counter: one row whose value orders every change a device may pull; and the
removals that outlive the rows they remove."""

from piccolo.columns import UUID, BigInt, Timestamptz, Varchar
from piccolo.table import Table


class SyncCounter(Table, tablename="sync_counter"):
    name = Varchar(length=40, unique=True)
    value = BigInt(default=0)


class SyncRemoval(Table, tablename="sync_removal"):
    """A case a user's devices must forget though nothing of it is left to say so (retention
    deleted it with its assignments): the pull sends it in `removed_case_ids` once, after the
    cursor. Only ids: kept for the audit period, as long as a tablet may lie in a drawer."""

    # uuid5 of (user, case): telling the same user twice is one row.
    id = UUID(primary_key=True)
    user = UUID(index=True)
    household_case = UUID()
    change_seq = BigInt(default=0, index=True)
    at = Timestamptz(index=True)
