"""The retention decision for every table, in one place: what happens to its rows about a case
once the case has been closed for the covenant's `retention.closed_case_days`.

tests/integration/retention/test_every_table.py holds this against the app registry: a new table
without a decision here fails, as does a table that refers to a case (directly or through
another table) with any decision but REMOVED. The README's retention table is this map.

Why remove rather than blank fields in place: the case's own id stays in the audit trail for
its longer period (`audit_days`), so any row left under that id would stay linkable to who
worked on it and when. What is worth keeping is copied, generalised, into one `case_statistic`
row under an id of its own (api.retention.statistics), and every row about the case is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Rule(StrEnum):
    # Every row about the case is deleted in the case's anonymisation transaction.
    REMOVED = "removed"
    # Kept: holds no personal data of a household.
    KEPT = "kept"
    # Kept for the covenant's `audit_days`, then cut (the audit trail behind a checkpoint).
    AUDIT_PERIOD = "audit_period"
    # Never holds data about a case: the network's own accounts and bookkeeping.
    NOT_CASE_DATA = "not_case_data"


@dataclass(frozen=True, slots=True)
class Decision:
    rule: Rule
    why: str
    # For a REMOVED table: column -> what of it lives on, generalised, in case_statistic.
    # Every column not named here is gone with the row.
    kept: dict[str, str] = field(default_factory=dict)


_ACCOUNTS = "the network's staff and their sessions, not households; ended by administration"

DECISIONS: dict[str, Decision] = {
    # accounts
    "organisation": Decision(Rule.NOT_CASE_DATA, "organisations are no persons"),
    "user_account": Decision(Rule.NOT_CASE_DATA, _ACCOUNTS),
    "device": Decision(Rule.NOT_CASE_DATA, _ACCOUNTS),
    "refresh_token": Decision(Rule.NOT_CASE_DATA, _ACCOUNTS),
    "login_failure": Decision(Rule.NOT_CASE_DATA, _ACCOUNTS),
    # cases
    "household_case": Decision(
        Rule.REMOVED,
        "address, members and the signal identify the household",
        kept={
            "signal_date": "month only (signal_month); days to the first kitchen-table visit",
            "created_at": "days the case was open (days_open)",
            "signal_source": "the organisation and its kind",
            "director_organisation": "its kind only (director_kind)",
            "members": "their number only (household_size)",
            "arrears_cents": "a band in euros (arrears_band)",
            "arrears_months": "as is",
            "objected_to_sharing": "as is (the Wgs objection rate)",
            "process_step": "always closed; the step before it is the outcome_step",
        },
    ),
    "case_participant": Decision(
        Rule.REMOVED,
        "which organisations worked with the household",
        kept={"organisation": "the kinds only (participant_kinds)"},
    ),
    "case_assignment": Decision(
        Rule.REMOVED,
        "who worked on the household; a sync_removal row tells their devices to forget it",
    ),
    "case_event": Decision(
        Rule.REMOVED,
        "the timeline: notes and actors",
        kept={
            "data": "the steps reached, in order (steps); closing month (closed_month)",
            "at": "closing month; days the case was open",
        },
    ),
    "case_conflict": Decision(Rule.REMOVED, "a whole case edit: address, members, notes"),
    "consent_record": Decision(
        Rule.REMOVED, "the household's decisions and notes; meaningless without the case"
    ),
    # visits and reports
    "visit": Decision(
        Rule.REMOVED,
        "answers: debts, health (GGD), police matters, ZRM scores, notes",
        kept={
            "form_key": "a count per form (visits)",
            "visited_on": "days from signal to the first kitchen-table visit",
        },
    ),
    "visit_attachment": Decision(Rule.REMOVED, "signatures and photos (bytes in the database)"),
    "visit_report": Decision(Rule.REMOVED, "the report PDFs (bytes in the database)"),
    # follow-ups
    "followup": Decision(
        Rule.REMOVED,
        "the need, outcome and decline reason name the household's problems",
        kept={
            "recipient_kind": "a count per kind and state (followups)",
            "state": "a count per kind and state (followups)",
        },
    ),
    "followup_action": Decision(Rule.REMOVED, "the texts of claims, progress and completion"),
    # notifications
    "notification": Decision(
        Rule.REMOVED, "an inbox item about the case's visits or follow-ups: nothing left to open"
    ),
    "push_delivery": Decision(Rule.REMOVED, "goes with its notification"),
    "push_subscription": Decision(Rule.NOT_CASE_DATA, "a staff member's browser"),
    # jobs
    "job": Decision(
        Rule.REMOVED,
        "outbox rows naming the case's visits or notifications (report renders, pushes)",
    ),
    # sync
    "sync_counter": Decision(Rule.NOT_CASE_DATA, "one counter"),
    "sync_removal": Decision(
        Rule.AUDIT_PERIOD,
        "ids only (user, case): tells devices to forget an anonymised case, however long a "
        "tablet stays offline; pruned after audit_days",
    ),
    # audit
    "audit_event": Decision(
        Rule.AUDIT_PERIOD,
        "who read or changed what, by id, never household data; NEN 7513 asks for it to "
        "outlive the case: cut after audit_days behind an audit_checkpoint",
    ),
    "audit_verification": Decision(
        Rule.KEPT, "chain positions and hashes of each hourly check; no personal data"
    ),
    "audit_checkpoint": Decision(Rule.KEPT, "where a chain was cut: positions and one hash"),
    "audit_chain_head": Decision(Rule.KEPT, "each chain's newest position and hash"),
    # retention
    "case_statistic": Decision(
        Rule.KEPT,
        "anonymous figures under an id of their own: months, bands, counts, kinds, day counts",
    ),
}
