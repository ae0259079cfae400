"""The pull: what changed for this user since their cursor, and what they may no longer hold."""

from __future__ import annotations

import uuid

from api.audit import services as audit
from api.cases import views as case_views
from api.cases.services import load_facts
from api.cases.tables import CaseAssignment, HouseholdCase
from api.covenant.policy import get_policy
from api.forms.controllers import form_summaries
from api.lib.actor import Actor
from api.lib.errors import Forbidden
from api.sync.protocol import committed_seq, decode_cursor, encode_cursor
from api.sync.removals import removed_for
from api.sync.schemas import Changes
from api.visits import views as visit_views
from api.visits.tables import Visit

PAGE_SIZE = 100


async def changes(actor: Actor, cursor: str | None) -> Changes:
    since = decode_cursor(cursor)
    if get_policy().case_organisation_scope(actor) is None:
        await audit.record_refusal(actor, "sync", "case", "*", "no case role")
        raise Forbidden("This account holds no cases.")
    # Every change numbered up to here has committed (see api.sync.protocol); read no further.
    upto = max(await committed_seq(), since)
    assignments = await (
        CaseAssignment.select(
            CaseAssignment.household_case, CaseAssignment.change_seq, CaseAssignment.ended_at
        )
        .where(CaseAssignment.user == actor.user_id)
        .run()
    )
    assigned: dict[uuid.UUID, int] = {}
    ended: dict[uuid.UUID, int] = {}
    for row in assignments:
        target = assigned if row["ended_at"] is None else ended
        case_id = row["household_case"]
        target[case_id] = max(target.get(case_id, 0), row["change_seq"])
    facts = await load_facts(sorted(assigned))
    policy = get_policy()
    held = {case_id for case_id, case in facts.items() if policy.may_view_case(actor, case)}
    rows = (
        await HouseholdCase.select(HouseholdCase.id, HouseholdCase.change_seq)
        .where(HouseholdCase.id.is_in(sorted(held)))
        .run()
        if held
        else []
    )
    # A held case changed when the case itself or this user's assignment to it did.
    numbered = {row["id"]: max(row["change_seq"], assigned[row["id"]]) for row in rows}
    changed = sorted(
        (seq, case_id)
        for case_id, seq in numbered.items()
        # The first sync takes everything held, also what was seeded before any numbering.
        if (since == 0 or since < seq) and seq <= upto
    )
    page = changed[:PAGE_SIZE]
    more = len(changed) > PAGE_SIZE
    until = page[-1][0] if more else upto
    # On the first sync the device holds nothing, so there is nothing to forget.
    ended_now = {case_id for case_id, seq in ended.items() if since < seq <= until}
    no_longer_allowed = set(assigned) - held
    # Cases retention deleted (api.retention) are told by a removal row of their own.
    anonymised = await removed_for(actor.user_id, since, until)
    gone = ended_now | no_longer_allowed | anonymised
    removed = sorted(gone - held if since > 0 else set(), key=str)
    visit_rows = await (
        Visit.select(*visit_views.VISIT_COLUMNS)
        .where(
            (Visit.worker == actor.user_id)
            & (Visit.change_seq > since)
            & (Visit.change_seq <= until)
        )
        .output(load_json=True)
        .order_by(Visit.change_seq)
        .run()
    )
    case_ids = [case_id for _, case_id in page]
    cases = [await case_views.detail(case_id, actor, facts[case_id]) for case_id in case_ids]
    await audit.record(actor, "read", "case", case_ids, detail="sync")
    return Changes(
        cursor=encode_cursor(until),
        more=more,
        cases=cases,
        removed_case_ids=removed,
        visits=await visit_views.summaries(visit_rows),
        forms=form_summaries(),
    )
