"""Small helpers the tests share: logging in, demo ids, reading the audit trail."""
#
# Test code reads the database with run(in_pool=False): the app under test runs its lifespan
# (and so its PostgreSQL pool) in the test client's portal loop, which test code must not use.

from __future__ import annotations

import hashlib
import io
import json
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import DEMO_PASSWORD

DEMO_USERNAMES = [
    "fieldworker",
    "supervisor",
    "municipality",
    "municipality-supervisor",
    "ggd",
    "ggd-supervisor",
    "socialwork",
    "debtcounsel",
    "police",
    "admin",
]


async def login(client: Any, username: str, password: str = DEMO_PASSWORD, **extra: Any) -> dict:
    response = await client.post(
        "/api/auth/login",
        json={"username": username, "password": password, "device_name": "test tablet", **extra},
    )
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def headers_for(client: Any, username: str) -> dict[str, str]:
    return bearer(await login(client, username))


def demo_case_id(name: str) -> uuid.UUID:
    from api.demo import demo_id

    return demo_id(f"case/{name}")


def demo_user_id(username: str) -> uuid.UUID:
    from api.demo import demo_id

    return demo_id(f"user/{username}")


def demo_org_id(key: str) -> uuid.UUID:
    from api.demo import demo_id

    return demo_id(f"org/{key}")


async def audit_rows(**where: Any) -> list[dict]:
    from api.audit.tables import AuditEvent

    query = AuditEvent.select()
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return await query.order_by(AuditEvent.at).run(in_pool=False)


async def new_user(client: Any, admin_headers: dict, organisation: str, roles: list[str]) -> dict:
    """A throwaway user for tests that change a person's state; demo accounts stay as seeded."""
    username = f"t-{uuid.uuid4().hex[:12]}"
    response = await client.post(
        "/api/admin/users",
        headers=admin_headers,
        json={
            "username": username,
            "display_name": "Testpersoon Verzonnen",
            "organisation_id": str(demo_org_id(organisation)),
            "roles": roles,
            "password": "a-long-test-password",
        },
    )
    assert response.status_code == 201, response.text
    return {**response.json(), "password": "a-long-test-password"}


# Visits ---------------------------------------------------------------------------------------
FIXTURES = Path(__file__).parent / "fixtures"
VISIT_DAY = "2026-11-24"


def example_answers(form_key: str) -> dict[str, Any]:
    """A complete, valid answer set of a published form (invented people only)."""
    data: dict[str, Any] = json.loads((FIXTURES / "answers" / f"{form_key}.json").read_text())
    return data


def png_bytes(width: int = 40, height: int = 20, colour: tuple[int, ...] = (0, 0, 0, 255)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def visit_body(
    case_id: uuid.UUID,
    form_key: str = "signaal_huurachterstand",
    answers: dict[str, Any] | None = None,
    files: dict[str, bytes] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A VisitWrite as the tablet sends it; `files` are declared with the sha256 of their bytes."""
    return {
        "case_id": str(case_id),
        "form_key": form_key,
        "form_version": 1,
        "visited_on": VISIT_DAY,
        "finalized_at": f"{VISIT_DAY}T11:50:00+01:00",
        "answers": answers if answers is not None else example_answers(form_key),
        "attachments": [
            {
                "name": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "content_type": "image/png" if name.endswith(".png") else "image/jpeg",
                "size": len(data),
            }
            for name, data in (files or {}).items()
        ],
        **extra,
    }


def kitchen_table_files() -> dict[str, bytes]:
    return {
        "signature_resident.png": png_bytes(60, 30),
        "signature_worker.png": png_bytes(50, 25, (10, 10, 120, 255)),
    }


async def in_app(client: Any, function: Any, *args: Any) -> Any:
    """Await `function(*args)` on the app's own event loop, as the server's embedded worker does.

    The test client runs the app in a thread of its own; on PostgreSQL the connection pool
    belongs to that loop, so database work a test starts (the worker's jobs) must run there too.
    """
    import asyncio

    return await asyncio.to_thread(client.blocking_portal.call, function, *args)
