"""Gathering what travelled for an access export: follow-ups, alerts, and who accessed what.

AVG art. 15(1)(c) gives the household the recipients of its data. Here they come from two
places: the follow-ups the organisation sent (who they went to) and the audit trail of every
part of the export (who read, printed or exported it, also people of other organisations,
with refusals). The trail is limited to the parts in the export: another organisation's own
visits and their readers are that organisation's to answer for.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from api.accounts.tables import Organisation, UserAccount
from api.audit.tables import AuditEvent
from api.cases.consent import sharing_facts
from api.cases.schemas import OrganisationRef
from api.cases.views import References
from api.followups.extract import allowed_categories, extracts_for
from api.followups.tables import Followup, FollowupAction
from api.lib.actor import Actor
from api.notifications.tables import Notification
from api.privacy.schemas import (
    AccessRecord,
    FollowupRecord,
    FollowupStep,
    NotificationRecord,
    Recipient,
)
from api.visits.tables import Visit

# The audit object types that name a case or one of its parts (as api.audit.access_log reads
# them), and the export's own rows ("export" on the case).
CASE_OBJECT_TYPES = ["case", "case_plan", "case_access_log", "visit", "visit_report", "followup"]


async def followups(actor: Actor, case_id: uuid.UUID) -> list[FollowupRecord]:
    organisation = actor.organisation_id
    rows = await (
        Followup.select(*Followup.all_columns())
        .where(
            (Followup.household_case == case_id)
            & (
                (Followup.from_organisation == organisation)
                | (Followup.recipient_organisation == organisation)
            )
        )
        .order_by(Followup.created_at)
        .output(load_json=True)
        .run()
    )
    if not rows:
        return []
    facts = (await sharing_facts([case_id]))[case_id]
    # The extract only where the organisation is its recipient: that is what it received.
    extracts = await extracts_for([r for r in rows if r["recipient_organisation"] == organisation])
    steps = await (
        FollowupAction.select()
        .where(FollowupAction.followup.is_in([row["id"] for row in rows]))
        .order_by(FollowupAction.at)
        .run()
    )
    refs = await References.load(
        [],
        organisation_ids={r["from_organisation"] for r in rows}
        | {r["recipient_organisation"] for r in rows},
        user_ids={r["created_by"] for r in rows}
        | {r["claimed_by"] for r in rows if r["claimed_by"]}
        | {s["actor"] for s in steps},
    )
    records = []
    for row in rows:
        shared, withheld = allowed_categories(row, facts)
        received = row["recipient_organisation"] == organisation
        records.append(
            FollowupRecord(
                id=row["id"],
                direction="received" if received else "sent",
                from_organisation=refs.organisation(row["from_organisation"]),
                created_by=refs.person(row["created_by"]),
                recipient_organisation=refs.organisation(row["recipient_organisation"]),
                need=row["need"],
                categories=list(row["categories"]),
                shared_categories=shared,
                withheld_categories=withheld,
                extract=extracts.get(row["id"]) if received else None,
                due_on=row["due_on"],
                state=row["state"],
                claimed_by=refs.person(row["claimed_by"]),
                claimed_at=row["claimed_at"],
                outcome=row["outcome"],
                decline_reason=row["decline_reason"],
                created_at=row["created_at"],
                steps=[
                    FollowupStep(
                        action=s["action"],
                        by=refs.person(s["actor"]),
                        at=s["at"],
                        text=s["text"],
                        state_after=s["state_after"],
                    )
                    for s in steps
                    if s["followup"] == row["id"]
                ],
            )
        )
    return records


async def notifications(actor: Actor, case_id: uuid.UUID) -> list[NotificationRecord]:
    """Alerts to the organisation's people about the case's visits and follow-ups."""
    visits = await Visit.select(Visit.id).where(Visit.household_case == case_id).run()
    sent = await Followup.select(Followup.id).where(Followup.household_case == case_id).run()
    object_ids = [row["id"] for row in [*visits, *sent]]
    if not object_ids:
        return []
    rows = await (
        Notification.select()
        .where(
            Notification.object_id.is_in(object_ids)
            & (Notification.user.organisation == actor.organisation_id)
        )
        .order_by(Notification.created_at)
        .run()
    )
    refs = await References.load([], user_ids={row["user"] for row in rows})
    return [
        NotificationRecord(
            id=row["id"],
            kind=row["kind"],
            title=row["title_nl"],
            user=refs.person(row["user"]),
            object_type=row["object_type"],
            object_id=row["object_id"],
            created_at=row["created_at"],
            read_at=row["read_at"],
        )
        for row in rows
    ]


async def access_log(object_ids: list[str]) -> list[AccessRecord]:
    """Oldest first, like a file's history; without devices (the organisation's security
    detail, not the household's data)."""
    if not object_ids:
        return []
    rows = await (
        AuditEvent.select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.outcome,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.detail,
            AuditEvent.actor_user,
            AuditEvent.actor_organisation,
        )
        .where(
            AuditEvent.object_id.is_in(object_ids) & AuditEvent.object_type.is_in(CASE_OBJECT_TYPES)
        )
        .order_by(AuditEvent.at)
        .order_by(AuditEvent.seq)
        .order_by(AuditEvent.id)
        .run()
    )
    people = await _names(UserAccount, {r["actor_user"] for r in rows})
    organisations = await _organisations({r["actor_organisation"] for r in rows})
    return [
        AccessRecord(
            at=row["at"],
            action=row["action"],
            outcome=row["outcome"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            detail=row["detail"],
            person=people.get(row["actor_user"]),
            organisation=organisations.get(row["actor_organisation"]),
        )
        for row in rows
    ]


def recipients(
    actor: Actor, log: list[AccessRecord], followup_records: list[FollowupRecord]
) -> list[Recipient]:
    """Other organisations that accessed a part of the export (allowed accesses only) or were
    sent a follow-up by this organisation, by name."""
    seen: dict[uuid.UUID, dict[str, Any]] = {}

    def note(organisation: OrganisationRef | None, action: str, at: dt.datetime) -> None:
        if organisation is None or organisation.id == actor.organisation_id:
            return
        entry = seen.setdefault(
            organisation.id, {"organisation": organisation, "actions": set(), "at": []}
        )
        entry["actions"].add(action)
        entry["at"].append(at)

    for record in log:
        if record.outcome == "allowed":
            note(record.organisation, record.action, record.at)
    for followup in followup_records:
        if followup.direction == "sent":
            note(followup.recipient_organisation, "receive_followup", followup.created_at)
    return sorted(
        (
            Recipient(
                organisation=entry["organisation"],
                actions=sorted(entry["actions"]),
                first_at=min(entry["at"]),
                last_at=max(entry["at"]),
            )
            for entry in seen.values()
        ),
        key=lambda recipient: recipient.organisation.name,
    )


async def _names(table: Any, ids: set[Any]) -> dict[Any, str]:
    known = sorted(value for value in ids if value is not None)
    if not known:
        return {}
    rows = await table.select(table.id, table.display_name).where(table.id.is_in(known)).run()
    return {row["id"]: row["display_name"] for row in rows}


async def _organisations(ids: set[Any]) -> dict[Any, OrganisationRef]:
    known = sorted(value for value in ids if value is not None)
    if not known:
        return {}
    rows = await (
        Organisation.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.id.is_in(known))
        .run()
    )
    return {row["id"]: OrganisationRef(**row) for row in rows}
