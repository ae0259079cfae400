"""A household's right of access (AVG art. 15): a functional administrator exports what their
organisation holds about a household, as JSON and as a readable PDF; audited; refused to
everyone else, and scoped to what the organisation holds."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
import uuid

import pytest

from tests.helpers import (
    audit_rows,
    bearer,
    demo_user_id,
    example_answers,
    headers_for,
    login,
    new_user,
)
from tests.integration.cases.test_cases import case_body
from tests.integration.reports.flows import review, run_jobs, submitted_visit

TAG = uuid.uuid4().hex[:6]
# A string (or number) planted in every kind of data the export must hold.
CANARY = {
    "street": f"Kanariestraat{TAG}",
    "tenant": f"Huurder{TAG}",
    "child": f"Kind{TAG}",
    "step_note": f"Stapnotitie{TAG}",
    "kept_edit": f"Apartgezet{TAG}",
    "consent_note": f"Toestemming{TAG}",
    "visit_answer": f"Bezoekantwoord{TAG}",
    "review_comment": f"Beoordeling{TAG}",
    "need_sent": f"Vervolgvraag{TAG}",
    "outcome": f"Uitkomst{TAG}",
    "need_received": f"Ontvangenvraag{TAG}",
}
ARREARS_CENTS = 123_457  # "€ 1.234,57"


async def action(client, headers, followup_id, name, text=""):
    response = await client.post(
        f"/api/followups/{followup_id}/{name}",
        headers=headers,
        json={"action_id": str(uuid.uuid4()), "text": text},
    )
    assert response.status_code == 200, response.text


async def send_followup(client, headers, case_id, recipient_kind, need, visit_id=None) -> str:
    recipients = (await client.get("/api/followups/recipients", headers=headers)).json()
    followup_id = str(uuid.uuid4())
    body = {
        "case_id": str(case_id),
        "recipient_organisation_id": next(
            org["id"] for org in recipients if org["kind"] == recipient_kind
        ),
        "need": need,
        "due_on": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        "categories": ["contact_details", "arrears_amount"],
        **({"visit_id": str(visit_id)} if visit_id else {}),
    }
    response = await client.put(f"/api/followups/{followup_id}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return followup_id


@pytest.fixture(scope="module")
async def household(client) -> dict:
    """A case of the housing corporation with every kind of data, each holding a canary."""
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    case_id = uuid.uuid4()
    body = case_body(
        address={
            "street": CANARY["street"],
            "house_number": "3",
            "postcode": "7411 KN",
            "city": "Rivierstad",
        },
        members=[
            {"member_id": str(uuid.uuid4()), "name": CANARY["tenant"], "relation": "tenant"},
            {
                "member_id": str(uuid.uuid4()),
                "name": CANARY["child"],
                "relation": "child",
                "birth_year": 2015,
            },
        ],
        signal={"arrears_cents": ARREARS_CENTS, "arrears_months": 3},
    )
    made = await client.put(f"/api/cases/{case_id}", headers=worker, json=body)
    assert made.status_code == 201, made.text
    stepped = await client.put(
        f"/api/cases/{case_id}",
        headers=worker,
        json={
            **body,
            "base_version": 1,
            "process_step": "contact_attempts",
            "step_note": CANARY["step_note"],
        },
    )
    assert stepped.status_code == 200, stepped.text
    stale = await client.put(
        f"/api/cases/{case_id}",
        headers=worker,
        json={
            **body,
            "base_version": 1,
            "address": {**body["address"], "street": CANARY["kept_edit"]},
        },
    )
    assert stale.status_code == 409, stale.text
    consent = await client.put(
        f"/api/cases/{case_id}/consent",
        headers=worker,
        json={
            "decisions": [
                {"category": "agreements", "recipient_kind": "social_work", "decision": "given"}
            ],
            "source": "phone",
            "note": CANARY["consent_note"],
        },
    )
    assert consent.status_code == 200, consent.text

    answers = example_answers("keukentafelgesprek")
    answers["housing_notes"] = f"Netjes. {CANARY['visit_answer']}"
    visit_id, _ = await submitted_visit(client, worker, case_id=case_id, answers=answers)
    approved = await review(client, supervisor, visit_id, "approve", CANARY["review_comment"])
    assert approved.status_code == 200, approved.text
    await run_jobs(client)

    # Sent to the GGD, which claims it, reads the extract and completes it.
    sent = await send_followup(client, worker, case_id, "ggd", CANARY["need_sent"], visit_id)
    ggd = await headers_for(client, "ggd")
    await action(client, ggd, sent, "claim")
    extract = await client.get(f"/api/followups/{sent}/extract.pdf", headers=ggd)
    assert extract.status_code == 200, extract.text
    await action(client, ggd, sent, "complete", CANARY["outcome"])
    # Received from the municipality, which directs the case from now on.
    handover = await client.post(
        f"/api/cases/{case_id}/director",
        headers=worker,
        json={"user_id": str(demo_user_id("municipality"))},
    )
    assert handover.status_code == 200, handover.text
    municipality = await headers_for(client, "municipality")
    received = await send_followup(
        client, municipality, case_id, "housing_corporation", CANARY["need_received"]
    )

    admin = await headers_for(client, "admin")
    exporter = await new_user(client, admin, "thuisbasis", ["functional_admin"])
    tokens = await login(client, exporter["username"], exporter["password"])
    return {
        "case_id": case_id,
        "visit_id": visit_id,
        "sent": sent,
        "received": received,
        "exporter": exporter,
        "headers": bearer(tokens),
    }


async def export_json(client, headers, case_id) -> dict:
    response = await client.get(f"/api/admin/cases/{case_id}/access-export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", handle.name, "-"], capture_output=True, check=True, text=True
        ).stdout
    return out


async def test_the_json_holds_every_kind_of_data_of_the_household(client, household):
    export = await export_json(client, household["headers"], household["case_id"])
    text = json.dumps(export, ensure_ascii=False)
    missing = [name for name, canary in CANARY.items() if canary not in text]
    assert not missing, missing
    assert export["format"] == "keukentafel-access-export/1"
    assert export["organisation"]["name"] == "Woonstichting Thuisbasis"
    assert export["takes_part"] is True
    case = export["case"]
    assert case["signal"]["arrears_cents"] == ARREARS_CENTS
    assert case["withheld_categories"] == []  # the signalling organisation holds it all
    assert {"created", "step_changed", "consent_recorded"} <= {e["kind"] for e in case["timeline"]}
    assert any(entry["note"] == CANARY["consent_note"] for entry in export["consent"])
    # The visit, with its answers by the form's labels, attachments and reports.
    [visit] = export["visits"]
    assert visit["id"] == str(household["visit_id"])
    housing = next(a for a in visit["answers"] if a["code"] == "housing_notes")
    assert housing["label"] and housing["label"] != "housing_notes"
    assert CANARY["visit_answer"] in housing["text"]
    assert {a["name"] for a in visit["attachments"]} == {
        "signature_resident.png",
        "signature_worker.png",
    }
    assert all(a["sha256"] and a["size"] and a["content_base64"] for a in visit["attachments"])
    final = next(r for r in visit["reports"] if r["kind"] == "final")
    assert final["state"] == "ready" and len(final["sha256"]) == 64
    # Follow-ups both ways; only the received one carries its extract.
    followups = {f["id"]: f for f in export["followups"]}
    assert followups[household["sent"]]["direction"] == "sent"
    assert followups[household["sent"]]["extract"] is None
    assert [s["action"] for s in followups[household["sent"]]["steps"]] == ["claim", "complete"]
    assert followups[household["received"]]["direction"] == "received"
    assert followups[household["received"]]["extract"] is not None
    # Alerts to the organisation's people about the case.
    kinds = {(n["kind"], n["object_id"]) for n in export["notifications"]}
    assert ("followup_new", household["received"]) in kinds
    assert ("visit_approved", str(household["visit_id"])) in kinds
    # Recipients: the GGD received the follow-up and printed its extract.
    recipients = {r["organisation"]["name"]: r for r in export["recipients"]}
    assert {"receive_followup", "print"} <= set(recipients["GGD Regio Middenvallei"]["actions"])
    assert "Gemeente Rivierstad" in recipients
    assert any(
        e["action"] == "print" and e["object_id"] == household["sent"] for e in export["access_log"]
    )


async def test_the_pdf_shows_the_same_data_in_plain_dutch(client, household):
    response = await client.get(
        f"/api/admin/cases/{household['case_id']}/access-export.pdf", headers=household["headers"]
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    missing = [name for name, canary in CANARY.items() if canary not in flat]
    assert not missing, missing
    for heading in (
        "Inzage in uw gegevens",
        "Uw huishouden",
        "Uw toestemming",
        "Bezoeken en gesprekken",
        "Vervolgacties bij andere organisaties",
        "Wie uw gegevens heeft ingezien of ontvangen",
        "Uw rechten",
    ):
        assert heading in flat, heading
    assert "1.234,57" in flat
    assert "GGD Regio Middenvallei" in flat
    export = await export_json(client, household["headers"], household["case_id"])
    final = next(r for r in export["visits"][0]["reports"] if r["kind"] == "final")
    assert final["sha256"][:32] in text and final["sha256"][32:] in text


async def test_each_export_is_one_audit_event_naming_who_and_which_case(client, household):
    case_id = str(household["case_id"])
    before = await audit_rows(object_id=case_id, action="export")
    await export_json(client, household["headers"], household["case_id"])
    after = await audit_rows(object_id=case_id, action="export")
    [new] = [row for row in after if row["id"] not in {r["id"] for r in before}]
    assert new["actor_user"] == uuid.UUID(household["exporter"]["id"])
    assert (new["object_type"], new["outcome"]) == ("case", "allowed")
    assert new["detail"] == "access export (json)"


@pytest.mark.parametrize("username", ["fieldworker", "supervisor", "municipality"])
async def test_people_without_the_administrator_role_are_refused_and_it_is_audited(
    client, household, username
):
    case_id = household["case_id"]
    headers = await headers_for(client, username)
    for suffix in ("access-export", "access-export.pdf"):
        response = await client.get(f"/api/admin/cases/{case_id}/{suffix}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    refused = await audit_rows(object_id=str(case_id), action="export", outcome="refused")
    assert sum(row["actor_user"] == demo_user_id(username) for row in refused) >= 2


async def test_an_administrator_of_an_organisation_that_holds_nothing_gets_not_found(
    client, household
):
    admin = await headers_for(client, "admin")
    police_admin = await new_user(client, admin, "politie", ["functional_admin"])
    headers = bearer(await login(client, police_admin["username"], police_admin["password"]))
    case_id = household["case_id"]
    refused = await client.get(f"/api/admin/cases/{case_id}/access-export", headers=headers)
    unknown = await client.get(f"/api/admin/cases/{uuid.uuid4()}/access-export", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (404, "case_not_found")
    # Existence is not disclosed: the same answer as for a case that does not exist.
    assert unknown.json() == refused.json()
    rows = await audit_rows(object_id=str(case_id), action="export", outcome="refused")
    assert any(row["actor_user"] == uuid.UUID(police_admin["id"]) for row in rows)


async def test_an_unknown_case_is_not_found_for_an_administrator(client, household):
    unknown = uuid.uuid4()
    for suffix in ("access-export", "access-export.pdf"):
        response = await client.get(
            f"/api/admin/cases/{unknown}/{suffix}", headers=household["headers"]
        )
        assert (response.status_code, response.json()["code"]) == (404, "case_not_found")
    rows = await audit_rows(object_id=str(unknown), action="export")
    assert [row["outcome"] for row in rows] == ["refused", "refused"]


async def test_each_organisation_exports_only_what_it_holds(client, household):
    # The municipality takes part (it directs the case) but recorded no visit: the housing
    # corporation's visit and its follow-up to the GGD are that organisation's to answer for.
    municipality = await export_json(
        client, await headers_for(client, "admin"), household["case_id"]
    )
    text = json.dumps(municipality, ensure_ascii=False)
    assert municipality["takes_part"] is True
    assert municipality["visits"] == []
    assert CANARY["visit_answer"] not in text
    assert CANARY["need_sent"] not in text
    assert [f["direction"] for f in municipality["followups"]] == ["sent"]
    # The GGD only received a follow-up: no case record, the follow-up with its extract.
    admin = await headers_for(client, "admin")
    ggd_admin = await new_user(client, admin, "ggd", ["functional_admin"])
    ggd = bearer(await login(client, ggd_admin["username"], ggd_admin["password"]))
    received = await export_json(client, ggd, household["case_id"])
    assert (received["takes_part"], received["case"], received["consent"]) == (False, None, [])
    [followup] = received["followups"]
    assert followup["id"] == household["sent"] and followup["direction"] == "received"
    assert followup["extract"]["shared_categories"]
    assert CANARY["visit_answer"] not in json.dumps(received, ensure_ascii=False)
