"""HTTP layer of accounts: parse, guard, call the service. No rules here."""

from __future__ import annotations

import uuid

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.accounts import administration, services
from api.accounts.schemas import (
    DeviceOut,
    LoginIn,
    LoginOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    PasswordResetIn,
    RefreshIn,
    TokenPairOut,
    UserChangeIn,
    UserIn,
    UserOut,
)
from api.lib.actor import Actor
from api.lib.auth import client_address, provide_actor, session_context
from api.lib.openapi import BEARER, problems

SMALL_BODY = 16 * 1024


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login",
        operation_id="logIn",
        request_max_body_size=SMALL_BODY,
        status_code=200,
        responses=problems(400, 401, 413, 415, 429),
    )
    async def login(self, data: JSONBody[LoginIn], state: State, request: Request) -> LoginOut:
        """Check the password, enrol (or re-enrol) the device, and issue its tokens. Too many
        failures for the account, or from the client's address, answer 429 for a while, even
        to the right password. The answer alone carries the device's vault recovery secret."""
        ctx = session_context(state)
        return await services.login(
            ctx,
            username=data.username,
            password=data.password,
            device_name=data.device_name,
            device_id=data.device_id,
            address=client_address(request, ctx.settings.trusted_proxies),
        )

    @post(
        "/refresh",
        operation_id="refreshTokens",
        request_max_body_size=SMALL_BODY,
        status_code=200,
        responses=problems(400, 401, 413, 415),
    )
    async def refresh(self, data: JSONBody[RefreshIn], state: State) -> TokenPairOut:
        """Rotate the token pair; a repeat within the grace window gets the same pair."""
        return await services.refresh(session_context(state), data.refresh_token)

    @post(
        "/logout",
        operation_id="logOut",
        dependencies={"actor": Provide(provide_actor)},
        security=BEARER,
        status_code=204,
        request_max_body_size=SMALL_BODY,
        responses=problems(400, 401, 413, 415),
    )
    async def logout(self, actor: NamedDependency[Actor]) -> None:
        """End this device's session; the device stays enrolled."""
        await services.logout(actor)


class MeController(Controller):
    path = "/api/me"
    tags = ["auth"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="getMe", responses=problems(401))
    async def me(self, actor: NamedDependency[Actor]) -> MeOut:
        """The signed-in user, their organisation and roles, and this device."""
        return await services.me(actor)


class AdminController(Controller):
    path = "/api/admin"
    tags = ["administration"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER
    request_max_body_size = SMALL_BODY

    @get("/organisations", operation_id="listOrganisations", responses=problems(401, 403))
    async def list_organisations(self, actor: NamedDependency[Actor]) -> list[OrganisationOut]:
        return await administration.list_organisations(actor)

    @post(
        "/organisations",
        operation_id="createOrganisation",
        responses=problems(400, 401, 403, 409, 413, 415, 422),
    )
    async def create_organisation(
        self, actor: NamedDependency[Actor], data: JSONBody[OrganisationIn]
    ) -> OrganisationOut:
        return await administration.create_organisation(actor, data)

    @get("/users", operation_id="listUsers", responses=problems(400, 401, 403))
    async def list_users(
        self, actor: NamedDependency[Actor], organisation_id: FromQuery[uuid.UUID | None] = None
    ) -> list[UserOut]:
        return await administration.list_users(actor, organisation_id)

    @post(
        "/users", operation_id="createUser", responses=problems(400, 401, 403, 404, 409, 413, 415)
    )
    async def create_user(self, actor: NamedDependency[Actor], data: JSONBody[UserIn]) -> UserOut:
        return await administration.create_user(actor, data)

    @patch(
        "/users/{user_id:str}",
        operation_id="updateUser",
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def update_user(
        self,
        actor: NamedDependency[Actor],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[UserChangeIn],
    ) -> UserOut:
        """Change the name, roles or organisation; the user's next request already works with
        the change, with the tokens it has."""
        return await administration.update_user(actor, user_id, data)

    @post(
        "/users/{user_id:str}/end-sessions",
        operation_id="endUserSessions",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def end_user_sessions(
        self, actor: NamedDependency[Actor], user_id: FromPath[uuid.UUID]
    ) -> list[DeviceOut]:
        """Every device of the user must log in again; none is wiped (see revokeDevice)."""
        return await administration.end_user_sessions(actor, user_id)

    @post(
        "/users/{user_id:str}/disable",
        operation_id="disableUser",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def disable_user(
        self, actor: NamedDependency[Actor], user_id: FromPath[uuid.UUID]
    ) -> UserOut:
        """Log the user out on every device (their devices keep their data)."""
        return await administration.set_user_active(actor, user_id, active=False)

    @post(
        "/users/{user_id:str}/enable",
        operation_id="enableUser",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def enable_user(
        self, actor: NamedDependency[Actor], user_id: FromPath[uuid.UUID]
    ) -> UserOut:
        return await administration.set_user_active(actor, user_id, active=True)

    @post(
        "/users/{user_id:str}/reset-password",
        operation_id="resetPassword",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def reset_password(
        self,
        actor: NamedDependency[Actor],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[PasswordResetIn],
    ) -> UserOut:
        return await administration.reset_password(actor, user_id, data.new_password)

    @get("/devices", operation_id="listDevices", responses=problems(400, 401, 403))
    async def list_devices(
        self, actor: NamedDependency[Actor], user_id: FromQuery[uuid.UUID | None] = None
    ) -> list[DeviceOut]:
        return await administration.list_devices(actor, user_id)

    @post(
        "/devices/{device_id:str}/revoke",
        operation_id="revokeDevice",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415),
    )
    async def revoke_device(
        self, actor: NamedDependency[Actor], device_id: FromPath[uuid.UUID]
    ) -> DeviceOut:
        """A lost tablet: its next request tells the app to wipe its local data."""
        return await administration.revoke_device(actor, device_id)
