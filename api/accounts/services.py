"""Sessions: login and device enrolment, token rotation with a grace window, logout, and the
check every request makes against the device row."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from api.accounts import passwords, tokens
from api.accounts.roles import Role
from api.accounts.schemas import DeviceOut, MeOut, OrganisationOut, TokenPairOut, UserOut
from api.accounts.tables import Device, LoginFailure, RefreshToken, UserAccount
from api.audit import services as audit
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import (
    AccountDisabled,
    DeviceRevoked,
    InvalidCredentials,
    NotAuthenticated,
    RefreshTokenInvalid,
    SessionEnded,
    TooManyAttempts,
)
from api.settings import Settings


@dataclass(frozen=True, slots=True)
class SessionContext:
    """What session handling needs from outside: the settings and the token key."""

    settings: Settings
    token_key: bytes


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
async def _check_throttle(ctx: SessionContext, username_key: str) -> None:
    since = now() - dt.timedelta(seconds=ctx.settings.login_failure_window_seconds)
    failures = await (
        LoginFailure.select(LoginFailure.at)
        .where((LoginFailure.username_key == username_key) & (LoginFailure.at > since))
        .order_by(LoginFailure.at)
        .run()
    )
    if len(failures) >= ctx.settings.login_max_failures:
        oldest = failures[-ctx.settings.login_max_failures]["at"]
        window = dt.timedelta(seconds=ctx.settings.login_failure_window_seconds)
        wait = max(1, int((oldest + window - now()).total_seconds()) + 1)
        raise TooManyAttempts(wait)


async def login(
    ctx: SessionContext,
    *,
    username: str,
    password: str,
    device_name: str,
    device_id: uuid.UUID | None,
) -> TokenPairOut:
    username_key = username.strip().lower()
    # Failures count per username; any text may be tried, but no account's name is longer.
    throttle_key = username_key[: LoginFailure.username_key.length]
    await _check_throttle(ctx, throttle_key)
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
        await LoginFailure.insert(LoginFailure(username_key=throttle_key, at=now())).run()
        await audit.record(
            None,
            "login",
            "user",
            [row["id"] if row else username_key[:64]],
            outcome=audit.REFUSED,
            detail="bad credentials",
        )
        raise InvalidCredentials()

    user_id: uuid.UUID = row["id"]
    async with write_transaction():
        await LoginFailure.delete().where(LoginFailure.username_key == throttle_key).run()
        device = await _enrol_device(user_id, device_name, device_id)
        pair = await _issue(ctx, device, tokens.new_refresh_token())
        await audit.record(
            None,
            "login",
            "device",
            [device["id"]],
            user_id=user_id,
            device_id=device["id"],
            detail=device_name,
        )
    return pair


async def _enrol_device(
    user_id: uuid.UUID, device_name: str, device_id: uuid.UUID | None
) -> dict[str, Any]:
    at = now()
    if device_id is not None:
        existing = await Device.select().where(Device.id == device_id).first().run()
        # Re-enrol the same device only for its own user and only when not revoked; otherwise
        # the login enrols a new device rather than reveal anything about that id.
        if existing and existing["user"] == user_id and existing["revoked_at"] is None:
            generation = existing["session_generation"] + 1
            await (
                Device.update(
                    {
                        Device.session_generation: generation,
                        Device.session_active: True,
                        Device.name: device_name,
                        Device.last_seen_at: at,
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
            session_generation=1,
            session_active=True,
        )
    ).run()
    return {"id": new_id, "user": user_id, "session_generation": 1}


async def _issue(
    ctx: SessionContext,
    device: dict[str, Any],
    refresh_token: str,
    *,
    replaces: uuid.UUID | None = None,
) -> TokenPairOut:
    """Store the hash of `refresh_token` (linked from the token it replaces) and answer with it
    and a fresh access token."""
    issued_at = now().replace(microsecond=0)
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
    )


# Refresh --------------------------------------------------------------------------------------
async def refresh(ctx: SessionContext, refresh_token: str) -> TokenPairOut:
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
    check_session(device, device["user.active"], presented["session_generation"])
    if presented["expires_at"] < now():
        raise SessionEnded("The refresh token has expired; log in again.")

    successor = tokens.next_refresh_token(ctx.token_key, refresh_token)
    async with write_transaction():
        # Only one request can mark the token used; a concurrent or repeated one falls through
        # to the grace-window path below and gets the winner's pair.
        claimed = await (
            RefreshToken.update({RefreshToken.used_at: now()})
            .where((RefreshToken.id == presented["id"]) & RefreshToken.used_at.is_null())
            .returning(RefreshToken.id)
            .run()
        )
        if claimed:
            pair = await _issue(ctx, device, successor, replaces=presented["id"])
            await Device.update({Device.last_seen_at: now()}).where(Device.id == device["id"]).run()
            return pair

    return await _reused(ctx, device, presented, successor)


async def _reused(
    ctx: SessionContext, device: dict[str, Any], presented: dict[str, Any], successor: str
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
    within_grace = now() - row["used_at"] <= grace
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


async def authenticate(ctx: SessionContext, access_token: str) -> Actor:
    claims = tokens.read_access_token(ctx.token_key, access_token)
    row = await (
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
        .where(Device.id == claims.device_id)
        .output(load_json=True)
        .first()
        .run()
    )
    if row is None or row["user"] != claims.user_id:
        raise NotAuthenticated("The access token is not valid.")
    check_session(row, row["user.active"], claims.session_generation)
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
