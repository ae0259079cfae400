"""The access export: who may make it, for which household, what goes in, and its audit row.

An organisation answers a household's request for access as the controller of what it holds
(DOMAIN.md: every agency of the covenant is its own controller), so the export of organisation
X holds the case as X sees it, X's own visits with their attachments and reports, the
follow-ups X sent or received, alerts to X's people, the consent history, and who accessed
those parts. A request to another organisation is answered by that organisation's export.

Refusals are audited and answer like the rest of the API: 403 without the functional
administrator role (decided before the case is looked at, so it discloses nothing), 404 for a
case the organisation does not hold, the same as for a case that does not exist.
"""

from __future__ import annotations

import asyncio
import uuid

from api.audit import services as audit
from api.cases.access import load_facts, refuse
from api.cases.schemas import OrganisationRef, PersonRef
from api.covenant.policy import Decision, get_policy
from api.followups.tables import Followup
from api.lib.actor import Actor
from api.lib.db import now
from api.lib.errors import CaseNotFound
from api.privacy import gather, gather_trail
from api.privacy.render import render_export
from api.privacy.schemas import EXPORT_FORMAT, HouseholdExport

ACTION = "export"


async def export_json(actor: Actor, case_id: uuid.UUID) -> HouseholdExport:
    export = await _gather(actor, case_id)
    await audit.record(actor, ACTION, "case", [case_id], detail="access export (json)")
    return export


async def export_pdf(actor: Actor, case_id: uuid.UUID) -> bytes:
    export = await _gather(actor, case_id)
    pdf = await asyncio.to_thread(render_export, export)
    await audit.record(actor, ACTION, "case", [case_id], detail="access export (pdf)")
    return pdf


async def _gather(actor: Actor, case_id: uuid.UUID) -> HouseholdExport:
    policy = get_policy()
    allowed = policy.may_answer_access_request(actor)
    if not allowed:
        await refuse(actor, ACTION, case_id, allowed)
    facts = (await load_facts([case_id])).get(case_id)
    holds = (
        policy.holds_household(actor, facts, await _followup_organisations(case_id))
        if facts is not None
        else Decision(False, "no such case")
    )
    if facts is None or not holds:
        await audit.record_refusal(actor, ACTION, "case", case_id, holds.reason)
        raise CaseNotFound()

    takes_part = actor.organisation_id in facts.participant_organisation_ids
    case = await gather.case_record(actor, case_id, facts) if takes_part else None
    withheld = frozenset(case.withheld_categories) if case else frozenset()
    visits = await gather.own_visits(actor, case_id) if takes_part else []
    followups = await gather_trail.followups(actor, case_id)
    # The parts of the export whose accesses it lists (see gather_trail.access_log).
    object_ids = [
        *([str(case_id)] if takes_part else []),
        *(str(visit.id) for visit in visits),
        *(str(report.id) for visit in visits for report in visit.reports),
        *(str(followup.id) for followup in followups),
    ]
    log = await gather_trail.access_log(object_ids)
    return HouseholdExport(
        format=EXPORT_FORMAT,
        case_id=case_id,
        generated_at=now(),
        organisation=OrganisationRef(
            id=actor.organisation_id, name=actor.organisation_name, kind=actor.organisation_kind
        ),
        exported_by=PersonRef(
            id=actor.user_id,
            display_name=actor.display_name,
            organisation_id=actor.organisation_id,
        ),
        takes_part=takes_part,
        case=case,
        kept_edits=await gather.kept_edits(case_id, withheld) if takes_part else [],
        consent=await gather.consent_history(case_id) if takes_part else [],
        visits=visits,
        followups=followups,
        notifications=await gather_trail.notifications(actor, case_id),
        recipients=gather_trail.recipients(actor, log, followups),
        access_log=log,
    )


async def _followup_organisations(case_id: uuid.UUID) -> frozenset[uuid.UUID]:
    rows = await (
        Followup.select(Followup.from_organisation, Followup.recipient_organisation)
        .where(Followup.household_case == case_id)
        .run()
    )
    return frozenset(
        organisation
        for row in rows
        for organisation in (row["from_organisation"], row["recipient_organisation"])
    )
