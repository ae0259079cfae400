"""visit_forms: the form language, its engine and the published kitchen-table forms.

Pure: no web framework, no database. The API hands in the covenant's codes when it loads the
forms; the tablet runs a TypeScript twin of the engine against the same shared test vectors.
"""

from visit_forms.compiled import CompiledQuestion, Form
from visit_forms.engine import (
    FieldError,
    Outcome,
    Suggestion,
    defaults,
    evaluate_form,
    suggest_followups,
    suggestions_for,
    validate,
)
from visit_forms.export import export_definition
from visit_forms.loader import CovenantCodes, FormLoadError, compile_definition, load_file
from visit_forms.registry import Registry, load_published

__all__ = [
    "CompiledQuestion",
    "CovenantCodes",
    "FieldError",
    "Form",
    "FormLoadError",
    "Outcome",
    "Registry",
    "Suggestion",
    "compile_definition",
    "defaults",
    "evaluate_form",
    "export_definition",
    "load_file",
    "load_published",
    "suggest_followups",
    "suggestions_for",
    "validate",
]
