"""Consent and the legal duty: what may be shared about a household, and the record of it.

A household decides per information category and receiving kind of organisation: given or
refused. A newer decision for a pair supersedes the current one and both are kept, so the table
is the history. The Wgs facts (api.cases.legal_duty: the landlord's conditions, the tenant's
objection) live on the case. `sharing_facts` reads both for the policy's `may_share` at each
read, so a withdrawal counts from the next read on; recording a decision also numbers the case
as changed (api.sync.protocol), so that devices holding it pull what they may hold now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.accounts.tables import Organisation, UserAccount
from api.audit import services as audit
from api.cases.access import facts_or_refuse, refuse
from api.cases.events import record_event
from api.cases.legal_duty import legal_duties_met, legal_duty_view
from api.cases.schemas import (
    ConsentCell,
    ConsentEntry,
    ConsentOverview,
    ConsentWrite,
    CovenantLabel,
    OrganisationRef,
    PersonRef,
)
from api.cases.tables import ConsentRecord, HouseholdCase
from api.covenant.loader import Basis
from api.covenant.policy import SharingFacts, get_policy
from api.lib.actor import Actor
from api.lib.db import after, carrier, now, write_transaction
from api.lib.errors import ConsentNotPossible, ConsentPairRepeated, UnknownCode
from api.lib.ids import new_ids
from api.lib.prepared import Param, Prepared
from api.settings import get_settings
from api.sync.protocol import number_at_commit

Pair = tuple[str, str]  # (information category, receiving organisation kind)
GIVEN, REFUSED = "given", "refused"


# Reading the facts for the policy -------------------------------------------------------------
async def sharing_facts(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, SharingFacts]:
    """The household's consent given now and the legal duties met now, per case.

    Every id asked for gets an entry; a case that does not exist has no consent and no duty.
    """
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    cases = await (
        HouseholdCase.select(
            HouseholdCase.id, HouseholdCase.wgs_conditions, HouseholdCase.objected_to_sharing
        )
        .where(HouseholdCase.id.is_in(ids))
        .output(load_json=True)
        .run()
    )
    given = await (
        ConsentRecord.select(
            ConsentRecord.household_case, ConsentRecord.category, ConsentRecord.recipient_kind
        )
        .where(
            ConsentRecord.household_case.is_in(ids)
            & ConsentRecord.superseded_at.is_null()
            & (ConsentRecord.decision == GIVEN)
        )
        .run()
    )
    pairs: dict[uuid.UUID, set[Pair]] = {case_id: set() for case_id in ids}
    for row in given:
        pairs[row["household_case"]].add((row["category"], row["recipient_kind"]))
    duties = {
        row["id"]: legal_duties_met(row["wgs_conditions"], row["objected_to_sharing"])
        for row in cases
    }
    return {
        case_id: SharingFacts(
            case_id=case_id,
            consent_given=frozenset(pairs[case_id]),
            legal_duties_met=duties.get(case_id, frozenset()),
        )
        for case_id in ids
    }


# Recording decisions ---------------------------------------------------------------------------
# Both run for every visit with consent answers: built once (api.lib.prepared).
_LOCK_CASE = Prepared(
    lambda: (
        HouseholdCase.select(HouseholdCase.id)
        .where(HouseholdCase.id == Param("case_id"))
        .lock_rows("NO KEY UPDATE")
    )
)
_CURRENT = Prepared(
    lambda: ConsentRecord.select(
        ConsentRecord.id,
        ConsentRecord.category,
        ConsentRecord.recipient_kind,
        ConsentRecord.decision,
        ConsentRecord.decided_at,
    ).where(
        (ConsentRecord.household_case == Param("case_id")) & ConsentRecord.superseded_at.is_null()
    )
)


async def _lock_case(case_id: uuid.UUID) -> None:
    """Two recordings for one household queue here instead of both superseding the same row.
    (SQLite's IMMEDIATE write transaction already lets one writer in at a time.)

    NO KEY UPDATE, not UPDATE: a visit or a consent row inserted earlier in the transaction
    already holds the case's row for KEY SHARE (its foreign key check), and so may another
    recording's; FOR UPDATE would wait for that one while it waits for us, a deadlock PostgreSQL
    breaks only after a second, with a 500."""
    if get_settings().uses_postgres:
        await _LOCK_CASE.run(case_id=case_id)


async def record_decisions(
    actor: Actor,
    case_id: uuid.UUID,
    decisions: Mapping[Pair, str],
    *,
    source: str,
    decided_at: dt.datetime,
    visit_id: uuid.UUID | None = None,
    note: str = "",
    skip_unchanged: bool = False,
    case_locked: bool = False,
) -> int:
    """Record decisions inside the caller's write transaction; the number recorded.

    A decision newer than the pair's current one supersedes it. An older one (a visit that
    synced after a later call was recorded) joins the history as superseded at once, so it
    cannot undo what the household decided after it. `skip_unchanged` leaves out a decision that
    repeats the current one: a resent phone or letter record is then not a second entry.
    `case_locked`: the caller's transaction took the case's lock already (a visit's insert).
    """
    if decided_at.tzinfo is None:
        decided_at = decided_at.replace(tzinfo=dt.UTC)
    if not case_locked:
        await _lock_case(case_id)
    current = {
        (row["category"], row["recipient_kind"]): row for row in await _CURRENT.run(case_id=case_id)
    }
    at = now()
    superseded: list[tuple[uuid.UUID, uuid.UUID]] = []  # (current record, the one after it)
    rows: list[_NewRow] = []
    recorded: dict[str, list[str]] = {GIVEN: [], REFUSED: []}
    ids = new_ids(len(decisions))
    for ((category, kind), decision), new_id in zip(decisions.items(), ids, strict=True):
        old = current.get((category, kind))
        if skip_unchanged and old is not None and old["decision"] == decision:
            continue
        late = old is not None and decided_at < old["decided_at"]
        if old is not None and not late:
            superseded.append((old["id"], new_id))
        rows.append(
            (
                new_id,
                category,
                kind,
                decision,
                at if late else None,
                old["id"] if late and old is not None else None,
            )
        )
        recorded[decision].append(f"{category}/{kind}")
    if not rows:
        return 0
    # The current records step aside before their successors arrive: at most one current
    # decision per pair (the unique index consent_record_current_once).
    await _write(
        superseded,
        at,
        rows,
        _Shared(
            household_case=case_id,
            decided_at=decided_at,
            source=source,
            source_visit=visit_id,
            note=note,
            recorded_by=actor.user_id,
            recorded_by_organisation=actor.organisation_id,
            recorded_at=at,
        ),
    )
    data: dict[str, Any] = {
        "source": source,
        "given": recorded[GIVEN],
        "refused": recorded[REFUSED],
    }
    if visit_id is not None:
        data["visit_id"] = str(visit_id)
    await record_event(actor, case_id, "consent_recorded", data, note)
    # What a device holding the case may see changed: it pulls the case again (a smaller one
    # after a withdrawal). The version stays: consent is no edit of the case's own fields.
    await number_at_commit(HouseholdCase, case_id)
    return len(rows)


# One statement each for superseding and inserting a recording's records: a kitchen-table visit
# carries 36 answers, and an UPDATE per answer plus Piccolo building a 36-row INSERT was a third
# of what receiving a visit cost. PostgreSQL gets arrays (one statement text, prepared once per
# connection); SQLite, which has no arrays, a placeholder per value.

# A new record: id, category, recipient kind, decision, superseded_at, superseded_by.
_NewRow = tuple[uuid.UUID, str, str, str, dt.datetime | None, uuid.UUID | None]


@dataclass(frozen=True, slots=True)
class _Shared:
    """What every record of one recording has in common."""

    household_case: uuid.UUID
    decided_at: dt.datetime
    source: str
    source_visit: uuid.UUID | None
    note: str
    recorded_by: uuid.UUID
    recorded_by_organisation: uuid.UUID
    recorded_at: dt.datetime


_COLUMNS = (
    "id, household_case, category, recipient_kind, decision, decided_at, source, source_visit, "
    "note, recorded_by, recorded_by_organisation, recorded_at, superseded_at, superseded_by"
)
if _COLUMNS.split(", ") != [column._meta.db_column_name for column in ConsentRecord._meta.columns]:
    raise RuntimeError("consent_record's columns changed: update _COLUMNS and the INSERTs below")
_PG_SUPERSEDE = (
    "UPDATE consent_record AS c SET superseded_at = {}::timestamptz, superseded_by = s.new_id "
    "FROM unnest({}::uuid[], {}::uuid[]) AS s(old_id, new_id) WHERE c.id = s.old_id"
)
_PG_INSERT = (
    "INSERT INTO consent_record (" + _COLUMNS + ") "
    "SELECT n.id, {}::uuid, n.category, n.recipient_kind, n.decision, {}::timestamptz, "
    "{}::varchar, {}::uuid, {}::varchar, {}::uuid, {}::uuid, {}::timestamptz, "
    "n.superseded_at, n.superseded_by "
    "FROM unnest({}::uuid[], {}::varchar[], {}::varchar[], {}::varchar[], {}::timestamptz[], "
    "{}::uuid[]) AS n(id, category, recipient_kind, decision, superseded_at, superseded_by)"
)


async def _write(
    superseded: list[tuple[uuid.UUID, uuid.UUID]],
    at: dt.datetime,
    rows: list[_NewRow],
    shared: _Shared,
) -> None:
    """Mark each current record (first of `superseded`) superseded at `at` by its successor
    (second), then insert the new records. On PostgreSQL both ride on the transaction's last
    statement (api.lib.db.CommitScope): nothing reads them before COMMIT, and the case's row
    lock keeps other recordings out until then."""
    scope = carrier()
    if scope is not None:
        gate = ""
        if superseded:
            old_ids, successors = zip(*superseded, strict=True)
            name = scope.carry(
                _PG_SUPERSEDE + " RETURNING 1", (at, list(old_ids), list(successors))
            )
            # The current records step aside first (consent_record_current_once).
            gate = f" WHERE {after(name)}"
        scope.carry(_PG_INSERT + gate + " RETURNING 1", _pg_insert_values(rows, shared))
        return
    await _supersede(superseded, at)
    await _insert(rows, shared)


async def _supersede(pairs: list[tuple[uuid.UUID, uuid.UUID]], at: dt.datetime) -> None:
    if not pairs:
        return
    if get_settings().uses_postgres:
        old_ids, successors = zip(*pairs, strict=True)
        await ConsentRecord.raw(_PG_SUPERSEDE, at, list(old_ids), list(successors)).run()
        return
    cases = " ".join("WHEN {} THEN {}" for _ in pairs)
    ids = ", ".join("{}" for _ in pairs)
    await ConsentRecord.raw(
        # Only placeholders are joined in; the values travel as parameters.
        f"UPDATE consent_record SET superseded_at = {{}}, superseded_by = CASE id {cases} END "  # noqa: S608
        f"WHERE id IN ({ids})",
        at,
        *[value for pair in pairs for value in pair],
        *[old_id for old_id, _ in pairs],
    ).run()


def _shared_values(shared: _Shared) -> list[Any]:
    """In the order of _COLUMNS after category, recipient kind and decision."""
    return [
        shared.decided_at,
        shared.source,
        shared.source_visit,
        shared.note,
        shared.recorded_by,
        shared.recorded_by_organisation,
        shared.recorded_at,
    ]


def _pg_insert_values(rows: list[_NewRow], shared: _Shared) -> list[Any]:
    return [
        shared.household_case,
        *_shared_values(shared),
        *[list(column) for column in zip(*rows, strict=True)],
    ]


async def _insert(rows: list[_NewRow], shared: _Shared) -> None:
    if get_settings().uses_postgres:
        await ConsentRecord.raw(_PG_INSERT, *_pg_insert_values(rows, shared)).run()
        return
    placeholders = ", ".join(
        "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})" for _ in rows
    )
    common = _shared_values(shared)
    values: list[Any] = []
    for new_id, category, kind, decision, superseded_at, superseded_by in rows:
        values += (
            new_id,
            shared.household_case,
            category,
            kind,
            decision,
            *common,
            superseded_at,
            superseded_by,
        )
    await ConsentRecord.raw(
        f"INSERT INTO consent_record ({_COLUMNS}) VALUES {placeholders}",  # noqa: S608
        *values,
    ).run()


async def record_from_visit(
    actor: Actor,
    case_id: uuid.UUID,
    visit_id: uuid.UUID,
    grids: list[Mapping[str, Mapping[str, str]]],
    finalized_at: dt.datetime,
    replaces: uuid.UUID | None,
    *,
    case_locked: bool = False,
) -> int:
    """A received visit's consent answers (category -> kind -> given|refused) become records,
    inside the visit's transaction; the resident signed them with the visit.

    A correction (`replaces`) that no longer gives a pair the replaced visit gave, refused or
    left out, withdraws it: the narrower answer is what the household signed last.
    """
    decisions: dict[Pair, str] = {}
    for grid in grids:
        for category, per_kind in grid.items():
            for kind, decision in per_kind.items():
                decisions[(category, kind)] = decision
    if replaces is not None:
        earlier = await (
            ConsentRecord.select(ConsentRecord.category, ConsentRecord.recipient_kind)
            .where(
                (ConsentRecord.household_case == case_id)
                & (ConsentRecord.source_visit == replaces)
                & (ConsentRecord.decision == GIVEN)
                & ConsentRecord.superseded_at.is_null()
            )
            .run()
        )
        for row in earlier:
            pair = (row["category"], row["recipient_kind"])
            if decisions.get(pair) != GIVEN:
                decisions[pair] = REFUSED
    if not decisions:
        return 0
    # A tablet's clock can run ahead; a decision is never dated after it reached the server.
    decided_at = min(
        finalized_at if finalized_at.tzinfo else finalized_at.replace(tzinfo=dt.UTC), now()
    )
    count = await record_decisions(
        actor,
        case_id,
        decisions,
        source="visit",
        decided_at=decided_at,
        visit_id=visit_id,
        case_locked=case_locked,
    )
    if count:
        await audit.record(actor, "consent", "case", [case_id], detail=f"visit {visit_id}")
    return count


# The consent endpoints -------------------------------------------------------------------------
def _checked_pairs(body: ConsentWrite) -> dict[Pair, str]:
    covenant = get_policy().covenant
    decisions: dict[Pair, str] = {}
    for index, item in enumerate(body.decisions):
        where = f"decisions[{index}]"
        if item.category not in covenant.information_categories:
            raise UnknownCode(
                f"The covenant has no information category {item.category!r}.",
                field=f"{where}.category",
            )
        if item.recipient_kind not in covenant.organisation_kinds:
            raise UnknownCode(
                f"The covenant has no organisation kind {item.recipient_kind!r}.",
                field=f"{where}.recipient_kind",
            )
        if covenant.basis(item.category, item.recipient_kind) is Basis.NEVER:
            raise ConsentNotPossible(
                f"The covenant never shares {item.category} with {item.recipient_kind}; "
                "consent cannot change that.",
                field=where,
            )
        pair = (item.category, item.recipient_kind)
        if pair in decisions:
            raise ConsentPairRepeated(f"{item.category}/{item.recipient_kind} appears twice.")
        decisions[pair] = item.decision
    return decisions


async def put_consent(actor: Actor, case_id: uuid.UUID, body: ConsentWrite) -> ConsentOverview:
    """Record what the household decided by phone or letter, by the worker who took it down."""
    facts = await facts_or_refuse(actor, case_id, "consent")
    decision = get_policy().may_edit_case(actor, facts)
    if not decision:
        await refuse(actor, "consent", case_id, decision)
    decisions = _checked_pairs(body)
    async with write_transaction():
        count = await record_decisions(
            actor,
            case_id,
            decisions,
            source=body.source,
            decided_at=now(),
            note=body.note,
            skip_unchanged=True,
        )
        await audit.record(
            actor, "consent", "case", [case_id], detail=f"{body.source}: {count} recorded"
        )
    return await _overview(case_id)


async def get_consent(actor: Actor, case_id: uuid.UUID) -> ConsentOverview:
    await facts_or_refuse(actor, case_id, "read")
    overview = await _overview(case_id)
    await audit.record(actor, "read", "case", [case_id], detail="consent")
    return overview


async def _overview(case_id: uuid.UUID) -> ConsentOverview:
    policy = get_policy()
    covenant = policy.covenant
    case = await (
        HouseholdCase.select(HouseholdCase.wgs_conditions, HouseholdCase.objected_to_sharing)
        .where(HouseholdCase.id == case_id)
        .output(load_json=True)
        .first()
        .run()
    )
    assert case is not None
    records = await (
        ConsentRecord.select()
        .where(ConsentRecord.household_case == case_id)
        .order_by(ConsentRecord.decided_at, ascending=False)
        .order_by(ConsentRecord.recorded_at, ascending=False)
        .run()
    )
    people, organisations = await _references(records)
    entries = [consent_entry(row, people, organisations) for row in records]
    current = {(e.category, e.recipient_kind): e for e in entries if e.superseded_at is None}
    facts = (await sharing_facts([case_id]))[case_id]
    cells: list[ConsentCell] = []
    for category, info in covenant.information_categories.items():
        for kind, kind_label in covenant.organisation_kinds.items():
            basis = covenant.basis(category, kind)
            duty = next(
                (
                    name
                    for name, duty in covenant.legal_duty.items()
                    if duty.to_kind == kind and category in duty.categories
                ),
                None,
            )
            entry = current.get((category, kind))
            cells.append(
                ConsentCell(
                    category=category,
                    category_label=CovenantLabel(nl=info.label.nl, en=info.label.en),
                    recipient_kind=kind,
                    recipient_kind_label=CovenantLabel(nl=kind_label.nl, en=kind_label.en),
                    basis=basis.value,  # type: ignore[arg-type]
                    legal_duty=duty if basis is Basis.LEGAL_DUTY else None,
                    legal_duty_met=(duty in facts.legal_duties_met)
                    if basis is Basis.LEGAL_DUTY
                    else None,
                    decision=entry.decision if entry else None,
                    shared=bool(policy.may_share(category, kind, facts)),
                    current=entry,
                )
            )
    return ConsentOverview(case_id=case_id, wgs=legal_duty_view(case), cells=cells, history=entries)


async def _references(
    records: list[dict[str, Any]],
) -> tuple[dict[uuid.UUID, PersonRef], dict[uuid.UUID, OrganisationRef]]:
    user_ids = sorted({row["recorded_by"] for row in records})
    org_ids = sorted({row["recorded_by_organisation"] for row in records})
    people = (
        await UserAccount.select(UserAccount.id, UserAccount.display_name, UserAccount.organisation)
        .where(UserAccount.id.is_in(user_ids))
        .run()
        if user_ids
        else []
    )
    organisations = (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.id.is_in(org_ids))
        .run()
        if org_ids
        else []
    )
    return (
        {
            row["id"]: PersonRef(
                id=row["id"], display_name=row["display_name"], organisation_id=row["organisation"]
            )
            for row in people
        },
        {row["id"]: OrganisationRef(**row) for row in organisations},
    )


def consent_entry(
    row: dict[str, Any],
    people: dict[uuid.UUID, PersonRef],
    organisations: dict[uuid.UUID, OrganisationRef],
) -> ConsentEntry:
    return ConsentEntry(
        id=row["id"],
        category=row["category"],
        recipient_kind=row["recipient_kind"],
        decision=row["decision"],
        decided_at=row["decided_at"],
        source=row["source"],
        visit_id=row["source_visit"],
        note=row["note"],
        recorded_by=people.get(row["recorded_by"]),
        recorded_by_organisation=organisations.get(row["recorded_by_organisation"]),
        recorded_at=row["recorded_at"],
        superseded_at=row["superseded_at"],
        superseded_by=row["superseded_by"],
    )
