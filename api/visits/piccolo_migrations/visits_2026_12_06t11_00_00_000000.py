"""Three single-column indexes go that composite ones already cover: visit (worker) and
visit (change_seq) under visit (worker, change_seq), visit_attachment (visit) under the unique
(visit, name). Every visit wrote each of them twice (the insert and its numbering at commit).
Reviewed by hand for both databases."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.column_types import ForeignKey

ID = "2026-12-06T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes the composite ones cover"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Visit",
        tablename="visit",
        column_name="worker",
        db_column_name="worker",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Visit",
        tablename="visit",
        column_name="change_seq",
        db_column_name="change_seq",
        params={"index": False},
        old_params={"index": True},
        column_class=BigInt,
        old_column_class=BigInt,
        schema=None,
    )

    manager.alter_column(
        table_class_name="VisitAttachment",
        tablename="visit_attachment",
        column_name="visit",
        db_column_name="visit",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
