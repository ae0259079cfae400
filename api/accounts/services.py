"""Sessions: login with its throttling and device enrolment, token rotation with a grace window,
logout, the session limits, and the check every request makes against the device row."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.columns.combination import Combinable
from piccolo.engine.sqlite import SQLiteEngine

from api.accounts import passwords, tokens
from api.accounts.roles import Role
from api.accounts.schemas import (
    DeviceOut,
    LoginOut,
    MeOut,
    OrganisationOut,
    TokenPairOut,
    UserOut,
)
from api.accounts.tables import Device, LoginFailure, RefreshToken, UserAccount
from api.audit import services as audit
from api.lib.actor import Actor
from api.lib.db import engine, now, write_transaction
from api.lib.errors import (
    AccountDisabled,
    DeviceRevoked,
    InvalidCredentials,
    NotAuthenticated,
    RefreshTokenInvalid,
    SessionEnded,
    TooManyAttempts,
)
from api.lib.prepared import Param, Prepared
from api.settings import Settings


@dataclass(frozen=True, slots=True)
class SessionContext:
    """What session handling needs from outside: the settings, the token key and the clock."""

    settings: Settings
    token_key: bytes
    # The time that login throttling, token expiry and the session limits go by; tests pass one
    # they can move forward.
    clock: Callable[[], dt.datetime] = now


# last_seen_at (the idle limit) is written at most this often: not a write per request.
LAST_SEEN_RESOLUTION = dt.timedelta(seconds=60)


# Reading --------------------------------------------------------------------------------------
def organisation_out(row: dict[str, Any], prefix: str = "") -> OrganisationOut:
    return OrganisationOut(
        id=row[f"{prefix}id"],
        name=row[f"{prefix}name"],
        kind=row[f"{prefix}kind"],
        active=row[f"{prefix}active"],
    )


async def load_user(user_id: uuid.UUID) -> UserOut | None:
    row = await (
        UserAccount.select(
            *UserAccount.all_columns(exclude=[UserAccount.password_hash]),
            *UserAccount.organisation.all_columns(),
        )
        .where(UserAccount.id == user_id)
        .output(load_json=True)
        .first()
        .run()
    )
    return user_out(row) if row else None


def user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        organisation=organisation_out(row, "organisation."),
        roles=[Role(role) for role in row["roles"]],
        active=row["active"],
    )


def device_out(row: dict[str, Any], username: str) -> DeviceOut:
    return DeviceOut(
        id=row["id"],
        name=row["name"],
        user_id=row["user"],
        username=username,
        enrolled_at=row["enrolled_at"],
        last_seen_at=row["last_seen_at"],
        session_active=row["session_active"],
        revoked_at=row["revoked_at"],
    )


# Login ----------------------------------------------------------------------------------------
def locked_until(
    failures: list[dt.datetime], limit: int, window: dt.timedelta, lockout: dt.timedelta
) -> dt.datetime | None:
    """When the last lock these failures (oldest first) set ends: `limit` failures within
    `window` lock for `lockout` from the last of them. None: they never reached the limit."""
    if limit <= 0:
        return None
    until: dt.datetime | None = None
    for last in range(limit - 1, len(failures)):
        if failures[last] - failures[last - limit + 1] <= window:
            end = failures[last] + lockout
            until = end if until is None or end > until else until
    return until


@dataclass(frozen=True, slots=True)
class _Failures:
    """The recent failed logins for the account tried and for the client's address."""

    account: list[dt.datetime]
    address: list[dt.datetime]


async def _recent_failures(
    ctx: SessionContext, throttle_key: str, address: str, at: dt.datetime
) -> _Failures:
    settings = ctx.settings
    # Older failures can neither start a lock that still holds nor count towards one.
    horizon = dt.timedelta(
        seconds=settings.login_failure_window_seconds + settings.login_lockout_seconds
    )
    match: Combinable = LoginFailure.username_key == throttle_key
    if address:
        match = match | (LoginFailure.address == address)
    rows = await (
        LoginFailure.select(LoginFailure.username_key, LoginFailure.address, LoginFailure.at)
        .where(match & (LoginFailure.at > at - horizon))
        .order_by(LoginFailure.at)
        .run()
    )
    return _Failures(
        account=[row["at"] for row in rows if row["username_key"] == throttle_key],
        address=[row["at"] for row in rows if address and row["address"] == address],
    )


async def _serialise_attempts(throttle_key: str, address: str) -> None:
    """On PostgreSQL, transaction-scoped advisory locks on the account and the address (in one
    order, so two attempts never wait for each other crosswise). SQLite's IMMEDIATE write
    transaction already lets one writer in at a time."""
    if isinstance(engine(), SQLiteEngine):
        return
    keys = [f"login-account:{throttle_key}"] + ([f"login-address:{address}"] if address else [])
    for key in sorted(keys):
        await LoginFailure.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", key).run()


def _locks(ctx: SessionContext, failures: _Failures) -> dict[str, dt.datetime]:
    """The locks these failures set, and until when (possibly already past)."""
    settings = ctx.settings
    window = dt.timedelta(seconds=settings.login_failure_window_seconds)
    lockout = dt.timedelta(seconds=settings.login_lockout_seconds)
    found = {
        "account": locked_until(failures.account, settings.login_max_failures, window, lockout),
        "address": locked_until(
            failures.address, settings.login_max_failures_per_address, window, lockout
        ),
    }
    return {kind: until for kind, until in found.items() if until is not None}


async def login(
    ctx: SessionContext,
    *,
    username: str,
    password: str,
    device_name: str,
    device_id: uuid.UUID | None,
    address: str = "",
) -> LoginOut:
    """`address` is the client's (api.lib.auth.client_address); "" counts by account only.
    Only here, after the password, does the device get its vault recovery secret."""
    at = ctx.clock()
    username_key = username.strip().lower()
    # Failures count per username; any text may be tried, but no account's name is longer.
    throttle_key = username_key[: LoginFailure.username_key.length]
    async with write_transaction():
        # One attempt at a time per account and address: each sees the ones before it, so a
        # burst of parallel guesses gets no more than the limit through to the password check.
        await _serialise_attempts(throttle_key, address)
        failures = await _recent_failures(ctx, throttle_key, address, at)
        locked = [until for until in _locks(ctx, failures).values() if until > at]
        if locked:
            # Before the password is looked at: the answer is the same whether it was right,
            # and a locked account cannot be guessed at.
            raise TooManyAttempts(max(1, math.ceil((max(locked) - at).total_seconds())))
        # Counted as a failure until it succeeds (a success clears the account's failures).
        await LoginFailure.insert(
            LoginFailure(username_key=throttle_key, address=address, at=at)
        ).run()
    row = await (
        UserAccount.select(UserAccount.id, UserAccount.password_hash, UserAccount.active)
        .where(UserAccount.username == username_key)
        .first()
        .run()
    )
    # The hash is verified even for an unknown user, and a disabled account answers exactly
    # like a wrong password: the response says nothing about which usernames exist.
    valid = passwords.verify_password(row["password_hash"] if row else None, password)
    if not valid or row is None or not row["active"]:
        await _record_failure(ctx, row, username_key, throttle_key, address, at, failures)
        raise InvalidCredentials()

    user_id: uuid.UUID = row["id"]
    async with write_transaction():
        await LoginFailure.delete().where(LoginFailure.username_key == throttle_key).run()
        device = await _enrol_device(user_id, device_name, device_id, at)
        pair = await _issue(ctx, device, tokens.new_refresh_token(), at)
        await audit.record(
            None,
            "login",
            "device",
            [device["id"]],
            user_id=user_id,
            device_id=device["id"],
            detail=device_name,
        )
    recovery = tokens.vault_recovery_secret(ctx.token_key, user_id, device["id"])
    return LoginOut(**msgspec.structs.asdict(pair), vault_recovery_key=recovery)


async def _record_failure(
    ctx: SessionContext,
    row: dict[str, Any] | None,
    username_key: str,
    throttle_key: str,
    address: str,
    at: dt.datetime,
    before: _Failures,
) -> None:
    settings = ctx.settings
    horizon = dt.timedelta(
        seconds=settings.login_failure_window_seconds + settings.login_lockout_seconds
    )
    after = _Failures(
        account=[*before.account, at], address=[*before.address, at] if address else []
    )
    # A lock is worth a line of its own in the audit trail: the failure that set it says so.
    locking = [kind for kind, until in _locks(ctx, after).items() if until > at]
    async with write_transaction():
        # Failures past the horizon count for nothing: the table stays small.
        await LoginFailure.delete().where(LoginFailure.at < at - horizon).run()
        await audit.record(
            None,
            "login",
            "user",
            [row["id"] if row else username_key[:64]],
            outcome=audit.REFUSED,
            detail="bad credentials" + "".join(f"; {kind} locked" for kind in locking),
        )


async def _enrol_device(
    user_id: uuid.UUID, device_name: str, device_id: uuid.UUID | None, at: dt.datetime
) -> dict[str, Any]:
    if device_id is not None:
        existing = await Device.select().where(Device.id == device_id).first().run()
        # Re-enrol the same device only for its own user and only when not revoked; another
        # user's device id enrols a new device rather than reveal anything about that id.
        if existing and existing["user"] == user_id and existing["revoked_at"] is not None:
            # The user's own tablet, revoked as lost: told so (only after the right password),
            # so that it wipes itself rather than open its data again under a new enrolment
            # (nor get a vault recovery secret). A wiped tablet logs in without the id.
            raise DeviceRevoked()
        if existing and existing["user"] == user_id:
            generation = existing["session_generation"] + 1
            await (
                Device.update(
                    {
                        Device.session_generation: generation,
                        Device.session_active: True,
                        Device.name: device_name,
                        Device.last_seen_at: at,
                        Device.session_started_at: at,
                    }
                )
                .where(Device.id == device_id)
                .run()
            )
            return {**existing, "session_generation": generation, "session_active": True}
    new_id = uuid.uuid4()
    await Device.insert(
        Device(
            id=new_id,
            user=user_id,
            name=device_name,
            enrolled_at=at,
            last_seen_at=at,
            session_started_at=at,
            session_generation=1,
            session_active=True,
        )
    ).run()
    return {"id": new_id, "user": user_id, "session_generation": 1}


async def _issue(
    ctx: SessionContext,
    device: dict[str, Any],
    refresh_token: str,
    at: dt.datetime,
    *,
    replaces: uuid.UUID | None = None,
) -> TokenPairOut:
    """Store the hash of `refresh_token` (linked from the token it replaces) and answer with it
    and a fresh access token."""
    issued_at = at.replace(microsecond=0)
    token_id = uuid.uuid4()
    await RefreshToken.insert(
        RefreshToken(
            id=token_id,
            device=device["id"],
            token_hash=tokens.token_hash(refresh_token),
            session_generation=device["session_generation"],
            issued_at=issued_at,
            expires_at=issued_at + dt.timedelta(days=ctx.settings.refresh_token_days),
        )
    ).run()
    if replaces is not None:
        await (
            RefreshToken.update({RefreshToken.replaced_by: token_id})
            .where(RefreshToken.id == replaces)
            .run()
        )
    return await _pair(ctx, device, refresh_token, issued_at)


async def _pair(
    ctx: SessionContext, device: dict[str, Any], refresh_token: str, issued_at: dt.datetime
) -> TokenPairOut:
    user = await load_user(device["user"])
    assert user is not None
    access = tokens.make_access_token(
        ctx.token_key,
        user_id=device["user"],
        device_id=device["id"],
        session_generation=device["session_generation"],
        issued_at=issued_at,
        lifetime_seconds=ctx.settings.access_token_seconds,
    )
    return TokenPairOut(
        access_token=access,
        refresh_token=refresh_token,
        token_type="Bearer",
        expires_in=ctx.settings.access_token_seconds,
        device_id=device["id"],
        user=user,
        offline_grant_seconds=ctx.settings.offline_grant_seconds,
        idle_lock_seconds=ctx.settings.idle_lock_seconds,
    )


# Refresh --------------------------------------------------------------------------------------
async def refresh(ctx: SessionContext, refresh_token: str) -> TokenPairOut:
    at = ctx.clock()
    presented = await (
        RefreshToken.select()
        .where(RefreshToken.token_hash == tokens.token_hash(refresh_token))
        .first()
        .run()
    )
    if presented is None:
        raise RefreshTokenInvalid()
    device = await (
        Device.select(*Device.all_columns(), Device.user.active)
        .where(Device.id == presented["device"])
        .first()
        .run()
    )
    assert device is not None
    await _check_device(ctx, device, device["user.active"], presented["session_generation"], at)
    if presented["expires_at"] < at:
        raise SessionEnded("The refresh token has expired; log in again.")

    successor = tokens.next_refresh_token(ctx.token_key, refresh_token)
    async with write_transaction():
        # Only one request can mark the token used; a concurrent or repeated one falls through
        # to the grace-window path below and gets the winner's pair.
        claimed = await (
            RefreshToken.update({RefreshToken.used_at: at})
            .where((RefreshToken.id == presented["id"]) & RefreshToken.used_at.is_null())
            .returning(RefreshToken.id)
            .run()
        )
        if claimed:
            pair = await _issue(ctx, device, successor, at, replaces=presented["id"])
            await Device.update({Device.last_seen_at: at}).where(Device.id == device["id"]).run()
            return pair

    return await _reused(ctx, device, presented, successor, at)


async def _reused(
    ctx: SessionContext,
    device: dict[str, Any],
    presented: dict[str, Any],
    successor: str,
    at: dt.datetime,
) -> TokenPairOut:
    row = await RefreshToken.select().where(RefreshToken.id == presented["id"]).first().run()
    assert row is not None and row["used_at"] is not None
    replacement = await (
        RefreshToken.select()
        .where(RefreshToken.token_hash == tokens.token_hash(successor))
        .first()
        .run()
    )
    grace = dt.timedelta(seconds=ctx.settings.refresh_grace_seconds)
    within_grace = at - row["used_at"] <= grace
    if within_grace and replacement is not None and replacement["used_at"] is None:
        # A lost response: the device never saw the new pair. Hand it the same one again.
        return await _pair(ctx, device, successor, replacement["issued_at"])
    # Reuse after the window (or of an already rotated chain) may be a stolen token: end the
    # session, but do not revoke the device, so its unsent visits stay on it.
    await end_session(device["id"], reason="refresh token reused")
    raise SessionEnded("This refresh token was already used; log in again.")


# Logout and session end -----------------------------------------------------------------------
async def end_session(device_id: uuid.UUID, *, reason: str) -> None:
    async with write_transaction():
        device = await Device.select().where(Device.id == device_id).first().run()
        if device is None:
            return
        await (
            Device.update(
                {
                    Device.session_active: False,
                    Device.session_generation: device["session_generation"] + 1,
                }
            )
            .where(Device.id == device_id)
            .run()
        )
        await (
            RefreshToken.update({RefreshToken.used_at: now()})
            .where((RefreshToken.device == device_id) & RefreshToken.used_at.is_null())
            .run()
        )
        await audit.record(
            None,
            "session_end",
            "device",
            [device_id],
            user_id=device["user"],
            device_id=device_id,
            detail=reason,
        )


async def logout(actor: Actor) -> None:
    await end_session(actor.device_id, reason="logout")


# Every request --------------------------------------------------------------------------------
def check_session(device: dict[str, Any], user_active: bool, session_generation: int) -> None:
    """The one answer to "may this device's session go on", in the order the app acts on."""
    if device["revoked_at"] is not None:
        raise DeviceRevoked()
    if not user_active:
        raise AccountDisabled()
    if not device["session_active"] or device["session_generation"] != session_generation:
        raise SessionEnded()


def session_limit(settings: Settings, device: dict[str, Any], at: dt.datetime) -> str | None:
    """Why the device's session is over by its age or idleness at `at`, or None."""
    started = device["session_started_at"] or device["enrolled_at"]
    if at - started >= dt.timedelta(seconds=settings.session_max_seconds):
        return f"the session is older than {_span(settings.session_max_seconds)}"
    seen = device["last_seen_at"] or started
    if at - seen >= dt.timedelta(seconds=settings.session_idle_seconds):
        return f"the device was idle for {_span(settings.session_idle_seconds)}"
    return None


def _span(seconds: int) -> str:
    """7 days, 12 hours, 1 hour, 90 minutes."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


async def _check_device(
    ctx: SessionContext,
    device: dict[str, Any],
    user_active: bool,
    session_generation: int,
    at: dt.datetime,
) -> None:
    """check_session, then the session limits; a session past one is ended for good (and the
    end audited) the first time a request finds it so."""
    check_session(device, user_active, session_generation)
    reason = session_limit(ctx.settings, device, at)
    if reason is not None:
        await end_session(device["id"], reason=reason)
        raise SessionEnded(f"The session has ended: {reason}. Log in again.")


# Read on every request: built once (api.lib.prepared).
_DEVICE_WITH_USER = Prepared(
    lambda: (
        Device.select(
            *Device.all_columns(),
            Device.user.username,
            Device.user.display_name,
            Device.user.roles,
            Device.user.active,
            Device.user._.organisation._.id,
            Device.user._.organisation._.name,
            Device.user._.organisation._.kind,
        )
        .where(Device.id == Param("device_id"))
        .output(load_json=True)
    )
)


async def authenticate(ctx: SessionContext, access_token: str) -> Actor:
    """Who the token's device acts for, read from the database on every request: roles,
    organisation and the account's state are those of now, not of the token's issue."""
    at = ctx.clock()
    claims = tokens.read_access_token(ctx.token_key, access_token, at)
    row = await _DEVICE_WITH_USER.first(device_id=claims.device_id)
    if row is None or row["user"] != claims.user_id:
        raise NotAuthenticated("The access token is not valid.")
    await _check_device(ctx, row, row["user.active"], claims.session_generation, at)
    if row["last_seen_at"] is None or at - row["last_seen_at"] >= LAST_SEEN_RESOLUTION:
        await Device.update({Device.last_seen_at: at}).where(Device.id == row["id"]).run()
    return Actor(
        user_id=row["user"],
        username=row["user.username"],
        display_name=row["user.display_name"],
        organisation_id=row["user.organisation.id"],
        organisation_name=row["user.organisation.name"],
        organisation_kind=row["user.organisation.kind"],
        roles=frozenset(Role(role) for role in row["user.roles"]),
        device_id=row["id"],
    )


async def me(actor: Actor) -> MeOut:
    user = await load_user(actor.user_id)
    device = await Device.select().where(Device.id == actor.device_id).first().run()
    assert user is not None and device is not None
    return MeOut(user=user, device=device_out(device, actor.username))
