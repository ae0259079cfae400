"""The access matrix: every route of the OpenAPI document x every demo account (and nobody).

Each operation needs an entry in PROBES saying which accounts it allows; a new route without an
entry fails `test_every_route_has_an_entry`, so nobody adds an endpoint without deciding who may
call it. Allowed calls must succeed (2xx); everyone else gets a problem+json 401, 403 or 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from api.jobs.worker import run_due
from tests.helpers import (
    DEMO_USERNAMES,
    bearer,
    demo_user_id,
    example_answers,
    in_app,
    kitchen_table_files,
    login,
    new_user,
    visit_body,
)

ANONYMOUS = "(anonymous)"
EVERYONE = frozenset(DEMO_USERNAMES)
CASE_PEOPLE = EVERYONE - {"admin"}
ADMIN = frozenset({"admin"})


@dataclass
class World:
    """What the probes point at: a case of their own, a throwaway user and device."""

    case_id: uuid.UUID
    case_body: dict[str, Any]
    user_id: str
    device_id: str
    visit_id: uuid.UUID
    # An alert in `fieldworker`'s inbox.
    notification_id: str = ""
    # A follow-up from `fieldworker` to the GGD on the case.
    followup_id: str = ""


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    allowed: frozenset[str]
    body: Callable[[World, str], Any] | None = None
    public: bool = False
    # Logging out ends the session it is called with: give it a fresh one.
    fresh_session: bool = False
    # Path values beyond the world's ids, e.g. {"key": "keukentafelgesprek"}; "{fresh}" in a
    # value becomes a new UUID per request.
    params: dict[str, str] = field(default_factory=dict)
    # Raw bytes and their content type, for routes that take no JSON (attachments).
    raw: tuple[bytes, str] | None = None


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


PROBES: dict[str, Probe] = {
    "checkHealth": Probe("GET", "/api/health", EVERYONE | {ANONYMOUS}, public=True),
    "logIn": Probe(
        "POST",
        "/api/auth/login",
        frozenset(),
        public=True,
        body=lambda w, who: {"username": who, "password": "wrong", "device_name": "probe"},
    ),
    "refreshTokens": Probe(
        "POST",
        "/api/auth/refresh",
        frozenset(),
        public=True,
        body=lambda w, who: {"refresh_token": "not-a-token"},
    ),
    "logOut": Probe("POST", "/api/auth/logout", EVERYONE, fresh_session=True),
    "getMe": Probe("GET", "/api/me", EVERYONE),
    # Form definitions hold no personal data; every signed-in account may read them.
    "listForms": Probe("GET", "/api/forms", EVERYONE),
    "getForm": Probe(
        "GET",
        "/api/forms/{key}/{version}",
        EVERYONE,
        params={"key": "keukentafelgesprek", "version": "1"},
    ),
    "listOrganisations": Probe("GET", "/api/admin/organisations", ADMIN),
    "createOrganisation": Probe(
        "POST",
        "/api/admin/organisations",
        ADMIN,
        body=lambda w, who: {"name": unique("Stichting Proef"), "kind": "other"},
    ),
    "listUsers": Probe("GET", "/api/admin/users", ADMIN),
    "createUser": Probe(
        "POST",
        "/api/admin/users",
        ADMIN,
        body=lambda w, who: {
            "username": unique("probe"),
            "display_name": "Proef Persoon",
            "organisation_id": str(demo_user_org("welzijn")),
            "roles": ["field_worker"],
            "password": "a-long-probe-password",
        },
    ),
    "updateUser": Probe(
        "PATCH",
        "/api/admin/users/{user_id}",
        ADMIN,
        body=lambda w, who: {"display_name": "Proef Persoon Hernoemd"},
    ),
    "endUserSessions": Probe("POST", "/api/admin/users/{user_id}/end-sessions", ADMIN),
    "disableUser": Probe("POST", "/api/admin/users/{user_id}/disable", ADMIN),
    "enableUser": Probe("POST", "/api/admin/users/{user_id}/enable", ADMIN),
    "resetPassword": Probe(
        "POST",
        "/api/admin/users/{user_id}/reset-password",
        ADMIN,
        body=lambda w, who: {"new_password": "another-probe-password"},
    ),
    "listDevices": Probe("GET", "/api/admin/devices", ADMIN),
    # A household's right of access: the functional administrator of an organisation that
    # holds the case (`admin` is the municipality's, which directs the probe case).
    "getHouseholdAccessExport": Probe("GET", "/api/admin/cases/{case_id}/access-export", ADMIN),
    "getHouseholdAccessExportPdf": Probe(
        "GET", "/api/admin/cases/{case_id}/access-export.pdf", ADMIN
    ),
    "revokeDevice": Probe("POST", "/api/admin/devices/{device_id}/revoke", ADMIN),
    "listCases": Probe("GET", "/api/cases", CASE_PEOPLE),
    # The probe case: made by `fieldworker` (assigned), directed by `municipality`.
    "getCase": Probe(
        "GET",
        "/api/cases/{case_id}",
        frozenset({"fieldworker", "supervisor", "municipality", "municipality-supervisor"}),
    ),
    "putCase": Probe(
        "PUT",
        "/api/cases/{case_id}",
        frozenset({"fieldworker", "supervisor", "municipality", "municipality-supervisor"}),
        body=lambda w, who: w.case_body,
    ),
    # Consent: read by whoever sees the case, recorded by whoever may edit it.
    "getConsent": Probe(
        "GET",
        "/api/cases/{case_id}/consent",
        frozenset({"fieldworker", "supervisor", "municipality", "municipality-supervisor"}),
    ),
    "putConsent": Probe(
        "PUT",
        "/api/cases/{case_id}/consent",
        frozenset({"fieldworker", "supervisor", "municipality", "municipality-supervisor"}),
        body=lambda w, who: {
            "decisions": [
                {"category": "agreements", "recipient_kind": "social_work", "decision": "given"}
            ],
            "source": "phone",
        },
    ),
    # Who accessed the case: the supervisors of the organisations taking part, nobody else.
    "listCaseAccessLog": Probe(
        "GET",
        "/api/cases/{case_id}/access-log",
        frozenset({"supervisor", "municipality-supervisor"}),
    ),
    # A visit stays with its worker and their supervisors; only the assigned worker records one.
    # (Before assignWorker below, which assigns the other case people.)
    "listVisits": Probe("GET", "/api/visits", CASE_PEOPLE),
    "getVisit": Probe("GET", "/api/visits/{visit_id}", frozenset({"fieldworker", "supervisor"})),
    "putVisit": Probe(
        "PUT",
        "/api/visits/{visit_id}",
        frozenset({"fieldworker"}),
        params={"visit_id": "{fresh}"},
        body=lambda w, who: visit_body(w.case_id),
    ),
    "putVisitAttachment": Probe(
        "PUT",
        "/api/visits/{visit_id}/attachments/{name}",
        frozenset({"fieldworker"}),
        params={"name": "signature_worker.png"},
        raw=(kitchen_table_files()["signature_worker.png"], "image/png"),
    ),
    # The report stays with the worker and their supervisors, like the visit.
    "getVisitReport": Probe(
        "GET", "/api/visits/{visit_id}/report.pdf", frozenset({"fieldworker", "supervisor"})
    ),
    # Four eyes: only a supervisor of the worker's organisation; the same decision again is a 200.
    "reviewVisit": Probe(
        "POST",
        "/api/visits/{visit_id}/review",
        frozenset({"supervisor"}),
        body=lambda w, who: {"decision": "approve", "comment": ""},
    ),
    # Anyone holding a report may ask whether it is intact; the answer shows what the file does.
    "verifyReport": Probe(
        "POST",
        "/api/reports/verify",
        EVERYONE | {ANONYMOUS},
        public=True,
        raw=(b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    ),
    "pullChanges": Probe("GET", "/api/sync/changes", CASE_PEOPLE),
    "listConflicts": Probe("GET", "/api/conflicts", CASE_PEOPLE),
    # No conflict has this id: everyone gets a problem, nobody learns anything.
    "resolveConflict": Probe(
        "POST",
        "/api/conflicts/{conflict_id}/resolve",
        frozenset(),
        body=lambda w, who: {"decision": "keep_current"},
        params={"conflict_id": "{fresh}"},
    ),
    "assignWorker": Probe(
        "POST",
        "/api/cases/{case_id}/assignments",
        frozenset({"supervisor", "municipality", "municipality-supervisor"}),
        body=lambda w, who: {"user_id": str(demo_user_id(who)), "assigned": True},
    ),
    "handOverDirection": Probe(
        "POST",
        "/api/cases/{case_id}/director",
        frozenset({"municipality", "municipality-supervisor"}),
        body=lambda w, who: {"user_id": str(demo_user_id("municipality"))},
    ),
}

PROBES.update(
    {
        # Everyone signed in has an inbox (an administrator's stays empty) and may get alerts.
        "listNotifications": Probe("GET", "/api/notifications", EVERYONE),
        # Only the owner; for anyone else the id does not exist.
        "markNotificationRead": Probe(
            "POST", "/api/notifications/{notification_id}/read", frozenset({"fieldworker"})
        ),
        "getVapidPublicKey": Probe("GET", "/api/push/vapid-public-key", EVERYONE),
        # A loopback endpoint per account (the tests allow loopback); removed again below, so
        # no push job ever tries it.
        "createPushSubscription": Probe(
            "POST",
            "/api/push/subscriptions",
            EVERYONE,
            body=lambda w, who: {"endpoint": probe_endpoint(who), "keys": probe_push_keys()},
        ),
        # Unsubscribing is idempotent and scoped to the caller: 204 for everyone signed in.
        "deletePushSubscription": Probe(
            "DELETE",
            "/api/push/subscriptions",
            EVERYONE,
            body=lambda w, who: {"endpoint": probe_endpoint(who)},
        ),
    }
)


def probe_endpoint(who: str) -> str:
    return f"http://127.0.0.1:9/push/probe-{who}"


def probe_push_keys() -> dict[str, str]:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def b64url(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(point), "auth": b64url(b"0123456789abcdef")}


async def _alert_fieldworker(object_id: uuid.UUID) -> str:
    from api.lib.db import write_transaction
    from api.notifications.services import notify
    from api.notifications.tables import Notification

    user_id = demo_user_id("fieldworker")
    async with write_transaction():
        await notify([user_id], "followup_new", "followup", object_id)
        row = await (
            Notification.select(Notification.id)
            .where((Notification.user == user_id) & (Notification.object_id == object_id))
            .first()
        )
    assert row is not None
    return str(row["id"])


CASE_VIEWERS = frozenset({"fieldworker", "supervisor", "municipality", "municipality-supervisor"})
PROBES.update(
    {
        "listFollowups": Probe("GET", "/api/followups", CASE_PEOPLE),
        "listRecipients": Probe("GET", "/api/followups/recipients", CASE_PEOPLE),
        # The receiving organisation, the sender (and their supervisor) and the case director.
        "getFollowup": Probe(
            "GET",
            "/api/followups/{followup_id}",
            frozenset({"fieldworker", "supervisor", "municipality", "ggd", "ggd-supervisor"}),
        ),
        # The extract is the receiving organisation's alone.
        "getFollowupExtract": Probe(
            "GET",
            "/api/followups/{followup_id}/extract.pdf",
            frozenset({"ggd", "ggd-supervisor"}),
        ),
        "putFollowup": Probe(
            "PUT",
            "/api/followups/{followup_id}",
            CASE_VIEWERS,
            params={"followup_id": "{fresh}"},
            body=lambda w, who: followup_body(w.case_id, demo_user_org("ggd")),
        ),
        "getCasePlan": Probe("GET", "/api/cases/{case_id}/plan", CASE_VIEWERS),
        # No follow-up has these ids: everyone gets a problem (tests/integration/followups
        # covers who may act on a real one).
        **{
            operation: Probe(
                "POST",
                f"/api/followups/{{followup_id}}/{verb}",
                frozenset(),
                params={"followup_id": "{fresh}"},
                body=lambda w, who: {"action_id": str(uuid.uuid4()), "text": "klaar"},
            )
            for operation, verb in [
                ("claimFollowup", "claim"),
                ("progressFollowup", "progress"),
                ("declineFollowup", "decline"),
                ("completeFollowup", "complete"),
            ]
        },
    }
)


def demo_user_org(key: str) -> uuid.UUID:
    from tests.helpers import demo_org_id

    return demo_org_id(key)


async def openapi_operations(client) -> dict[str, tuple[str, str]]:
    document = (await client.get("/schema/openapi.json")).json()
    operations = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations[operation["operationId"]] = (method.upper(), path)
    return operations


async def test_every_route_has_an_entry(client):
    operations = await openapi_operations(client)
    missing = sorted(set(operations) - set(PROBES))
    stale = sorted(set(PROBES) - set(operations))
    assert not missing, f"routes without an access-matrix entry: {missing}"
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"
    for operation_id, probe in PROBES.items():
        assert operations[operation_id] == (probe.method, probe.path), operation_id


async def test_operation_ids_read_as_verbs(client):
    verbs = (
        "list",
        "get",
        "create",
        "put",
        "log",
        "refresh",
        "check",
        "update",
        "end",
        "disable",
        "enable",
        "reset",
        "revoke",
        "assign",
        "hand",
        "pull",
        "resolve",
        "review",
        "verify",
        "claim",
        "progress",
        "decline",
        "complete",
        "mark",
        "delete",
    )
    for operation_id in await openapi_operations(client):
        assert operation_id.startswith(verbs), operation_id


@pytest.fixture(scope="module")
async def world(client) -> World:
    fieldworker = bearer(await login(client, "fieldworker"))
    case_id = uuid.uuid4()
    body = {
        "address": {
            "street": "Proefstraat",
            "house_number": "1",
            "postcode": "7411 PP",
            "city": "Rivierstad",
        },
        "signal": {"arrears_cents": 50_000, "arrears_months": 2},
        "process_step": "signal",
    }
    created = await client.put(f"/api/cases/{case_id}", headers=fieldworker, json=body)
    assert created.status_code == 201
    handover = await client.post(
        f"/api/cases/{case_id}/director",
        headers=fieldworker,
        json={"user_id": str(demo_user_id("municipality"))},
    )
    assert handover.status_code == 200
    admin = bearer(await login(client, "admin"))
    person = await new_user(client, admin, "welzijn", ["field_worker"])
    device = await login(client, person["username"], person["password"])
    visit_id = uuid.uuid4()
    visit = visit_body(
        case_id, "keukentafelgesprek", example_answers("keukentafelgesprek"), kitchen_table_files()
    )
    recorded = await client.put(f"/api/visits/{visit_id}", headers=fieldworker, json=visit)
    assert recorded.status_code == 201, recorded.text
    for name, data in kitchen_table_files().items():
        await client.put(
            f"/api/visits/{visit_id}/attachments/{name}",
            headers={**fieldworker, "Content-Type": "image/png"},
            content=data,
        )
    await in_app(client, run_due)  # the draft report, so that reading it can succeed
    notification_id = await in_app(client, _alert_fieldworker, uuid.uuid4())
    return World(
        case_id=case_id,
        case_body={**body, "base_version": 1},
        user_id=person["id"],
        device_id=device["device_id"],
        visit_id=visit_id,
        notification_id=notification_id,
        followup_id=await _followup_to_ggd(client, fieldworker, case_id, visit_id),
    )


async def _followup_to_ggd(client, headers, case_id, visit_id) -> str:
    followup_id = str(uuid.uuid4())
    recipients = (await client.get("/api/followups/recipients", headers=headers)).json()
    response = await client.put(
        f"/api/followups/{followup_id}",
        headers=headers,
        json=followup_body(case_id, next(o["id"] for o in recipients if o["kind"] == "ggd")),
    )
    assert response.status_code == 201, response.text
    return followup_id


def followup_body(case_id, recipient_id) -> dict:
    return {
        "case_id": str(case_id),
        "recipient_organisation_id": str(recipient_id),
        "need": "Kijken welke hulp past",
        "due_on": "2026-12-31",
        "categories": ["contact_details"],
    }


async def test_each_account_reaches_exactly_what_the_matrix_allows(client, world):
    headers = {who: bearer(await login(client, who)) for who in DEMO_USERNAMES}
    headers[ANONYMOUS] = {}
    wrong: list[str] = []
    for operation_id, probe in PROBES.items():
        for who in [*DEMO_USERNAMES, ANONYMOUS]:
            values = {
                "case_id": world.case_id,
                "user_id": world.user_id,
                "device_id": world.device_id,
                "visit_id": world.visit_id,
                "notification_id": world.notification_id,
                "followup_id": world.followup_id,
            }
            for name, value in probe.params.items():
                values[name] = str(uuid.uuid4()) if value == "{fresh}" else value
            path = probe.path.format(**values)
            request_headers = headers[who]
            if probe.fresh_session and who != ANONYMOUS:
                request_headers = bearer(await login(client, who))
            body = probe.body(world, who) if probe.body else None
            content: dict[str, Any] = {"json": body} if body is not None else {}
            if probe.raw is not None:
                request_headers = {**request_headers, "content-type": probe.raw[1]}
                content = {"content": probe.raw[0]}
            response = await client.request(probe.method, path, headers=request_headers, **content)
            allowed = who in probe.allowed
            if allowed and not 200 <= response.status_code < 300:
                wrong.append(
                    f"{operation_id} as {who}: expected success, got "
                    f"{response.status_code} {response.text[:120]}"
                )
            if not allowed:
                expected = {401} if (who == ANONYMOUS or probe.public) else {403, 404}
                problem = response.headers.get("content-type", "").startswith(
                    "application/problem+json"
                )
                if response.status_code not in expected or not problem:
                    wrong.append(
                        f"{operation_id} as {who}: expected {sorted(expected)}, got "
                        f"{response.status_code} {response.text[:120]}"
                    )
    assert not wrong, "\n".join(wrong)
