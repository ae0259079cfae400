"""Change numbers taken at commit (api.sync.protocol.number_at_commit): every row a transaction
marks gets the one number it takes, whether the audit chain's statement carries the numbering
(PostgreSQL) or it runs on its own, and a transaction that rolls back takes none."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import demo_case_id, in_app


async def _mark(case_ids: list[uuid.UUID], audited: bool, fail: bool = False) -> None:
    from api.audit import services as audit
    from api.cases.tables import HouseholdCase
    from api.lib.db import write_transaction
    from api.sync.protocol import number_at_commit

    async with write_transaction():
        for case_id in case_ids:
            await number_at_commit(HouseholdCase, case_id)
        if audited:
            await audit.record(None, "read", "case", case_ids, organisation_id=uuid.uuid4())
        if fail:
            raise RuntimeError("the service's change failed")


async def _numbers(case_ids: list[uuid.UUID]) -> tuple[dict[uuid.UUID, int], int]:
    from api.cases.tables import HouseholdCase
    from api.sync.protocol import committed_seq

    rows = await HouseholdCase.select(HouseholdCase.id, HouseholdCase.change_seq).where(
        HouseholdCase.id.is_in(case_ids)
    )
    return {row["id"]: row["change_seq"] for row in rows}, await committed_seq()


@pytest.mark.parametrize("audited", [True, False], ids=["with an audit row", "alone"])
async def test_the_rows_a_transaction_marks_share_the_number_it_takes(client, audited):
    cases = [demo_case_id("Familie Brinkhorst"), demo_case_id("Familie Ramdin-Klaver")]
    _, before = await in_app(client, _numbers, cases)
    await in_app(client, _mark, cases, audited)
    numbers, after = await in_app(client, _numbers, cases)
    # One number for all of them, new and committed (a background job may number after it).
    (number,) = set(numbers.values())
    assert before < number <= after


async def test_a_rolled_back_transaction_takes_no_number(client):
    cases = [demo_case_id("Familie Brinkhorst")]
    numbers_before, _ = await in_app(client, _numbers, cases)
    with pytest.raises(RuntimeError):
        await in_app(client, _mark, cases, True, True)
    numbers_after, _ = await in_app(client, _numbers, cases)
    assert numbers_after == numbers_before
