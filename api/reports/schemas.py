"""Wire types of the reports API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from api.lib.wire import Wire

# intact: our sealed copy, byte for byte, with a valid seal over the whole file.
# changed_after_sealing: our sealed copy with something appended (an incremental update).
# altered: claims to be one of our reports, but its bytes are not the sealed copy's.
# not_ours: no report of ours that this file is or claims to be.
Verdict = Literal["intact", "changed_after_sealing", "altered", "not_ours"]


class VerifyResult(Wire):
    verdict: Verdict
    ours: bool
    intact: bool
    # Stable codes saying why it is not intact (empty when intact), e.g. `signature_invalid`,
    # `incremental_update_after_signature`, `not_the_sealed_copy`, `untrusted_signer`.
    reasons: list[str]
    report_id: uuid.UUID | None
    visit_id: uuid.UUID | None
    # The organisation whose seal the file carries, from the seal certificate.
    sealed_by: str | None
    sealed_at: dt.datetime | None
    # The organisation that issued the report, and the supervisor's approval, from our records.
    organisation: str | None
    approved_by: str | None
    approved_at: dt.datetime | None
