"""Wire types of the audit API."""

from __future__ import annotations

import datetime as dt
import uuid

from api.lib.wire import Wire


class AccessLogEntry(Wire):
    """One audited access to a case or to something of it (a visit, its report, a follow-up)."""

    at: dt.datetime
    # read, print, create, update, review, upload, sync ...; `outcome`: allowed or refused.
    action: str
    outcome: str
    # case, case_plan, case_access_log, visit, visit_report or followup; `object_id` its id.
    object_type: str
    object_id: str
    detail: str
    actor_user_id: uuid.UUID | None
    actor_name: str | None
    organisation_id: uuid.UUID | None
    organisation_name: str | None
    device_id: uuid.UUID | None
    device_name: str | None
