"""Load and validate the covenant file; a code that does not exist fails here, at start."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import msgspec

COVENANT_FILE = Path(__file__).with_name("covenant.yaml")


class Basis(StrEnum):
    LEGAL_DUTY = "legal_duty"
    CONSENT = "consent"
    NEVER = "never"


class Label(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    nl: str
    en: str


class Category(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    label: Label
    special_category: bool


class LegalDuty(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    from_kind: str
    to_kind: str
    categories: list[str]
    conditions: list[str]


class Sharing(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    default: Basis
    rules: dict[str, dict[str, Basis]]


class Retention(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    closed_case_days: int
    audit_days: int


class Deadlines(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    followup_unclaimed_days: int
    kitchen_table_visit_after_signal_days: int
    process_steps: dict[str, int]
    retention: Retention


class Covenant(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    version: int
    organisation_kinds: dict[str, Label]
    information_categories: dict[str, Category]
    legal_duty: dict[str, LegalDuty]
    sharing: Sharing
    deadlines: Deadlines

    def basis(self, category: str, receiving_kind: str) -> Basis:
        self.require_category(category)
        self.require_kind(receiving_kind)
        return self.sharing.rules.get(category, {}).get(receiving_kind, self.sharing.default)

    def require_kind(self, code: str) -> str:
        if code not in self.organisation_kinds:
            raise CovenantError(f"unknown organisation kind {code!r}")
        return code

    def require_category(self, code: str) -> str:
        if code not in self.information_categories:
            raise CovenantError(f"unknown information category {code!r}")
        return code


class CovenantError(ValueError):
    """The covenant file, or something that refers to it, names a code that does not exist."""


def _check_references(covenant: Covenant) -> None:
    from api.cases.steps import ProcessStep

    for category, per_kind in covenant.sharing.rules.items():
        covenant.require_category(category)
        for kind in per_kind:
            covenant.require_kind(kind)
    for name, duty in covenant.legal_duty.items():
        covenant.require_kind(duty.from_kind)
        covenant.require_kind(duty.to_kind)
        for category in duty.categories:
            covenant.require_category(category)
            if covenant.basis(category, duty.to_kind) is not Basis.LEGAL_DUTY:
                raise CovenantError(
                    f"legal duty {name!r} shares {category!r} with {duty.to_kind!r}, "
                    "but the sharing rules do not say legal_duty for that pair"
                )
    known_steps = {step.value for step in ProcessStep}
    for step in covenant.deadlines.process_steps:
        if step not in known_steps:
            raise CovenantError(f"deadline for unknown process step {step!r}")


def parse_covenant(text: str | bytes) -> Covenant:
    try:
        covenant = msgspec.yaml.decode(text, type=Covenant)
    except msgspec.ValidationError as exc:
        raise CovenantError(f"covenant file is not valid: {exc}") from exc
    _check_references(covenant)
    return covenant


@lru_cache(maxsize=1)
def load_covenant(path: Path = COVENANT_FILE) -> Covenant:
    return parse_covenant(path.read_bytes())
