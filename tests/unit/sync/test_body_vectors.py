"""The tablet and the server mean the same thing by "the same body" (tests/vectors/bodies.json)."""

from __future__ import annotations

import json

import pytest

from api.sync.protocol import body_sha256, canonical_json
from tests.vectors import bodies

COMMITTED = json.loads(bodies.BODIES_FILE.read_text(encoding="utf-8"))


def test_committed_body_vectors_are_up_to_date() -> None:
    assert bodies.build_bodies() == COMMITTED, "run: .venv/bin/python -m tests.vectors.bodies"


@pytest.mark.parametrize("entry", COMMITTED["bodies"], ids=lambda entry: entry["name"])
def test_a_body_written_like_the_tablet_hashes_to_what_the_server_reports(entry) -> None:
    server = bodies.server_view(entry["body"])
    assert canonical_json(server).decode() == entry["canonical"]
    assert body_sha256(server) == entry["sha256"]


def test_a_body_the_server_reads_differently_would_not_match() -> None:
    """The check above can fail: an uppercase UUID or a fraction of a second changes the hash."""
    entry = COMMITTED["bodies"][0]
    for change in (
        {"case_id": entry["body"]["case_id"].upper()},
        {"finalized_at": "2026-11-24T10:42:07.000+01:00"},
    ):
        body = {**entry["body"], **change}
        assert body_sha256(bodies.server_view(body)) != body_sha256(body)
