"""Enrolled tablets for the load: each logs in (a device of its own) and opens a case, through
the fault tests' Tablet (tests/reliability/devices.py), so both simulate a device alike."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from tests.reliability.devices import Tablet, kitchen_table_visit


@dataclass(frozen=True)
class Enrolled:
    token: str
    case_id: uuid.UUID

    def kitchen_table_body(self) -> dict[str, Any]:
        """A full kitchen-table form (every section answered, two signatures declared)."""
        return kitchen_table_visit(self.case_id)[0]


async def enrol(base_url: str, count: int, name: str = "bench tablet") -> list[Enrolled]:
    """One after another, as a team logs in (parallel logins to one account are throttled)."""
    enrolled = []
    for number in range(count):
        async with Tablet(f"{name} {number + 1}", base_url, random.Random(number)) as tablet:
            enrolled.append(Enrolled(tablet.token, await tablet.open_case()))
    return enrolled


def visit_load(enrolled: list[Enrolled]) -> dict[str, Any]:
    """loadgen.run's options for PUTting new visits from these devices (one body each)."""
    return {
        "tokens": [device.token for device in enrolled],
        "bodies": [device.kitchen_table_body() for device in enrolled],
        "expected": 201,
    }
