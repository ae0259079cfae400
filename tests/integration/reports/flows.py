"""Steps the review and report tests share: a submitted kitchen-table visit, the worker's jobs."""

from __future__ import annotations

import uuid
from typing import Any

from tests.helpers import example_answers, headers_for, in_app, kitchen_table_files, visit_body
from tests.integration.cases.test_cases import create_case


async def submitted_visit(
    client: Any, worker_headers: dict[str, str], **extra: Any
) -> tuple[uuid.UUID, dict[str, Any]]:
    """A kitchen-table visit with both signatures uploaded: submitted, waiting for review."""
    case_id = extra.pop("case_id", None)
    if case_id is None:
        case_id, _ = await create_case(client, worker_headers)
    files = kitchen_table_files()
    answers = extra.pop("answers", None) or example_answers("keukentafelgesprek")
    body = visit_body(case_id, "keukentafelgesprek", answers, files, **extra)
    visit_id = uuid.uuid4()
    response = await client.put(f"/api/visits/{visit_id}", headers=worker_headers, json=body)
    assert response.status_code == 201, response.text
    for name, data in files.items():
        uploaded = await client.put(
            f"/api/visits/{visit_id}/attachments/{name}",
            headers={**worker_headers, "Content-Type": "image/png"},
            content=data,
        )
        assert uploaded.status_code == 201, uploaded.text
    return visit_id, body


async def run_jobs(client: Any) -> int:
    """What the worker does between requests: every due job, now, in the app's loop."""
    from api.jobs.worker import run_due

    return int(await in_app(client, run_due))


async def review(
    client: Any, headers: dict[str, str], visit_id: uuid.UUID, decision: str, comment: str = ""
) -> Any:
    return await client.post(
        f"/api/visits/{visit_id}/review",
        headers=headers,
        json={"decision": decision, "comment": comment},
    )


async def approved_report(client: Any) -> tuple[uuid.UUID, bytes]:
    """A visit approved by the supervisor, its final report sealed by the worker: the PDF."""
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    visit_id, _ = await submitted_visit(client, worker)
    approved = await review(client, supervisor, visit_id, "approve")
    assert approved.status_code == 200, approved.text
    await run_jobs(client)
    response = await client.get(f"/api/visits/{visit_id}/report.pdf", headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.headers["x-report-kind"] == "final"
    return visit_id, response.content
