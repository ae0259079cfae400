"""Follow-ups across agencies: the right colleague hears of it, sees only what they may see,
one of them takes it on, and somebody notices when nobody does."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid

from tests.helpers import example_answers, headers_for, in_app
from tests.integration.reports.flows import submitted_visit

# A string per information category, planted in a visit's answers.
CANARY = {
    "mental_health_notes": "KANARIE-GGZ-7731",
    "physical_health_notes": "KANARIE-LICHAAM-2208",
    "police_matters": "KANARIE-POLITIE-5590",
    "debts": "KANARIE-SCHULD-4417",
    "free_text_notes": "KANARIE-VRIJ-9902",
}
ALL_CATEGORIES = [
    "contact_details",
    "arrears_amount",
    "household_composition",
    "zrm_scores",
    "debts",
    "mental_health_notes",
    "physical_health_notes",
    "police_matters",
    "agreements",
    "free_text_notes",
]
# What the household agreed to at the table: only these pairs, every other pair refused.
GIVEN = {
    ("mental_health_notes", "ggd"),
    ("contact_details", "ggd"),
    ("debts", "debt_counselling"),
    ("contact_details", "debt_counselling"),
}


def canary_answers() -> dict:
    answers = example_answers("keukentafelgesprek")
    answers["zrm_geestelijke_gezondheid_note"] = f"Somber. {CANARY['mental_health_notes']}"
    answers["zrm_lichamelijke_gezondheid"] = 3
    answers["zrm_lichamelijke_gezondheid_note"] = f"Rugklachten. {CANARY['physical_health_notes']}"
    answers["zrm_justitie"] = 3
    answers["zrm_justitie_note"] = f"Melding overlast. {CANARY['police_matters']}"
    answers["debts"][0]["creditor"] = f"Verhuurder {CANARY['debts']}"
    answers["housing_notes"] = f"Netjes. {CANARY['free_text_notes']}"
    answers["consent"] = {
        category: {kind: "given" if (category, kind) in GIVEN else "refused" for kind in decisions}
        for category, decisions in answers["consent"].items()
    }
    return answers


async def org_id(client, headers, kind: str) -> str:
    recipients = (await client.get("/api/followups/recipients", headers=headers)).json()
    return next(org["id"] for org in recipients if org["kind"] == kind)


async def hand_over(client, headers, case_id, visit_id, kind: str, **extra) -> tuple[str, dict]:
    followup_id = str(uuid.uuid4())
    body = {
        "case_id": str(case_id),
        "visit_id": str(visit_id),
        "recipient_organisation_id": extra.pop("recipient", None)
        or await org_id(client, headers, kind),
        "need": extra.pop("need", "Kijken welke hulp past"),
        "due_on": extra.pop("due_on", (dt.date.today() + dt.timedelta(days=14)).isoformat()),
        "categories": extra.pop("categories", ALL_CATEGORIES),
        **extra,
    }
    response = await client.put(f"/api/followups/{followup_id}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return followup_id, body


async def visit_with_canaries(client):
    worker = await headers_for(client, "fieldworker")
    visit_id, body = await submitted_visit(client, worker, answers=canary_answers())
    return worker, uuid.UUID(body["case_id"]), visit_id


async def action(client, headers, followup_id, name, text="", action_id=None):
    return await client.post(
        f"/api/followups/{followup_id}/{name}",
        headers=headers,
        json={"action_id": action_id or str(uuid.uuid4()), "text": text},
    )


def received(followups: list[dict], followup_id: str) -> dict:
    return next(f for f in followups if f["id"] == followup_id)


async def test_the_receiving_organisation_sees_only_what_consent_and_covenant_allow(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    to_ggd, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    to_debt, _ = await hand_over(client, worker, case_id, visit_id, "debt_counselling")
    to_police, _ = await hand_over(client, worker, case_id, visit_id, "police")

    expected_present = {
        "ggd": {CANARY["mental_health_notes"]},
        "ggd-supervisor": {CANARY["mental_health_notes"]},
        "debtcounsel": {CANARY["debts"]},
        "police": set(),
    }
    for username, followup_id in [
        ("ggd", to_ggd),
        ("ggd-supervisor", to_ggd),
        ("debtcounsel", to_debt),
        ("police", to_police),
    ]:
        headers = await headers_for(client, username)
        listed = (await client.get("/api/followups?scope=received", headers=headers)).json()
        mine = received(listed, followup_id)
        one = (await client.get(f"/api/followups/{followup_id}", headers=headers)).json()
        for output in (json.dumps(mine), json.dumps(one)):
            present = {canary for canary in CANARY.values() if canary in output}
            assert present == expected_present[username], (username, present)
    police = (
        await client.get(f"/api/followups/{to_police}", headers=await headers_for(client, "police"))
    ).json()
    assert police["extract"]["shared_categories"] == []
    assert "mental_health_notes" in police["extract"]["withheld_categories"]


async def test_other_organisations_do_not_see_a_follow_up_at_all(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    to_ggd, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    for username in ("police", "socialwork", "debtcounsel"):
        headers = await headers_for(client, username)
        response = await client.get(f"/api/followups/{to_ggd}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "followup_not_found")
        listed = (await client.get("/api/followups?scope=received", headers=headers)).json()
        assert to_ggd not in {f["id"] for f in listed}


async def test_the_sender_sees_the_plan_but_not_an_extract(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    to_ggd, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    sent = (await client.get("/api/followups?scope=sent", headers=worker)).json()
    mine = received(sent, to_ggd)
    assert mine["extract"] is None
    assert mine["state"] == "open"
    plan = (await client.get(f"/api/cases/{case_id}/plan", headers=worker)).json()
    assert [f["id"] for f in plan["followups"]] == [to_ggd]
    assert plan["followups"][0]["extract"] is None


async def test_the_same_follow_up_again_is_a_duplicate_and_another_body_a_conflict(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, body = await hand_over(client, worker, case_id, visit_id, "ggd")
    again = await client.put(f"/api/followups/{followup_id}", headers=worker, json=body)
    other = await client.put(
        f"/api/followups/{followup_id}", headers=worker, json={**body, "need": "Iets anders"}
    )
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (other.status_code, other.json()["code"]) == (409, "followup_conflict")


async def test_two_colleagues_claiming_at_once_get_one_winner(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    nurse = await headers_for(client, "ggd")
    supervisor = await headers_for(client, "ggd-supervisor")

    responses = await asyncio.gather(
        action(client, nurse, followup_id, "claim"),
        action(client, supervisor, followup_id, "claim"),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["code"] == "followup_already_claimed"
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = (await client.get(f"/api/followups/{followup_id}", headers=nurse)).json()
    assert stored["claimed_by"] == winner["claimed_by"]
    assert stored["state"] == "claimed"


async def test_an_action_sent_twice_is_answered_alike_and_done_once(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    nurse = await headers_for(client, "ggd")
    action_id = str(uuid.uuid4())

    first = await action(client, nurse, followup_id, "claim", action_id=action_id)
    again = await action(client, nurse, followup_id, "claim", action_id=action_id)
    misused = await action(client, nurse, followup_id, "complete", "Klaar", action_id=action_id)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["claimed_at"] == first.json()["claimed_at"]
    assert (misused.status_code, misused.json()["code"]) == (409, "action_conflict")


async def test_claim_progress_complete_and_the_rules_of_each_step(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    nurse = await headers_for(client, "ggd")

    early = await action(client, nurse, followup_id, "complete", "Klaar")
    assert (early.status_code, early.json()["code"]) == (409, "followup_wrong_state")
    assert (await action(client, nurse, followup_id, "claim")).status_code == 200
    assert (await action(client, nurse, followup_id, "progress", "Gebeld")).json()["state"] == (
        "in_progress"
    )
    silent = await action(client, nurse, followup_id, "complete", "  ")
    assert (silent.status_code, silent.json()["code"]) == (422, "text_required")
    done = await action(client, nurse, followup_id, "complete", "Aangemeld bij de POH-GGZ")
    assert (done.json()["state"], done.json()["outcome"]) == ("done", "Aangemeld bij de POH-GGZ")
    police = await action(client, await headers_for(client, "police"), followup_id, "claim")
    assert police.status_code == 404


async def test_a_declined_follow_up_goes_back_to_the_case_director(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    nurse = await headers_for(client, "ggd")

    declined = await action(client, nurse, followup_id, "decline", "Geen GGD-indicatie")

    assert declined.json()["state"] == "declined"
    # The worker who made the case directs it.
    inbox = (await client.get("/api/notifications", headers=worker)).json()
    assert any(n["kind"] == "followup_declined" and n["object_id"] == followup_id for n in inbox)


async def test_the_receiving_organisation_is_told_without_personal_data(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    inbox = (
        await client.get("/api/notifications", headers=await headers_for(client, "ggd"))
    ).json()
    [note] = [n for n in inbox if n["object_id"] == followup_id]
    assert note["kind"] == "followup_new"
    assert not any(canary in json.dumps(note) for canary in CANARY.values())
    assert "Kijken welke hulp past" not in json.dumps(note)


async def test_an_unclaimed_follow_up_escalates_once_after_the_covenants_deadline(client):
    from api.followups.escalation import escalate
    from api.lib.db import now

    worker, case_id, visit_id = await visit_with_canaries(client)
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    start = now()

    def at(days: float):
        return lambda: start + dt.timedelta(days=days)

    await in_app(client, escalate, at(1))
    supervisor = await headers_for(client, "ggd-supervisor")

    def escalations(inbox):
        return [
            n for n in inbox if n["kind"] == "followup_escalated" and n["object_id"] == followup_id
        ]

    assert escalations((await client.get("/api/notifications", headers=supervisor)).json()) == []
    await in_app(client, escalate, at(3.5))
    await in_app(client, escalate, at(4))
    assert (
        len(escalations((await client.get("/api/notifications", headers=supervisor)).json())) == 1
    )
    assert len(escalations((await client.get("/api/notifications", headers=worker)).json())) == 1
    nurse = await headers_for(client, "ggd")
    assert escalations((await client.get("/api/notifications", headers=nurse)).json()) == []


async def test_an_overdue_follow_up_escalates_even_when_claimed(client):
    from api.followups.escalation import escalate
    from api.lib.db import now

    worker, case_id, visit_id = await visit_with_canaries(client)
    due = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd", due_on=due)
    await action(client, await headers_for(client, "ggd"), followup_id, "claim")

    await in_app(client, escalate, lambda: now() + dt.timedelta(days=5))

    inbox = (await client.get("/api/notifications", headers=worker)).json()
    assert [n["object_id"] for n in inbox if n["kind"] == "followup_escalated"].count(
        followup_id
    ) == 1
    listed = (await client.get("/api/followups?scope=sent", headers=worker)).json()
    assert received(listed, followup_id)["overdue"] is False  # not yet today


async def test_the_sealed_extract_pdf_holds_the_same_and_goes_to_the_recipient_only(client):
    from api.reports.sealing import trusted_certificates
    from api.reports.verification import check_signature
    from api.settings import get_settings
    from tests.integration.reports.test_reports import pdf_text

    worker, case_id, visit_id = await visit_with_canaries(client)
    to_ggd, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    to_police, _ = await hand_over(client, worker, case_id, visit_id, "police")

    nurse_pdf = await client.get(
        f"/api/followups/{to_ggd}/extract.pdf", headers=await headers_for(client, "ggd")
    )
    police_pdf = await client.get(
        f"/api/followups/{to_police}/extract.pdf", headers=await headers_for(client, "police")
    )
    sender = await client.get(f"/api/followups/{to_ggd}/extract.pdf", headers=worker)

    assert nurse_pdf.status_code == 200
    text = "".join(pdf_text(nurse_pdf.content))
    assert CANARY["mental_health_notes"] in text
    assert {c for c in CANARY.values() if c in text} == {CANARY["mental_health_notes"]}
    police_text = "".join(pdf_text(police_pdf.content))
    assert not any(canary in police_text for canary in CANARY.values())
    assert sender.status_code == 404
    check = await check_signature(nurse_pdf.content, trusted_certificates(get_settings().seals_dir))
    assert (check.valid, check.trusted, check.signer_organisation) == (
        True,
        True,
        "Woonstichting Thuisbasis",
    )


async def test_a_corrected_visit_takes_back_what_nobody_took_up_yet(client):
    from tests.integration.reports.flows import review

    worker, case_id, visit_id = await visit_with_canaries(client)
    open_one, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    taken, _ = await hand_over(client, worker, case_id, visit_id, "debt_counselling")
    await action(client, await headers_for(client, "debtcounsel"), taken, "claim")
    await review(client, await headers_for(client, "supervisor"), visit_id, "return", "Aanvullen")

    await submitted_visit(
        client, worker, case_id=case_id, replaces=str(visit_id), answers=canary_answers()
    )

    sent = (await client.get("/api/followups?scope=sent", headers=worker)).json()
    assert received(sent, open_one)["state"] == "retracted"
    assert received(sent, taken)["state"] == "claimed"


async def test_a_withdrawn_consent_stops_the_sharing_at_the_next_read(client):
    worker, case_id, visit_id = await visit_with_canaries(client)
    to_ggd, _ = await hand_over(client, worker, case_id, visit_id, "ggd")
    nurse = await headers_for(client, "ggd")
    before = (await client.get(f"/api/followups/{to_ggd}", headers=nurse)).json()
    assert CANARY["mental_health_notes"] in json.dumps(before)

    withdrawn = await client.put(
        f"/api/cases/{case_id}/consent",
        headers=worker,
        json={
            "decisions": [
                {"category": "mental_health_notes", "recipient_kind": "ggd", "decision": "refused"}
            ],
            "source": "phone",
            "note": "Bewoner belde: toestemming ingetrokken",
        },
    )

    assert withdrawn.status_code == 200, withdrawn.text
    after = (await client.get(f"/api/followups/{to_ggd}", headers=nurse)).json()
    assert CANARY["mental_health_notes"] not in json.dumps(after)
    assert "mental_health_notes" in after["extract"]["withheld_categories"]
    pdf = await client.get(f"/api/followups/{to_ggd}/extract.pdf", headers=nurse)
    from tests.integration.reports.test_reports import pdf_text

    assert CANARY["mental_health_notes"] not in "".join(pdf_text(pdf.content))
