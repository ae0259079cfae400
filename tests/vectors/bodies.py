"""Visit bodies as a tablet sends them, with the `body_sha256` the server computes for each.

The server hashes `msgspec.to_builtins(VisitWrite)` (UUIDs lowercased, dates and times re-encoded,
defaults filled in); the tablet hashes the canonical JSON of the body it sends. When the tablet
writes a body the way the server will read it back, the two hashes agree, and the tablet can match
a receipt to its record. The vitest suite checks the tablet's side of the same file.

Usage: .venv/bin/python -m tests.vectors.bodies
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from api.sync.protocol import body_sha256, canonical_json
from api.visits.schemas import VisitWrite

BODIES_FILE = Path(__file__).parent / "bodies.json"
CASE = "0b9d5c1e-6d1f-4a53-9a57-3c8f1f0c2a11"
PNG_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_id": CASE,
        "form_key": "keukentafelgesprek",
        "form_version": 1,
        "visited_on": "2026-11-24",
        "finalized_at": "2026-11-24T10:42:07+01:00",
        "answers": {},
        "attachments": [],
        "replaces": None,
    }
    body.update(extra)
    return body


# Each body is written the way pwa/src/sync/finalize.ts writes one.
BODIES: dict[str, dict[str, Any]] = {
    "empty answers, winter time": _body(),
    "summer time and a replaced visit": _body(
        finalized_at="2026-06-30T23:59:59+02:00",
        replaces="5e0b7f3a-2c1d-4e8f-8a9b-0c1d2e3f4a5b",
    ),
    "UTC is written as Z": _body(finalized_at="2026-11-24T09:42:07Z"),
    "answers of every kind": _body(
        answers={
            "naam_contact": "Zoë de Vries-Çelik",
            "toelichting": 'Regel 1\nRegel 2 "citaat" \\ tab\t😀',
            "huurachterstand": 145000,
            "rente": 0.1,
            "klein": 1e-05,
            # JavaScript writes 1e16 as 10000000000000000, which Python reads as an int.
            "groot": 10**16,
            "gezin": [{"naam": "Anna", "leeftijd": 7}, {"naam": "Ömer", "leeftijd": 41}],
            "toestemming": {"ggd": {"health": True, "contact": False}},
            "leeg": None,
            "\U0001d49c": "a key beyond U+FFFF",
            "\ue000": "a key in the private use area",
        }
    ),
    "with attachments": _body(
        attachments=[
            {
                "name": "handtekening_bewoner.png",
                "sha256": PNG_SHA,
                "content_type": "image/png",
                "size": 2048,
            },
            {"name": "foto-1.jpg", "sha256": "a" * 64, "content_type": "image/jpeg", "size": 1},
        ]
    ),
}


def server_view(body: dict[str, Any]) -> Any:
    """What the server hashes: the body as it decodes it, encoded back to builtins."""
    return msgspec.to_builtins(msgspec.json.decode(json.dumps(body).encode(), type=VisitWrite))


def build_bodies() -> dict[str, Any]:
    return {
        "format": 1,
        "bodies": [
            {
                "name": name,
                "body": body,
                "canonical": canonical_json(body).decode(),
                "sha256": body_sha256(server_view(body)),
            }
            for name, body in BODIES.items()
        ],
    }


def main() -> None:
    BODIES_FILE.write_text(
        json.dumps(build_bodies(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {BODIES_FILE.name}")


if __name__ == "__main__":
    main()
