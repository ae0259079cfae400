"""The anonymous figures a case leaves behind: built from its rows just before they go.

What is kept serves the covenant's own questions (how early were households reached, how far up
the ladder did they go, which agencies were involved, did the objection to the signal matter)
and nothing that singles a household out:
- dates become months, and the durations that matter (days open, days from the signal to the
  kitchen-table visit) are kept as day counts, so exact dates cannot be matched to a memory;
- the arrears become a band: an exact amount is what a colleague would recognise;
- members become a count; names, birth years and relations go;
- ZRM scores go. Several domains (mental and physical health, substance use, justice) are
  special categories under the AVG (art. 9) or criminal data (art. 10); thirteen scores with dates
  are a fingerprint of one household, and the covenant names no statistical purpose that needs
  them. Nothing from a visit's answers is kept.
- no free text, consent decision, person or device is kept; organisations (no persons) are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from api.cases.steps import ProcessStep

KITCHEN_TABLE_FORM = "keukentafelgesprek"
# Upper bounds in euros; the band names the range the amount falls in.
_BANDS = (0, 500, 1000, 2500, 5000)


def month(value: dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date()
    return value.replace(day=1)


def arrears_band(cents: int) -> str:
    euros = max(cents, 0) // 100
    if euros == 0:
        return "0"
    lower = 0
    for upper in _BANDS[1:]:
        if euros < upper:
            return f"{lower}-{upper}"
        lower = upper
    return f"{lower}+"


def steps_reached(events: Sequence[Mapping[str, Any]]) -> tuple[list[str], str]:
    """The steps in the order first reached, and the step the case was closed from."""
    steps: list[str] = []
    outcome = ""
    for event in sorted(events, key=lambda e: (e["at"], str(e["id"]))):
        data = event["data"] if isinstance(event["data"], dict) else {}
        if event["kind"] == "created":
            step = str(data.get("process_step", ""))
        elif event["kind"] == "step_changed":
            step = str(data.get("to", ""))
            if step == ProcessStep.CLOSED:
                outcome = str(data.get("from", ""))
        else:
            continue
        if step and step not in steps:
            steps.append(step)
    return steps, outcome


def build(
    case: Mapping[str, Any],
    closed_at: dt.datetime,
    events: Sequence[Mapping[str, Any]],
    visits: Sequence[Mapping[str, Any]],
    followups: Sequence[Mapping[str, Any]],
    participant_organisations: Sequence[Any],
    kinds: Mapping[Any, str],
) -> dict[str, Any]:
    """The case_statistic columns of one case (`kinds`: organisation id -> kind)."""
    steps, outcome = steps_reached(events)
    signal_date: dt.date | None = case["signal_date"]
    first_visit = min(
        (v["visited_on"] for v in visits if v["form_key"] == KITCHEN_TABLE_FORM), default=None
    )
    per_kind: dict[str, Counter[str]] = {}
    for followup in followups:
        per_kind.setdefault(followup["recipient_kind"], Counter())[followup["state"]] += 1
    return {
        "signal_month": month(signal_date),
        "closed_month": month(closed_at),
        "signal_source": case["signal_source"],
        "signal_source_kind": kinds.get(case["signal_source"], ""),
        "director_kind": kinds.get(case["director_organisation"], ""),
        "participant_kinds": sorted({kinds.get(o, "") for o in participant_organisations} - {""}),
        "household_size": len(case["members"] or []),
        "arrears_band": arrears_band(case["arrears_cents"]),
        "arrears_months": case["arrears_months"],
        "objected_to_sharing": bool(case["objected_to_sharing"]),
        "steps": steps,
        "outcome_step": outcome,
        "days_open": max((closed_at - case["created_at"]).days, 0),
        "days_signal_to_first_visit": (
            (first_visit - signal_date).days if first_visit and signal_date else None
        ),
        "visits": dict(sorted(Counter(v["form_key"] for v in visits).items())),
        "followups": {kind: dict(sorted(c.items())) for kind, c in sorted(per_kind.items())},
    }
