"""A case reads the same wherever it is read: a pull builds a page of cases at once
(api.cases.views.details), the case's own page one; both show the reader the same."""

from __future__ import annotations

from tests.helpers import headers_for
from tests.integration.cases.test_consent import case_directed_by_the_municipality
from tests.integration.sync.test_pull import pull_all


async def test_each_pulled_case_is_the_case_as_read_on_its_own(client):
    # The municipality directs a housing corporation's case: some of it is withheld from her.
    await case_directed_by_the_municipality(client)
    withheld_seen = False
    for username in ("fieldworker", "municipality"):
        headers = await headers_for(client, username)
        pulled = [case for page in await pull_all(client, headers) for case in page["cases"]]
        assert pulled, username
        for case in pulled:
            alone = await client.get(f"/api/cases/{case['id']}", headers=headers)
            assert alone.status_code == 200, alone.text
            assert case == alone.json(), (username, case["id"])
            withheld_seen = withheld_seen or bool(case["withheld_categories"])
    assert withheld_seen, "no pulled case withheld anything: the comparison missed the masking"
