"""Wire types of the pull."""

from __future__ import annotations

import uuid

from api.cases.schemas import CaseDetail
from api.forms.schemas import FormSummary
from api.lib.wire import Wire
from api.visits.schemas import VisitSummary


class Changes(Wire):
    cursor: str
    more: bool
    cases: list[CaseDetail]
    removed_case_ids: list[uuid.UUID]
    visits: list[VisitSummary]
    forms: list[FormSummary]
