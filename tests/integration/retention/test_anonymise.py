"""A case closed longer than the covenant's `closed_case_days` is anonymised: every row about it
is gone from every table, its anonymous statistics are kept, the anonymisation is audited
without personal data; open and recently closed cases are untouched; running again changes
nothing."""

from __future__ import annotations

import uuid

import pytest

from api.retention.decisions import DECISIONS, Rule
from tests.helpers import audit_rows
from tests.integration.retention.flows import (
    SeededCase,
    backdate,
    every_row,
    full_case,
    mentioning,
    retention,
    small_case,
)

# Tables that go on naming the case's id, never its data: the audit trail and the removal told
# to devices (each kept for the audit period).
ID_KEEPERS = {name for name, d in DECISIONS.items() if d.rule is Rule.AUDIT_PERIOD}


@pytest.fixture(scope="module")
async def cases(client, push_service) -> dict[str, SeededCase]:
    old = await full_case(client, f"KANARIE-OUD-{uuid.uuid4().hex[:8]}", push_service)
    await backdate(old.case_id)
    made = {
        "old": old,
        "open": await small_case(client, f"KANARIE-OPEN-{uuid.uuid4().hex[:8]}", closed=False),
        "recent": await small_case(client, f"KANARIE-RECENT-{uuid.uuid4().hex[:8]}", closed=True),
    }
    # A case open six years ago is still open: only the closing date counts.
    await backdate(made["open"].case_id)
    return made


@pytest.fixture(scope="module")
async def before_and_after(client, cases) -> tuple[dict, dict, object]:
    before = await every_row()
    outcome = await retention(client)
    return before, await every_row(), outcome


async def test_the_old_case_was_in_every_table_that_can_hold_case_data(cases, before_and_after):
    before, _, _ = before_and_after
    old = cases["old"]
    seen = mentioning(before, [old.canary, *old.ids()])
    removed = {name for name, d in DECISIONS.items() if d.rule is Rule.REMOVED}
    assert removed - set(seen) == set(), "seed those tables too, or the test proves nothing"


async def test_nothing_of_the_old_case_is_left_in_any_table_but_its_id_in_the_trail(
    cases, before_and_after
):
    _, after, outcome = before_and_after
    old = cases["old"]
    assert outcome.anonymised >= 1 and outcome.failed == 0
    assert mentioning(after, [old.canary]) == {}
    assert set(mentioning(after, old.ids())) <= ID_KEEPERS


async def test_open_and_recently_closed_cases_are_untouched(cases, before_and_after):
    before, after, _ = before_and_after
    for key in ("open", "recent"):
        seeded = cases[key]
        assert mentioning(after, [seeded.canary, *seeded.ids()]) == mentioning(
            before, [seeded.canary, *seeded.ids()]
        ), key


async def test_no_file_on_disk_holds_the_case(cases, before_and_after):
    """Attachments and reports are kept in the database (bytea), never as files; nothing in
    the data directory but the database itself may hold the household's data."""
    from api.settings import get_settings

    settings = get_settings()
    for path in settings.var_dir.rglob("*"):
        if path.is_file() and not path.name.startswith(settings.sqlite_path.name):
            assert cases["old"].canary.encode() not in path.read_bytes(), path


async def test_the_anonymous_statistics_are_kept_under_an_id_of_their_own(cases, before_and_after):
    from api.retention.tables import CaseStatistic

    rows = await CaseStatistic.select().output(load_json=True).run(in_pool=False)
    ours = [row for row in rows if row["followups"] == {"ggd": {"in_progress": 1}}]
    assert len(ours) == 1, rows
    figures = ours[0]
    assert figures["id"] != cases["old"].case_id
    assert figures["steps"] == ["signal", "contact_attempts", "closed"]
    assert figures["outcome_step"] == "contact_attempts"
    assert figures["arrears_band"] == "500-1000" and figures["arrears_months"] == 2
    assert figures["household_size"] == 1
    assert figures["visits"] == {"keukentafelgesprek": 1}
    assert figures["signal_month"].day == 1 and figures["closed_month"].day == 1
    assert "housing_corporation" in figures["participant_kinds"]
    assert figures["days_open"] == 0  # made and closed the same day (both set back alike)


async def test_the_anonymisation_is_audited_without_personal_data(cases, before_and_after):
    rows = await audit_rows(object_id=str(cases["old"].case_id), action="anonymise")
    assert len(rows) == 1
    assert rows[0]["actor_user"] is None and rows[0]["chain"] == "system"
    assert cases["old"].canary not in rows[0]["detail"]


async def test_running_again_changes_nothing(client, cases, before_and_after):
    _, after, _ = before_and_after
    again = await retention(client)
    assert again.anonymised == 0 and again.failed == 0
    now = await every_row()
    for name in ("household_case", "visit", "case_statistic", "sync_removal"):
        assert sorted(now[name]) == sorted(after[name]), name


async def test_a_dry_run_counts_and_changes_nothing(client):
    seeded = await small_case(client, f"KANARIE-DROOG-{uuid.uuid4().hex[:8]}", closed=True)
    await backdate(seeded.case_id)
    before = await every_row()
    outcome = await retention(client, True)
    assert outcome.due >= 1 and outcome.anonymised == 0
    assert mentioning(await every_row(), [seeded.canary]) == mentioning(before, [seeded.canary])
    await retention(client)
    assert mentioning(await every_row(), [seeded.canary]) == {}


async def test_one_case_that_fails_does_not_stop_the_others(client, monkeypatch):
    from api.retention import anonymise

    first = await small_case(client, f"KANARIE-FAAL-{uuid.uuid4().hex[:8]}", closed=True)
    second = await small_case(client, f"KANARIE-GOED-{uuid.uuid4().hex[:8]}", closed=True)
    await backdate(first.case_id)
    await backdate(second.case_id)
    real = anonymise.REMOVALS["visit"]

    async def fails_for_the_first(rows):
        if rows.case_id == first.case_id:
            raise RuntimeError("disk full")
        await real(rows)

    monkeypatch.setitem(anonymise.REMOVALS, "visit", fails_for_the_first)
    outcome = await retention(client)
    assert outcome.failed == 1
    rows = await every_row()
    # The failed case is whole (its transaction rolled back), the other one is gone.
    assert {"household_case", "consent_record"} <= set(mentioning(rows, [first.canary]))
    assert mentioning(rows, [second.canary]) == {}
    monkeypatch.undo()
    await retention(client)
    assert mentioning(await every_row(), [first.canary]) == {}
