"""Tables of the accounts app."""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Organisation(Table, tablename="organisation"):
    id = UUID(primary_key=True, default=UUID4())
    name = Varchar(length=200, unique=True)
    # A code from the covenant file's organisation_kinds.
    kind = Varchar(length=50)
    active = Boolean(default=True)
    created_at = Timestamptz()


class UserAccount(Table, tablename="user_account"):
    id = UUID(primary_key=True, default=UUID4())
    username = Varchar(length=100, unique=True)
    display_name = Varchar(length=200)
    organisation = ForeignKey(references=Organisation, null=False)
    # A list of api.accounts.roles.Role values.
    roles = JSON(default=[])
    password_hash = Varchar(length=255)
    active = Boolean(default=True)
    created_at = Timestamptz()
    disabled_at = Timestamptz(null=True, default=None)


class Device(Table, tablename="device"):
    """A tablet or browser enrolled by a login; every request checks this row."""

    id = UUID(primary_key=True, default=UUID4())
    user = ForeignKey(references=UserAccount, null=False)
    name = Varchar(length=200)
    enrolled_at = Timestamptz()
    # The last login, refresh or request (written at most once a minute): the idle limit.
    last_seen_at = Timestamptz(null=True, default=None)
    # The login that started the current session: the absolute limit. Empty for sessions from
    # before it was kept, which count from `enrolled_at`.
    session_started_at = Timestamptz(null=True, default=None)
    # Bumped when a session ends; access tokens carry it, so older ones stop working at once.
    session_generation = Integer(default=0)
    session_active = Boolean(default=True)
    # Set only by an administrator (a lost tablet): the app then wipes its local data.
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = UUID(null=True, default=None)


class RefreshToken(Table, tablename="refresh_token"):
    id = UUID(primary_key=True, default=UUID4())
    device = ForeignKey(references=Device, null=False)
    # SHA-256 of the token; the token itself is never stored.
    token_hash = Varchar(length=64, unique=True)
    session_generation = Integer()
    issued_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    replaced_by = UUID(null=True, default=None)


class LoginFailure(Table, tablename="login_failure"):
    """Failed logins, counted per username (the account lock) and per client address (a higher
    limit); in the database, so every API process counts the same failures."""

    id = UUID(primary_key=True, default=UUID4())
    username_key = Varchar(length=100, index=True)
    # The client's address (see api.lib.auth.client_address); "" for rows from before it was kept.
    address = Varchar(length=64, default="", index=True)
    at = Timestamptz(index=True)
