"""The published forms, loaded with the covenant's codes; a bad form stops the server at start."""

from __future__ import annotations

from functools import lru_cache

from api.covenant.loader import Basis, Covenant, load_covenant
from visit_forms import CovenantCodes, Registry, load_published


def covenant_codes(covenant: Covenant) -> CovenantCodes:
    never = frozenset(
        (category, kind)
        for category in covenant.information_categories
        for kind in covenant.organisation_kinds
        if covenant.basis(category, kind) is Basis.NEVER
    )
    return CovenantCodes(
        organisation_kinds=frozenset(covenant.organisation_kinds),
        information_categories=frozenset(covenant.information_categories),
        never_shared=never,
        legal_duty_conditions=frozenset(
            condition for duty in covenant.legal_duty.values() for condition in duty.conditions
        ),
    )


@lru_cache(maxsize=1)
def get_registry() -> Registry:
    return load_published(covenant_codes(load_covenant()))
