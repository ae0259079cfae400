"""The inbox: each person's alerts, newest first, neutral titles, read once and for all."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import in_app
from tests.integration.notifications.flows import inbox, new_person, notify


async def test_notify_puts_one_neutral_notification_in_each_inbox(client):
    first, second = await new_person(client), await new_person(client)
    followup_id = await notify(client, [first.id, second.id, first.id])

    for person in (first, second):
        [note] = await inbox(client, person.headers)
        assert note["kind"] == "followup_new"
        assert (note["object_type"], note["object_id"]) == ("followup", str(followup_id))
        assert note["title_nl"] == "Nieuwe vervolgactie voor uw organisatie"
        assert note["title_en"] == "New follow-up for your organisation"
        assert note["read_at"] is None
        assert person.display_name not in str(note)


async def test_the_inbox_is_newest_first_and_filters_unread_and_pages(client):
    person = await new_person(client)
    objects = [await notify(client, [person.id]) for _ in range(3)]
    listed = await inbox(client, person.headers)
    assert [n["object_id"] for n in listed] == [str(o) for o in reversed(objects)]

    read = await client.post(f"/api/notifications/{listed[1]['id']}/read", headers=person.headers)
    assert read.status_code == 200, read.text

    unread = await inbox(client, person.headers, "?unread=true")
    assert [n["id"] for n in unread] == [listed[0]["id"], listed[2]["id"]]
    page = await inbox(client, person.headers, "?limit=1&offset=1")
    assert [n["id"] for n in page] == [listed[1]["id"]]


async def test_marking_read_again_keeps_the_first_time(client):
    person = await new_person(client)
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)

    first = await client.post(f"/api/notifications/{note['id']}/read", headers=person.headers)
    again = await client.post(f"/api/notifications/{note['id']}/read", headers=person.headers)

    assert first.status_code == again.status_code == 200
    assert first.json()["read_at"] is not None
    assert again.json()["read_at"] == first.json()["read_at"]


async def test_someone_elses_notification_is_not_found_and_stays_unread(client):
    owner, other = await new_person(client), await new_person(client)
    await notify(client, [owner.id])
    [note] = await inbox(client, owner.headers)

    for notification_id in (note["id"], str(uuid.uuid4())):
        response = await client.post(
            f"/api/notifications/{notification_id}/read", headers=other.headers
        )
        assert response.status_code == 404
        assert response.json()["code"] == "notification_not_found"
    assert (await inbox(client, owner.headers))[0]["read_at"] is None
    assert await inbox(client, other.headers) == []


async def test_an_unknown_kind_fails_the_callers_change(client):
    from api.jobs.tables import Job
    from api.notifications.kinds import UnknownNotificationKind
    from api.notifications.tables import Notification

    person = await new_person(client)
    jobs_before = await Job.count().run(in_pool=False)
    with pytest.raises(UnknownNotificationKind, match="followup_lost"):
        await notify(client, [person.id], kind="followup_lost")
    # A kind that opens another type of object is a mistake of the same sort.
    with pytest.raises(UnknownNotificationKind, match="opens a 'followup'"):
        await notify(client, [person.id], kind="followup_new", object_type="follow_up")
    assert await Notification.count().where(Notification.user == person.id).run(in_pool=False) == 0
    assert await Job.count().run(in_pool=False) == jobs_before


async def test_notify_outside_the_changes_transaction_is_refused(client):
    from api.notifications.services import notify as notify_now

    person = await new_person(client)
    with pytest.raises(RuntimeError, match="inside the write transaction"):
        await in_app(client, notify_now, [person.id], "followup_new", "followup", uuid.uuid4())


async def test_bad_paging_is_refused(client):
    person = await new_person(client)
    response = await client.get("/api/notifications?limit=0", headers=person.headers)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_parameter")
