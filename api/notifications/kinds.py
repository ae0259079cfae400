"""The one catalogue of notification kinds: what each opens, its neutral titles, its urgency.

A title is shown on a lock screen and passes through the push services of Google, Apple,
Microsoft or Mozilla: it names what happened, never who it happened to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# RFC 8030 section 5.3: the push service may hold back lower urgencies to save the battery.
Urgency = Literal["very-low", "low", "normal", "high"]


@dataclass(frozen=True, slots=True)
class Kind:
    object_type: str
    title_nl: str
    title_en: str
    urgency: Urgency = "normal"


KINDS: dict[str, Kind] = {
    "followup_new": Kind(
        "followup",
        "Nieuwe vervolgactie voor uw organisatie",
        "New follow-up for your organisation",
    ),
    # Nobody picked it up in time: the household is waiting, so it may wake the tablet.
    "followup_escalated": Kind(
        "followup",
        "Een vervolgactie wacht nog op oppakken",
        "A follow-up is still waiting to be picked up",
        urgency="high",
    ),
    "followup_completed": Kind(
        "followup",
        "Een vervolgactie is afgerond",
        "A follow-up has been completed",
    ),
    "followup_declined": Kind(
        "followup",
        "Een vervolgactie is afgewezen",
        "A follow-up has been declined",
    ),
    "visit_returned": Kind(
        "visit",
        "Een verslag is teruggestuurd ter correctie",
        "A report was returned for correction",
    ),
    "visit_approved": Kind(
        "visit",
        "Een verslag is goedgekeurd",
        "A report was approved",
    ),
}


class UnknownNotificationKind(ValueError):
    """A programming error, raised in the caller's transaction so the change is not committed
    with an alert that nobody can read."""


def kind_for(kind: str, object_type: str) -> Kind:
    found = KINDS.get(kind)
    if found is None:
        raise UnknownNotificationKind(
            f"unknown notification kind {kind!r}; add it to api/notifications/kinds.py"
        )
    if found.object_type != object_type:
        raise UnknownNotificationKind(
            f"notification kind {kind!r} opens a {found.object_type!r}, not a {object_type!r}"
        )
    return found
