"""Turning case rows into wire types: summaries, the detail with its timeline."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import msgspec

from api.accounts.tables import Organisation, UserAccount
from api.cases.schemas import (
    Address,
    CaseDetail,
    CaseSummary,
    Member,
    OrganisationRef,
    PersonRef,
    Signal,
    TimelineEntry,
)
from api.cases.steps import ProcessStep
from api.cases.tables import CaseEvent, HouseholdCase
from api.covenant.policy import CaseFacts
from api.lib.actor import Actor


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


def _address(row: dict[str, Any]) -> Address:
    postcode = row["postcode"]
    return Address(
        street=row["street"],
        house_number=row["house_number"],
        postcode=f"{postcode[:4]} {postcode[4:]}",
        city=row["city"],
    )


def summary(row: dict[str, Any], refs: References, actor: Actor, facts: CaseFacts) -> CaseSummary:
    return CaseSummary(
        id=row["id"],
        version=row["version"],
        address=_address(row),
        process_step=ProcessStep(row["process_step"]),
        arrears_cents=row["arrears_cents"],
        signal_date=row["signal_date"],
        director=refs.person(row["director_user"]),
        director_organisation=refs.organisation(row["director_organisation"]),
        assigned_to_me=actor.user_id in facts.assigned_user_ids,
        updated_at=row["updated_at"],
    )


async def detail(case_id: uuid.UUID, actor: Actor, facts: CaseFacts) -> CaseDetail:
    row = await (
        HouseholdCase.select()
        .where(HouseholdCase.id == case_id)
        .output(load_json=True)
        .first()
        .run()
    )
    assert row is not None
    events = await (
        CaseEvent.select()
        .where(CaseEvent.household_case == case_id)
        .order_by(CaseEvent.at)
        .output(load_json=True)
        .run()
    )
    refs = await References.load(
        [row],
        organisation_ids=set(facts.participant_organisation_ids)
        | {e["actor_organisation"] for e in events if e["actor_organisation"]},
        user_ids=set(facts.assigned_user_ids)
        | {e["actor_user"] for e in events if e["actor_user"]},
    )
    return CaseDetail(
        id=row["id"],
        version=row["version"],
        address=_address(row),
        members=msgspec.convert(row["members"], list[Member]),
        signal=Signal(
            arrears_cents=row["arrears_cents"],
            arrears_months=row["arrears_months"],
            signal_date=row["signal_date"],
            source_organisation_id=row["signal_source"],
        ),
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
