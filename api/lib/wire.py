"""Base for wire types: strict structs, since a tablet keeps what it received for days."""

from __future__ import annotations

from typing import Annotated

import msgspec


class Wire(msgspec.Struct, forbid_unknown_fields=True):
    """Request and response bodies. Unknown fields are an error, not silently dropped."""


ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Username = Annotated[str, msgspec.Meta(min_length=2, max_length=100, pattern=r"^[a-z0-9._-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
NewPassword = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
