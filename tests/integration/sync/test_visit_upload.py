"""Recording visits from a tablet: once, whole, and never two different stories under one id."""

from __future__ import annotations

import asyncio
import io
import uuid

from PIL import Image

from tests.helpers import (
    audit_rows,
    demo_user_id,
    example_answers,
    headers_for,
    kitchen_table_files,
    png_bytes,
    visit_body,
)
from tests.integration.cases.test_cases import create_case


async def visit_rows(visit_id: uuid.UUID) -> list[dict]:
    from api.visits.tables import Visit

    return (
        await Visit.select(Visit.id, Visit.state, Visit.body_sha256)
        .where(Visit.id == visit_id)
        .run(in_pool=False)
    )


async def kitchen_table(client, headers):
    case_id, _ = await create_case(client, headers)
    files = kitchen_table_files()
    body = visit_body(case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), files)
    return case_id, body, files


async def test_a_new_visit_is_created_and_waits_for_its_attachments(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    response = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["outcome"] == "created"
    assert receipt["visit"]["state"] == "awaiting_attachments"
    assert receipt["visit"]["missing_attachments"] == [
        "signature_resident.png",
        "signature_worker.png",
    ]
    assert receipt["visit"]["answers"]["total_debt_cents"] == 289850
    suggested = {s["code"] for s in receipt["visit"]["suggestions"]}
    assert {"ggd_mental_health", "debt_counselling_referral"} <= suggested


async def test_resubmitting_an_identical_visit_is_a_duplicate_with_the_same_answer(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    first = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    # The same body with its keys in another order is the same canonical body.
    reordered = dict(reversed(list(body.items())))
    again = await client.put(f"/api/visits/{visit_id}", headers=headers, json=reordered)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["outcome"] == "duplicate"
    assert again.json()["visit"] == first.json()["visit"]
    assert len(await visit_rows(visit_id)) == 1


async def test_the_answer_to_a_new_visit_is_what_reading_it_back_gives(client):
    # The answer is built from what the request stored (api.visits.services._new_detail); the
    # tablet keeps it, so it must not differ from the stored visit in any field.
    headers = await headers_for(client, "fieldworker")
    case_id, kitchen, _ = await kitchen_table(client, headers)
    signal = visit_body(case_id)  # no attachments: submitted at once, a draft report pending
    for body in (kitchen, signal):
        visit_id = uuid.uuid4()
        put = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
        assert put.status_code == 201, put.text
        stored = await client.get(f"/api/visits/{visit_id}", headers=headers)
        assert put.json()["visit"] == stored.json()
    assert stored.json()["report"]["state"] == "pending"


async def test_two_identical_requests_at_the_same_moment_store_one_visit(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    responses = await asyncio.gather(
        *[client.put(f"/api/visits/{visit_id}", headers=headers, json=body) for _ in range(4)]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({r.json()["visit"]["body_sha256"] for r in responses}) == 1
    assert len(await visit_rows(visit_id)) == 1


async def test_a_visit_sent_again_after_its_worker_left_the_case_is_still_a_duplicate(client):
    """A tablet that lost the answer sends again, perhaps after a supervisor took the worker
    off the case: the stored visit answers, and nothing is refused or audited as refused."""
    headers = await headers_for(client, "fieldworker")
    case_id, body, _ = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    first = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    assert first.status_code == 201
    supervisor = await headers_for(client, "supervisor")
    unassign = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": str(demo_user_id("fieldworker")), "assigned": False},
    )
    assert unassign.status_code == 200
    again = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert again.json()["visit"] == first.json()["visit"]
    # A new visit is refused now, and that refusal is the only one.
    refused = await client.put(f"/api/visits/{uuid.uuid4()}", headers=headers, json=body)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    refusals = await audit_rows(object_type="visit", outcome="refused", object_id=str(case_id))
    assert [row["detail"] for row in refusals] == ["not assigned to the case"]


async def test_a_different_body_under_a_stored_id_is_a_conflict_and_changes_nothing(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    first = await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    changed = {**body, "answers": {**body["answers"], "household_wishes": "Iets anders."}}
    response = await client.put(f"/api/visits/{visit_id}", headers=headers, json=changed)
    assert response.status_code == 409
    assert response.json()["code"] == "visit_conflict"
    stored = await client.get(f"/api/visits/{visit_id}", headers=headers)
    assert stored.json()["answers"]["household_wishes"] == body["answers"]["household_wishes"]
    assert stored.json()["body_sha256"] == first.json()["visit"]["body_sha256"]


async def test_answers_that_do_not_fit_the_form_are_refused_field_by_field(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    answers = {**body["answers"], "zrm_financien": 7, "rent_monthly": "825"}
    del answers["signature_resident"]
    visit_id = uuid.uuid4()
    response = await client.put(
        f"/api/visits/{visit_id}",
        headers=headers,
        json={**body, "answers": answers, "attachments": body["attachments"][1:]},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "invalid_answers"
    found = {(error["path"], error["code"]) for error in problem["errors"]}
    assert found == {
        ("rent_monthly", "wrong_type"),
        # Without a valid rent the balance the tablet computed no longer holds.
        ("monthly_balance", "computed_mismatch"),
        ("zrm_financien", "out_of_range"),
        ("signature_resident", "required"),
    }
    assert problem["errors"][0]["message"]["nl"]
    assert await visit_rows(visit_id) == []


async def test_an_unknown_form_version_is_refused(client):
    headers = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, headers)
    body = {**visit_body(case_id), "form_version": 9}
    response = await client.put(f"/api/visits/{uuid.uuid4()}", headers=headers, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_form"


async def test_declared_attachments_must_be_the_ones_the_answers_use(client):
    headers = await headers_for(client, "fieldworker")
    _, body, _ = await kitchen_table(client, headers)
    response = await client.put(
        f"/api/visits/{uuid.uuid4()}",
        headers=headers,
        json={**body, "attachments": body["attachments"][:1]},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "attachments_mismatch"
    assert response.json()["undeclared"] == ["signature_worker.png"]


async def test_only_a_worker_assigned_to_the_case_records_a_visit(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    visit_id = uuid.uuid4()
    for who, status in [("supervisor", 403), ("ggd", 404), ("admin", 404)]:
        headers = await headers_for(client, who)
        response = await client.put(
            f"/api/visits/{visit_id}", headers=headers, json=visit_body(case_id)
        )
        assert response.status_code == status, (who, response.text)
    assert await visit_rows(visit_id) == []
    refusals = await audit_rows(object_type="visit", outcome="refused", object_id=str(case_id))
    assert len(refusals) == 3


async def test_attachments_arrive_once_and_complete_the_visit(client):
    headers = await headers_for(client, "fieldworker")
    _, body, files = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    png = {**headers, "content-type": "image/png"}
    url = f"/api/visits/{visit_id}/attachments"

    first = await client.put(
        f"{url}/signature_resident.png", headers=png, content=files["signature_resident.png"]
    )
    assert first.status_code == 201, first.text
    assert first.json()["missing_attachments"] == ["signature_worker.png"]
    again = await client.put(
        f"{url}/signature_resident.png", headers=png, content=files["signature_resident.png"]
    )
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    other = await client.put(
        f"{url}/signature_resident.png", headers=png, content=png_bytes(61, 30)
    )
    assert (other.status_code, other.json()["code"]) == (409, "attachment_conflict")
    undeclared = await client.put(f"{url}/photo-1.png", headers=png, content=png_bytes())
    assert (undeclared.status_code, undeclared.json()["code"]) == (404, "attachment_not_declared")

    state = (await client.get(f"/api/visits/{visit_id}", headers=headers)).json()
    assert state["missing_attachments"] == ["signature_worker.png"] and not state["complete"]
    last = await client.put(
        f"{url}/signature_worker.png", headers=png, content=files["signature_worker.png"]
    )
    assert last.json()["complete"] is True
    state = (await client.get(f"/api/visits/{visit_id}", headers=headers)).json()
    assert state["state"] == "submitted" and state["missing_attachments"] == []


async def test_an_attachment_sent_before_its_visit_is_refused_until_the_visit_is_there(client):
    headers = await headers_for(client, "fieldworker")
    _, body, files = await kitchen_table(client, headers)
    visit_id = uuid.uuid4()
    png = {**headers, "content-type": "image/png"}
    early = await client.put(
        f"/api/visits/{visit_id}/attachments/signature_worker.png",
        headers=png,
        content=files["signature_worker.png"],
    )
    assert (early.status_code, early.json()["code"]) == (404, "visit_not_found")
    await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    late = await client.put(
        f"/api/visits/{visit_id}/attachments/signature_worker.png",
        headers=png,
        content=files["signature_worker.png"],
    )
    assert late.status_code == 201


async def test_the_stored_copy_is_re_encoded_without_metadata(client):
    headers = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, headers)
    answers = example_answers("keukentafelgesprek")
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {2: (52.0, 13.0, 0.0)}  # GPSInfo: a location
    Image.new("RGB", (80, 60), (200, 120, 40)).save(photo, format="JPEG", exif=exif.tobytes())
    files = {**kitchen_table_files()}
    signature = png_bytes(60, 30)
    files["signature_resident.png"] = signature
    body = visit_body(case_id, "keukentafelgesprek", answers, files)
    visit_id = uuid.uuid4()
    assert (
        await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    ).status_code == 201
    response = await client.put(
        f"/api/visits/{visit_id}/attachments/signature_resident.png",
        headers={**headers, "content-type": "image/png"},
        content=signature,
    )
    assert response.status_code == 201
    from api.visits import images

    cleaned = images.clean(photo.getvalue(), "image/jpeg")
    assert "exif" not in Image.open(io.BytesIO(cleaned.content)).info
    assert b"Camera Maker" not in cleaned.content
    stored_png = Image.open(io.BytesIO(images.clean(signature, "image/png").content))
    assert stored_png.mode == "RGBA"  # a signature keeps its transparent background


async def test_bytes_that_are_not_the_declared_image_are_refused(client):
    headers = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, headers)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    files = {**kitchen_table_files(), "signature_resident.png": svg}
    body = visit_body(case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), files)
    visit_id = uuid.uuid4()
    await client.put(f"/api/visits/{visit_id}", headers=headers, json=body)
    response = await client.put(
        f"/api/visits/{visit_id}/attachments/signature_resident.png",
        headers={**headers, "content-type": "image/png"},
        content=svg,
    )
    assert (response.status_code, response.json()["code"]) == (422, "bad_image")
    state = (await client.get(f"/api/visits/{visit_id}", headers=headers)).json()
    assert "signature_resident.png" in state["missing_attachments"]


async def test_a_correction_replaces_the_visit_it_names_once(client):
    headers = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, headers)
    original = uuid.uuid4()
    await client.put(f"/api/visits/{original}", headers=headers, json=visit_body(case_id))
    correction = visit_body(case_id, replaces=str(original))
    correction["answers"] = {**correction["answers"], "arrears_months": 3}
    response = await client.put(f"/api/visits/{uuid.uuid4()}", headers=headers, json=correction)
    assert response.status_code == 201, response.text
    assert response.json()["visit"]["replaces"] == str(original)
    old = (await client.get(f"/api/visits/{original}", headers=headers)).json()
    assert old["state"] == "replaced"
    twice = await client.put(f"/api/visits/{uuid.uuid4()}", headers=headers, json=correction)
    assert (twice.status_code, twice.json()["code"]) == (422, "invalid_replacement")
    # The correction itself sent again (its answer lost) is the stored correction.
    resent = await client.put(
        f"/api/visits/{response.json()['visit']['id']}", headers=headers, json=correction
    )
    assert (resent.status_code, resent.json()["outcome"]) == (200, "duplicate")
    assert resent.json()["visit"] == response.json()["visit"]


async def test_the_signal_form_fills_the_cases_signal(client):
    headers = await headers_for(client, "fieldworker")
    case_id, before = await create_case(client, headers)
    response = await client.put(
        f"/api/visits/{uuid.uuid4()}", headers=headers, json=visit_body(case_id)
    )
    assert response.status_code == 201
    case = (await client.get(f"/api/cases/{case_id}", headers=headers)).json()
    assert case["signal"]["arrears_cents"] == 184650
    assert case["signal"]["signal_date"] == "2026-11-20"
    assert case["version"] == before["version"] + 1


async def test_a_supervisor_sees_the_organisations_visits_and_others_do_not(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    visit_id = uuid.uuid4()
    await client.put(f"/api/visits/{visit_id}", headers=worker, json=visit_body(case_id))
    supervisor = await headers_for(client, "supervisor")
    queue = await client.get("/api/visits?state=submitted", headers=supervisor)
    assert str(visit_id) in {visit["id"] for visit in queue.json()}
    other = await client.get(f"/api/visits/{visit_id}", headers=await headers_for(client, "ggd"))
    assert (other.status_code, other.json()["code"]) == (404, "visit_not_found")
