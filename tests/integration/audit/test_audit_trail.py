"""The audit trail: every read of case data, one row per case, with who, for whom, from where;
every refusal; and no row that the application can change or delete."""

import pytest

from tests.helpers import audit_rows, bearer, demo_case_id, demo_org_id, demo_user_id, login


async def test_a_list_writes_one_read_row_per_case_returned(client):
    tokens = await login(client, "municipality")
    cases = (await client.get("/api/cases", headers=bearer(tokens))).json()
    assert len(cases) >= 5
    rows = await audit_rows(device=tokens["device_id"], action="read")
    assert sorted(r["object_id"] for r in rows) == sorted(c["id"] for c in cases)
    assert {r["actor_user"] for r in rows} == {demo_user_id("municipality")}
    assert {r["actor_organisation"] for r in rows} == {demo_org_id("rivierstad")}
    assert {r["outcome"] for r in rows} == {"allowed"}


async def test_reading_one_case_is_audited_with_the_device(client):
    tokens = await login(client, "ggd")
    case_id = demo_case_id("Familie Ramdin-Klaver")
    assert (await client.get(f"/api/cases/{case_id}", headers=bearer(tokens))).status_code == 200
    rows = await audit_rows(device=tokens["device_id"], object_id=str(case_id))
    assert [(r["action"], r["outcome"]) for r in rows] == [("read", "allowed")]


async def test_a_refused_read_is_audited_too(client):
    tokens = await login(client, "police")
    case_id = demo_case_id("Familie Brinkhorst")
    assert (await client.get(f"/api/cases/{case_id}", headers=bearer(tokens))).status_code == 404
    rows = await audit_rows(device=tokens["device_id"], object_id=str(case_id))
    assert [(r["action"], r["outcome"]) for r in rows] == [("read", "refused")]
    assert rows[0]["detail"] == "organisation does not take part in the case"


async def test_a_refused_administration_call_is_audited(client):
    tokens = await login(client, "supervisor")
    response = await client.get("/api/admin/users", headers=bearer(tokens))
    assert response.status_code == 403
    rows = await audit_rows(device=tokens["device_id"], outcome="refused")
    assert [(r["action"], r["object_type"]) for r in rows] == [("list", "user")]


async def test_a_refused_creation_is_audited_with_the_name_it_would_have_had(client):
    tokens = await login(client, "supervisor")
    name = "Stichting " + "Lange Naam " * 15
    response = await client.post(
        "/api/admin/organisations", headers=bearer(tokens), json={"name": name, "kind": "other"}
    )
    assert response.status_code == 403
    rows = await audit_rows(device=tokens["device_id"], outcome="refused")
    # As much of the name as the column holds (it once overflowed it on PostgreSQL: a 500).
    assert [(r["action"], r["object_id"]) for r in rows] == [("create", name[:64])]


async def test_the_database_refuses_to_change_or_delete_audit_rows(client):
    from api.audit.tables import AuditEvent

    await login(client, "socialwork")
    row = (await AuditEvent.select(AuditEvent.id).limit(1).run(in_pool=False))[0]
    with pytest.raises(Exception, match="append-only"):
        await (
            AuditEvent.update({AuditEvent.detail: "nothing happened"})
            .where(AuditEvent.id == row["id"])
            .run(in_pool=False)
        )
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete().where(AuditEvent.id == row["id"]).run(in_pool=False)
    assert await AuditEvent.exists().where(AuditEvent.id == row["id"]).run(in_pool=False)
