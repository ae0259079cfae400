"""The roles a user can hold within their organisation."""

from enum import StrEnum


class Role(StrEnum):
    FIELD_WORKER = "field_worker"
    SUPERVISOR = "supervisor"
    FUNCTIONAL_ADMIN = "functional_admin"
