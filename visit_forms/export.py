"""The JSON a tablet receives for one form: the definition as written, plus what the loader
derived from the covenant and the dependency graph, so the TypeScript engine needs neither."""

from __future__ import annotations

from typing import Any

import msgspec

from visit_forms.compiled import Form
from visit_forms.zrm import DOMAINS, LEVELS

EXPORT_FORMAT = 1


def export_definition(form: Form) -> dict[str, Any]:
    definition: dict[str, Any] = msgspec.to_builtins(form.definition)
    return {
        "format": EXPORT_FORMAT,
        "key": form.key,
        "version": form.version,
        "sha256": form.sha256,
        "definition": definition,
        "evaluation_order": list(form.order),
        "inner_evaluation_order": {group: list(order) for group, order in form.inner_order.items()},
        "consent_pairs": {
            question.code: list(question.consent_pairs)
            for question in form.questions.values()
            if question.consent_pairs
        },
        "categories": {
            question.code: question.category
            for question in form.questions.values()
            if question.category is not None
        },
        "zrm": {
            "domains": {code: msgspec.to_builtins(label) for code, label in DOMAINS.items()},
            "levels": {str(level): msgspec.to_builtins(label) for level, label in LEVELS.items()},
        },
    }
