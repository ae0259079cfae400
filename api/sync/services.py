"""The pull: what changed for this user since their cursor, and what they may no longer hold."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from piccolo.columns import Column
from piccolo.columns.combination import Combinable

from api.audit import services as audit
from api.cases import views as case_views
from api.cases.access import load_assigned_facts
from api.cases.tables import CaseAssignment, HouseholdCase
from api.covenant.policy import CaseFacts, get_policy
from api.forms.controllers import form_summaries
from api.lib.actor import Actor
from api.lib.errors import Forbidden
from api.sync.protocol import committed_seq, decode_cursor, encode_cursor
from api.sync.removals import any_removed_for, removed_for
from api.sync.schemas import Changes
from api.visits import views as visit_views
from api.visits.tables import Visit

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Holdings:
    """The user's assignments and which of their cases the policy lets them hold now."""

    # Per case, the newest change number of the user's current assignments, and of the ended.
    assigned: dict[uuid.UUID, int]
    ended: dict[uuid.UUID, int]
    facts: dict[uuid.UUID, CaseFacts]
    held: frozenset[uuid.UUID]

    @property
    def no_longer_allowed(self) -> frozenset[uuid.UUID]:
        """Assigned, but not to be held: told on every pull while it lasts, because what causes
        it need not take a change number (a user moved to another organisation keeps the
        assignments of the old one)."""
        return frozenset(self.assigned) - self.held


async def changes(actor: Actor, cursor: str | None) -> Changes:
    since = decode_cursor(cursor)
    if get_policy().case_organisation_scope(actor) is None:
        await audit.record_refusal(actor, "sync", "case", "*", "no case role")
        raise Forbidden("This account holds no cases.")
    # The reads are not wrapped in one read transaction: measured with and without on both
    # engines, it made no difference now that connections are reused (api.lib.sqlite_engine).
    answer = await _read(actor, since)
    await audit.record(actor, "read", "case", [case.id for case in answer.cases], detail="sync")
    return answer


async def _read(actor: Actor, since: int) -> Changes:
    # Every change numbered up to here has committed (see api.sync.protocol); read no further.
    upto = max(await committed_seq(), since)
    holdings = await _holdings(actor)
    # The first sync takes everything held, so only a later one can find nothing to send.
    if since > 0 and not await _anything_new(actor, holdings, since, upto):
        return _nothing_new(holdings, upto)
    return await _full(actor, holdings, since, upto)


async def _holdings(actor: Actor) -> Holdings:
    rows = await (
        CaseAssignment.select(
            CaseAssignment.household_case, CaseAssignment.change_seq, CaseAssignment.ended_at
        )
        .where(CaseAssignment.user == actor.user_id)
        .run()
    )
    assigned: dict[uuid.UUID, int] = {}
    ended: dict[uuid.UUID, int] = {}
    for row in rows:
        target = assigned if row["ended_at"] is None else ended
        case_id = row["household_case"]
        target[case_id] = max(target.get(case_id, 0), row["change_seq"])
    # Read again through a subquery (cheaper than binding every id); an assignment made or
    # ended between the two reads is left to the next pull.
    facts = {
        case_id: case
        for case_id, case in (await load_assigned_facts(actor.user_id)).items()
        if case_id in assigned
    }
    policy = get_policy()
    held = frozenset(
        case_id for case_id, case in facts.items() if policy.may_view_case(actor, case)
    )
    return Holdings(assigned=assigned, ended=ended, facts=facts, held=held)


def _in_window(column: Column, since: int, upto: int) -> Combinable:
    return (column > since) & (column <= upto)


async def _anything_new(actor: Actor, holdings: Holdings, since: int, upto: int) -> bool:
    """Does anything the full answer draws on carry a change number in (since, upto]: a held
    case, one of the user's assignments (current or ended), a removal told to them, one of
    their visits? If not, that answer is `_nothing_new`. Cheapest question first."""
    numbers = [*holdings.assigned.values(), *holdings.ended.values()]
    return (
        any(since < seq <= upto for seq in numbers)
        or await _assigned_case_changed(actor, since, upto)
        or await any_removed_for(actor.user_id, since, upto)
        or await _visit_changed(actor, since, upto)
    )


async def _assigned_case_changed(actor: Actor, since: int, upto: int) -> bool:
    # Asked of every case assigned to the user, a superset of the held ones (a change to
    # another only sends the pull the long way), through a subquery: binding a list of ids
    # costs more than the query.
    mine = CaseAssignment.select(CaseAssignment.household_case).where(
        (CaseAssignment.user == actor.user_id) & CaseAssignment.ended_at.is_null()
    )
    changed = HouseholdCase.id.is_in(mine) & _in_window(HouseholdCase.change_seq, since, upto)
    return bool(await HouseholdCase.exists().where(changed).run())


async def _visit_changed(actor: Actor, since: int, upto: int) -> bool:
    mine = Visit.worker == actor.user_id
    return bool(await Visit.exists().where(mine & _in_window(Visit.change_seq, since, upto)).run())


def _nothing_new(holdings: Holdings, upto: int) -> Changes:
    """What `_full` answers when `_anything_new` is False, without its queries."""
    return Changes(
        cursor=encode_cursor(upto),
        more=False,
        cases=[],
        removed_case_ids=sorted(holdings.no_longer_allowed, key=str),
        visits=[],
        forms=form_summaries(),
    )


async def _full(actor: Actor, holdings: Holdings, since: int, upto: int) -> Changes:
    changed = await _changed_cases(holdings, since, upto)
    page = changed[:PAGE_SIZE]
    more = len(changed) > PAGE_SIZE
    until = page[-1][0] if more else upto
    case_ids = [case_id for _, case_id in page]
    visit_rows = await (
        Visit.select(*visit_views.VISIT_COLUMNS)
        .where((Visit.worker == actor.user_id) & _in_window(Visit.change_seq, since, until))
        .output(load_json=True)
        .order_by(Visit.change_seq)
        .run()
    )
    return Changes(
        cursor=encode_cursor(until),
        more=more,
        cases=await case_views.details(case_ids, actor, holdings.facts),
        removed_case_ids=await _removed(actor, holdings, since, until),
        visits=await visit_views.summaries(visit_rows),
        forms=form_summaries(),
    )


async def _changed_cases(holdings: Holdings, since: int, upto: int) -> list[tuple[int, uuid.UUID]]:
    """The held cases to send, as (change number, case), oldest change first."""
    rows = (
        await HouseholdCase.select(HouseholdCase.id, HouseholdCase.change_seq)
        .where(HouseholdCase.id.is_in(sorted(holdings.held)))
        .run()
        if holdings.held
        else []
    )
    # A held case changed when the case itself or this user's assignment to it did.
    numbered = {row["id"]: max(row["change_seq"], holdings.assigned[row["id"]]) for row in rows}
    return sorted(
        (seq, case_id)
        for case_id, seq in numbered.items()
        # The first sync takes everything held, also what was seeded before any numbering.
        if (since == 0 or since < seq) and seq <= upto
    )


async def _removed(actor: Actor, holdings: Holdings, since: int, until: int) -> list[uuid.UUID]:
    # On the first sync the device holds nothing, so there is nothing to forget.
    if since == 0:
        return []
    ended_now = {case_id for case_id, seq in holdings.ended.items() if since < seq <= until}
    # Cases retention deleted (api.retention) are told by a removal row of their own.
    anonymised = await removed_for(actor.user_id, since, until)
    gone = ended_now | holdings.no_longer_allowed | anonymised
    return sorted(gone - holdings.held, key=str)
