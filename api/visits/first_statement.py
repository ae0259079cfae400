"""A new visit's first statement: its row, its declared attachments and what its answer needs
of the case, and on PostgreSQL the case's row lock that recording consent takes.

On PostgreSQL that is one statement instead of four round trips (the case's lock, the visit,
its attachments, the address), each of which costs the API more than the database's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.lib.db import engine, execute, numbered
from api.lib.prepared import PreparedInsert
from api.visits import views
from api.visits.tables import Visit, VisitAttachment

_VISIT = PreparedInsert(Visit, if_new=True)
_ATTACHMENTS = PreparedInsert(VisitAttachment)

_FILE_COLUMNS = "id, visit, name, declared_sha256, declared_content_type, declared_size"
_FILES = (
    "INSERT INTO visit_attachment (" + _FILE_COLUMNS + ") "  # noqa: S608 (fixed names)
    "SELECT f.id, v.id, f.name, f.sha256, f.content_type, f.size FROM new_visit AS v, "
    "unnest({}::uuid[], {}::varchar[], {}::varchar[], {}::varchar[], {}::integer[]) "
    "AS f(id, name, sha256, content_type, size) RETURNING 1"
)
_CASE = "SELECT street, house_number, postcode, city FROM household_case WHERE id = {}"
_SELECT = (
    " SELECT (SELECT count(*) FROM new_visit) AS stored, (SELECT count(*) FROM new_files), "
    "c.street, c.house_number, c.postcode, c.city FROM (SELECT 1) AS one "
    "LEFT JOIN the_case AS c ON true"
)


@dataclass(frozen=True, slots=True)
class Inserted:
    address: str | None
    # The transaction holds the case's row for NO KEY UPDATE (api.cases.consent._lock_case).
    case_locked: bool


async def insert_visit(
    row: dict[str, Any], files: list[dict[str, Any]], *, lock_case: bool
) -> Inserted | None:
    """Inside the visit's write transaction; None when a visit with this id is stored already.
    `files`: the declared attachments (id, name, declared_sha256, declared_content_type,
    declared_size). `lock_case`: the visit will record consent."""
    if engine().engine_type != "postgres":
        if not await _VISIT.run([row]):
            return None
        await _ATTACHMENTS.run([{**file, "visit": row["id"]} for file in files])
        return Inserted(await views.case_address(row["household_case"]), case_locked=False)
    visit_sql, visit_values = _VISIT.parts([row])
    lock = " FOR NO KEY UPDATE" if lock_case else ""
    sql = (
        f"WITH new_visit AS ({visit_sql}), new_files AS ({_FILES}), "
        f"the_case AS ({_CASE}{lock}){_SELECT}"
    )
    columns = [
        [file[name] for file in files]
        for name in ("id", "name", "declared_sha256", "declared_content_type", "declared_size")
    ]
    (found,) = await execute(*numbered(sql, [*visit_values, *columns, row["household_case"]]))
    if not found["stored"]:
        return None
    address = views.address_line(found) if found["street"] is not None else None
    return Inserted(address, case_locked=lock_case)
