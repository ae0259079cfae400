"""The daily retention run: anonymise the cases closed longer than the covenant's
`closed_case_days`, cut the audit trail older than its `audit_days`, and drop the sync removals
as old as that. Every worker runs it daily (and once at its start); `keukentafel retention`
runs it by hand, `--dry-run` to see what it would do.

Safe to run twice and on several workers at once: each case is checked again under its lock and
each chain's cut under the chain's lock. One case that fails is logged and left for the next
run; the others go on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from api.audit.cut import ChainCut, cut_audit_trail
from api.covenant.loader import load_covenant
from api.jobs.worker import periodically
from api.lib.db import now, write_transaction
from api.retention.anonymise import anonymise_case, due_cases
from api.sync import removals

log = logging.getLogger("keukentafel.retention")

DAILY = 24 * 3600


@dataclass(slots=True)
class Outcome:
    due: int = 0
    anonymised: int = 0
    failed: int = 0
    audit_cuts: list[ChainCut] = field(default_factory=list)
    removals_pruned: int = 0

    @property
    def audit_rows_removed(self) -> int:
        return sum(cut.removed for cut in self.audit_cuts)


async def run_retention(clock: Callable[[], dt.datetime] = now, dry_run: bool = False) -> Outcome:
    periods = load_covenant().deadlines.retention
    at = clock()
    closed_before = at - dt.timedelta(days=periods.closed_case_days)
    audit_before = at - dt.timedelta(days=periods.audit_days)
    outcome = Outcome()
    due = await due_cases(closed_before)
    outcome.due = len(due)
    detail = f"retention: closed over {periods.closed_case_days} days; statistics kept"
    for case_id in due if not dry_run else []:
        try:
            outcome.anonymised += await anonymise_case(case_id, closed_before, detail)
        except Exception:  # one case's failure must not keep the others
            outcome.failed += 1
            log.exception("case %s could not be anonymised; tried again at the next run", case_id)
    outcome.audit_cuts = await cut_audit_trail(audit_before, dry_run=dry_run)
    if not dry_run:
        async with write_transaction():
            outcome.removals_pruned = await removals.prune(audit_before)
    log.info(
        "retention%s: %d cases due, %d anonymised, %d failed; %d audit rows cut in %d chains",
        " (dry run)" if dry_run else "",
        outcome.due,
        outcome.anonymised,
        outcome.failed,
        outcome.audit_rows_removed,
        len(outcome.audit_cuts),
    )
    return outcome


@periodically(seconds=DAILY)
async def apply_retention() -> int:
    """The worker's daily run; the number of cases anonymised."""
    return (await run_retention()).anonymised
