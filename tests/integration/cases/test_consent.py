"""Consent and the legal duty: what a household agreed to, what the law gives the municipality,
and what every other organisation therefore sees of a case, at the next read and the next pull."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from tests.helpers import (
    audit_rows,
    demo_user_id,
    example_answers,
    headers_for,
    kitchen_table_files,
    visit_body,
)
from tests.integration.cases.test_cases import case_body, create_case
from tests.integration.sync.test_pull import pull, pull_all

WGS_CONDITIONS = [
    "debt_help_pointed_out",
    "personal_contact_attempted",
    "sharing_offered_in_reminder",
    "written_reminder_sent",
]
CASE_CATEGORIES = ["arrears_amount", "contact_details", "household_composition"]


def family_body(**overrides):
    """A tenant and her child: the tenant's name is contact details, the child composition."""
    members = [
        {
            "member_id": str(uuid.uuid4()),
            "name": "Kees Verzonnen",
            "relation": "tenant",
            "birth_year": 1971,
        },
        {
            "member_id": str(uuid.uuid4()),
            "name": "Pim Verzonnen",
            "relation": "child",
            "birth_year": 2012,
        },
    ]
    return case_body(members=members, **overrides)


async def consent(client, headers, case_id):
    response = await client.get(f"/api/cases/{case_id}/consent", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def record(client, headers, case_id, decisions, source="phone", note=""):
    body = {
        "decisions": [
            {"category": category, "recipient_kind": kind, "decision": decision}
            for category, kind, decision in decisions
        ],
        "source": source,
        "note": note,
    }
    return await client.put(f"/api/cases/{case_id}/consent", headers=headers, json=body)


def cell(overview, category, kind):
    return next(
        c for c in overview["cells"] if (c["category"], c["recipient_kind"]) == (category, kind)
    )


def history_of(overview, category, kind):
    return [
        e for e in overview["history"] if (e["category"], e["recipient_kind"]) == (category, kind)
    ]


async def case_directed_by_the_municipality(client, **overrides):
    """A housing corporation's case whose director is the municipality's worker, who is also
    assigned (so that her tablet holds it)."""
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker, **overrides)
    handover = await client.post(
        f"/api/cases/{case_id}/director",
        headers=worker,
        json={"user_id": str(demo_user_id("municipality"))},
    )
    assert handover.status_code == 200, handover.text
    municipality = await headers_for(client, "municipality")
    assigned = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=municipality,
        json={"user_id": str(demo_user_id("municipality")), "assigned": True},
    )
    assert assigned.status_code == 200, assigned.text
    return case_id, worker, municipality


async def record_wgs(client, worker, case_id, conditions, objected=False):
    version = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()["version"]
    body = family_body(
        base_version=version,
        wgs={"conditions_met": conditions, "objected_to_sharing": objected},
    )
    response = await client.put(f"/api/cases/{case_id}", headers=worker, json=body)
    assert response.status_code == 200, response.text
    return response.json()


# Recording and reading -------------------------------------------------------------------------
async def test_consent_given_by_phone_shows_when_how_and_by_whom(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    response = await record(
        client,
        worker,
        case_id,
        [("agreements", "social_work", "given")],
        note="Mevrouw belde zelf terug.",
    )
    assert response.status_code == 200, response.text
    overview = await consent(client, worker, case_id)
    agreements = cell(overview, "agreements", "social_work")
    assert (agreements["basis"], agreements["decision"], agreements["shared"]) == (
        "consent",
        "given",
        True,
    )
    assert agreements["category_label"]["nl"] == "Afspraken en plan"
    assert agreements["recipient_kind_label"]["nl"] == "Maatschappelijk werk"
    current = agreements["current"]
    assert current["source"] == "phone" and current["visit_id"] is None
    assert current["note"] == "Mevrouw belde zelf terug."
    assert current["recorded_by"]["id"] == str(demo_user_id("fieldworker"))
    assert current["recorded_by_organisation"]["kind"] == "housing_corporation"
    # Nobody decided the rest: nothing is shared by consent.
    assert cell(overview, "debts", "social_work")["decision"] is None
    assert cell(overview, "debts", "social_work")["shared"] is False
    # Reading and writing are both on the audit trail.
    rows = await audit_rows(object_id=str(case_id), actor_user=demo_user_id("fieldworker"))
    assert ("consent", "allowed") in {(r["action"], r["outcome"]) for r in rows}
    assert any(r["action"] == "read" and r["detail"] == "consent" for r in rows)


async def test_a_new_decision_supersedes_the_old_one_and_the_history_keeps_both(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    await record(client, worker, case_id, [("debts", "debt_counselling", "given")])
    withdrawn = await record(
        client, worker, case_id, [("debts", "debt_counselling", "refused")], source="letter"
    )
    assert withdrawn.status_code == 200
    # The same letter registered twice is not a third decision.
    await record(
        client, worker, case_id, [("debts", "debt_counselling", "refused")], source="letter"
    )
    overview = await consent(client, worker, case_id)
    debts = cell(overview, "debts", "debt_counselling")
    assert (debts["decision"], debts["shared"], debts["current"]["source"]) == (
        "refused",
        False,
        "letter",
    )
    newest, oldest = history_of(overview, "debts", "debt_counselling")
    assert (newest["decision"], oldest["decision"]) == ("refused", "given")
    assert newest["superseded_at"] is None
    assert oldest["superseded_at"] is not None and oldest["superseded_by"] == newest["id"]


async def test_a_visits_consent_grid_becomes_records_signed_with_the_visit(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    visit_id = uuid.uuid4()
    body = visit_body(
        case_id,
        "keukentafelgesprek",
        example_answers("keukentafelgesprek"),
        kitchen_table_files(),
    )
    assert (
        await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)
    ).status_code == 201
    overview = await consent(client, worker, case_id)
    given = cell(overview, "household_composition", "ggd")
    assert given["decision"] == "given" and given["shared"] is True
    assert given["current"]["source"] == "visit"
    assert given["current"]["visit_id"] == str(visit_id)
    assert cell(overview, "household_composition", "housing_corporation")["decision"] == "refused"
    # A pair the grid does not ask about (the police) stays undecided.
    assert cell(overview, "contact_details", "police")["decision"] is None


async def test_a_correction_that_refuses_or_leaves_out_what_was_given_withdraws_it(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    original = uuid.uuid4()
    answers = example_answers("vervolgbezoek")
    assert answers["consent"]["debts"]["social_work"] == "given"
    sent = visit_body(case_id, "vervolgbezoek", answers, kitchen_table_files())
    assert (
        await client.put(f"/api/visits/{original}", headers=worker, json=sent)
    ).status_code == 201
    # The correction refuses one pair explicitly.
    narrower = {**answers, "consent": {**answers["consent"]}}
    narrower["consent"]["zrm_scores"] = {**answers["consent"]["zrm_scores"], "ggd": "refused"}
    first = uuid.uuid4()
    corrected = visit_body(
        case_id, "vervolgbezoek", narrower, kitchen_table_files(), replaces=str(original)
    )
    response = await client.put(f"/api/visits/{first}", headers=worker, json=corrected)
    assert response.status_code == 201, response.text
    overview = await consent(client, worker, case_id)
    assert cell(overview, "zrm_scores", "ggd")["decision"] == "refused"
    assert cell(overview, "zrm_scores", "ggd")["current"]["visit_id"] == str(first)
    assert cell(overview, "debts", "social_work")["decision"] == "given"
    # A second correction says the consent did not change after all: the grid is gone, and
    # what the corrected visits gave is withdrawn.
    unchanged = {k: v for k, v in answers.items() if k != "consent"} | {"consent_changed": False}
    second = uuid.uuid4()
    response = await client.put(
        f"/api/visits/{second}",
        headers=worker,
        json=visit_body(
            case_id, "vervolgbezoek", unchanged, kitchen_table_files(), replaces=str(first)
        ),
    )
    assert response.status_code == 201, response.text
    overview = await consent(client, worker, case_id)
    debts = cell(overview, "debts", "social_work")
    assert (debts["decision"], debts["shared"]) == ("refused", False)
    assert debts["current"]["visit_id"] == str(second)
    assert [e["decision"] for e in history_of(overview, "debts", "social_work")] == [
        "refused",
        "given",
        "given",
    ]


async def test_a_visit_that_syncs_late_does_not_undo_a_later_withdrawal(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    await record(client, worker, case_id, [("agreements", "ggd", "refused")])
    signed_earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat()
    body = visit_body(
        case_id,
        "keukentafelgesprek",
        example_answers("keukentafelgesprek"),
        kitchen_table_files(),
        finalized_at=signed_earlier,
    )
    assert (
        await client.put(f"/api/visits/{uuid.uuid4()}", headers=worker, json=body)
    ).status_code == 201
    overview = await consent(client, worker, case_id)
    agreements = cell(overview, "agreements", "ggd")
    assert (agreements["decision"], agreements["current"]["source"]) == ("refused", "phone")
    late = next(e for e in history_of(overview, "agreements", "ggd") if e["source"] == "visit")
    assert late["decision"] == "given" and late["superseded_by"] == agreements["current"]["id"]


async def test_visits_and_a_phone_record_for_one_household_at_once_keep_one_current_decision(
    client,
):
    """Recordings for one household queue on its case: each supersedes what the one before it
    left current, none fails, and every pair ends with exactly one current decision."""
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    bodies = [
        visit_body(
            case_id,
            "keukentafelgesprek",
            example_answers("keukentafelgesprek"),
            kitchen_table_files(),
        )
        for _ in range(4)
    ]
    answers = await asyncio.gather(
        *[client.put(f"/api/visits/{uuid.uuid4()}", headers=worker, json=b) for b in bodies],
        record(client, worker, case_id, [("agreements", "ggd", "refused")]),
    )
    assert [answer.status_code for answer in answers] == [201, 201, 201, 201, 200]
    overview = await consent(client, worker, case_id)
    pairs = {(entry["category"], entry["recipient_kind"]) for entry in overview["history"]}
    for category, kind in pairs:
        current = [e for e in history_of(overview, category, kind) if e["superseded_by"] is None]
        assert len(current) == 1, (category, kind)
    # The visits each gave 36 answers; every one of them is in the history.
    assert sum(entry["source"] == "visit" for entry in overview["history"]) == 4 * 36


# Refusals ---------------------------------------------------------------------------------------
async def test_a_pair_the_covenant_never_shares_cannot_be_consented_to(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    response = await record(
        client,
        worker,
        case_id,
        [("agreements", "ggd", "given"), ("mental_health_notes", "housing_corporation", "given")],
    )
    assert (response.status_code, response.json()["code"]) == (422, "consent_not_possible")
    overview = await consent(client, worker, case_id)
    assert overview["history"] == []
    assert cell(overview, "mental_health_notes", "housing_corporation")["basis"] == "never"


async def test_a_code_the_covenant_does_not_know_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    for decisions in (
        [("shoe_size", "ggd", "given")],
        [("agreements", "bakery", "given")],
    ):
        response = await record(client, worker, case_id, decisions)
        assert (response.status_code, response.json()["code"]) == (422, "unknown_code")
    wgs = await client.put(
        f"/api/cases/{case_id}",
        headers=worker,
        json=family_body(
            base_version=1, wgs={"conditions_met": ["asked_nicely"], "objected_to_sharing": False}
        ),
    )
    assert (wgs.status_code, wgs.json()["code"]) == (422, "unknown_code")


async def test_an_organisation_outside_the_case_may_not_read_or_record_its_consent(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    police = await headers_for(client, "police")
    read = await client.get(f"/api/cases/{case_id}/consent", headers=police)
    assert (read.status_code, read.json()["code"]) == (404, "case_not_found")
    write = await record(client, police, case_id, [("contact_details", "police", "given")])
    assert write.status_code == 404
    refusals = await audit_rows(object_id=str(case_id), outcome="refused")
    assert [r["action"] for r in refusals] == ["read", "consent"]


# The legal duty --------------------------------------------------------------------------------
async def test_the_legal_duty_counts_once_every_condition_is_recorded_and_nobody_objected(client):
    case_id, worker, _ = await case_directed_by_the_municipality(client)
    three = await record_wgs(client, worker, case_id, WGS_CONDITIONS[:3])
    assert three["wgs"] == {
        "conditions_met": WGS_CONDITIONS[:3],
        "objected_to_sharing": False,
        "duties_met": [],
    }
    address = cell(await consent(client, worker, case_id), "contact_details", "municipality")
    assert (address["basis"], address["legal_duty"]) == ("legal_duty", "wgs_signal")
    assert (address["legal_duty_met"], address["shared"]) == (False, False)

    four = await record_wgs(client, worker, case_id, WGS_CONDITIONS)
    assert four["wgs"]["duties_met"] == ["wgs_signal"]
    assert "legal_duty_recorded" in {entry["kind"] for entry in four["timeline"]}
    address = cell(await consent(client, worker, case_id), "contact_details", "municipality")
    assert (address["legal_duty_met"], address["shared"]) == (True, True)
    # The law gives contact details and the amount, nothing more.
    assert cell(await consent(client, worker, case_id), "debts", "municipality")["shared"] is False

    objected = await record_wgs(client, worker, case_id, WGS_CONDITIONS, objected=True)
    assert objected["wgs"]["duties_met"] == []
    address = cell(await consent(client, worker, case_id), "contact_details", "municipality")
    assert (address["legal_duty_met"], address["shared"]) == (False, False)


async def test_the_signal_form_records_the_wgs_conditions_and_the_objection(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    signal = await client.put(
        f"/api/visits/{uuid.uuid4()}", headers=worker, json=visit_body(case_id)
    )
    assert signal.status_code == 201, signal.text
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert case["wgs"] == {
        "conditions_met": WGS_CONDITIONS,
        "objected_to_sharing": False,
        "duties_met": ["wgs_signal"],
    }
    answers = example_answers("signaal_huurachterstand") | {
        "tenant_objected_to_sharing": True,
        "wgs_signal_ready": False,
    }
    objection = await client.put(
        f"/api/visits/{uuid.uuid4()}", headers=worker, json=visit_body(case_id, answers=answers)
    )
    assert objection.status_code == 201, objection.text
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert case["wgs"]["objected_to_sharing"] is True and case["wgs"]["duties_met"] == []


async def test_another_organisation_cannot_open_the_legal_signal_to_itself(client):
    case_id, _, municipality = await case_directed_by_the_municipality(client)
    case = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    for change in (
        {"wgs": {"conditions_met": WGS_CONDITIONS, "objected_to_sharing": False}},
        {
            "signal": {
                "arrears_cents": 1,
                "arrears_months": 1,
                "source_organisation_id": case["director_organisation"]["id"],
            }
        },
    ):
        response = await client.put(
            f"/api/cases/{case_id}",
            headers=municipality,
            json=family_body(base_version=case["version"], **change),
        )
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    after = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    assert after["wgs"]["duties_met"] == [] and after["address"] is None


# What other organisations see ----------------------------------------------------------------
async def test_case_data_is_withheld_from_an_organisation_until_law_or_consent_shares_it(client):
    case_id, worker, municipality = await case_directed_by_the_municipality(
        client, members=family_body()["members"]
    )
    # The housing corporation signalled the case: it sees everything.
    own = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert own["withheld_categories"] == [] and len(own["members"]) == 2

    seen = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    assert seen["withheld_categories"] == CASE_CATEGORIES
    assert seen["address"] is None and seen["members"] == []
    assert seen["signal"]["arrears_cents"] is None and seen["signal"]["arrears_months"] is None
    listed = (await client.get("/api/cases?limit=500", headers=municipality)).json()
    summary = next(c for c in listed if c["id"] == str(case_id))
    assert summary["address"] is None and summary["arrears_cents"] is None
    assert summary["withheld_categories"] == CASE_CATEGORIES

    # The Wgs legal duty: the address, the tenant's name and the arrears, by law.
    await record_wgs(client, worker, case_id, WGS_CONDITIONS)
    seen = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    assert seen["withheld_categories"] == ["household_composition"]
    assert seen["address"]["street"] == "Vlierstraat"
    assert seen["signal"]["arrears_cents"] == 84_000
    assert [(m["name"], m["birth_year"]) for m in seen["members"]] == [("Kees Verzonnen", None)]

    # The household's consent: the whole household.
    await record(client, worker, case_id, [("household_composition", "municipality", "given")])
    seen = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    assert seen["withheld_categories"] == []
    assert {m["name"] for m in seen["members"]} == {"Kees Verzonnen", "Pim Verzonnen"}


async def test_an_edit_by_an_organisation_leaves_what_it_cannot_see_as_it_was(client):
    case_id, worker, municipality = await case_directed_by_the_municipality(
        client, members=family_body()["members"]
    )
    seen = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    # What the municipality's tablet can send: no address, no members, no arrears it knows.
    body = {
        "signal": {"arrears_cents": 0, "arrears_months": 0},
        "process_step": "contact_attempts",
        "base_version": seen["version"],
    }
    response = await client.put(f"/api/cases/{case_id}", headers=municipality, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["process_step"] == "contact_attempts"
    kept = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert kept["address"]["street"] == "Vlierstraat" and len(kept["members"]) == 2
    assert kept["signal"]["arrears_cents"] == 84_000


async def test_a_withdrawal_applies_at_the_next_read_and_the_next_pull(client):
    case_id, worker, municipality = await case_directed_by_the_municipality(client)
    await record(
        client,
        worker,
        case_id,
        [
            ("contact_details", "municipality", "given"),
            ("household_composition", "municipality", "given"),
        ],
    )
    pages = await pull_all(client, municipality)
    held = next(c for page in pages for c in page["cases"] if c["id"] == str(case_id))
    assert held["address"]["street"] == "Vlierstraat" and held["members"]
    cursor = pages[-1]["cursor"]

    withdrawn = await record(
        client,
        municipality,
        case_id,
        [("contact_details", "municipality", "refused")],
        note="Bewoner trekt toestemming in aan de telefoon.",
    )
    assert withdrawn.status_code == 200, withdrawn.text
    read = (await client.get(f"/api/cases/{case_id}", headers=municipality)).json()
    assert read["address"] is None and "contact_details" in read["withheld_categories"]
    assert [m["relation"] for m in read["members"]] == []

    changes = await pull(client, municipality, cursor)
    again = next(c for c in changes["cases"] if c["id"] == str(case_id))
    assert again["address"] is None and again["members"] == []
    assert again["withheld_categories"] == ["arrears_amount", "contact_details"]
    # The version did not move: consent is no edit of the case, so no edit conflicts with it.
    assert again["version"] == held["version"]
    assert (await pull(client, municipality, changes["cursor"]))["cases"] == []


async def test_a_kept_edit_shows_and_changes_only_what_its_reader_and_author_may_see(client):
    case_id, worker, municipality = await case_directed_by_the_municipality(
        client, members=family_body()["members"]
    )
    moved = await client.put(
        f"/api/cases/{case_id}",
        headers=worker,
        json=family_body(base_version=1, process_step="contact_attempts"),
    )
    assert moved.json()["version"] == 2
    # The housing corporation's stale edit: the municipality sees it without the address.
    stale = await client.put(
        f"/api/cases/{case_id}", headers=worker, json=family_body(base_version=1)
    )
    assert stale.status_code == 409
    listed = (await client.get("/api/conflicts", headers=municipality)).json()
    kept = next(c for c in listed if c["id"] == stale.json()["conflict_id"])
    assert kept["body"]["address"] is None and kept["body"]["members"] == []
    assert kept["body"]["signal"]["arrears_cents"] is None
    # The municipality's own stale edit, applied later by the housing corporation, still
    # leaves the members it could not see.
    mine = await client.put(
        f"/api/cases/{case_id}",
        headers=municipality,
        json={
            "signal": {"arrears_cents": 0, "arrears_months": 0},
            "process_step": "plan",
            "base_version": 1,
        },
    )
    assert mine.status_code == 409
    resolved = await client.post(
        f"/api/conflicts/{mine.json()['conflict_id']}/resolve",
        headers=worker,
        json={"decision": "apply_mine"},
    )
    assert resolved.status_code == 200, resolved.text
    case = resolved.json()
    assert case["process_step"] == "plan"
    assert len(case["members"]) == 2 and case["signal"]["arrears_cents"] == 84_000
