"""Turning case rows into wire types: summaries, the detail with its timeline, each showing the
reader only the categories of the household's data the covenant lets their organisation see."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from api.accounts.tables import Organisation, UserAccount
from api.cases import consent, legal_duty
from api.cases.schemas import (
    Address,
    CaseDetail,
    CaseSummary,
    Member,
    OrganisationRef,
    PersonRef,
    SignalView,
    TimelineEntry,
)
from api.cases.steps import ProcessStep
from api.cases.tables import CaseEvent, HouseholdCase
from api.covenant.policy import CaseFacts, get_policy
from api.lib.actor import Actor

# The covenant category of each part of a case, in one place. The organisation that signalled
# the case sees all of it; any other sees a part only where the policy may share its category
# with the organisation's kind (by the Wgs legal duty or the household's consent), and gets null
# or an empty list in its place, with `withheld_categories` naming what was left out. This holds
# for the case JSON, the list, the pull and conflicts, and a case edit never changes a withheld
# part. The tenant's name is how the household is reached, so it belongs to the contact details
# (the Wgs signal carries it with the address); the other members, and everyone's birth year,
# are the household's composition.
CONTACT_DETAILS = "contact_details"
HOUSEHOLD_COMPOSITION = "household_composition"
ARREARS_AMOUNT = "arrears_amount"
CASE_FIELD_CATEGORIES: dict[str, str] = {
    "address": CONTACT_DETAILS,
    "members[relation=tenant].name": CONTACT_DETAILS,
    "members": HOUSEHOLD_COMPOSITION,
    "signal.arrears_cents": ARREARS_AMOUNT,
    "signal.arrears_months": ARREARS_AMOUNT,
}
CASE_CATEGORIES = frozenset(CASE_FIELD_CATEGORIES.values())
# A members list is edited whole, so only by someone who sees it whole.
MEMBER_CATEGORIES = frozenset({CONTACT_DETAILS, HOUSEHOLD_COMPOSITION})


async def withheld_for(actor: Actor, rows: list[dict[str, Any]]) -> dict[uuid.UUID, frozenset[str]]:
    """Per case row (with its `signal_source`): the case categories the actor may not see now."""
    facts = await consent.sharing_facts([row["id"] for row in rows])
    policy = get_policy()
    return {
        row["id"]: policy.case_categories_withheld(
            actor, row["signal_source"], facts[row["id"]], CASE_CATEGORIES
        )
        for row in rows
    }


def visible_members(
    members: list[dict[str, Any]], withheld: frozenset[str]
) -> list[dict[str, Any]]:
    shown = []
    for member in members:
        if member.get("relation") == "tenant":
            if CONTACT_DETAILS in withheld:
                continue
            if HOUSEHOLD_COMPOSITION in withheld:
                member = {**member, "birth_year": None}
        elif HOUSEHOLD_COMPOSITION in withheld:
            continue
        shown.append(member)
    return shown


def mask_case_write(body: dict[str, Any], withheld: frozenset[str]) -> dict[str, Any]:
    """A kept case edit (CaseWrite as builtins) as a reader who may not see `withheld` sees it."""
    masked = dict(body)
    if CONTACT_DETAILS in withheld and masked.get("address") is not None:
        masked["address"] = None
    if "members" in masked:
        masked["members"] = visible_members(masked["members"] or [], withheld)
    if ARREARS_AMOUNT in withheld and isinstance(masked.get("signal"), dict):
        masked["signal"] = {**masked["signal"], "arrears_cents": None, "arrears_months": None}
    return masked


@dataclass(slots=True)
class References:
    organisations: dict[uuid.UUID, OrganisationRef]
    people: dict[uuid.UUID, PersonRef]

    @classmethod
    async def load(
        cls,
        case_rows: list[dict[str, Any]],
        organisation_ids: set[uuid.UUID] | None = None,
        user_ids: set[uuid.UUID] | None = None,
    ) -> References:
        org_ids = set(organisation_ids or ())
        people_ids = set(user_ids or ())
        for row in case_rows:
            org_ids |= {row["director_organisation"], row["signal_source"]} - {None}
            people_ids |= {row["director_user"]} - {None}
        organisations = (
            await Organisation.select(Organisation.id, Organisation.name, Organisation.kind)
            .where(Organisation.id.is_in(sorted(org_ids)))
            .run()
            if org_ids
            else []
        )
        people = (
            await UserAccount.select(
                UserAccount.id, UserAccount.display_name, UserAccount.organisation
            )
            .where(UserAccount.id.is_in(sorted(people_ids)))
            .run()
            if people_ids
            else []
        )
        return cls(
            organisations={row["id"]: OrganisationRef(**row) for row in organisations},
            people={
                row["id"]: PersonRef(
                    id=row["id"],
                    display_name=row["display_name"],
                    organisation_id=row["organisation"],
                )
                for row in people
            },
        )

    def organisation(self, organisation_id: uuid.UUID | None) -> OrganisationRef | None:
        return self.organisations.get(organisation_id) if organisation_id else None

    def person(self, user_id: uuid.UUID | None) -> PersonRef | None:
        return self.people.get(user_id) if user_id else None


def _address(row: dict[str, Any], withheld: frozenset[str]) -> Address | None:
    if CONTACT_DETAILS in withheld:
        return None
    postcode = row["postcode"]
    return Address(
        street=row["street"],
        house_number=row["house_number"],
        postcode=f"{postcode[:4]} {postcode[4:]}",
        city=row["city"],
    )


def summary(
    row: dict[str, Any],
    refs: References,
    actor: Actor,
    facts: CaseFacts,
    withheld: frozenset[str],
) -> CaseSummary:
    return CaseSummary(
        id=row["id"],
        version=row["version"],
        address=_address(row, withheld),
        process_step=ProcessStep(row["process_step"]),
        arrears_cents=None if ARREARS_AMOUNT in withheld else row["arrears_cents"],
        signal_date=row["signal_date"],
        director=refs.person(row["director_user"]),
        director_organisation=refs.organisation(row["director_organisation"]),
        assigned_to_me=actor.user_id in facts.assigned_user_ids,
        updated_at=row["updated_at"],
        withheld_categories=sorted(withheld),
    )


async def detail(case_id: uuid.UUID, actor: Actor, facts: CaseFacts) -> CaseDetail:
    """The case as this actor may see it now (asked here, so that no caller can forget)."""
    return (await details([case_id], actor, {case_id: facts}))[0]


async def details(
    case_ids: list[uuid.UUID], actor: Actor, facts: Mapping[uuid.UUID, CaseFacts]
) -> list[CaseDetail]:
    """`detail` for many cases, in the order asked, with a fixed number of queries (each table
    is read once for all of them): a pull's page costs what one case costs."""
    if not case_ids:
        return []
    rows = await (
        HouseholdCase.select()
        .where(HouseholdCase.id.is_in(sorted(set(case_ids))))
        .output(load_json=True)
        .run()
    )
    by_id = {row["id"]: row for row in rows}
    missing = set(case_ids) - set(by_id)
    assert not missing, f"no such case: {sorted(missing)}"
    withheld = await withheld_for(actor, rows)
    timelines = await _timelines(list(by_id))
    refs = await References.load(
        rows,
        organisation_ids=_organisations_named(case_ids, facts, timelines),
        user_ids=_people_named(case_ids, facts, timelines),
    )
    return [
        _detail(by_id[case_id], actor, facts[case_id], withheld[case_id], timelines[case_id], refs)
        for case_id in case_ids
    ]


async def _timelines(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Each case's events, oldest first. Events of one instant (the demo seeds some) come in
    the order of their ids: without a tie-break the database may order them one way for one
    case and another for a page of cases, and a case would read differently in a pull."""
    events = await (
        CaseEvent.select()
        .where(CaseEvent.household_case.is_in(sorted(case_ids)))
        .order_by(CaseEvent.at, CaseEvent.id)
        .output(load_json=True)
        .run()
    )
    timelines: dict[uuid.UUID, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
    for event in events:
        timelines[event["household_case"]].append(event)
    return timelines


def _organisations_named(
    case_ids: list[uuid.UUID],
    facts: Mapping[uuid.UUID, CaseFacts],
    timelines: Mapping[uuid.UUID, list[dict[str, Any]]],
) -> set[uuid.UUID]:
    named: set[uuid.UUID] = set()
    for case_id in case_ids:
        named |= facts[case_id].participant_organisation_ids
        named |= {e["actor_organisation"] for e in timelines[case_id] if e["actor_organisation"]}
    return named


def _people_named(
    case_ids: list[uuid.UUID],
    facts: Mapping[uuid.UUID, CaseFacts],
    timelines: Mapping[uuid.UUID, list[dict[str, Any]]],
) -> set[uuid.UUID]:
    named: set[uuid.UUID] = set()
    for case_id in case_ids:
        named |= facts[case_id].assigned_user_ids
        named |= {e["actor_user"] for e in timelines[case_id] if e["actor_user"]}
    return named


def _detail(
    row: dict[str, Any],
    actor: Actor,
    facts: CaseFacts,
    withheld: frozenset[str],
    events: list[dict[str, Any]],
    refs: References,
) -> CaseDetail:
    return CaseDetail(
        id=row["id"],
        version=row["version"],
        address=_address(row, withheld),
        members=msgspec.convert(visible_members(row["members"], withheld), list[Member]),
        signal=SignalView(
            arrears_cents=None if ARREARS_AMOUNT in withheld else row["arrears_cents"],
            arrears_months=None if ARREARS_AMOUNT in withheld else row["arrears_months"],
            signal_date=row["signal_date"],
            source_organisation_id=row["signal_source"],
        ),
        wgs=legal_duty.legal_duty_view(row),
        withheld_categories=sorted(withheld),
        process_step=ProcessStep(row["process_step"]),
        director=refs.person(row["director_user"]),
        director_organisation=refs.organisation(row["director_organisation"]),
        participants=sorted(
            (o for i in facts.participant_organisation_ids if (o := refs.organisation(i))),
            key=lambda org: org.name,
        ),
        assigned=sorted(
            (p for i in facts.assigned_user_ids if (p := refs.person(i))),
            key=lambda person: person.display_name,
        ),
        assigned_to_me=actor.user_id in facts.assigned_user_ids,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        timeline=[
            TimelineEntry(
                id=event["id"],
                kind=event["kind"],
                at=event["at"],
                actor=refs.person(event["actor_user"]),
                organisation=refs.organisation(event["actor_organisation"]),
                data=event["data"],
                note=event["note"],
            )
            for event in events
        ],
    )
