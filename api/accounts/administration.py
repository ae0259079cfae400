"""Functional administration: organisations, users (create, change, disable, enable, reset
password, end their sessions) and devices (list, revoke). Administrators manage the network's
people, never case data."""

from __future__ import annotations

import uuid
from typing import Any

from api.accounts import passwords
from api.accounts.roles import Role
from api.accounts.schemas import (
    DeviceOut,
    OrganisationIn,
    OrganisationOut,
    UserChangeIn,
    UserIn,
    UserOut,
)
from api.accounts.services import device_out, end_session, load_user, organisation_out, user_out
from api.accounts.tables import Device, Organisation, RefreshToken, UserAccount
from api.audit import services as audit
from api.covenant.loader import load_covenant
from api.covenant.policy import get_policy
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import AlreadyExists, Forbidden, NotFound, UnknownCode


async def _require_admin(actor: Actor, action: str, object_type: str, object_id: object) -> None:
    decision = get_policy().may_administer(actor)
    if not decision:
        await audit.record_refusal(actor, action, object_type, object_id, decision.reason)
        raise Forbidden(decision.reason)


# Organisations --------------------------------------------------------------------------------
async def list_organisations(actor: Actor) -> list[OrganisationOut]:
    await _require_admin(actor, "list", "organisation", "*")
    rows = await Organisation.select().order_by(Organisation.name).run()
    return [organisation_out(row) for row in rows]


async def create_organisation(actor: Actor, body: OrganisationIn) -> OrganisationOut:
    await _require_admin(actor, "create", "organisation", body.name)
    if body.kind not in load_covenant().organisation_kinds:
        raise UnknownCode(f"unknown organisation kind {body.kind!r}", field="kind")
    async with write_transaction():
        if await Organisation.exists().where(Organisation.name == body.name).run():
            raise AlreadyExists("An organisation with this name exists.", field="name")
        row = Organisation(id=uuid.uuid4(), name=body.name, kind=body.kind, created_at=now())
        await Organisation.insert(row).run()
        await audit.record(actor, "create", "organisation", [row.id])
    return OrganisationOut(id=row.id, name=row.name, kind=row.kind, active=True)


# Users ----------------------------------------------------------------------------------------
async def list_users(actor: Actor, organisation_id: uuid.UUID | None) -> list[UserOut]:
    await _require_admin(actor, "list", "user", organisation_id or "*")
    query = UserAccount.select(
        *UserAccount.all_columns(exclude=[UserAccount.password_hash]),
        *UserAccount.organisation.all_columns(),
    ).output(load_json=True)
    if organisation_id is not None:
        query = query.where(UserAccount.organisation == organisation_id)
    rows = await query.order_by(UserAccount.username).run()
    return [user_out(row) for row in rows]


async def create_user(actor: Actor, body: UserIn) -> UserOut:
    await _require_admin(actor, "create", "user", body.username)
    password_hash = passwords.hash_password(body.password)
    async with write_transaction():
        if not await Organisation.exists().where(Organisation.id == body.organisation_id).run():
            raise NotFound("No such organisation.", field="organisation_id")
        if await UserAccount.exists().where(UserAccount.username == body.username).run():
            raise AlreadyExists("This username is taken.", field="username")
        user_id = uuid.uuid4()
        await UserAccount.insert(
            UserAccount(
                id=user_id,
                username=body.username,
                display_name=body.display_name,
                organisation=body.organisation_id,
                roles=sorted({role.value for role in body.roles}),
                password_hash=password_hash,
                active=True,
                created_at=now(),
            )
        ).run()
        await audit.record(actor, "create", "user", [user_id])
    user = await load_user(user_id)
    assert user is not None
    return user


async def update_user(actor: Actor, user_id: uuid.UUID, body: UserChangeIn) -> UserOut:
    """Roles and organisation are read from the database on every request (not from the
    token), so the user's devices work with the change from their next request on."""
    await _require_admin(actor, "update", "user", user_id)
    changes: dict[Any, Any] = {}
    if body.display_name is not None:
        changes[UserAccount.display_name] = body.display_name
    if body.roles is not None:
        roles = sorted({role.value for role in body.roles})
        if user_id == actor.user_id and Role.FUNCTIONAL_ADMIN.value not in roles:
            raise Forbidden("Administrators cannot take away their own administration role.")
        changes[UserAccount.roles] = roles
    if body.organisation_id is not None:
        changes[UserAccount.organisation] = body.organisation_id
    async with write_transaction():
        if not await UserAccount.exists().where(UserAccount.id == user_id).run():
            raise NotFound("No such user.")
        if (
            body.organisation_id is not None
            and not await Organisation.exists().where(Organisation.id == body.organisation_id).run()
        ):
            raise NotFound("No such organisation.", field="organisation_id")
        if changes:
            await UserAccount.update(changes).where(UserAccount.id == user_id).run()
        changed = sorted(column._meta.name for column in changes)
        await audit.record(actor, "update", "user", [user_id], detail=", ".join(changed))
    user = await load_user(user_id)
    assert user is not None
    return user


async def _device_ids(user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await Device.select(Device.id).where(Device.user == user_id).run()
    return [row["id"] for row in rows]


async def end_user_sessions(actor: Actor, user_id: uuid.UUID) -> list[DeviceOut]:
    """Every device of the user answers `session_ended` at its next request: log in again,
    local data kept. Not a wipe: that is revoking a device (a lost tablet)."""
    await _require_admin(actor, "end_sessions", "user", user_id)
    if not await UserAccount.exists().where(UserAccount.id == user_id).run():
        raise NotFound("No such user.")
    rows = await (
        Device.select(Device.id)
        .where(
            (Device.user == user_id)
            & (Device.session_active == True)  # noqa: E712 (a Piccolo condition)
            & Device.revoked_at.is_null()
        )
        .run()
    )
    await audit.record(actor, "end_sessions", "user", [user_id], detail=f"{len(rows)} sessions")
    for row in rows:
        await end_session(row["id"], reason="ended by an administrator")
    return await list_devices(actor, user_id)


async def set_user_active(actor: Actor, user_id: uuid.UUID, active: bool) -> UserOut:
    """Disabling logs the user out everywhere; it does not wipe their devices."""
    action = "enable" if active else "disable"
    await _require_admin(actor, action, "user", user_id)
    if user_id == actor.user_id and not active:
        raise Forbidden("Administrators cannot disable themselves.")
    async with write_transaction():
        if not await UserAccount.exists().where(UserAccount.id == user_id).run():
            raise NotFound("No such user.")
        await (
            UserAccount.update(
                {UserAccount.active: active, UserAccount.disabled_at: None if active else now()}
            )
            .where(UserAccount.id == user_id)
            .run()
        )
        await audit.record(actor, action, "user", [user_id])
    if not active:
        for device_id in await _device_ids(user_id):
            await end_session(device_id, reason="user disabled")
    user = await load_user(user_id)
    assert user is not None
    return user


async def reset_password(actor: Actor, user_id: uuid.UUID, new_password: str) -> UserOut:
    """A reset ends every session of the user: whoever knew the old password is out."""
    await _require_admin(actor, "reset_password", "user", user_id)
    password_hash = passwords.hash_password(new_password)
    async with write_transaction():
        if not await UserAccount.exists().where(UserAccount.id == user_id).run():
            raise NotFound("No such user.")
        await (
            UserAccount.update({UserAccount.password_hash: password_hash})
            .where(UserAccount.id == user_id)
            .run()
        )
        await audit.record(actor, "reset_password", "user", [user_id])
    for device_id in await _device_ids(user_id):
        await end_session(device_id, reason="password reset")
    user = await load_user(user_id)
    assert user is not None
    return user


# Devices --------------------------------------------------------------------------------------
async def list_devices(actor: Actor, user_id: uuid.UUID | None) -> list[DeviceOut]:
    await _require_admin(actor, "list", "device", user_id or "*")
    query = Device.select(*Device.all_columns(), Device.user.username)
    if user_id is not None:
        query = query.where(Device.user == user_id)
    rows = await query.order_by(Device.enrolled_at, ascending=False).run()
    return [device_out(row, row["user.username"]) for row in rows]


async def revoke_device(actor: Actor, device_id: uuid.UUID) -> DeviceOut:
    """A lost tablet: its next request answers `device_revoked` and the app wipes itself."""
    await _require_admin(actor, "revoke", "device", device_id)
    async with write_transaction():
        device = (
            await Device.select(*Device.all_columns(), Device.user.username)
            .where(Device.id == device_id)
            .first()
            .run()
        )
        if device is None:
            raise NotFound("No such device.")
        if device["revoked_at"] is None:
            at = now()
            await (
                Device.update(
                    {
                        Device.revoked_at: at,
                        Device.revoked_by: actor.user_id,
                        Device.session_active: False,
                    }
                )
                .where(Device.id == device_id)
                .run()
            )
            await (
                RefreshToken.update({RefreshToken.used_at: at})
                .where((RefreshToken.device == device_id) & RefreshToken.used_at.is_null())
                .run()
            )
            await audit.record(actor, "revoke", "device", [device_id])
            device = {**device, "revoked_at": at, "session_active": False}
    return device_out(device, device["user.username"])
