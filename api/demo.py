"""The demo network: invented organisations, people and households. Never a real person.

Run by `keukentafel seed-demo` (and `make run`) on an empty, non-production database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass

from api.accounts.passwords import hash_password
from api.accounts.roles import Role
from api.accounts.tables import Organisation, UserAccount
from api.cases.steps import ProcessStep
from api.cases.tables import (
    CaseAssignment,
    CaseEvent,
    CaseParticipant,
    ConsentRecord,
    HouseholdCase,
)
from api.covenant.loader import load_covenant
from api.lib.db import now, write_transaction

# Stable ids, derived from names, so demo links and tests can name them.
_NAMESPACE = uuid.UUID("6b1f3c52-5c0e-4a43-9d3e-1f2a4b5c6d7e")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, name)


ORGANISATIONS = {
    "rivierstad": ("Gemeente Rivierstad", "municipality"),
    "heuvelland": ("Gemeente Heuvelland", "municipality"),
    "thuisbasis": ("Woonstichting Thuisbasis", "housing_corporation"),
    "ggd": ("GGD Regio Middenvallei", "ggd"),
    "welzijn": ("Welzijn Samen Verder", "social_work"),
    "schuldhulp": ("Schuldhulp Op Orde", "debt_counselling"),
    "politie": ("Politie Basisteam Rivierstad", "police"),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    organisation: str
    roles: tuple[Role, ...]
    description: str


ACCOUNTS = [
    DemoAccount(
        "fieldworker",
        "Sanne Veldhoven",
        "thuisbasis",
        (Role.FIELD_WORKER,),
        "housing corporation field worker",
    ),
    DemoAccount(
        "supervisor",
        "Ruud Kampstra",
        "thuisbasis",
        (Role.SUPERVISOR,),
        "housing corporation supervisor",
    ),
    DemoAccount(
        "municipality",
        "Yara El Amrani",
        "rivierstad",
        (Role.FIELD_WORKER,),
        "municipal outreach worker, case director",
    ),
    DemoAccount(
        "municipality-supervisor",
        "Henk Dijkveld",
        "rivierstad",
        (Role.SUPERVISOR,),
        "municipal supervisor",
    ),
    DemoAccount("ggd", "Ilse Brandsma", "ggd", (Role.FIELD_WORKER,), "GGD nurse"),
    DemoAccount("ggd-supervisor", "Tomas Wielinga", "ggd", (Role.SUPERVISOR,), "GGD supervisor"),
    DemoAccount("socialwork", "Fenna Oosterbeek", "welzijn", (Role.FIELD_WORKER,), "social worker"),
    DemoAccount(
        "debtcounsel", "Mehmet Korkmazlar", "schuldhulp", (Role.FIELD_WORKER,), "debt counsellor"
    ),
    DemoAccount(
        "police",
        "Joost Hazelhoef",
        "politie",
        (Role.FIELD_WORKER,),
        "community police officer (wijkagent)",
    ),
    DemoAccount(
        "admin",
        "Anouk Beheersma",
        "rivierstad",
        (Role.FUNCTIONAL_ADMIN,),
        "functional administrator",
    ),
]

# (household name, street, number, postcode, city, arrears EUR, months, step, extra orgs,
#  assigned usernames, director username)
HOUSEHOLDS = [
    (
        "Familie Brinkhorst",
        "Wilgenlaan",
        "12",
        "7411AB",
        "Rivierstad",
        640,
        2,
        ProcessStep.SIGNAL,
        [],
        ["fieldworker"],
        "fieldworker",
    ),
    (
        "Mevrouw Olderink",
        "Kade",
        "3a",
        "7411CD",
        "Rivierstad",
        1210,
        3,
        ProcessStep.CONTACT_ATTEMPTS,
        [],
        ["fieldworker"],
        "fieldworker",
    ),
    (
        "Familie Tjoeng-Aarts",
        "Molenstraat",
        "88",
        "7412EF",
        "Rivierstad",
        980,
        2,
        ProcessStep.KITCHEN_TABLE_VISIT,
        ["rivierstad"],
        ["fieldworker", "municipality"],
        "municipality",
    ),
    (
        "De heer Vossenberg",
        "Populierenhof",
        "5",
        "7412GH",
        "Rivierstad",
        2350,
        5,
        ProcessStep.PLAN,
        ["rivierstad", "schuldhulp"],
        ["municipality", "debtcounsel"],
        "municipality",
    ),
    (
        "Familie Ramdin-Klaver",
        "Oeverweg",
        "41",
        "7413JK",
        "Rivierstad",
        3100,
        6,
        ProcessStep.CASE_MEETING,
        ["rivierstad", "ggd", "welzijn"],
        ["municipality", "ggd", "socialwork", "fieldworker"],
        "municipality",
    ),
    (
        "Mevrouw Heikamp",
        "Dijkstraat",
        "17",
        "7413LM",
        "Rivierstad",
        4200,
        7,
        ProcessStep.BAILIFF,
        ["rivierstad"],
        ["fieldworker"],
        "municipality",
    ),
    (
        "Familie Noordermeer",
        "Sluisplein",
        "2",
        "7414NP",
        "Rivierstad",
        5100,
        8,
        ProcessStep.COURT,
        ["rivierstad", "schuldhulp"],
        ["municipality", "debtcounsel"],
        "municipality",
    ),
    (
        "De heer Kalverdijk",
        "Brugstraat",
        "60",
        "7414RS",
        "Rivierstad",
        3900,
        9,
        ProcessStep.LAST_CHANCE_AGREEMENT,
        ["rivierstad", "welzijn"],
        ["municipality", "socialwork"],
        "municipality",
    ),
    (
        "Familie Zwanenburg-Pelt",
        "Rietkraag",
        "9",
        "7415TV",
        "Rivierstad",
        0,
        0,
        ProcessStep.AFTERCARE,
        ["rivierstad", "welzijn"],
        ["socialwork"],
        "municipality",
    ),
    (
        "Mevrouw Lindeboom",
        "Gracht",
        "14",
        "7415WX",
        "Rivierstad",
        0,
        0,
        ProcessStep.CLOSED,
        ["rivierstad"],
        [],
        "municipality",
    ),
    (
        "Familie Ekinci-Meulen",
        "Heidepad",
        "23",
        "7421AB",
        "Heuvelland",
        720,
        2,
        ProcessStep.CONTACT_ATTEMPTS,
        [],
        ["fieldworker"],
        "fieldworker",
    ),
    (
        "De heer Stoutjesberg",
        "Bergweg",
        "101",
        "7421CD",
        "Heuvelland",
        1450,
        3,
        ProcessStep.KITCHEN_TABLE_VISIT,
        ["heuvelland", "ggd"],
        ["fieldworker", "ggd"],
        "fieldworker",
    ),
    (
        "Familie Akkerhuis",
        "Esweg",
        "7",
        "7422EF",
        "Heuvelland",
        2600,
        4,
        ProcessStep.PLAN,
        ["heuvelland", "schuldhulp"],
        ["debtcounsel", "fieldworker"],
        "fieldworker",
    ),
    (
        "Mevrouw Van Driel-Ommen",
        "Kapelstraat",
        "30",
        "7422GH",
        "Heuvelland",
        1890,
        4,
        ProcessStep.KITCHEN_TABLE_VISIT,
        ["heuvelland"],
        ["fieldworker"],
        "fieldworker",
    ),
    (
        "Familie Bosgraaf",
        "Lindelaan",
        "56",
        "7423JK",
        "Heuvelland",
        6100,
        11,
        ProcessStep.EVICTION,
        ["heuvelland", "politie", "ggd"],
        ["police", "ggd"],
        "supervisor",
    ),
    (
        "De heer Wouterse",
        "Akkerstraat",
        "4",
        "7411NP",
        "Rivierstad",
        850,
        2,
        ProcessStep.SIGNAL,
        [],
        [],
        "supervisor",
    ),
    (
        "Familie Goedhart-Yilmaz",
        "Veenweg",
        "77",
        "7412RS",
        "Rivierstad",
        1320,
        3,
        ProcessStep.CONTACT_ATTEMPTS,
        ["rivierstad"],
        ["municipality"],
        "municipality",
    ),
    (
        "Mevrouw Scheepmaker",
        "Havenkade",
        "19",
        "7413TV",
        "Rivierstad",
        2780,
        5,
        ProcessStep.PLAN,
        ["rivierstad", "ggd", "politie"],
        ["municipality", "ggd", "police"],
        "municipality",
    ),
    (
        "Familie Hoogeveen-Baars",
        "Kerkpad",
        "6",
        "7414WX",
        "Rivierstad",
        1100,
        3,
        ProcessStep.KITCHEN_TABLE_VISIT,
        ["rivierstad", "welzijn"],
        ["fieldworker", "socialwork"],
        "municipality",
    ),
    (
        "De heer Mulderije",
        "Stationsweg",
        "45",
        "7415AB",
        "Rivierstad",
        3350,
        6,
        ProcessStep.CASE_MEETING,
        ["rivierstad", "schuldhulp", "ggd"],
        ["municipality", "debtcounsel", "ggd"],
        "municipality",
    ),
]

# What the households agreed to by phone or letter, per receiving kind, before the demo visits
# (which record their own signed grids through the real service). Where a municipality directs
# a case the landlord recorded the four Wgs conditions, so the municipality also sees the
# address and the arrears by law. Mevrouw Heikamp gave no consent (her municipality sees what
# the law gives it, not her household), the Goedhart-Yilmaz family refused the municipality
# their household's composition, and the police sees contact details only.
DEMO_CONSENT: dict[str, tuple[str, ...]] = {
    "municipality": ("household_composition", "agreements"),
    "ggd": ("contact_details", "household_composition", "agreements"),
    "social_work": ("contact_details", "household_composition", "agreements"),
    "debt_counselling": (
        "contact_details",
        "arrears_amount",
        "household_composition",
        "debts",
        "agreements",
    ),
    "police": ("contact_details",),
}
NO_DEMO_CONSENT = frozenset({"Mevrouw Heikamp"})
DEMO_REFUSALS = frozenset({("Familie Goedhart-Yilmaz", "household_composition", "municipality")})

_FIRST_NAMES = ["Lotte", "Bram", "Noor", "Daan", "Sem", "Mila", "Jesse", "Fleur"]
_STEPS = list(ProcessStep)


def _members(name: str, index: int) -> list[dict[str, object]]:
    surname = name.split(" ", 1)[1]
    tenant = {
        "member_id": str(demo_id(f"{name}/tenant")),
        "name": f"{_FIRST_NAMES[index % 8]} {surname}",
        "relation": "tenant",
        "birth_year": 1960 + index * 2,
    }
    if not name.startswith("Familie"):
        return [tenant]
    child = {
        "member_id": str(demo_id(f"{name}/child")),
        "name": f"{_FIRST_NAMES[(index + 3) % 8]} {surname.split('-')[0]}",
        "relation": "child",
        "birth_year": 2010 + index % 10,
    }
    return [tenant, child]


async def is_empty() -> bool:
    return not await Organisation.exists().run()


async def seed(password: str) -> None:
    at = now()
    password_hash = hash_password(password)
    users = {account.username: demo_id(f"user/{account.username}") for account in ACCOUNTS}
    user_org = {a.username: demo_id(f"org/{a.organisation}") for a in ACCOUNTS}
    async with write_transaction():
        await Organisation.insert(
            *[
                Organisation(id=demo_id(f"org/{key}"), name=name, kind=kind, created_at=at)
                for key, (name, kind) in ORGANISATIONS.items()
            ]
        ).run()
        await UserAccount.insert(
            *[
                UserAccount(
                    id=users[a.username],
                    username=a.username,
                    display_name=a.display_name,
                    organisation=user_org[a.username],
                    roles=[r.value for r in a.roles],
                    password_hash=password_hash,
                    created_at=at,
                )
                for a in ACCOUNTS
            ]
        ).run()
        for index, household in enumerate(HOUSEHOLDS):
            await _seed_case(index, household, users, user_org, at)
    # Visits go through the services, each in its own transaction, once the cases exist.
    from api.demo_visits import seed_visits

    await seed_visits(at)


async def _seed_case(
    index: int,
    household: tuple,  # type: ignore[type-arg]
    users: dict[str, uuid.UUID],
    user_org: dict[str, uuid.UUID],
    at: dt.datetime,
) -> None:
    name, street, number, postcode, city, euros, months, step, orgs, assigned, director = household
    case_id = demo_id(f"case/{name}")
    housing = demo_id("org/thuisbasis")
    signal_day = (at - dt.timedelta(days=30 * months + 10)).date()
    municipality_directs = ORGANISATIONS[_organisation_of(director)][1] == "municipality"
    wgs = load_covenant().legal_duty["wgs_signal"].conditions if municipality_directs else []
    await HouseholdCase.insert(
        HouseholdCase(
            id=case_id,
            version=1,
            street=street,
            house_number=number,
            postcode=postcode,
            city=city,
            members=_members(name, index),
            arrears_cents=euros * 100,
            arrears_months=months,
            signal_date=signal_day,
            signal_source=housing,
            wgs_conditions=sorted(wgs),
            objected_to_sharing=False,
            process_step=step.value,
            director_organisation=user_org[director],
            director_user=users[director],
            created_at=at,
            created_by=users["supervisor"],
            updated_at=at,
        )
    ).run()
    participants = {housing, user_org[director]} | {demo_id(f"org/{key}") for key in orgs}
    await CaseParticipant.insert(
        *[
            CaseParticipant(household_case=case_id, organisation=org, joined_at=at)
            for org in participants
        ]
    ).run()
    if assigned:
        await CaseAssignment.insert(
            *[
                CaseAssignment(household_case=case_id, user=users[u], assigned_at=at)
                for u in assigned
            ]
        ).run()
    events = [
        CaseEvent(
            household_case=case_id,
            kind="created",
            at=at,
            actor_organisation=housing,
            data={"process_step": "signal"},
        )
    ]
    for previous, following in itertools.pairwise(_STEPS[: _STEPS.index(step) + 1]):
        events.append(
            CaseEvent(
                household_case=case_id,
                kind="step_changed",
                at=at,
                actor_organisation=user_org[director],
                data={"from": previous.value, "to": following.value},
            )
        )
    await CaseEvent.insert(*events).run()
    if name not in NO_DEMO_CONSENT:
        await _seed_consent(name, case_id, participants, users[director], user_org[director], at)


def _organisation_of(username: str) -> str:
    return next(account.organisation for account in ACCOUNTS if account.username == username)


async def _seed_consent(
    name: str,
    case_id: uuid.UUID,
    participants: set[uuid.UUID],
    director: uuid.UUID,
    director_org: uuid.UUID,
    at: dt.datetime,
) -> None:
    kind_of = {demo_id(f"org/{key}"): kind for key, (_, kind) in ORGANISATIONS.items()}
    kinds = sorted({kind_of[org] for org in participants} & set(DEMO_CONSENT))
    decided = at - dt.timedelta(days=20)
    rows = [
        ConsentRecord(
            household_case=case_id,
            category=category,
            recipient_kind=kind,
            decision="refused" if (name, category, kind) in DEMO_REFUSALS else "given",
            decided_at=decided,
            source="letter" if index % 2 else "phone",
            note="Toestemming telefonisch bevestigd." if index % 2 == 0 else "",
            recorded_by=director,
            recorded_by_organisation=director_org,
            recorded_at=decided,
        )
        for index, kind in enumerate(kinds)
        for category in DEMO_CONSENT[kind]
    ]
    if rows:
        await ConsentRecord.insert(*rows).run()
