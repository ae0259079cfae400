"""Wire types of the accounts API."""

from __future__ import annotations

import datetime as dt
import uuid

from api.accounts.roles import Role
from api.lib.wire import Name, NewPassword, Password, ShortText, Username, Wire


class OrganisationOut(Wire):
    id: uuid.UUID
    name: str
    kind: str
    active: bool


class UserOut(Wire):
    id: uuid.UUID
    username: str
    display_name: str
    organisation: OrganisationOut
    roles: list[Role]
    active: bool


class LoginIn(Wire):
    # Any text: the login answer must not reveal what a valid username looks like.
    username: ShortText
    password: Password
    device_name: ShortText
    # A device that logs in again after its session ended keeps its id (and its local data).
    device_id: uuid.UUID | None = None


class RefreshIn(Wire):
    refresh_token: ShortText


class TokenPairOut(Wire):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    device_id: uuid.UUID
    user: UserOut
    # The tablet's data-at-rest rules (pwa/src/vault): its PIN unlocks offline for at most
    # `offline_grant_seconds` after its last contact with the server, and it locks itself after
    # `idle_lock_seconds` without input. Sent with every pair, so a changed policy reaches a
    # device at its next refresh.
    offline_grant_seconds: int
    idle_lock_seconds: int


class LoginOut(TokenPairOut):
    """A password login's pair, with what only a password login hands out."""

    # The device's vault recovery secret (32 bytes, base64url): the app wraps its data key under
    # it and, after a forgotten PIN, unwraps it again. Never stored on the device, derived (not
    # stored) on the server, bound to this user and this device; never sent with a refresh.
    vault_recovery_key: str


class DeviceOut(Wire):
    id: uuid.UUID
    name: str
    user_id: uuid.UUID
    username: str
    enrolled_at: dt.datetime
    last_seen_at: dt.datetime | None
    session_active: bool
    revoked_at: dt.datetime | None


class MeOut(Wire):
    user: UserOut
    device: DeviceOut


class OrganisationIn(Wire):
    name: Name
    kind: ShortText


class UserIn(Wire):
    username: Username
    display_name: Name
    organisation_id: uuid.UUID
    roles: list[Role]
    password: NewPassword


class UserChangeIn(Wire):
    """What an administrator changes about a user; a field left out (or null) stays as it is.
    Every device of the user works with the change from its next request on."""

    display_name: Name | None = None
    organisation_id: uuid.UUID | None = None
    roles: list[Role] | None = None


class PasswordResetIn(Wire):
    new_password: NewPassword
