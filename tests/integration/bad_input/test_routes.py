"""Every route of the OpenAPI document: a malformed id in its path is a 400 `invalid_parameter`,
an unknown field in its JSON body a 400 `invalid_body`, and no table gains or loses a row.

Taken from the document itself, so a route added later is probed without anyone listing it
(tests/integration/cases/test_bad_input.py looks at cases alone, field by field).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.helpers import png_bytes
from tests.integration.bad_input.support import assert_problem, row_counts

NOT_UUIDS = ["not-a-uuid", "12345", "00000000-0000-0000-0000-00000000000g", "1%27%20OR%20%271"]
# Values for path parameters that are not ids.
OTHER_PATH_VALUES = {"key": "keukentafelgesprek", "version": "1", "name": "signature_resident.png"}


def operations(client: Any) -> list[dict[str, Any]]:
    schema = client.app.openapi_schema.to_schema()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            found.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "uuids": [p["name"] for p in parameters if p["schema"].get("format") == "uuid"],
                    "json_body": "application/json"
                    in operation.get("requestBody", {}).get("content", {}),
                    "raw_body": "requestBody" not in operation and method in ("post", "put"),
                }
            )
    return found


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], str(uuid.uuid4())), path)


def send_kwargs(operation: dict[str, Any]) -> dict[str, Any]:
    if operation["json_body"]:
        return {"json": {}}
    if operation["path"].endswith("/attachments/{name}"):
        return {"content": png_bytes(), "headers": {"content-type": "image/png"}}
    return {}


async def test_a_malformed_id_in_any_path_is_a_parameter_error(client, worker):
    probed = []
    before = await row_counts()
    for operation in operations(client):
        for parameter in operation["uuids"]:
            for bad in NOT_UUIDS:
                url = fill(operation["path"], {**OTHER_PATH_VALUES, parameter: bad})
                kwargs = send_kwargs(operation)
                headers = {**worker, **kwargs.pop("headers", {})}
                response = await client.request(operation["method"], url, headers=headers, **kwargs)
                problem = assert_problem(response, 400, "invalid_parameter")
                keys = {error.get("key") for error in problem["errors"]}
                assert parameter in keys, (operation["id"], problem)
            probed.append(operation["id"])
    assert await row_counts() == before
    # The ids the issue names, at least: visits, follow-ups, notifications, reports, cases.
    assert {
        "getVisit",
        "putVisit",
        "putVisitAttachment",
        "getVisitReport",
        "reviewVisit",
        "getFollowup",
        "claimFollowup",
        "markNotificationRead",
        "getCase",
        "resolveConflict",
        "revokeDevice",
    } <= set(probed)


async def test_an_unknown_field_in_any_json_body_is_refused(client, worker):
    before = await row_counts()
    probed = []
    for operation in operations(client):
        if not operation["json_body"]:
            continue
        url = fill(operation["path"], OTHER_PATH_VALUES)
        response = await client.request(
            operation["method"], url, headers=worker, json={"zz_unknown_field": 1}
        )
        problem = assert_problem(response, 400, "invalid_body")
        assert "zz_unknown_field" in str(problem), (operation["id"], problem)
        probed.append(operation["id"])
    assert await row_counts() == before
    assert {"putVisit", "putCase", "putFollowup", "logIn", "createPushSubscription"} <= set(probed)
