"""What the OpenAPI document says about sign-in and errors, declared once for every controller.

Every error is RFC 9457 problem+json with a stable `code` (rendered by `api.lib.problems`); each
route lists the statuses it can answer with, so clients (and tests/integration/
test_openapi_contract.py) know them. The codes per status come from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.plugins import OpenAPISchemaPlugin

from api.lib.errors import catalogue

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition

# Routes that need a signed-in device; public ones (log in, verify a report) leave it out.
BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem. Some codes add members of their own (`errors`, `field`, ...)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    # Which part of the request was wrong, for `invalid_body` and `invalid_parameter`.
    errors: list[dict[str, Any]] | None = None


_WHAT = {
    400: "The request is malformed",
    401: "Not signed in, or the session or device is no longer valid",
    403: "The access policy refuses this",
    404: "Not found, or not for this account to see",
    409: "The request collides with what is stored",
    413: "The request body is too large",
    415: "The body's content type is not accepted",
    422: "Well-formed, but the request breaks a rule",
    429: "Too many attempts; `Retry-After` says when to try again",
}


def _description(status: int) -> str:
    codes = sorted(code for code, error in catalogue().items() if error.status == status)
    return f"{_WHAT[status]}: problem+json with `code` " + ", ".join(f"`{c}`" for c in codes)


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem responses of a route, for the handler's `responses=`."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_description(status),
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in sorted(statuses)
    }


def raw_body(*media_types: str, description: str) -> type[Operation]:
    """An `operation_class=` for a route that reads its body as bytes (`opt={"body": "raw"}`):
    Litestar documents a request body only for a `data` parameter."""
    body = RequestBody(
        required=True,
        description=description,
        content={
            media_type: OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )
            for media_type in media_types
        },
    )

    @dataclass
    class RawBodyOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return RawBodyOperation


class WireSchemas(OpenAPISchemaPlugin):
    """Schemas of wire structs as the server checks them. Litestar makes them, and leaves out
    two things msgspec enforces: unknown fields are refused (`forbid_unknown_fields`, so
    `additionalProperties: false`), and the constraints of list items (`list[Code]`)."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return (
            not field_definition.is_union
            and field_definition.is_subclass_of(msgspec.Struct)
            and field_definition.type_.__struct_config__.forbid_unknown_fields
        )

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        builtin = next(
            plugin
            for plugin in schema_creator.plugins
            if plugin is not self and schema_creator.plugin_supports_field(plugin, field_definition)
        )
        schema: Schema = builtin.to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        struct = msgspec.inspect.type_info(field_definition.type_)
        assert isinstance(struct, msgspec.inspect.StructType)
        for field in struct.fields:
            prop = (schema.properties or {}).get(field.encode_name)
            if isinstance(field.type, msgspec.inspect.ListType) and isinstance(prop, Schema):
                _add_string_constraints(prop.items, field.type.item_type)
        return schema


def _add_string_constraints(target: Any, item_type: msgspec.inspect.Type) -> None:
    if isinstance(target, Schema) and isinstance(item_type, msgspec.inspect.StrType):
        target.min_length = target.min_length or item_type.min_length
        target.max_length = target.max_length or item_type.max_length
        target.pattern = target.pattern or item_type.pattern
