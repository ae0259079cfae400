"""A visit's reports: the draft (CONCEPT) made when it is submitted, the sealed final on approval.

The id is derived from the visit and the kind, so a job that runs twice writes the same report
and the id printed in the footer never changes between attempts.
"""

import uuid

from piccolo.columns import UUID, Bytea, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from api.accounts.tables import Organisation, UserAccount
from api.visits.tables import Visit

REPORT_NAMESPACE = uuid.UUID("5b0f8a1e-4f5c-4d7e-9a51-3c1f0e6a2b77")


def report_id(visit_id: uuid.UUID, kind: str) -> uuid.UUID:
    return uuid.uuid5(REPORT_NAMESPACE, f"{visit_id}:{kind}")


class VisitReport(Table, tablename="visit_report"):
    id = UUID(primary_key=True)
    visit = ForeignKey(references=Visit, null=False, index=True)
    organisation = ForeignKey(references=Organisation, null=False)
    kind = Varchar(length=10)  # draft | final
    state = Varchar(length=10)  # pending | ready | failed
    failure = Text(default="")
    content = Bytea(null=True, default=None)
    # SHA-256 of `content`: verification finds a sealed copy by it.
    sha256 = Varchar(length=64, null=True, default=None, index=True)
    # The visit body's hash printed in the footer.
    data_sha256 = Varchar(length=64)
    # Which seal certificate signed a final report.
    certificate_sha256 = Varchar(length=64, null=True, default=None)
    approved_by = ForeignKey(references=UserAccount, null=True)
    approved_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    rendered_at = Timestamptz(null=True, default=None)
