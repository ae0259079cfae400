"""The change counter: one row whose value orders every change a device may pull."""

from piccolo.columns import BigInt, Varchar
from piccolo.table import Table


class SyncCounter(Table, tablename="sync_counter"):
    name = Varchar(length=40, unique=True)
    value = BigInt(default=0)
