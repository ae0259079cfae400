"""Who is asking: the authenticated user, on behalf of which organisation, from which device."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from api.accounts.roles import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: uuid.UUID
    username: str
    display_name: str
    organisation_id: uuid.UUID
    organisation_name: str
    organisation_kind: str
    roles: frozenset[Role]
    device_id: uuid.UUID

    def has(self, role: Role) -> bool:
        return role in self.roles
