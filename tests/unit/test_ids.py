"""Ids made in batches are ordinary random version-4 UUIDs, all different."""

import uuid

from api.lib.ids import new_ids


def test_a_batch_of_ids_is_random_version_4_and_distinct():
    ids = new_ids(500)
    assert len(set(ids)) == 500
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in ids)
    assert new_ids(0) == []
