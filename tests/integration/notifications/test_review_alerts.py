"""A supervisor's decision reaches the worker whose visit it is: in the inbox and by push."""

from __future__ import annotations

import pytest

from tests.helpers import headers_for
from tests.integration.notifications.flows import inbox, new_person, run_jobs, subscribe
from tests.integration.reports.flows import review, submitted_visit


@pytest.mark.parametrize(
    ("decision", "comment", "kind", "title"),
    [
        ("return", "Vul de afspraken aan.", "visit_returned", "Een verslag is teruggestuurd"),
        ("approve", "", "visit_approved", "Een verslag is goedgekeurd"),
    ],
)
async def test_the_worker_hears_of_the_supervisors_decision(
    client, push_service, decision, comment, kind, title
):
    worker = await new_person(client, "thuisbasis")
    browser, _ = await subscribe(client, worker.headers, push_service)
    visit_id, _ = await submitted_visit(client, worker.headers)
    supervisor = await headers_for(client, "supervisor")

    decided = await review(client, supervisor, visit_id, decision, comment)
    assert decided.status_code == 200, decided.text
    await run_jobs(client)

    [note] = await inbox(client, worker.headers)
    assert (note["kind"], note["object_type"], note["object_id"]) == (kind, "visit", str(visit_id))
    [received] = push_service.messages(browser)
    assert received.message["type"] == kind
    assert received.message["id"] == note["id"]
    assert received.message["title"].startswith(title)
    # The comment says what to correct: it stays in the app, never in an alert.
    if comment:
        assert comment not in received.plaintext.decode()
        assert comment not in str(note)
    # The supervisor is not told about their own decision.
    assert all(n["object_id"] != str(visit_id) for n in await inbox(client, supervisor))


async def test_deciding_the_same_again_does_not_alert_twice(client):
    worker = await new_person(client, "thuisbasis")
    visit_id, _ = await submitted_visit(client, worker.headers)
    supervisor = await headers_for(client, "supervisor")
    for _ in range(2):
        decided = await review(client, supervisor, visit_id, "return", "Graag aanvullen.")
        assert decided.status_code == 200
    assert [n["kind"] for n in await inbox(client, worker.headers)] == ["visit_returned"]
