"""Facts the access policy needs about cases and people, and the audited ways of saying no.

Separate from the services so that every module of the cases app (cases, consent, conflicts)
can ask the policy without importing the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Combinable
from piccolo.query import Select

from api.accounts.roles import Role
from api.accounts.tables import UserAccount
from api.audit import services as audit
from api.cases.tables import CaseAssignment, CaseParticipant, HouseholdCase
from api.covenant.policy import CaseFacts, Decision, PersonFacts, get_policy
from api.lib.actor import Actor
from api.lib.errors import CaseNotFound, Forbidden
from api.lib.prepared import Param, Prepared

Match = Callable[[Column], Combinable]


def _cases(match: Match) -> Select:
    return HouseholdCase.select(
        HouseholdCase.id, HouseholdCase.director_user, HouseholdCase.director_organisation
    ).where(match(HouseholdCase.id))


def _participants(match: Match) -> Select:
    return CaseParticipant.select(
        CaseParticipant.household_case, CaseParticipant.organisation
    ).where(match(CaseParticipant.household_case))


def _assignments(match: Match) -> Select:
    return CaseAssignment.select(CaseAssignment.household_case, CaseAssignment.user).where(
        match(CaseAssignment.household_case) & CaseAssignment.ended_at.is_null()
    )


# One case is what most requests ask about (a visit, a case's page): its facts in one
# statement, built once (api.lib.prepared); `part` tells the three kinds of row apart.
_ONE_CASE = Prepared(
    lambda: HouseholdCase.raw(
        "SELECT 'case' AS part, director_user AS a, director_organisation AS b "
        "FROM household_case WHERE id = {} "
        "UNION ALL SELECT 'organisation', organisation, NULL FROM case_participant "
        "WHERE household_case = {} "
        "UNION ALL SELECT 'user', \"user\", NULL FROM case_assignment "
        "WHERE household_case = {} AND ended_at IS NULL",
        Param("case_id"),
        Param("case_id"),
        Param("case_id"),
    )
)


def _uuid(value: Any) -> uuid.UUID | None:
    # SQLite hands the columns of a compound select back as text.
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(value)


async def _one_case(case_id: uuid.UUID) -> dict[uuid.UUID, CaseFacts]:
    rows = await _ONE_CASE.run(case_id=case_id)
    parts: dict[str, list[dict[str, Any]]] = {"case": [], "organisation": [], "user": []}
    for row in rows:
        parts[row["part"]].append(row)
    return _facts(
        [
            {
                "id": case_id,
                "director_user": _uuid(row["a"]),
                "director_organisation": _uuid(row["b"]),
            }
            for row in parts["case"]
        ],
        [
            {"household_case": case_id, "organisation": _uuid(row["a"])}
            for row in parts["organisation"]
        ],
        [{"household_case": case_id, "user": _uuid(row["a"])} for row in parts["user"]],
    )


async def load_facts(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, CaseFacts]:
    if not case_ids:
        return {}
    if len(case_ids) == 1:
        return await _one_case(case_ids[0])
    cases, participants, assignments = [
        await build(lambda column: column.is_in(case_ids)).run()
        for build in (_cases, _participants, _assignments)
    ]
    return _facts(cases, participants, assignments)


async def load_assigned_facts(user_id: uuid.UUID) -> dict[uuid.UUID, CaseFacts]:
    """load_facts of every case the user is assigned to now (a pull asks this each time):
    the assignments as a subquery, since binding a few hundred ids costs more than the
    queries themselves."""
    assigned = CaseAssignment.select(CaseAssignment.household_case).where(
        (CaseAssignment.user == user_id) & CaseAssignment.ended_at.is_null()
    )
    cases, participants, assignments = [
        await build(lambda column: column.is_in(assigned)).run()
        for build in (_cases, _participants, _assignments)
    ]
    return _facts(cases, participants, assignments)


def _facts(
    cases: list[dict[str, Any]],
    participants: list[dict[str, Any]],
    assignments: list[dict[str, Any]],
) -> dict[uuid.UUID, CaseFacts]:
    orgs: dict[uuid.UUID, set[uuid.UUID]] = {row["id"]: set() for row in cases}
    users: dict[uuid.UUID, set[uuid.UUID]] = {row["id"]: set() for row in cases}
    for row in participants:
        orgs[row["household_case"]].add(row["organisation"])
    for row in assignments:
        users[row["household_case"]].add(row["user"])
    return {
        row["id"]: CaseFacts(
            case_id=row["id"],
            participant_organisation_ids=frozenset(orgs[row["id"]]),
            assigned_user_ids=frozenset(users[row["id"]]),
            director_user_id=row["director_user"],
            director_organisation_id=row["director_organisation"],
        )
        for row in cases
    }


async def load_person(user_id: uuid.UUID) -> PersonFacts | None:
    row = await (
        UserAccount.select(
            UserAccount.id, UserAccount.organisation, UserAccount.roles, UserAccount.active
        )
        .where(UserAccount.id == user_id)
        .output(load_json=True)
        .first()
        .run()
    )
    if row is None:
        return None
    return PersonFacts(
        user_id=row["id"],
        organisation_id=row["organisation"],
        roles=frozenset(Role(role) for role in row["roles"]),
        active=row["active"],
    )


async def facts_or_refuse(actor: Actor, case_id: uuid.UUID, action: str) -> CaseFacts:
    """The case's facts if the actor may see it; otherwise an audited, non-disclosing 404."""
    facts = (await load_facts([case_id])).get(case_id)
    decision = (
        get_policy().may_view_case(actor, facts) if facts else Decision(False, "no such case")
    )
    if facts is None or not decision:
        await audit.record_refusal(actor, action, "case", case_id, decision.reason)
        raise CaseNotFound()
    return facts


async def refuse(actor: Actor, action: str, case_id: uuid.UUID, decision: Decision) -> None:
    await audit.record_refusal(actor, action, "case", case_id, decision.reason)
    raise Forbidden(decision.reason)
