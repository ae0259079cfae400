"""The shape of a form definition file, checked when it loads (msgspec, unknown fields refused).

Answers are one flat mapping by question code (codes are unique in a form); a repeat group's
answer is a list of such mappings. Expressions are text in the expression language.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
FormKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Expression = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]

QuestionType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "money",
    "date",
    "time",
    "yes_no",
    "select_one",
    "select_many",
    "zrm",
    "signature",
    "photo",
    "repeat",
    "consent",
    "note",
]


class Text(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A text in both languages of the app; Dutch first."""

    nl: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    en: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Option(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    code: Code
    label: Text


class Constraint(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    code: Code
    rule: Expression
    message: Text


class ConsentGrid(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Consent asked per information category and per kind of receiving organisation."""

    categories: list[str]
    recipient_kinds: list[str]


class Question(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    code: Code
    type: QuestionType
    label: Text
    hint: Text | None = None
    required: bool | Expression = False
    relevant: Expression | None = None
    constraints: list[Constraint] = []
    computed: Expression | None = None
    # Evaluated once when a draft (or a new repeat item) starts; may not read answers.
    default: Expression | None = None
    options: list[Option] = []
    decimals: Annotated[int, msgspec.Meta(ge=0, le=6)] | None = None
    max_length: Annotated[int, msgspec.Meta(ge=1, le=20000)] | None = None
    min_items: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    max_items: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    domain: str | None = None
    consent: ConsentGrid | None = None
    signer: Literal["resident", "worker"] | None = None
    # The information category the answer belongs to (else the section's), for sharing.
    category: str | None = None
    # Which case fact this answer fills when the visit is received (see visit_forms.facts).
    fills: str | None = None
    questions: list[Question] = []


class Section(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    code: Code
    title: Text
    questions: list[Question]
    relevant: Expression | None = None
    category: str | None = None


class FollowupRule(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """When `when` holds for the answers, suggest a follow-up to this kind of organisation."""

    code: Code
    when: Expression
    recipient_kind: str
    need: Text
    categories: list[str]


class Definition(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    key: FormKey
    version: Annotated[int, msgspec.Meta(ge=1)]
    title: Text
    sections: list[Section]
    description: Text | None = None
    followups: list[FollowupRule] = []
