"""Base for wire types: strict structs, since a tablet keeps what it received for days."""

from __future__ import annotations

from typing import Annotated

import msgspec


class Wire(msgspec.Struct, forbid_unknown_fields=True):
    """Request and response bodies. Unknown fields are an error, not silently dropped."""


# Text a person typed, kept as typed: anything but NUL, which PostgreSQL cannot store in text.
TEXT_PATTERN = r"^[^\x00]*$"

ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=TEXT_PATTERN)]
Note = Annotated[str, msgspec.Meta(max_length=2000, pattern=TEXT_PATTERN)]
Username = Annotated[str, msgspec.Meta(min_length=2, max_length=100, pattern=r"^[a-z0-9._-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
NewPassword = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]

# Paging (`limit` rows from `offset`): an offset past the last row is an empty page; the bound
# keeps it inside what the databases' integers hold (a 400, not an overflow).
MAX_OFFSET = 1_000_000
